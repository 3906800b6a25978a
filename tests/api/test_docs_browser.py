"""The API's documentation page in a real browser (Debian's Chromium, driven by
Playwright), under the site's Content-Security-Policy: Swagger UI starts, lists every
operation and runs one, with no policy violation, no request elsewhere and no cookie."""

from urllib.parse import urlsplit

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from tests.factories import PrisonerFactory
from tests.support import launch_chromium


@pytest.mark.django_db(transaction=True)
def test_the_docs_page_works_under_the_csp(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    PrisonerFactory(given_name="Aigul", family_name="Utepova", slug="aigul-utepova")
    console, hosts = [], set()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        page.on("console", lambda message: console.append(message.text))
        page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
        page.goto(f"{live_server.url}/api/v1/docs/")
        expect(page.get_by_text("Political prisoners in Kazakhstan: open data")).to_be_visible()
        operation = page.locator("#operations-prisoners-prisoners_list")
        expect(operation).to_be_visible()
        expect(page.locator(".opblock")).to_have_count(13)
        operation.locator(".opblock-summary").click()
        page.get_by_role("button", name="Try it out").click()
        page.get_by_role("button", name="Execute").click()
        expect(page.locator(".live-responses-table")).to_contain_text("aigul-utepova")
        cookies = page.context.cookies()
        browser.close()
    connections.close_all()
    assert [text for text in console if "Content Security Policy" in text] == []
    assert hosts == {urlsplit(live_server.url).netloc}
    assert cookies == []
