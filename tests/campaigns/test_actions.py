"""Letters to officials, solidarity messages, and supporters' data rights."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from campaigns import services
from campaigns.models import (
    Letter,
    LetterAction,
    Official,
    Signature,
    SolidarityMessage,
)
from outbox import tasks as outbox_tasks
from outbox.models import OutgoingEmail
from supporters.models import Supporter
from tests.factories import CampaignFactory, PetitionFactory, PrisonerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter_action():
    action = LetterAction.objects.create(
        campaign=CampaignFactory(),
        slug="write",
        title="Write to them",
        subject="Free them",
        suggested_letter="Dear Sir, please release them.",
    )
    action.recipients.set(
        [
            Official.objects.create(
                name="Minister", position="Minister of Justice", email="minister@gov.example.org"
            ),
            Official.objects.create(
                name="Governor", position="Governor", postal_address="1 Main Street\nAstana"
            ),
        ]
    )
    return action


def test_letter_goes_by_email_with_reply_to_and_on_paper_otherwise(client, letter_action):
    page = client.get(letter_action.get_absolute_url())
    assert "Dear Sir, please release them." in page.content.decode()
    response = client.post(
        letter_action.get_absolute_url(),
        {
            "name": "Asel Writer",
            "email": "asel@example.org",
            "country": "KZ",
            "body": "Dear Minister, in my own words: release them.",
        },
        REMOTE_ADDR="192.0.2.9",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "To send by post to Governor" in html and "1 Main Street" in html
    assert "mailto:minister@gov.example.org?subject=Free%20them" in html
    assert Letter.objects.get().body.startswith("Dear Minister")
    assert outbox_tasks.send_due_emails() == 1
    [message] = mail.outbox
    assert message.to == ["minister@gov.example.org"]
    assert message.reply_to == ["asel@example.org"]
    assert message.subject == "Free them"
    assert "in my own words" in message.body and "Asel Writer" in message.body


def test_letters_are_rate_limited(client, letter_action, settings):
    settings.LETTER_IP_LIMITS = [(1, 60)]
    data = {"name": "A", "email": "a@example.org", "country": "KZ", "body": "Release them."}
    assert (
        client.post(letter_action.get_absolute_url(), data, REMOTE_ADDR="192.0.2.9").status_code
        == 200
    )
    response = client.post(letter_action.get_absolute_url(), data, REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 429
    assert Letter.objects.count() == 1


def test_solidarity_message_moderation_and_printing(client, admin_client):
    prisoner = PrisonerFactory(letters_accepted=True, letters_address="Colony 12\nKaraganda")
    url = reverse("campaigns:message", args=[prisoner.slug])
    response = client.post(
        url,
        {"name": "Maria", "country": "ES", "text": "You are not alone."},
        REMOTE_ADDR="192.0.2.10",
    )
    assert "Staff read every message" in response.content.decode() or response.status_code == 200
    message = SolidarityMessage.objects.get()
    assert message.status == "pending"
    changelist = reverse("admin:campaigns_solidaritymessage_changelist")
    admin_client.post(changelist, {"action": "approve", "_selected_action": [message.pk]})
    page = admin_client.post(
        changelist, {"action": "print_batch", "_selected_action": [message.pk]}
    )
    html = page.content.decode()
    assert "You are not alone." in html and "Colony 12" in html and "Maria, Spain" in html
    message.refresh_from_db()
    assert message.printed_at is not None
    again = admin_client.post(
        changelist, {"action": "print_batch", "_selected_action": [message.pk]}
    )
    assert "No approved messages are waiting" in again.content.decode()


def test_messages_only_where_letters_are_accepted(client):
    prisoner = PrisonerFactory(letters_accepted=False)
    url = reverse("campaigns:message", args=[prisoner.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "X", "text": "Hi"}).status_code == 404
    assert not SolidarityMessage.objects.exists()
    assert "message of solidarity" not in client.get(prisoner.get_absolute_url()).content.decode()


def test_rejected_messages_are_never_printed(admin_client):
    prisoner = PrisonerFactory(letters_accepted=True)
    message = services.solidarity_message_create(
        prisoner=prisoner, name="Troll", country="", text="Something hateful"
    )
    changelist = reverse("admin:campaigns_solidaritymessage_changelist")
    admin_client.post(changelist, {"action": "reject", "_selected_action": [message.pk]})
    page = admin_client.post(
        changelist, {"action": "print_batch", "_selected_action": [message.pk]}
    )
    assert "Something hateful" not in page.content.decode()


def test_supporter_sees_and_erases_their_data_by_email(client):
    petition = PetitionFactory()
    result = services.signature_create(
        petition=petition,
        name="Dana Private",
        email="dana@example.org",
        country="FR",
        ip="192.0.2.1",
        comment="My comment",
    )
    result.confirm()
    OutgoingEmail.objects.all().delete()

    response = client.post(
        reverse("campaigns:privacy"), {"email": "DANA@example.org"}, REMOTE_ADDR="192.0.2.2"
    )
    assert "If we hold data for this address" in response.content.decode()
    unknown = client.post(
        reverse("campaigns:privacy"), {"email": "nobody@example.org"}, REMOTE_ADDR="192.0.2.3"
    )
    assert "If we hold data for this address" in unknown.content.decode()  # no leak
    assert outbox_tasks.send_due_emails() == 1
    link = next(w for w in mail.outbox[0].body.split() if "/privacy/" in w)
    link = link.replace("http://127.0.0.1:8000", "")

    download = client.get(link, {"download": "1"})
    data = json.loads(download.content)
    assert data["email"] == "dana@example.org"
    assert data["signatures"][0]["comment"] == "My comment"

    client.post(link, {"erase": "yes"})
    assert not Supporter.objects.exists()
    signature = Signature.objects.get()
    assert signature.supporter is None and signature.comment == ""
    assert petition.count == 1  # the count stays
    assert client.get(link).status_code == 400


def test_staff_erase_and_export_from_the_admin(admin_client):
    services.signature_create(
        petition=PetitionFactory(),
        name="Erin",
        email="erin@example.org",
        country="FR",
        ip="192.0.2.1",
    )
    supporter = Supporter.objects.get()
    changelist = reverse("admin:supporters_supporter_changelist")
    exported = admin_client.post(
        changelist, {"action": "export_data", "_selected_action": [supporter.pk]}
    )
    assert json.loads(exported.content)[0]["email"] == "erin@example.org"
    admin_client.post(changelist, {"action": "erase", "_selected_action": [supporter.pk]})
    assert not Supporter.objects.exists() and Signature.objects.count() == 1
    assert not OutgoingEmail.objects.filter(to="erin@example.org").exists()


def test_demo_campaign_has_every_action(client, demo_data):
    html = client.get("/campaigns/free-the-journalists/").content.decode()
    assert "Sign the petition" in html
    assert "Write to the officials" in html
    assert "Send a message of solidarity to Duman Mukhametkarim" in html
    profile = client.get("/prisoners/daniyar-adilbekov/").content.decode()
    assert "Send Daniyar a message of solidarity" in profile


def test_signature_export_escapes_formulae(admin_client):
    from django.contrib import admin as django_admin

    from campaigns.models import Signature as PetitionSignature

    services.signature_create(
        petition=PetitionFactory(),
        name='=HYPERLINK("http://x")',
        email="f@example.org",
        country="FR",
        ip="192.0.2.1",
    )
    formats = [
        f.__name__
        for f in django_admin.site._registry[PetitionSignature].get_export_formats()
        if f().can_export()
    ]
    response = admin_client.post(
        reverse("admin:campaigns_signature_export"),
        {
            "format": str(formats.index("CSV")),
            "resource": "0",
            "signatureresource_name": "on",
            "signatureresource_email": "on",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "f@example.org" in body and "HYPERLINK" in body
    assert ",=HYPERLINK" not in body and '"=HYPERLINK' not in body and "\n=HYPERLINK" not in body
