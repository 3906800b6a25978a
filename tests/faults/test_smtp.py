"""The mail server misbehaving: hanging, refusing, refusing and then accepting, and
refusing for good. A real SMTP server (tests/faults/smtp.py) behind Django's SMTP backend;
the outbox's sweep and send run here, as a worker runs them."""

import datetime
import threading
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.services import staff_daily_digest
from config import settings as configured
from outbox import tasks as outbox_tasks
from outbox.models import OutgoingEmail
from outbox.services import outbox_enqueue, outbox_send, outbox_send_due

from .servers import wait_until

pytestmark = pytest.mark.django_db

CONTEXT = {"subject": "s", "body": "b", "name": "n", "official": "o"}
TIMEOUT = 2


def letters(count, prefix="letter"):
    return [
        outbox_enqueue(
            key=f"{prefix}-{n}",
            to=f"{prefix}-{n}@example.org",
            template="campaigns/email/letter",
            context=CONTEXT,
            hand_over=False,
        )
        for n in range(count)
    ]


def time_passes():
    """Backoff over: what is queued is due now."""
    OutgoingEmail.objects.filter(status="queued").update(next_attempt_at=timezone.now())


def bounded(function, limit):
    """Run function in a thread; (result, seconds), or fail if it is still running after
    `limit` seconds (a frozen send would otherwise freeze the test too)."""
    outcome = {}

    def run():
        from django.db import connection

        try:
            outcome["result"] = function()
        except Exception as error:
            outcome["error"] = error
        finally:
            connection.close()

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    took = time.monotonic() - started
    assert not thread.is_alive(), f"still running after {limit} s: the mail is frozen"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"], took


@pytest.mark.django_db(transaction=True)
def test_a_server_that_never_answers_cannot_freeze_the_mail(smtp, settings, figures):
    settings.EMAIL_TIMEOUT = TIMEOUT
    smtp.set_mode("hang")
    one = letters(3)[0]
    sent, single = bounded(lambda: outbox_send(email_id=one.pk), 4 * TIMEOUT)
    assert sent is False
    swept, sweep = bounded(outbox_send_due, 2 * 4 * TIMEOUT)  # the two others, in turn
    assert swept == 0
    now = timezone.now()
    for email in OutgoingEmail.objects.all():
        assert email.status == "queued" and email.attempts == 1
        assert "timed out" in email.last_error.lower(), email.last_error
        assert email.next_attempt_at > now + datetime.timedelta(seconds=90)  # backoff
    assert smtp.connections == 3 and smtp.count() == 0

    # Celery stops a task that still hangs, and the configured EMAIL_TIMEOUT (not the
    # short one of this test) ends a hanging send well before that.
    for task in (outbox_tasks.send_outgoing_email, outbox_tasks.send_due_emails):
        assert task.soft_time_limit and task.time_limit
        assert task.soft_time_limit < task.time_limit
        assert task.soft_time_limit > configured.EMAIL_TIMEOUT
    figures(
        email_timeout=TIMEOUT,
        seconds_one_send=round(single, 2),
        seconds_sweep_of_two=round(sweep, 2),
        soft_time_limit=outbox_tasks.send_due_emails.soft_time_limit,
        time_limit=outbox_tasks.send_due_emails.time_limit,
        configured_email_timeout=configured.EMAIL_TIMEOUT,
        last_error=OutgoingEmail.objects.first().last_error,
    )
    assert single < TIMEOUT + 1.5
    assert sweep < 2 * TIMEOUT + 2


def test_refused_then_accepted_mail_is_retried_with_backoff_and_sent_once(smtp, figures):
    emails = letters(3)
    smtp.set_mode("refuse")  # nothing listens
    assert outbox_send_due() == 0
    errors = set(OutgoingEmail.objects.values_list("last_error", flat=True))
    assert all("Connection refused" in error for error in errors), errors
    assert OutgoingEmail.objects.filter(status="queued", attempts=1).count() == 3
    first_backoff = min(e.next_attempt_at for e in OutgoingEmail.objects.all()) - timezone.now()

    smtp.set_mode("accept")
    assert outbox_send_due() == 0, "sent before the backoff was over"
    time_passes()
    smtp.set_mode("refuse_n", refusals=2)  # "421 try again later", twice
    assert outbox_send_due() == 1
    retried = OutgoingEmail.objects.filter(status="queued")
    assert retried.count() == 2 and {e.attempts for e in retried} == {2}
    second_backoff = min(e.next_attempt_at for e in retried) - timezone.now()
    assert second_backoff > first_backoff  # exponential
    assert outbox_send_due() == 0

    time_passes()
    assert outbox_send_due() == 2
    time_passes()
    assert outbox_send_due() == 0

    deliveries = smtp.per_recipient()
    figures(
        emails=len(emails),
        refused_connections=smtp.refused,
        smtp_connections=smtp.connections,
        messages_at_smtp=smtp.count(),
        backoff_after_attempt_1_seconds=round(first_backoff.total_seconds()),
        backoff_after_attempt_2_seconds=round(second_backoff.total_seconds()),
    )
    assert smtp.refused == 2
    assert sorted(deliveries) == sorted(e.to for e in emails)
    assert all(len(ids) == 1 for ids in deliveries.values()), deliveries
    assert OutgoingEmail.objects.filter(status="sent").count() == 3


def test_mail_that_failed_for_good_is_shown_to_staff_and_can_be_sent_again(
    smtp, settings, admin_client, figures
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    settings.CAMPAIGN_STAFF_EMAILS = ["staff@ngo.example.org"]
    [email] = letters(1, prefix="given-up")
    smtp.set_mode("refuse")
    outbox_send_due()
    time_passes()
    outbox_send_due()
    email.refresh_from_db()
    assert email.status == "failed" and email.attempts == 2

    changelist = reverse("admin:outbox_outgoingemail_changelist")
    page = admin_client.get(changelist, {"status__exact": "failed"})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    assert "given-up-0@example.org" in page.content.decode()

    smtp.set_mode("accept")
    staff_daily_digest()
    assert outbox_send_due() == 1  # the digest; the failed email waits for staff
    [digest] = smtp.received()
    assert digest["recipients"] == ["staff@ngo.example.org"]
    assert "Emails that failed for good" in digest["body"]
    assert "campaigns/email/letter: 1" in digest["body"]

    admin_client.post(changelist, {"action": "retry", "_selected_action": [email.pk]})
    email.refresh_from_db()
    assert email.status == "queued" and email.attempts == 0
    assert outbox_send_due() == 1
    assert outbox_send_due() == 0
    deliveries = smtp.per_recipient()
    figures(
        attempts_before_giving_up=2,
        failed_listed_in_admin=1,
        digest_lists_failed=True,
        deliveries_after_retry=len(deliveries["given-up-0@example.org"]),
    )
    assert deliveries["given-up-0@example.org"] == [
        smtp.received()[1]["message_id"]
    ]  # once, after staff sent it again


SOFT_LIMIT = 2


@pytest.mark.django_db(transaction=True)
def test_a_sweep_stops_at_its_soft_time_limit_and_frees_the_worker(
    stack, smtp_sink, tmp_path, figures
):
    """A server that answers, slowly: each email takes longer than the sweep's whole soft
    time limit. The sweep must stop there (what it did not reach stays queued for the next
    sweep) rather than carry on until the hard limit kills the process mid-send."""
    emails = letters(6, prefix="slow")
    smtp_sink.set_mode("slow", reply_delay=0.4)  # about 3 s an email
    stack.worker(concurrency=1, OUTBOX_TASK_SOFT_LIMIT=SOFT_LIMIT, EMAIL_TIMEOUT=5)
    started = time.monotonic()
    stack.celery.send("outbox.tasks.send_due_emails")
    free = tmp_path / "free.txt"
    stack.celery.send("tests.faults.tasks.touch", str(free))
    freed = wait_until(free.exists, SOFT_LIMIT + 30 + 10, 0.1)
    freed_after = time.monotonic() - started
    untouched = OutgoingEmail.objects.filter(status="queued", attempts=0).count()
    errors = sorted(set(OutgoingEmail.objects.values_list("last_error", flat=True)) - {""})

    # The server is fast again: everything arrives, once.
    smtp_sink.set_mode("accept")
    time_passes()
    stack.celery.send("outbox.tasks.send_due_emails")
    everything = wait_until(
        lambda: OutgoingEmail.objects.filter(status="sent").count() == len(emails), 60, 0.2
    )
    deliveries = smtp_sink.per_recipient()
    figures(
        soft_time_limit=SOFT_LIMIT,
        seconds_until_worker_free=round(freed_after, 1),
        emails_not_reached_by_the_stopped_sweep=untouched,
        last_errors=errors,
        messages_at_smtp=smtp_sink.count(),
    )
    assert freed and freed_after < SOFT_LIMIT + 8, f"worker busy for {freed_after:.0f} s"
    assert untouched >= len(emails) - 2
    assert everything
    assert sorted(deliveries) == sorted(e.to for e in emails)
    assert all(len(set(ids)) == 1 for ids in deliveries.values())
