"""Handing emails to the Celery broker without making anyone wait for it.

After a transaction commits, the ids of its new emails are put on an in-process queue, and
one daemon thread per process publishes them. A request never waits for the broker: if
Redis is down, refusing connections or frozen, only that thread waits (within the broker
timeouts in settings), and after a failure it stops trying for BROKER_BACKOFF_SECONDS.
Whatever is not handed over (broker down, queue full, process restarted) is still a
queued row in the outbox, and the beat sweep sends it within a minute or so of the
broker's return.

In eager mode (tests, CELERY_TASK_ALWAYS_EAGER) the hand-over runs inline, so that what a
test triggers has happened when it looks.
"""

import logging
import queue
import threading
import time

logger = logging.getLogger(__name__)

BROKER_BACKOFF_SECONDS = 30
QUEUE_SIZE = 10_000

_queue = queue.Queue(maxsize=QUEUE_SIZE)
_state = {"thread": None, "down_since": None}
_lock = threading.Lock()


def _publish(email_id):
    from .tasks import send_outgoing_email

    down_since = _state["down_since"]
    if down_since is not None and time.monotonic() - down_since < BROKER_BACKOFF_SECONDS:
        return False
    try:
        send_outgoing_email.apply_async((email_id,), retry=False)
    except Exception as error:  # any broker or result-backend failure: the sweep recovers
        _state["down_since"] = time.monotonic()
        logger.warning("Broker unavailable (%s); email %s waits for the sweep.", error, email_id)
        return False
    _state["down_since"] = None
    return True


def _run():
    while True:
        email_id = _queue.get()
        try:
            _publish(email_id)
        finally:
            _queue.task_done()


def _ensure_thread():
    with _lock:
        thread = _state["thread"]
        if thread is None or not thread.is_alive():
            thread = threading.Thread(target=_run, name="outbox-handover", daemon=True)
            thread.start()
            _state["thread"] = thread


def hand_over(email_id):
    """Ask a worker to send this email soon. Returns at once; never raises."""
    from .tasks import send_outgoing_email

    if send_outgoing_email.app.conf.task_always_eager:
        send_outgoing_email.apply_async((email_id,))
        return True
    _ensure_thread()
    try:
        _queue.put_nowait(email_id)
    except queue.Full:
        logger.warning("Hand-over queue full; email %s waits for the sweep.", email_id)
        return False
    return True


def wait_until_handed_over(timeout=10):
    """For tests and benchmarks: block until the queue is empty (or the timeout passes)."""
    deadline = time.monotonic() + timeout
    while _queue.unfinished_tasks and time.monotonic() < deadline:
        time.sleep(0.01)
    return not _queue.unfinished_tasks


def reset():
    """Forget a past broker failure (tests that simulate one call this afterwards)."""
    _state["down_since"] = None
