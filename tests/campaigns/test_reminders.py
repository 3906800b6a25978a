"""Reminders of dated actions, the staff digest and the campaign dashboard."""

import datetime

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
from prisoners.models import TimelineEvent
from tests.factories import PetitionFactory, PrisonerFactory, SourceFactory

pytestmark = pytest.mark.django_db


def follower(petition, n, mailing=True):
    """A supporter who signed and confirmed the address: reminders go to no one else."""
    signature = services.signature_create(
        petition=petition,
        name=f"Follower {n}",
        email=f"f{n}@example.org",
        country="FR",
        mailing=mailing,
        ip=f"192.0.2.{n}",
    )
    signature.supporter.confirm_address()
    return signature


@pytest.fixture
def followed_prisoner():
    prisoner = PrisonerFactory(
        given_name="Aidar",
        date_of_birth=timezone.localdate().replace(year=1980) + datetime.timedelta(days=5),
    )
    petition = PetitionFactory()
    petition.campaign.featured_prisoners.add(prisoner)
    follower(petition, 1)
    follower(petition, 2)
    follower(petition, 3, mailing=False)
    OutgoingEmail.objects.all().delete()
    return prisoner


def test_hearing_and_birthday_reminders_go_once_to_followers(followed_prisoner):
    TimelineEvent.objects.create(
        prisoner=followed_prisoner,
        kind=TimelineEvent.Kind.HEARING,
        date=timezone.localdate() + datetime.timedelta(days=2),
        description="Appeal hearing",
        source=SourceFactory(prisoner=followed_prisoner),
    )
    assert tasks.send_action_reminders() == 4  # two followers, a hearing and a birthday
    assert tasks.send_action_reminders() == 0
    assert outbox_tasks.send_due_emails() == 4
    subjects = [m.subject for m in mail.outbox]
    assert sum("birthday is on" in s for s in subjects) == 2
    assert sum("is in court on" in s for s in subjects) == 2
    assert {m.to[0] for m in mail.outbox} == {"f1@example.org", "f2@example.org"}
    assert all("List-Unsubscribe" in m.extra_headers for m in mail.outbox)


def test_unsubscribed_and_closed_campaigns_get_no_reminders(followed_prisoner):
    Signature.objects.get(supporter__email="f1@example.org").supporter.unsubscribe()
    Campaign.objects.update(status=Campaign.Status.CLOSED)
    assert tasks.send_action_reminders() == 0


def test_reminders_are_written_in_batches(followed_prisoner):
    assert services.action_reminders_send(batch_size=1) == 2
    assert OutgoingEmail.objects.filter(template="campaigns/email/birthday").count() == 2


def test_reminder_rows_are_written_a_batch_at_a_time(followed_prisoner):
    """Not one get_or_create per follower: with 40 followers, the rows of one reminder
    kind cost the same few statements as with two."""
    petition = PetitionFactory()
    petition.campaign.featured_prisoners.add(followed_prisoner)
    for n in range(10, 48):
        follower(petition, n)
    OutgoingEmail.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        assert services.action_reminders_send(batch_size=500) == 40
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert len(queries) < 15
    assert services.action_reminders_send(batch_size=500) == 0


def test_staff_digest(settings):
    settings.CAMPAIGN_STAFF_EMAILS = ["staff@ngo.example.org"]
    petition = PetitionFactory(goal=4, title="Free Aidar")
    for n in range(2):
        follower(petition, n).confirm()
    assert tasks.send_staff_digest() == 1
    assert tasks.send_staff_digest() == 1  # same day: same key, nothing new queued
    outbox_tasks.send_due_emails()
    digests = [m for m in mail.outbox if m.to == ["staff@ngo.example.org"]]
    assert len(digests) == 1
    body = digests[0].body
    assert "Free Aidar: +2 / 2 / 4" in body
    assert "Free Aidar reached 50% of its goal" in body


def test_campaign_dashboard(admin_client):
    petition = PetitionFactory()
    for n in range(3):
        signature = follower(petition, n)
        if n:
            signature.confirm()
    url = reverse("admin:campaigns_campaign_dashboard", args=[petition.campaign.pk])
    response = admin_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures["confirmed"], figures["pending"], figures["confirmation_rate"]) == (2, 1, 67)
    assert figures["series"][-1]["n"] == 3 and len(figures["series"]) == 30
    assert 'class="chart"' in html
