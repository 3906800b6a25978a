"""Redis down (stopped, then frozen) under the web process: signing still answers at once,
every signature is kept, and once Redis is back every email goes out exactly once.

The web side is a real gunicorn, so that the hand-over after commit runs as in production
(in its background thread); Redis is its cache and its broker; a real Celery worker and
the sweep send the mail to a real SMTP server."""

import statistics
import time

import pytest

from campaigns.models import Signature
from outbox.models import OutgoingEmail
from tests.factories import PetitionFactory

from .servers import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

# Longer than core.ratelimit's CACHE_BACKOFF_SECONDS (10), so that each web process asks
# the dead Redis again at least once during a phase.
PHASE_SECONDS = 11
PAUSE = 0.1


def form(email):
    return {"name": "Aigul Example", "email": email, "country": "DE", "comment": "Free them"}


def sign_for(web, path, prefix, seconds):
    """POST signatures for `seconds`, one after another; returns (emails, seconds each)."""
    emails, times = [], []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        email = f"{prefix}-{len(emails)}@example.org"
        status, took = web.request("POST", path, form(email), timeout=30)
        assert status == 302, f"{email}: HTTP {status}"
        emails.append(email)
        times.append(took)
        time.sleep(PAUSE)
    return emails, times


def test_signing_while_redis_is_down_answers_at_once_and_loses_nothing(
    stack, redis_server, smtp_sink, figures
):
    petition = PetitionFactory()
    path = petition.get_absolute_url()
    web = stack.gunicorn(workers=2, threads=4)
    stack.worker()

    # Redis up: the web process hands the email over after commit and the worker sends it,
    # with no sweep. This is the path the outage must not block.
    status, before = web.request("POST", path, form("before@example.org"))
    assert status == 302
    assert smtp_sink.wait_for(1, 30), "the hand-over never reached the worker"

    redis_server.shutdown()  # connections refused
    stopped, stopped_times = sign_for(web, path, "stopped", PHASE_SECONDS)
    redis_server.restart()
    redis_server.freeze()  # connections accepted, nothing answered
    try:
        frozen, frozen_times = sign_for(web, path, "frozen", PHASE_SECONDS)
    finally:
        redis_server.thaw()

    # Every signature is kept, held because the limits could not be counted.
    outage = stopped + frozen
    assert Signature.objects.count() == 1 + len(outage)
    held = Signature.objects.filter(supporter__email__in=outage)
    assert held.count() == len(outage)
    assert set(held.values_list("hold_reason", flat=True)) == {Signature.HoldReason.LIMITS_DOWN}
    assert OutgoingEmail.objects.filter(key__startswith="signature-").count() == 1 + len(outage)

    # Redis is back: the sweep sends what the hand-over could not, each email once.
    started = time.monotonic()
    stack.celery.send("outbox.tasks.send_due_emails")
    expected = {"before@example.org", *outage}
    arrived = wait_until(lambda: expected <= set(smtp_sink.per_recipient()), 90, 0.2)
    recovery = time.monotonic() - started
    assert arrived, f"missing: {sorted(expected - set(smtp_sink.per_recipient()))[:10]}"
    stack.celery.send("outbox.tasks.send_due_emails")  # a second sweep sends nothing again
    assert wait_until(
        lambda: not OutgoingEmail.objects.filter(status__in=["queued", "sending"]).exists(), 30
    )
    time.sleep(2)
    deliveries = smtp_sink.per_recipient()
    duplicated = {to: ids for to, ids in deliveries.items() if len(ids) > 1}
    assert set(deliveries) == expected
    assert not duplicated, duplicated
    assert OutgoingEmail.objects.filter(status="sent").count() == len(expected)

    all_times = stopped_times + frozen_times
    figures(
        posts_redis_stopped=len(stopped),
        posts_redis_frozen=len(frozen),
        post_seconds_before_outage=round(before, 3),
        post_seconds_stopped_max=round(max(stopped_times), 3),
        post_seconds_stopped_median=round(statistics.median(stopped_times), 3),
        post_seconds_frozen_max=round(max(frozen_times), 3),
        post_seconds_frozen_median=round(statistics.median(frozen_times), 3),
        post_seconds_max=round(max(all_times), 3),
        post_seconds_median=round(statistics.median(all_times), 3),
        signatures=Signature.objects.count(),
        held_limits_down=held.count(),
        emails_in_outbox=OutgoingEmail.objects.count(),
        messages_at_smtp=sum(len(ids) for ids in deliveries.values()),
        duplicate_deliveries=sum(len(ids) - 1 for ids in deliveries.values()),
        seconds_to_send_all_after_redis_back=round(recovery, 1),
    )
    assert max(all_times) < 2, f"slowest POST took {max(all_times):.2f} s"
