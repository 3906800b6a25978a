"""A worker killed with SIGKILL in the middle of a mailing: after a restart every recipient
gets the message, each under one Message-ID, and duplicates are bounded by what was in
flight at the kill.

Two sweeps run at once in a prefork worker of two processes (as when beat's next sweep
starts while the last one is still sending): the claim is what stops them both sending
one email. Then the whole worker is SIGKILLed, main process and pool together. What it
had claimed stays "sending" until the claim expires (shortened here to a few seconds), and
the sweep of a new worker sends it. An email the server had accepted just before the kill,
but that the dead worker never marked as sent, is sent again: that is the only duplicate
the design allows, and the Message-ID (the same for every attempt) lets mailboxes fold it.
"""

import time

import pytest
from django.db import transaction

from outbox.models import OutgoingEmail
from outbox.services import message_id, outbox_enqueue

from .servers import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

CLAIM_SECONDS = 3
CONTEXT = {"subject": "s", "body": "b", "name": "n", "official": "o"}


def enqueue(count):
    with transaction.atomic():
        for n in range(count):
            outbox_enqueue(
                key=f"mailing-{n}",
                to=f"r{n:04d}@example.org",
                template="campaigns/email/letter",
                context=CONTEXT,
                hand_over=False,
            )
    return {f"r{n:04d}@example.org": message_id(f"mailing-{n}") for n in range(count)}


def kill_mid_mailing(stack, smtp_sink, figures, *, smtp, emails, kill_after):
    expected = enqueue(emails)
    env = {"OUTBOX_CLAIM_SECONDS": CLAIM_SECONDS}
    worker = stack.worker(concurrency=2, **env)
    started = time.monotonic()
    stack.celery.send("outbox.tasks.send_due_emails")
    stack.celery.send("outbox.tasks.send_due_emails")
    assert smtp_sink.wait_for(kill_after, 120), f"only {smtp_sink.count()} arrived"
    worker.kill()
    at_kill = {
        "arrived_at_kill": smtp_sink.count(),
        "marked_sent_at_kill": OutgoingEmail.objects.filter(status="sent").count(),
        # Claimed and never finished: the most that can have reached the server unmarked.
        "in_flight_at_kill": OutgoingEmail.objects.filter(status="sending").count(),
    }
    at_kill["accepted_unmarked_at_kill"] = (
        at_kill["arrived_at_kill"] - at_kill["marked_sent_at_kill"]
    )
    assert 0 < at_kill["arrived_at_kill"] < emails, "the kill did not land mid-mailing"

    stack.worker(concurrency=2, **env)
    time.sleep(CLAIM_SECONDS)  # what the dead worker claimed is due again
    done = False
    deadline = time.monotonic() + 120
    while not done and time.monotonic() < deadline:
        stack.celery.send("outbox.tasks.send_due_emails")
        stack.celery.send("outbox.tasks.send_due_emails")
        done = wait_until(
            lambda: not OutgoingEmail.objects.exclude(status="sent").exists(), 10, 0.2
        )
    assert done, OutgoingEmail.objects.exclude(status="sent").values("status").first()
    time.sleep(1)  # anything still on its way
    seconds = time.monotonic() - started

    deliveries = smtp_sink.per_recipient()
    missing = sorted(set(expected) - set(deliveries))
    foreign = sorted(set(deliveries) - set(expected))
    distinct = {to: set(ids) for to, ids in deliveries.items()}
    wrong_id = [to for to, ids in distinct.items() if ids != {expected.get(to)}]
    duplicates = sum(len(ids) - 1 for ids in deliveries.values())
    numbers = {
        "smtp": smtp,
        "emails": emails,
        **at_kill,
        "messages_at_smtp": sum(len(ids) for ids in deliveries.values()),
        "recipients_reached": len(deliveries),
        "missing": len(missing),
        "duplicate_deliveries": duplicates,
        "recipients_with_a_duplicate": sum(len(ids) > 1 for ids in deliveries.values()),
        "distinct_message_ids_per_recipient_max": max(len(ids) for ids in distinct.values()),
        "rows_sent": OutgoingEmail.objects.filter(status="sent").count(),
        "seconds": round(seconds, 1),
    }
    figures(**numbers)
    assert not missing, missing[:10]
    assert not foreign, foreign[:10]
    assert not wrong_id, wrong_id[:10]
    assert numbers["rows_sent"] == emails
    return numbers


def test_sigkill_mid_mailing_fast_server(stack, smtp_sink, figures):
    numbers = kill_mid_mailing(stack, smtp_sink, figures, smtp="fast", emails=1000, kill_after=300)
    assert numbers["duplicate_deliveries"] <= numbers["in_flight_at_kill"]


def test_sigkill_mid_mailing_server_slow_to_accept_data(stack, smtp_sink, figures):
    """The server keeps each message and takes 200 ms to say so: a kill is likely to land
    between the server's acceptance and the row marked sent."""
    smtp_sink.set_mode("accept", data_delay=0.2)
    kill_mid_mailing(
        stack, smtp_sink, figures, smtp="slow end of DATA (200 ms)", emails=80, kill_after=30
    )
