"""The claim: of the workers and the sweep, one sends an email; the winner gets the row."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outbox.models import OutgoingEmail
from outbox.services import outbox_enqueue

pytestmark = pytest.mark.django_db


def enqueue():
    return outbox_enqueue(
        key="claim-test",
        to="aigul@example.org",
        template="campaigns/email/confirm_signature",
        context={"name": "Aigul", "confirm_url": "https://example.org/c/1"},
        hand_over=False,
    )


def test_the_winner_gets_the_row_in_one_statement():
    email_id = enqueue().pk
    email = OutgoingEmail(pk=email_id)
    with CaptureQueriesContext(connection) as queries:
        assert email.claim()
    assert len(queries) == 1 and queries[0]["sql"].lstrip().upper().startswith("UPDATE")
    assert email.to == "aigul@example.org" and email.context["name"] == "Aigul"
    assert email.status == OutgoingEmail.Status.SENDING and email.attempts == 1
    stored = OutgoingEmail.objects.get(pk=email_id)
    assert (stored.status, stored.attempts) == (OutgoingEmail.Status.SENDING, 1)
    assert stored.next_attempt_at > timezone.now()


def test_a_claimed_email_is_not_claimed_again_until_its_claim_expires():
    email_id = enqueue().pk
    assert OutgoingEmail(pk=email_id).claim()
    assert not OutgoingEmail(pk=email_id).claim()
    later = timezone.now() + datetime.timedelta(hours=1)  # the first claimer died
    again = OutgoingEmail(pk=email_id)
    assert again.claim(now=later)
    assert again.attempts == 2


def test_a_sent_email_is_never_claimed():
    email = enqueue()
    assert email.claim()
    email.mark_sent()
    later = timezone.now() + datetime.timedelta(days=1)
    assert not OutgoingEmail(pk=email.pk).claim(now=later)
