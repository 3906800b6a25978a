"""Signing a petition: confirmation, counting, duplicates, abuse limits, nothing lost."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import services, tasks
from campaigns.models import Campaign, Signature
from outbox import tasks as outbox_tasks
from outbox.models import OutgoingEmail
from supporters.models import BlockedDomain, Supporter
from supporters.services import email_key
from tests.factories import PetitionFactory, PrisonerFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Aigul Example",
    "email": "Aigul.Example+petitions@gmail.com",
    "country": "DE",
    "comment": "Free them",
    "show_name": "on",
}


def sign(client, petition, ip="203.0.113.5", follow=False, **changes):
    return client.post(
        petition.get_absolute_url(), {**FORM, **changes}, REMOTE_ADDR=ip, follow=follow
    )


def send_outbox():
    return outbox_tasks.send_due_emails()


def confirm_link(message):
    start = message.body.index("http://")
    return message.body[start:].split()[0].replace("http://127.0.0.1:8000", "")


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Aigul.Example+petitions@Gmail.com", "aigulexample@gmail.com"),
        ("a.b@googlemail.com", "ab@gmail.com"),
        ("Name+tag@outlook.com", "name@outlook.com"),
        ("first.last+x@example.org", "first.last+x@example.org"),
    ],
)
def test_email_matching_key(typed, key):
    assert email_key(typed) == key


def test_sign_confirm_and_count(client):
    petition = PetitionFactory()
    response = sign(client, petition)
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:thanks", args=[petition.slug])
    signature = Signature.objects.get()
    assert signature.status == "pending" and signature.ip_hash and "203.0" not in signature.ip_hash
    assert signature.supporter.email == FORM["email"]  # kept as typed, for sending
    assert petition.count == 0

    assert send_outbox() == 1
    [message] = mail.outbox
    assert message.to == [FORM["email"]]
    assert message.alternatives and "Confirm my signature" in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Opening the link (as a mail gateway that scans links does) confirms nothing.
    page = client.get(confirm_link(message))
    assert page.status_code == 200 and "Confirm my signature" in page.content.decode()
    assert petition.count == 0 and Signature.objects.get().status == "pending"
    page = client.post(confirm_link(message))
    assert page.status_code == 200
    assert "now has 1 signature" in " ".join(page.content.decode().split())
    assert petition.count == 1
    client.post(confirm_link(message))  # a second click counts nothing more
    assert petition.count == 1
    html = client.get(petition.get_absolute_url()).content.decode()
    assert "Aigul, Germany" in html and "Example" not in html.split("Recent signers")[1]


def test_a_second_submission_resends_within_limits(client, settings):
    settings.SIGNING_RESEND_COOLDOWN = datetime.timedelta(0)
    settings.SIGNING_ADDRESS_LIMITS = [(100, 60)]
    petition = PetitionFactory()
    for _ in range(7):
        assert sign(client, petition, email="aigulexample@gmail.com").status_code == 302
    assert Signature.objects.count() == 1 and Supporter.objects.count() == 1
    assert OutgoingEmail.objects.count() == 5  # SIGNING_MAX_EMAILS
    assert Signature.objects.get().confirmation_emails == 5


def test_a_stranger_typing_a_known_address_changes_nothing_of_its_supporter(client, settings):
    """One supporter per address as the provider routes it. Whoever submits it later has
    not proved it is theirs: the name, country, language and address as first typed stay,
    and the email of the second petition goes to that address, in those words."""
    settings.SIGNING_ADDRESS_LIMITS = [(100, 60)]
    first, second = PetitionFactory(), PetitionFactory()
    assert sign(client, first).status_code == 302
    stranger = {"name": "Someone Else", "email": "aigulexample@googlemail.com", "country": "RU"}
    assert client.post(f"/ru{second.get_absolute_url()}", stranger).status_code == 302
    supporter = Supporter.objects.get()
    assert (supporter.name, supporter.country, supporter.language, supporter.email) == (
        "Aigul Example",
        "DE",
        "en",
        FORM["email"],
    )
    assert supporter.signatures.count() == 2 and supporter.consents.count() == 2
    send_outbox()
    assert [m.to for m in mail.outbox] == [[FORM["email"]], [FORM["email"]]]
    assert "Aigul" in mail.outbox[1].body and "Someone" not in mail.outbox[1].body


def test_the_answer_is_the_same_whatever_the_database_holds(client, settings):
    """Nobody can use the form to learn whether an address signed: new, pending, confirmed
    and held submissions get the same page, byte for byte. The email tells the owner."""
    settings.SIGNING_ADDRESS_LIMITS = [(100, 60)]
    petition = PetitionFactory()

    def answer(**changes):
        response = sign(client, petition, follow=True, **changes)
        assert response.redirect_chain == [(reverse("campaigns:thanks", args=[petition.slug]), 302)]
        assert "Set-Cookie" not in response and not response.cookies
        return response.content

    new = answer(email="new.person@example.org")
    pending = answer(email="new.person@example.org")
    Signature.objects.get(supporter__email="new.person@example.org").confirm()
    confirmed = answer(email="new.person@example.org")
    settings.SIGNING_ADDRESS_LIMITS = [(0, 60)]
    held = answer(email="someone.else@example.org")
    assert new == pending == confirmed == held
    assert Signature.objects.get(supporter__email="someone.else@example.org").held

    send_outbox()
    [*confirmations, already] = [m for m in mail.outbox if m.to == ["new.person@example.org"]]
    assert len(confirmations) == 1 and "Confirm your signature" in confirmations[0].subject
    assert "You have already signed" in already.subject


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_submissions_make_one_signature_and_one_email(settings):
    settings.SIGNING_ADDRESS_LIMITS = [(1000, 60)]
    settings.SIGNING_NETWORK_LIMITS = [(1000, 60)]
    petition = PetitionFactory()
    barrier = threading.Barrier(50)
    errors = []

    def submit(n):
        try:
            barrier.wait(timeout=30)
            services.signature_create(
                petition=petition,
                name="Same Person",
                email="same.person@gmail.com",
                country="FR",
                ip=f"198.51.100.{n}",
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:3]
    assert Signature.objects.count() == 1
    assert Supporter.objects.count() == 1
    assert OutgoingEmail.objects.count() == 1


def test_signatures_survive_a_broker_outage(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from outbox import handover

    attempts = []

    def broker_down(*args, **kwargs):
        attempts.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(outbox_tasks.send_outgoing_email, "apply_async", broker_down)
    petition = PetitionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert sign(client, petition).status_code == 302
    assert handover.wait_until_handed_over()
    assert len(attempts) == 1, "the hand-over to the broker was never attempted"
    assert Signature.objects.count() == 1
    [email] = OutgoingEmail.objects.all()
    assert email.status == "queued" and not mail.outbox
    monkeypatch.undo()  # the broker is back: the beat sweep sends it
    assert send_outbox() == 1 and len(mail.outbox) == 1
    assert send_outbox() == 0  # and never twice


def test_failed_sends_are_retried_with_backoff_then_shown_to_staff(client, settings, admin_client):
    settings.EMAIL_BACKEND = "tests.campaigns.broken_smtp.EmailBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 2
    sign(client, PetitionFactory())
    assert send_outbox() == 0
    email = OutgoingEmail.objects.get()
    assert email.status == "queued" and email.attempts == 1
    assert email.next_attempt_at > timezone.now() + datetime.timedelta(seconds=90)
    assert "Connection refused" in email.last_error
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    send_outbox()
    email.refresh_from_db()
    assert email.status == "failed"

    failed = admin_client.get(
        reverse("admin:outbox_outgoingemail_changelist"), {"status__exact": "failed"}
    )
    assert failed.context["cl"].result_count == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin_client.post(
        reverse("admin:outbox_outgoingemail_changelist"),
        {"action": "retry", "_selected_action": [email.pk]},
    )
    assert send_outbox() == 1 and len(mail.outbox) == 1


def test_over_the_limit_a_signature_is_held_not_refused(client):
    """As on the UK Parliament petitions site: the same answer, the same confirmation
    email, but the signature does not count until staff validate it. Limits hold across
    petitions."""
    first, second = PetitionFactory(), PetitionFactory()
    for n in range(3):
        assert (
            sign(client, first if n % 2 else second, email=f"p{n}@example.org").status_code == 302
        )
    over = sign(client, second, email="p3@example.org")
    assert over.status_code == 302
    held = Signature.objects.get(supporter__email="p3@example.org")
    assert held.held and held.hold_reason == "address"
    assert not Signature.objects.filter(held=True).exclude(pk=held.pk).exists()
    send_outbox()
    assert len(mail.outbox) == 4  # the held signer is asked to confirm like anyone else
    for signature in Signature.objects.all():
        signature.confirm()
    assert first.count + second.count == 3
    held.validate()
    assert second.count == 3
    assert sign(client, first, ip="198.51.100.7", email="other@example.org").status_code == 302
    assert not Signature.objects.get(supporter__email="other@example.org").held


def test_honeypot_saves_nothing(client):
    petition = PetitionFactory()
    assert sign(client, petition, website="http://spam.example").status_code == 302
    assert not Signature.objects.exists() and not OutgoingEmail.objects.exists()


def test_blocked_domain_is_refused_beside_the_field(client):
    BlockedDomain.objects.create(domain="mailinator.com")
    response = sign(client, PetitionFactory(), email="bot@mailinator.com")
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [
        "Addresses at mailinator.com cannot sign; please use another address."
    ]


def test_invalid_form_keeps_what_was_typed_and_explains(client):
    response = sign(client, PetitionFactory(), email="not-an-email", name="")
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Enter an email address in the correct format, like name@example.com" in html
        and "Enter your name" in html
    )
    assert 'value="not-an-email"' in html
    assert not Signature.objects.exists()


def test_closed_petition_says_so(client):
    petition = PetitionFactory(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    assert "This petition is closed" in client.get(petition.get_absolute_url()).content.decode()
    sign(client, petition)
    assert not Signature.objects.exists()
    ended = PetitionFactory(campaign__status=Campaign.Status.CLOSED)
    assert "This petition is closed" in client.get(ended.get_absolute_url()).content.decode()


def test_draft_campaigns_are_not_public(client):
    petition = PetitionFactory(campaign__status=Campaign.Status.DRAFT)
    assert client.get(petition.get_absolute_url()).status_code == 404
    assert client.get(petition.campaign.get_absolute_url()).status_code == 404


def test_tampered_and_expired_links(client, settings):
    sign(client, PetitionFactory())
    send_outbox()
    link = confirm_link(mail.outbox[0])
    response = client.get(link[:-3] + "xx/")
    assert response.status_code == 400 and "has been changed" in response.content.decode()
    settings.SIGNING_CONFIRM_MAX_AGE = -1
    response = client.get(link)
    assert response.status_code == 410 and "has expired" in response.content.decode()
    assert Signature.objects.get().status == "pending"


def test_unsubscribe_link_and_one_click(client):
    sign(client, PetitionFactory())
    send_outbox()
    url = (
        mail.outbox[0]
        .extra_headers["List-Unsubscribe"]
        .strip("<>")
        .replace("http://127.0.0.1:8000", "")
    )
    page = client.get(url)
    assert page.status_code == 200 and Supporter.objects.get().unsubscribed_at is None
    client.post(url, {"List-Unsubscribe": "One-Click"})
    assert Supporter.objects.get().unsubscribed_at is not None
    assert "You are unsubscribed" in client.get(url).content.decode()
    assert client.get("/unsubscribe/garbage/").status_code == 400


def test_text_is_escaped(client, settings):
    settings.SIGNING_ADDRESS_LIMITS = [(100, 60)]
    petition = PetitionFactory()
    sign(client, petition, name="<script>alert(1)</script>")
    Signature.objects.get().confirm()
    html = client.get(petition.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_petition_page_budget_and_no_count_star(client, settings):
    petition = PetitionFactory()
    settings.SIGNING_ADDRESS_LIMITS = [(1000, 60)]
    settings.SIGNING_NETWORK_LIMITS = [(1000, 60)]
    for n in range(60):
        services.signature_create(
            petition=petition,
            name=f"Signer {n}",
            email=f"s{n}@example.org",
            country="FR",
            show_name=True,
            ip=f"192.0.2.{n}",
        ).confirm()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(petition.get_absolute_url())
    assert "60 signatures" in " ".join(response.content.decode().split())
    assert len(queries) <= 4
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def test_invalidating_a_signature_takes_it_off_the_count(admin_client):
    petition = PetitionFactory()
    result = services.signature_create(
        petition=petition, name="A B", email="a@example.org", country="FR", ip="192.0.2.1"
    )
    result.confirm()
    assert petition.count == 1
    admin_client.post(
        reverse("admin:campaigns_signature_changelist"),
        {"action": "invalidate", "_selected_action": [result.pk]},
    )
    assert petition.count == 0


def test_reminder_once_after_a_day_and_purge_after_thirty(settings):
    petition = PetitionFactory()
    old = services.signature_create(
        petition=petition, name="Old", email="old@example.org", country="FR", ip="192.0.2.1"
    )
    Signature.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    services.signature_create(
        petition=petition, name="New", email="new@example.org", country="FR", ip="192.0.2.2"
    )
    assert tasks.remind_unconfirmed() == 1
    assert tasks.remind_unconfirmed() == 0
    assert OutgoingEmail.objects.filter(key__endswith="confirm-reminder").count() == 1
    Signature.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert tasks.purge_unconfirmed() == 1
    assert not Supporter.objects.filter(email="old@example.org").exists()
    assert Signature.objects.count() == 1


def test_prisoner_how_to_help_shows_live_petitions(client):
    prisoner = PrisonerFactory()
    petition = PetitionFactory()
    petition.campaign.featured_prisoners.add(prisoner)
    draft = PetitionFactory(campaign__status=Campaign.Status.DRAFT, title="Hidden petition")
    draft.campaign.featured_prisoners.add(prisoner)
    html = client.get(prisoner.get_absolute_url()).content.decode()
    assert f'href="{petition.get_absolute_url()}"' in html
    assert "Hidden petition" not in html


def test_supporter_data_needs_the_permission(client, django_user_model):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user("staff2", password="pw", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["campaigns", "supporters"]).exclude(
            codename="view_personal_data"
        )
    )
    client.force_login(staff)
    assert client.get(reverse("admin:supporters_supporter_changelist")).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    staff = django_user_model.objects.get(pk=staff.pk)
    client.force_login(staff)
    assert client.get(reverse("admin:supporters_supporter_changelist")).status_code == 200


def test_demo_campaign(client, demo_data):
    campaign = Campaign.objects.get(slug="free-the-journalists")
    assert campaign.is_live and campaign.petitions.count() == 1
    html = client.get("/prisoners/duman-mukhametkarim/").content.decode()
    assert "Sign the petition" in html
    assert client.get(campaign.get_absolute_url()).status_code == 200
    assert client.get(reverse("campaigns:list")).status_code == 200


def test_emails_go_out_in_the_supporters_language(client):
    petition = PetitionFactory()
    response = client.post(f"/ru{petition.get_absolute_url()}", FORM, REMOTE_ADDR="192.0.2.77")
    assert response.status_code == 302
    assert Supporter.objects.get().language == "ru"
    send_outbox()
    [message] = mail.outbox
    assert message.subject.startswith("Подтвердите")
    assert "Здравствуйте" in message.body


def test_the_country_list_is_rendered_once_per_language(client, monkeypatch):
    """The 250 countries were half the petition page's time; they are rendered once per
    language, and a form sent back with errors still shows the country chosen."""
    from django import forms

    from core.forms import RenderedOnceSelect

    RenderedOnceSelect._rendered.clear()
    renders = []
    original = forms.Select.render

    def counting_render(self, *args, **kwargs):
        renders.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(forms.Select, "render", counting_render)
    url = PetitionFactory().get_absolute_url()
    pages = [client.get(url).content.decode() for _ in range(3)]
    assert len(renders) == 1
    assert pages[0] == pages[2] and '<option value="KZ">Kazakhstan</option>' in pages[0]
    russian = client.get("/ru" + url).content.decode()
    assert '<option value="KZ">Казахстан</option>' in russian
    assert len(renders) == 2
    refused = client.post(url, {"name": "", "country": "KZ"})
    assert '<option value="KZ" selected>Kazakhstan</option>' in refused.content.decode()


SIGNING_BUDGET = 8
SUPPORTER, CONSENT, SIGNATURE, OUTBOX = (
    "supporters_supporter",
    "campaigns_consent",
    "campaigns_signature",
    "outbox_outgoingemail",
)
SIGNING_INSERTS = {
    "nothing": [SUPPORTER, CONSENT, SIGNATURE, OUTBOX],
    "another petition": [CONSENT, SIGNATURE, OUTBOX],
    "this petition": [CONSENT, OUTBOX],  # the note that it was already signed
}


@pytest.mark.django_db(transaction=True)  # so that the signing transaction is the outer one
@pytest.mark.parametrize("before", SIGNING_INSERTS)
def test_the_signing_post_is_one_short_transaction(client, before):
    """A budget: the petition and the blocklist are read, then supporter, consent,
    signature and outbox row are written with INSERT ... ON CONFLICT, in one transaction
    without savepoints, audit rows or session write: 8 statements at most, whatever the
    database holds. (With a get_or_create for each row it was 20, 8 of them savepoints.)"""
    petition = PetitionFactory()
    form = {"name": "A B", "email": "a@example.org", "country": "FR"}
    if before != "nothing":
        signed = PetitionFactory() if before == "another petition" else petition
        assert client.post(signed.get_absolute_url(), form).status_code == 302
        Signature.objects.get().confirm()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(petition.get_absolute_url(), form)
    assert response.status_code == 302
    sql = [q["sql"] for q in queries.captured_queries]
    # SQLite's driver logs its BEGIN and COMMIT, PostgreSQL's does not: count neither.
    statements = [s.split()[0].upper() for s in sql if s.split()[0] not in ("BEGIN", "COMMIT")]
    assert "SAVEPOINT" not in statements and "RELEASE" not in statements, statements
    assert len(statements) <= SIGNING_BUDGET, sql
    assert not any("auditlog" in s or "django_session" in s for s in sql), sql
    inserts = [s.split('"')[1] for s in sql if s.startswith("INSERT")]
    assert inserts == SIGNING_INSERTS[before], sql
    assert not response.cookies
