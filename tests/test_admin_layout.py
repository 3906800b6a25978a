"""The staff pages staff work in most: the prisoner form names every input and fits a 1280 px
window, the charges read as whole article titles, and the imports and exports are one click
from their lists."""

import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import (
    ArticleFactory,
    DeclarationFactory,
    PrisonerFactory,
    SourceFactory,
    TimelineEventFactory,
)
from tests.support import CHROMIUM, launch_chromium

pytestmark = pytest.mark.django_db

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "orbit lantern gravel symphony"


def fields_without_a_name(html):
    """The ids of the visible inputs, selects and textareas that have neither a <label for>
    nor an aria-label."""
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
    missing = []
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if re.search(r'type="(?:hidden|submit|button)"', tag) or "__prefix__" in tag:
            continue
        ident = re.search(r'\bid="([^"]+)"', tag)
        if "aria-label=" in tag or (ident and ident.group(1) in labelled):
            continue
        missing.append(ident.group(1) if ident else tag)
    return missing


@pytest.fixture
def prisoner():
    prisoner = PrisonerFactory(
        charges=[ArticleFactory(number="174", title="inciting social, national or ethnic discord")]
    )
    sources = SourceFactory.create_batch(3, prisoner=prisoner)
    TimelineEventFactory.create_batch(3, prisoner=prisoner, source=sources[0])
    return prisoner


def test_every_input_of_the_prisoner_form_has_a_name(role_client, prisoner):
    client = role_client("Editor")
    response = client.get(reverse("admin:prisoners_prisoner_change", args=[prisoner.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert fields_without_a_name(html) == []
    # The tabular inlines name each input by its column and its row.
    assert 'aria-label="Title, row 2"' in html
    assert 'aria-label="Delete, row 1"' in html


def test_the_timeline_is_stacked_and_the_charges_are_whole_titles(role_client, prisoner):
    client = role_client("Editor")
    html = client.get(reverse("admin:prisoners_prisoner_change", args=[prisoner.pk])).content
    html = html.decode()
    events = html.split('id="events-group"')[1][:400]
    assert 'data-inline-type="stacked"' in events
    charge = re.search(r'<label for="id_charges_\d+">(<input type="checkbox"[^>]*>)([^<]*)', html)
    assert charge.group(2).strip() == "174 (inciting social, national or ethnic discord)"
    assert " checked" in charge.group(1)


def test_the_prisoner_form_budget_does_not_grow_with_its_rows(
    role_client, prisoner, django_assert_max_num_queries
):
    client = role_client("Editor")
    ArticleFactory.create_batch(30)
    SourceFactory.create_batch(20, prisoner=prisoner)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("admin:prisoners_prisoner_change", args=[prisoner.pk]))
    assert response.status_code == 200


def object_tools(client, name):
    """The paths the buttons above a change list lead to."""
    html = client.get(reverse(name)).content.decode()
    tools = re.search(r'<ul class="object-tools">(.*?)</ul>', html, re.S).group(1)
    return {href.split("?")[0] for href in re.findall(r"href=[\"']([^\"']+)", tools)}


def test_imports_and_exports_are_linked_from_their_lists(role_client):
    DeclarationFactory()
    tools = object_tools(role_client("Editor"), "admin:prisoners_prisoner_changelist")
    assert {
        reverse("admin:prisoners_prisoner_import"),
        reverse("admin:prisoners_prisoner_export"),
    } <= tools
    campaigner = role_client("Campaigner", username="campaigner")
    tools = object_tools(campaigner, "admin:declarations_declaration_changelist")
    assert reverse("admin:declarations_declaration_export") in tools
    # The signatures' export sits beside the links to held and trending signatures.
    dpo = role_client("Data protection officer", username="dpo")
    tools = object_tools(dpo, "admin:campaigns_signature_changelist")
    assert {
        reverse("admin:campaigns_signature_export"),
        reverse("admin:campaigns_signature_held"),
        reverse("admin:campaigns_signature_trending"),
    } <= tools


def totp_code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


@pytest.mark.django_db(transaction=True)
def test_the_prisoner_form_fits_1280_px_and_axe_finds_no_unlabelled_field(live_server, monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not os.path.exists(CHROMIUM) or not AXE.exists():
        pytest.fail("needs Debian's chromium and node_modules/axe-core (`make test`)")
    user = get_user_model().objects.create_superuser("layout", "layout@example.org", PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    prisoner = PrisonerFactory(charges=[ArticleFactory(number="405", title="participation " * 8)])
    sources = [
        SourceFactory(prisoner=prisoner, title="A very long report title " * 6) for _ in range(3)
    ]
    TimelineEventFactory.create_batch(3, prisoner=prisoner, source=sources[0])
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(live_server.url + reverse("admin:index"))
        page.locator("input[name='auth-username']").fill(user.username)
        page.locator("input[name='auth-password']").fill(PASSWORD)
        page.locator("form button.btn-primary").click()
        page.locator("input[name='token-otp_token']").fill(totp_code(device))
        page.locator("form button.btn-primary").click()
        page.wait_for_url(live_server.url + reverse("admin:index"))
        page.goto(live_server.url + reverse("admin:prisoners_prisoner_change", args=[prisoner.pk]))
        width = page.evaluate("() => document.documentElement.scrollWidth")
        page.evaluate(AXE.read_text())
        violations = page.evaluate(
            """async () => (await axe.run(document, {runOnly: {type: "rule",
                values: ["label", "select-name", "list", "aria-prohibited-attr"]}}))
                .violations.map((v) => v.id + ": " + v.nodes.map((n) => n.target).join(", "))"""
        )
        browser.close()
    assert width <= 1280
    assert violations == []
