"""Beat's reminder tasks run twice in the same minute (a beat restarted, two beats by
mistake, a task delivered again): nothing is written twice and nothing arrives twice.

Each task runs twice one after the other, or twice at once on two connections; then two
sweeps run at once against a real SMTP server."""

import collections
import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from campaigns import services as campaigns
from campaigns import tasks as campaign_tasks
from declarations import tasks as declaration_tasks
from outbox.models import OutgoingEmail
from outbox.services import outbox_send_due
from prisoners.models import TimelineEvent
from tests.factories import PetitionFactory, PrisonerFactory, SignatoryFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)

FOLLOWERS = 15
MEMBERS = 10


def followers_of_a_prisoner_with_a_hearing_and_a_birthday():
    prisoner = PrisonerFactory(
        date_of_birth=timezone.localdate().replace(year=1980) + datetime.timedelta(days=5)
    )
    TimelineEvent.objects.create(
        prisoner=prisoner,
        kind=TimelineEvent.Kind.HEARING,
        date=timezone.localdate() + datetime.timedelta(days=2),
        description="Appeal hearing",
        source=SourceFactory(prisoner=prisoner),
    )
    petition = PetitionFactory()
    petition.campaign.featured_prisoners.add(prisoner)
    for n in range(FOLLOWERS):
        signature = campaigns.signature_create(
            petition=petition,
            name=f"Follower {n}",
            email=f"follower-{n}@example.org",
            country="FR",
            mailing=True,
            ip=f"192.0.2.{n}",
        )
        signature.supporter.confirm_address()


def members_due_for_a_reminder():
    for _ in range(MEMBERS):
        SignatoryFactory(invited_at=timezone.now() - datetime.timedelta(days=8))


def twice_at_once(function):
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=30)
            function()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors


@pytest.mark.parametrize("how", ["one after the other", "at once"])
def test_reminders_run_twice_send_nothing_twice(how, smtp, settings, figures):
    settings.DECLARATION_REMINDER_EVERY = datetime.timedelta(days=7)
    settings.DECLARATION_MAX_REMINDERS = 2
    followers_of_a_prisoner_with_a_hearing_and_a_birthday()
    members_due_for_a_reminder()
    OutgoingEmail.objects.all().delete()  # the signing confirmations: not under test
    expected = 2 * FOLLOWERS + MEMBERS  # a hearing and a birthday each; one reminder each

    for task in (campaign_tasks.send_action_reminders, declaration_tasks.send_reminders):
        if how == "at once":
            twice_at_once(task)
        else:
            task()
            task()
    rows = list(OutgoingEmail.objects.values_list("to", "template"))
    per_purpose = collections.Counter(rows)
    twice_at_once(outbox_send_due)  # two sweeps at once, too
    outbox_send_due()

    deliveries = smtp.per_recipient()
    messages = sum(len(ids) for ids in deliveries.values())
    same_message_again = sum(len(ids) - len(set(ids)) for ids in deliveries.values())
    figures(
        how=how,
        outbox_rows=len(rows),
        expected=expected,
        rows_for_one_purpose_max=max(per_purpose.values()),
        messages_at_smtp=messages,
        extra_messages=messages - expected,
        same_message_id_twice=same_message_again,
    )
    assert len(rows) == expected
    assert max(per_purpose.values()) == 1, per_purpose.most_common(3)
    assert messages == expected and same_message_again == 0
    assert all(
        len(ids) == (2 if to.startswith("follower-") else 1) for to, ids in deliveries.items()
    )
    assert OutgoingEmail.objects.filter(status="sent").count() == expected
