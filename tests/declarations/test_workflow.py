"""The signatory workflow: threshold, state changes, invitations, pledges, reminders."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from declarations import services, tasks
from declarations.exports import signatories_pace_layout
from declarations.models import Declaration, Signatory
from outbox import tasks as outbox_tasks
from outbox.models import OutgoingEmail
from tests.factories import (
    DeclarationFactory,
    DelegationFactory,
    ParliamentarianFactory,
    PoliticalGroupFactory,
    SignatoryFactory,
)

pytestmark = pytest.mark.django_db

COUNTRIES = ["Austria", "France", "Germany", "Ireland", "Sweden"]


def sign(declaration, count, *, countries=COUNTRIES, groups=("SOC", "UEL")):
    signatures = []
    for n in range(count):
        member = ParliamentarianFactory(
            delegation=DelegationFactory(
                assembly=declaration.assembly, name=countries[n % len(countries)]
            ),
            group=PoliticalGroupFactory(
                assembly=declaration.assembly, code=groups[n % len(groups)]
            ),
        )
        signature = SignatoryFactory(declaration=declaration, parliamentarian=member)
        services.signature_record(signature=signature)
        signatures.append(signature)
    return signatures


def test_threshold_says_what_is_missing():
    declaration = DeclarationFactory()
    sign(declaration, 17, countries=["Austria", "France", "Germany"], groups=["SOC"])
    threshold = Declaration.objects.with_threshold_counts().get().threshold()
    assert (threshold.signatures, threshold.delegations, threshold.groups) == (17, 3, 1)
    assert not threshold.met
    assert str(threshold) == (
        "Needs 3 more signatures, 1 more national delegation and 1 more political group"
    )
    with translation.override("ru"):
        assert str(threshold) == (
            "Не хватает: ещё 3 подписи, ещё 1 национальная делегация и ещё 1 политическая группа"
        )


def test_non_attached_members_do_not_count_as_a_group():
    declaration = DeclarationFactory()
    sign(declaration, 20, groups=["SOC", "NR"])
    threshold = declaration.threshold()
    assert threshold.groups == 1
    assert str(threshold) == "Needs 1 more political group"
    declaration.assembly.non_attached_count_as_group = True
    declaration.assembly.save()
    assert Declaration.objects.get().threshold().groups == 2


def test_members_without_group_count_as_signatures_only():
    declaration = DeclarationFactory()
    member = ParliamentarianFactory(group=None)
    services.signature_record(
        signature=SignatoryFactory(declaration=declaration, parliamentarian=member)
    )
    threshold = declaration.threshold()
    assert (threshold.signatures, threshold.groups) == (1, 0)


def test_twentieth_signature_meets_threshold_and_tells_staff(
    settings, django_capture_on_commit_callbacks
):
    settings.DECLARATION_STAFF_EMAILS = ["staff@ngo.example.org"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    declaration = DeclarationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sign(declaration, 19)
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.COLLECTING
    with django_capture_on_commit_callbacks(execute=True):
        sign(declaration, 1, countries=["Spain"])
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.THRESHOLD_MET
    [notice] = mail.outbox
    assert notice.to == ["staff@ngo.example.org"]
    assert "20 signatures from 6 national delegations and 2 political groups" in notice.body


def test_signature_keeps_group_and_delegation_of_the_day():
    declaration = DeclarationFactory()
    [signature] = sign(declaration, 1)
    member = signature.parliamentarian
    old_group = member.group
    member.group = PoliticalGroupFactory(assembly=declaration.assembly, code="ALDE")
    member.save()
    signature.refresh_from_db()
    assert signature.group_at_signing == old_group


def test_a_signature_cannot_be_withdrawn_in_pace():
    [signature] = sign(DeclarationFactory(), 1)
    with pytest.raises(ValidationError, match="does not allow a signature to be withdrawn"):
        signature.decline()
    signature.refresh_from_db()
    assert signature.status == Signatory.Status.SIGNED


def test_one_signature_per_member_per_declaration():
    from django.db import IntegrityError

    signature = SignatoryFactory()
    with pytest.raises(IntegrityError):
        SignatoryFactory(
            declaration=signature.declaration, parliamentarian=signature.parliamentarian
        )


@pytest.mark.parametrize(
    ("status", "move"),
    [
        ("draft", "table"),
        ("draft", "publish"),
        ("collecting", "publish"),
        ("published", "withdraw"),
        ("tabled", "collect"),
        ("collecting", "mark_threshold_met"),
    ],
)
def test_illegal_state_changes_are_refused_with_a_message(status, move):
    declaration = DeclarationFactory(status=status)
    with pytest.raises(ValidationError) as error:
        getattr(declaration, move)()
    assert error.value.messages[0]
    declaration.refresh_from_db()
    assert declaration.status == status


def test_the_legal_path_to_publication():
    declaration = DeclarationFactory(status="draft")
    declaration.collect()
    sign(declaration, 20)
    declaration.refresh_from_db()
    assert declaration.status == "threshold_met"
    declaration.table(on=datetime.date(2025, 4, 10))
    declaration.publish(on=datetime.date(2025, 4, 23))
    declaration.refresh_from_db()
    assert (declaration.status, str(declaration.tabled_on)) == ("published", "2025-04-10")


def test_invitations_email_a_personal_link_after_commit(
    settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    declaration = DeclarationFactory()
    members = ParliamentarianFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.invitations_create(declaration=declaration, parliamentarians=members)
    assert len(created) == 3 and len(mail.outbox) == 3
    assert {m.to[0] for m in mail.outbox} == {m.email for m in members}
    assert all("/pledge/" in m.body for m in mail.outbox)
    assert mail.outbox[0].alternatives  # an HTML part beside the text
    # Inviting the same members again sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitations_create(declaration=declaration, parliamentarians=members) == []
    assert len(mail.outbox) == 3


def test_invitation_survives_a_broker_outage(monkeypatch, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(outbox_tasks.send_outgoing_email, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = services.invitations_create(
            declaration=DeclarationFactory(), parliamentarians=[ParliamentarianFactory()]
        )
    assert len(created) == 1
    assert callbacks, "the hand-over to the broker was never attempted"
    [email] = OutgoingEmail.objects.all()
    assert email.status == "queued" and not mail.outbox
    monkeypatch.undo()
    assert outbox_tasks.send_due_emails() == 1
    assert len(mail.outbox) == 1
    assert outbox_tasks.send_due_emails() == 0  # a second sweep sends nothing twice


def test_pledge_link_lets_a_member_pledge_or_decline(client):
    signature = SignatoryFactory()
    url = reverse("declarations:pledge", args=[services.pledge_token(signature)])
    page = client.get(url)
    assert page.status_code == 200 and signature.declaration.title in page.content.decode()
    assert client.post(url, {"answer": "pledge"}).status_code == 200
    signature.refresh_from_db()
    assert signature.status == Signatory.Status.PLEDGED
    client.post(url, {"answer": "decline"})
    signature.refresh_from_db()
    assert signature.status == Signatory.Status.DECLINED


def test_tampered_and_expired_links_get_a_clear_page(client, settings):
    signature = SignatoryFactory()
    token = services.pledge_token(signature)
    response = client.get(reverse("declarations:pledge", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    assert "This link is incomplete or has been changed" in response.content.decode()
    settings.DECLARATION_LINK_MAX_AGE = -1
    response = client.get(reverse("declarations:pledge", args=[token]))
    assert response.status_code == 410
    assert "has expired" in response.content.decode()


def test_a_link_works_only_for_its_member_and_declaration(client):
    signature = SignatoryFactory()
    other = SignatoryFactory(declaration=signature.declaration)
    token = services.pledge_token(signature)
    signature.delete()
    response = client.get(reverse("declarations:pledge", args=[token]))
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.status == Signatory.Status.INVITED


def test_reminders_are_due_once_per_period_up_to_a_maximum(settings):
    settings.DECLARATION_REMINDER_EVERY = datetime.timedelta(days=7)
    settings.DECLARATION_MAX_REMINDERS = 2
    now = timezone.now()
    signature = SignatoryFactory(invited_at=now - datetime.timedelta(days=8))
    SignatoryFactory(invited_at=now - datetime.timedelta(days=1))  # too early
    answered = SignatoryFactory(invited_at=now - datetime.timedelta(days=8))
    answered.pledge()

    assert tasks.send_reminders() == 1
    assert tasks.send_reminders() == 0  # running twice sends nothing twice
    outbox_tasks.send_due_emails()
    signature.refresh_from_db()
    assert signature.reminder_count == 1 and len(mail.outbox) == 1

    Signatory.objects.filter(pk=signature.pk).update(reminded_at=now - datetime.timedelta(days=8))
    assert tasks.send_reminders() == 1
    Signatory.objects.filter(pk=signature.pk).update(reminded_at=now - datetime.timedelta(days=8))
    assert tasks.send_reminders() == 0  # the maximum of two is reached


def test_reminders_stop_at_the_deadline_and_past_the_threshold(settings):
    settings.DECLARATION_THRESHOLD_MARGIN = 2
    old = timezone.now() - datetime.timedelta(days=8)
    closed = DeclarationFactory(signatures_close_on=timezone.localdate() - datetime.timedelta(1))
    SignatoryFactory(declaration=closed, invited_at=old)
    full = DeclarationFactory()
    sign(full, 22)
    Declaration.objects.filter(pk=full.pk).update(status="collecting")
    SignatoryFactory(declaration=full, invited_at=old)
    assert tasks.send_reminders() == 0
    assert not mail.outbox


def test_deadline_digest_lists_declarations_short_of_the_threshold(settings):
    settings.DECLARATION_STAFF_EMAILS = ["staff@ngo.example.org"]
    soon = timezone.localdate() + datetime.timedelta(days=3)
    DeclarationFactory(title="Short of names", signatures_close_on=soon)
    DeclarationFactory(title="Far away", signatures_close_on=soon + datetime.timedelta(30))
    assert tasks.send_deadline_digest() == 1
    assert tasks.send_deadline_digest() == 1  # the same day: the same key, no second email
    assert outbox_tasks.send_due_emails() == 1
    assert "Short of names" in mail.outbox[0].body
    assert "Far away" not in mail.outbox[0].body


def test_pace_layout_export():
    declaration = DeclarationFactory()
    sign(declaration, 2)
    text = signatories_pace_layout(declaration=declaration)
    lines = text.splitlines()
    assert lines[0].endswith(", Austria, SOC")
    assert "Total = 2" in lines
    assert "SOC: Group SOC" in lines and "UEL: Group UEL" in lines


def test_a_closed_declaration_takes_no_more_pledges(client):
    signature = SignatoryFactory(declaration__status="tabled")
    url = reverse("declarations:pledge", args=[services.pledge_token(signature)])
    response = client.post(url, {"answer": "pledge"})
    assert "no longer accepts signatures" in response.content.decode()
    signature.refresh_from_db()
    assert signature.status == Signatory.Status.INVITED
