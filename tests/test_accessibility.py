"""Accessibility and Content-Security-Policy of every kind of page, in a real browser.

Each public page is opened in English, Russian and Kazakh, 390 px and 1280 px wide, in Debian's
Chromium (driven by Playwright) against the live server, with the site's CSP in force:
- the browser must report no CSP violation in its console (the site has no inline script
  or style, and loads nothing from elsewhere);
- nothing may scroll sideways, at either width; and on public pages no visible element may
  stick out past the viewport's right edge even where the page cannot scroll (an ancestor,
  or the body, with overflow hidden would hide it from the first check): only elements
  clipped to nothing for screen readers, and those inside a scrolling box that itself fits,
  are allowed past it;
- axe-core (node_modules/axe-core, installed by `make test` from package.json) must find
  no violation of the WCAG 2.1 A and AA rules.

axe is put in the page with page.evaluate, which DevTools runs outside the page's CSP, so
the browser context never bypasses the CSP and the CSP check sees what a visitor gets. The
console is read before axe runs: axe's own probing (it copies stylesheets into <style>
elements) is refused by the CSP too, and that is not the site's doing.

Staff pages are checked for CSP violations and sideways scrolling in every language (the
admin answers in English whatever the browser asks for, for now) at both widths, and with
axe in English at 1280 px. The admin's markup is mostly Django's: a violation that comes
from Django's or a package's templates, not ours, goes in ADMIN_ALLOWED (rule, where, why)
and is printed, not failed.

A11Y_SCREENSHOTS=/some/folder saves a full-page screenshot of every page checked.
"""

import io
import os
import re
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import sync_playwright

from campaigns.models import Campaign, LetterAction, Petition, Signature
from campaigns.services import signature_create
from campaigns.services.privacy import prepare_privacy_email
from campaigns.services.signing import confirm_url, withdraw_url
from declarations.models import Declaration, Parliamentarian
from declarations.services.godparents import godparent_answer, godparent_invite, godparent_token
from prisoners.models import Prisoner
from supporters.services import unsubscribe_url
from tests.support import launch_chromium

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NARROW, WIDE = 390, 1280
COMBINATIONS = [(language, width) for language in ("en", "ru", "kk") for width in (NARROW, WIDE)]
PASSWORD = "orbit lantern gravel symphony"
SCREENSHOTS = os.environ.get("A11Y_SCREENSHOTS")

# Violations on staff pages that come from markup we do not write: (axe rule, a pattern
# that every offending element's selector or HTML matches, why it is not ours). Anything
# else fails. Empty while Django's and two_factor's markup passes as we style it.
ADMIN_ALLOWED: list[tuple[str, str, str]] = [
    (
        "label",
        r"select2-search__field",
        "the search box that Django's autocomplete widget (select2) opens has no label",
    ),
    (
        "aria-input-field-name",
        r"select2-selection|select2-.*-container",
        "Django's autocomplete widget (select2) names its combobox by an id it never sets",
    ),
]

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target.join(" "), html: n.html.slice(0, 200), summary: n.failureSummary,
    })),
  }));
}"""

# Every visible element whose right edge is past the viewport's. Not counted: what is not
# drawn (display none, closed <details>, nothing to show), what is clipped away for screen
# readers only (the visually-hidden pattern), and what sits in a box that scrolls sideways
# while the box itself fits in the viewport.
OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  const clippedAway = (e) => {
    for (let a = e; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.display === "none" || style.visibility === "hidden") return true;
      if (style.clipPath === "inset(50%)" || style.clip === "rect(0px, 0px, 0px, 0px)") return true;
      const box = a.getBoundingClientRect();
      if (style.overflow === "hidden" && box.width <= 1 && box.height <= 1) return true;
    }
    return false;
  };
  const inFittingScroller = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (/auto|scroll/.test(getComputedStyle(a).overflowX)
          && a.getBoundingClientRect().right <= limit + 1) return true;
    }
    return false;
  };
  return [...document.querySelectorAll("body *")]
    .filter((e) => {
      const box = e.getBoundingClientRect();
      return box.right > limit + 1 && (box.width > 0 || box.height > 0)
        && !clippedAway(e) && !inFittingScroller(e);
    })
    .slice(0, 5)
    .map((e) => {
      const classes = typeof e.className === "string" ? e.className.trim().split(/\\s+/) : [];
      return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
        + classes.filter(Boolean).map((c) => "." + c).join("")
        + " (right edge " + Math.round(e.getBoundingClientRect().right) + "px)";
    })
    .join(", ");
}"""


class Findings:
    def __init__(self):
        self.problems = []
        self.allowed = []

    def add(self, where, what):
        self.problems.append(f"{where}: {what}")


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `npm ci` installs it (`make test` does)")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()
        # The ORM calls made while Playwright's loop ran used a connection of their own
        # context; close it here, or the test database cannot be dropped at the end.
        connections.close_all()


class Checker:
    """One browser context (a language and a width) with the CSP in force, which checks
    the page it has open."""

    def __init__(self, browser, live, findings, language, width, *, storage_state=None):
        self.live, self.findings = live, findings
        self.language, self.width = language, width
        self.context = browser.new_context(
            viewport={"width": width, "height": 900},
            locale={"ru": "ru-RU", "kk": "kk-KZ"}.get(language, "en-GB"),
            storage_state=storage_state,
        )
        self.page = self.context.new_page()
        self.console = []
        self.page.on("console", lambda message: self.console.append(message.text))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.context.close()

    def at(self, path):
        """A public path in this context's language: Russian pages live under /ru/."""
        return path if self.language == "en" else f"/{self.language}{path}"

    def link(self, make_url):
        """The path of an emailed link, made in this context's language."""
        with translation.override(self.language):
            url = make_url()
        assert url.startswith(self.live), url
        return url[len(self.live) :]

    def open(self, path, name, **options):
        self.console.clear()
        response = self.page.goto(self.live + path)
        self.check(name, **options)
        return response

    def submit(self, name, button="main form button[type=submit]", **options):
        """Press a form's button; check the page it leads to, unless name is None."""
        self.console.clear()
        with self.page.expect_navigation() as navigation:
            self.page.locator(button).click()
        if name is not None:
            self.check(name, **options)
        return navigation.value

    def check(self, name, *, axe=True, scroll=True, staff=False):
        """Check the page now open. The console since the last navigation is its own."""
        where = f"{name} [{self.language}, {self.width}px] {self.page.url[len(self.live) :]}"
        self.page.wait_for_load_state("load")
        # The page's width, and the viewport's (less a scroll bar, if one takes room). Also a
        # round trip, after which the page's console messages have all come in.
        scroll_width, client_width = self.page.evaluate(
            "() => [document.documentElement.scrollWidth,"
            " Math.min(window.innerWidth, document.documentElement.clientWidth)]"
        )
        for text in self.console:
            if "Content Security Policy" in text:
                self.findings.add(where, f"CSP violation: {text}")
        self.console.clear()
        if scroll and scroll_width > client_width:
            self.findings.add(
                where,
                f"scrolls sideways: {scroll_width}px wide in {client_width}px: "
                + self.page.evaluate(OVERFLOWING),
            )
        elif scroll and not staff and (sticking_out := self.page.evaluate(OVERFLOWING)):
            self.findings.add(where, f"sticks out of the {client_width}px viewport: {sticking_out}")
        if SCREENSHOTS:
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            self.page.screenshot(
                path=Path(SCREENSHOTS) / f"{slug}-{self.language}-{self.width}.png",
                full_page=True,
            )
        if axe:
            self.run_axe(where, staff)

    def run_axe(self, where, staff):
        if not self.page.evaluate("() => typeof axe !== 'undefined'"):
            self.page.evaluate(axe_source())
        for violation in self.page.evaluate(AXE_RUN, WCAG_21_AA):
            nodes = violation["nodes"]
            reason = staff and allowed_reason(violation["id"], nodes)
            if reason:
                self.findings.allowed.append(f"{where}: {violation['id']}: {reason}")
                continue
            targets = "; ".join(f"`{n['target']}` ({first_reason(n)})" for n in nodes[:5])
            more = f" (and {len(nodes) - 5} more)" if len(nodes) > 5 else ""
            self.findings.add(
                where,
                f"axe {violation['id']} ({violation['impact']}): {violation['help']}: "
                f"{targets}{more}",
            )


def first_reason(node):
    """The first of axe's reasons for a failing element (it lists every way to pass)."""
    reasons = [
        line.strip()
        for line in (node["summary"] or "").splitlines()
        if line.strip() and not line.startswith("Fix ")
    ]
    return reasons[0] if reasons else "no reason given"


def axe_source(_read={}):  # noqa: B006 - read once per run
    if "source" not in _read:
        _read["source"] = AXE.read_text(encoding="utf-8")
    return _read["source"]


def allowed_reason(rule, nodes):
    for allowed_rule, pattern, reason in ADMIN_ALLOWED:
        if allowed_rule == rule and all(
            re.search(pattern, n["target"]) or re.search(pattern, n["html"]) for n in nodes
        ):
            return reason
    return None


# The data ------------------------------------------------------------------------------


def demo_objects():
    Prisoner.objects.filter(slug="duman-mukhametkarim").update(letters_accepted=True)
    prisoner = Prisoner.objects.get(slug="duman-mukhametkarim")
    campaign = Campaign.objects.get(slug="free-the-journalists")
    declaration = Declaration.objects.public().order_by("pk").first()
    members = Parliamentarian.objects.filter(signatories__declaration=declaration)
    member, godparent = members[0], members[1]
    # A godparent on the profile and on the member's page, and an open invitation.
    accepted, _ = godparent_invite(prisoner=prisoner, parliamentarian=godparent)
    godparent_answer(godparenthood=accepted, answer="accept")
    invitation, _ = godparent_invite(prisoner=prisoner, parliamentarian=member)
    return SimpleNamespace(
        prisoner=prisoner,
        campaign=campaign,
        petition=Petition.objects.get(campaign=campaign),
        letter=LetterAction.objects.get(campaign=campaign),
        declaration=declaration,
        member=member,
        godparent=godparent,
        invitation=invitation,
    )


_signers = iter(range(10_000))


def new_signature(petition, ip=None, domain="example.org"):
    n = next(_signers)
    return signature_create(
        petition=petition,
        name=f"Reader {n}",
        email=f"reader{n}@{domain}",
        country="DE",
        ip=ip or f"203.0.113.{n % 250 + 1}",
    )


def signatures_for_the_staff_pages(petition):
    """Confirmed signatures over the last two weeks (the dashboard's chart), and a burst
    from one network in the last hour, held for review (the held and trending pages)."""
    for days_ago in (13, 9, 9, 6, 3, 3, 3, 1, 0):
        signature = new_signature(petition, ip=f"198.51.100.{days_ago}")
        signature.confirm()
        Signature.objects.filter(pk=signature.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
    saved = settings.SIGNING_ADDRESS_LIMITS
    settings.SIGNING_ADDRESS_LIMITS = [(0, 60)]
    try:
        for _ in range(3):
            new_signature(petition, ip="192.0.2.9", domain="burst.example").confirm()
    finally:
        settings.SIGNING_ADDRESS_LIMITS = saved
    assert Signature.objects.held().filter(supporter__email__endswith="@burst.example").count() == 3


def staff_member():
    user = get_user_model().objects.create_superuser("a11y", "a11y@example.org", PASSWORD)
    return user, TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def totp_code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


# The test ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_pages_are_accessible_keep_to_the_csp_and_fit_a_phone(live_server, settings, browser):
    started = time.monotonic()
    settings.SITE_URL = live_server.url
    settings.PRIVACY_LIMITS = [(100, 60)]  # one request from each context
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    call_command("load_demo", stdout=io.StringIO())
    data = demo_objects()
    findings = Findings()

    for language, width in COMBINATIONS:
        with Checker(browser, live_server.url, findings, language, width) as checker:
            check_public_pages(checker, data)
    check_staff_pages(browser, live_server.url, findings, data)

    if findings.allowed:
        print("Violations in the admin's own markup, allowed:", *findings.allowed, sep="\n  ")
    print(f"Checked in {time.monotonic() - started:.0f} s")
    assert not findings.problems, "\n" + "\n".join(findings.problems)


def check_public_pages(checker, data):
    at, page = checker.at, checker.page
    checker.open(at(reverse("prisoners:list")), "prisoner list")
    # Filters in use open their disclosure; a search keeps it closed.
    checker.open(
        at(reverse("prisoners:list") + f"?status=convicted&case={data.prisoner.case.slug}"),
        "prisoner list filtered",
    )
    checker.open(at(reverse("prisoners:list") + "?q=Mukhametkarim"), "prisoner list searched")
    checker.open(at(reverse("prisoners:list") + "?status=jailed"), "prisoner list refused filter")
    checker.open(at(data.prisoner.get_absolute_url()), "prisoner profile")
    checker.open(at(reverse("prisoners:cases")), "case list")
    checker.open(at(data.prisoner.case.get_absolute_url()), "case")
    checker.open(at(reverse("prisoners:upcoming")), "upcoming dates")
    checker.open(at(reverse("campaigns:list")), "campaign list")
    checker.open(at(data.campaign.get_absolute_url()), "campaign")
    checker.open(at(data.petition.get_absolute_url()), "petition")
    checker.submit("petition with errors")
    # The thank-you page as a signer meets it, with the copy-link box of the real address.
    page.locator("main input[name=name]").fill("Aigul Example")
    page.locator("main input[name=email]").fill(
        f"a11y-{checker.language}-{checker.width}@example.org"
    )
    page.locator("main select[name=country]").select_option("KZ")
    checker.submit("thanks")
    assert page.url.endswith(reverse("campaigns:thanks", args=[data.petition.slug]))
    assert page.locator("#share-link").count() == 1

    signature = new_signature(data.petition)
    checker.open(checker.link(lambda: confirm_url(signature)), "confirmation")
    checker.submit("confirmed")
    assert Signature.objects.get(pk=signature.pk).status == Signature.Status.CONFIRMED

    checker.open(at(data.letter.get_absolute_url()), "letter")
    page.locator("main textarea[name=body]").fill("")
    checker.submit("letter with errors")
    checker.open(at(reverse("campaigns:message", args=[data.prisoner.slug])), "message")
    checker.submit("message with errors")
    checker.open(at(reverse("campaigns:privacy")), "privacy")
    checker.submit("privacy with errors")
    page.locator("main input[name=email]").fill(signature.supporter.email)
    checker.submit("privacy requested")
    email = SimpleNamespace(to=signature.supporter.email)
    checker.open(checker.link(lambda: prepare_privacy_email(email)["url"]), "privacy manage")
    response = checker.open(at("/confirm/garbage/"), "invalid link")
    assert response.status == 400
    checker.open(checker.link(lambda: unsubscribe_url(signature.supporter)), "unsubscribe")
    leaving = new_signature(data.petition)
    leaving.confirm()
    checker.open(checker.link(lambda: withdraw_url(leaving)), "withdraw")
    checker.submit("withdrawn")
    assert not Signature.objects.filter(pk=leaving.pk).exists()
    checker.open(at(reverse("declarations:list")), "declaration list")
    checker.open(at(data.declaration.get_absolute_url()), "declaration")
    checker.open(at(data.member.get_absolute_url()), "parliamentarian")
    checker.open(at(data.godparent.get_absolute_url()), "parliamentarian godparent")
    token = godparent_token(data.invitation)
    checker.open(at(reverse("declarations:godparent", args=[token])), "godparent invitation")
    response = checker.open(at("/prisoners/nobody-by-this-name/"), "not found")
    assert response.status == 404


def check_staff_pages(browser, live, findings, data):
    """axe in English at 1280 px (the admin's markup is mostly Django's); the CSP at both
    widths in every language. The lockout comes last: it pauses sign-in from this address."""
    signatures_for_the_staff_pages(data.petition)
    user, device = staff_member()
    login = reverse("two_factor:login")
    pages = [
        (reverse("admin:index"), "admin index"),
        (reverse("admin:campaigns_signature_held"), "held signatures"),
        (reverse("admin:campaigns_signature_trending"), "trending"),
        (reverse("admin:campaigns_campaign_dashboard", args=[data.campaign.pk]), "dashboard"),
        (reverse("admin:campaigns_signature_export"), "export"),
        (reverse("admin:prisoners_prisoner_letter_kit"), "letter-evening kit"),
        (reverse("admin:campaigns_petition_delivery_pdf", args=[data.petition.pk]), "delivery"),
        (reverse("admin:campaigns_campaignupdate_add"), "new campaign update"),
        (reverse("admin:declarations_godparenthood_changelist"), "godparents"),
        (reverse("admin:declarations_declaration_change", args=[data.declaration.pk]), "decl."),
        (reverse("two_factor:profile"), "two-factor profile"),
    ]
    staff = {"staff": True}

    with Checker(browser, live, findings, "en", WIDE) as checker:
        checker.open(login, "two-factor login", **staff)
        checker.page.locator("input[name='auth-username']").fill(user.username)
        checker.page.locator("input[name='auth-password']").fill(PASSWORD)
        checker.submit("two-factor code", button="form button.btn-primary", **staff)
        checker.page.locator("input[name='token-otp_token']").fill(totp_code(device))
        checker.submit("admin index", button="form button.btn-primary", axe=False, **staff)
        assert checker.page.url == live + reverse("admin:index"), "the sign-in failed"
        for path, name in pages:
            checker.open(path, name, **staff)
        signed_in = checker.context.storage_state()

    for language, width in COMBINATIONS:
        if (language, width) == ("en", WIDE):
            continue
        with Checker(browser, live, findings, language, width, storage_state=signed_in) as checker:
            for path, name in pages:
                checker.open(path, name, axe=False, **staff)

    # English at 1280 px first: it meets the failed sign-ins, which axe checks too.
    for language, width in sorted(COMBINATIONS, key=lambda pair: pair != ("en", WIDE)):
        with Checker(browser, live, findings, language, width) as checker:
            axe = (language, width) == ("en", WIDE)
            checker.open(login, "two-factor login", axe=axe, **staff)
            for attempt in range(settings.AXES_FAILURE_LIMIT):
                checker.page.locator("input[name='auth-username']").fill("nobody")
                checker.page.locator("input[name='auth-password']").fill("wrong")
                response = checker.submit(None, button="form button.btn-primary")
                if response.status == 429:
                    break
                checker.check("failed sign-in", axe=axe and attempt == 0, **staff)
            assert response.status == 429, "five failed sign-ins did not pause sign-in"
            checker.check("lockout", axe=axe, **staff)
