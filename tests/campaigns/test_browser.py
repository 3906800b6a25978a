"""End to end in a real browser (Debian's Chromium, driven by Playwright): a reader finds
a prisoner, signs the petition, confirms from the email, sees the count rise, unsubscribes."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from outbox import tasks as outbox_tasks
from tests.support import launch_chromium


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        yield page
        browser.close()
        # The ORM calls made while Playwright's loop ran used a connection of their own
        # context; close it here, or the test database cannot be dropped at the end.
        connections.close_all()


def link_in(message, path):
    return next(word for word in message.body.split() if path in word)


@pytest.mark.django_db(transaction=True)
def test_sign_confirm_and_unsubscribe_in_a_browser(live_server, settings, browser_page):
    settings.SITE_URL = live_server.url
    call_command("load_demo")
    page = browser_page

    page.goto(f"{live_server.url}/prisoners/duman-mukhametkarim/")
    expect(page.get_by_role("heading", name="How to help")).to_be_visible()
    page.get_by_role("link", name="Sign the petition: Release Duman Mukhametkarim").click()
    expect(page.get_by_role("heading", name="0 signatures")).to_be_visible()

    page.get_by_label("Your name").fill("Aigerim Reader")
    page.get_by_label("Email", exact=True).fill("reader@example.org")
    page.get_by_label("Country", exact=True).select_option("DE")
    page.get_by_label("Show my first name").check()
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_role("heading", name="check your email")).to_be_visible()

    assert outbox_tasks.send_due_emails() == 1
    [message] = mail.outbox
    page.goto(link_in(message, "/confirm/"))
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.get_by_text("now has 1 signature")).to_be_visible()
    assert page.context.cookies() == []  # signing left nothing on the device
    page.get_by_role("link", name="Back to the petition").click()
    expect(page.get_by_role("heading", name="1 signature")).to_be_visible()
    expect(page.get_by_text("Aigerim, Germany")).to_be_visible()

    page.goto(link_in(message, "/unsubscribe/"))
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_text("You are unsubscribed")).to_be_visible()
