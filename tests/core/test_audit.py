"""The audit trail: every change, action, export of personal data and erasure, with who,
when, and the old and new values; read-only in the admin, and only for those who may see
the object; an erasure keeps that it happened, not what was erased."""

import json

import pytest
from auditlog.models import LogEntry
from django.core import serializers
from django.db import connection
from django.urls import reverse

from campaigns import services
from campaigns.models import LetterAction, Official, Signature, SolidarityMessage
from core.roles import CAMPAIGNER, DATA_PROTECTION_OFFICER, EDITOR
from prisoners.models import Prisoner
from supporters.models import Supporter
from tests.factories import CampaignFactory, PetitionFactory, PrisonerFactory

pytestmark = pytest.mark.django_db


def test_a_change_in_the_admin_records_who_and_the_old_and_new_values(role_client):
    prisoner = PrisonerFactory(status=Prisoner.Status.PRETRIAL, region="Almaty")
    client = role_client(EDITOR)
    page = client.get(reverse("admin:prisoners_prisoner_change", args=[prisoner.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(
        {
            "photo": "",
            "status": Prisoner.Status.CONVICTED,
            "region": "Astana",
            "charges": [],
            **{f"{p}-TOTAL_FORMS": 0 for p in ("alternative_names", "sources", "events")},
            **{f"{p}-INITIAL_FORMS": 0 for p in ("alternative_names", "sources", "events")},
        }
    )
    response = client.post(reverse("admin:prisoners_prisoner_change", args=[prisoner.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = LogEntry.objects.get_for_object(prisoner).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor.username == "editor"
    assert entry.changes["status"] == ["pretrial", "convicted"]
    assert entry.changes["region"] == ["Almaty", "Astana"]


def test_bulk_actions_are_recorded_per_object(role_client):
    prisoners = PrisonerFactory.create_batch(3, publication=Prisoner.Publication.DRAFT)
    client = role_client(EDITOR)
    client.post(
        reverse("admin:prisoners_prisoner_changelist"),
        {"action": "publish", "_selected_action": [p.pk for p in prisoners]},
    )
    entries = LogEntry.objects.filter(additional_data__admin_action="publish")
    assert entries.count() == 3
    assert {e.changes["publication"][1] for e in entries} == {"published"}
    assert all(e.additional_data["objects"] == 3 and e.actor for e in entries)


def test_exports_of_personal_data_are_recorded(role_client):
    services.signature_create(
        petition=PetitionFactory(), name="A", email="a@example.org", country="FR"
    )
    client = role_client(DATA_PROTECTION_OFFICER)
    response = client.post(
        reverse("admin:campaigns_signature_export"),
        {"format": "0", "resource": "0", "signatureresource_email": "on"},
    )
    assert response.status_code == 200
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor.username == "data-protection-officer"
    assert entry.additional_data["rows"] == 1 and entry.additional_data["format"] == "csv"
    client.post(
        reverse("admin:supporters_supporter_changelist"),
        {"action": "export_data", "_selected_action": [Supporter.objects.get().pk]},
    )
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 2


def test_the_trail_is_read_only_and_shown_only_to_who_may_see_the_object(role_client):
    services.signature_create(
        petition=PetitionFactory(), name="Secret", email="secret@example.org", country="FR"
    )
    supporter = Supporter.objects.get()
    supporter.name = "Secret Renamed"
    supporter.save()  # a logged change holding personal data
    PrisonerFactory(given_name="Visible")
    campaigner = role_client(CAMPAIGNER)
    page = campaigner.get(reverse("admin:auditlog_logentry_changelist"))
    assert page.status_code == 200
    assert b"secret@example.org" not in page.content and b"Secret Renamed" not in page.content
    officer = role_client(DATA_PROTECTION_OFFICER, username="dpo2")
    page = officer.get(reverse("admin:auditlog_logentry_changelist"))
    assert b"secret@example.org" in page.content
    entry = LogEntry.objects.get_for_object(supporter).first()
    change_url = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    assert officer.get(change_url).status_code == 200
    assert officer.post(change_url, {"changes": "{}"}).status_code == 403
    delete_url = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    assert officer.post(delete_url, {"post": "yes"}).status_code == 403
    assert officer.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_signing_copies_nothing_into_the_trail_and_staff_changes_are_still_recorded(
    client, role_client
):
    """The trail is for staff's changes. Signing on the public form writes none of the
    signer's details to it; what staff then change, on the form or by an action, is."""
    petition = PetitionFactory()
    form = {"name": "Private Signer", "email": "private.signer@example.org", "country": "FR"}
    assert client.post(petition.get_absolute_url(), form).status_code == 302
    supporter, signature = Supporter.objects.get(), Signature.objects.get()
    trail = serializers.serialize("json", LogEntry.objects.all())
    assert "private" not in trail.lower()
    assert not LogEntry.objects.get_for_object(supporter).exists()
    assert not LogEntry.objects.get_for_object(signature).exists()

    officer = role_client(DATA_PROTECTION_OFFICER)
    url = reverse("admin:supporters_supporter_change", args=[supporter.pk])
    form = officer.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update({"name": "Signer Renamed", "consents-TOTAL_FORMS": 0, "consents-INITIAL_FORMS": 0})
    response = officer.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    [entry] = LogEntry.objects.get_for_object(supporter)
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor.username == "data-protection-officer"
    assert entry.changes["name"] == ["Private Signer", "Signer Renamed"]
    officer.post(
        reverse("admin:campaigns_signature_changelist"),
        {"action": "invalidate", "_selected_action": [signature.pk]},
    )
    [entry] = LogEntry.objects.get_for_object(signature)
    assert entry.additional_data["admin_action"] == "invalidate"
    assert entry.changes["status"] == ["pending", "invalidated"]


WORDS = ["Zarina Erasable", "zarina@private.example", "My secret comment", "Private letter words"]


def dump_everything():
    """Every row of every table, as a database dump would hold it."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            rows += [repr(row) for row in cursor.fetchall()]
    return "\n".join(rows)


def test_after_an_erasure_the_database_holds_none_of_the_supporters_words(role_client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    prisoner = PrisonerFactory(letters_accepted=True)
    campaign = CampaignFactory()
    petition = PetitionFactory(campaign=campaign)
    signature = services.signature_create(
        petition=petition,
        name="Zarina Erasable",
        email="zarina@private.example",
        country="KZ",
        comment="My secret comment",
        mailing=True,
    )
    signature.confirm()
    action = LetterAction.objects.create(
        campaign=campaign, slug="w", title="Write", subject="Free them", suggested_letter="x"
    )
    action.recipients.add(Official.objects.create(name="M", position="P", email="m@gov.example"))
    services.letter_send(
        action=action,
        name="Zarina Erasable",
        email="zarina@private.example",
        country="KZ",
        body="Private letter words",
    )
    services.solidarity_message_create(
        prisoner=prisoner,
        name="Zarina Erasable",
        country="KZ",
        text="Private letter words to you",
        email="zarina@private.example",
    )
    officer = role_client(DATA_PROTECTION_OFFICER)
    supporter = Supporter.objects.get()
    page = officer.get(reverse("admin:supporters_supporter_change", args=[supporter.pk]))
    assert page.status_code == 200
    dump = dump_everything()
    assert all(word in dump for word in WORDS)  # the test would see them if they stayed

    officer.post(
        reverse("admin:supporters_supporter_changelist"),
        {"action": "erase", "_selected_action": [supporter.pk]},
    )
    dump = dump_everything()
    assert [word for word in WORDS if word in dump] == []
    assert petition.count == 1  # the signature still counts
    assert SolidarityMessage.objects.get().text == "—"
    erasure = LogEntry.objects.get(additional_data__erasure=True)
    assert erasure.actor.username == "data-protection-officer"
    assert erasure.additional_data == {
        "erasure": True,
        "signatures": 1,
        "letters": 1,
        "messages": 1,
    }
    serialized = serializers.serialize("json", LogEntry.objects.all())
    assert "zarina" not in json.dumps(serialized).lower()
