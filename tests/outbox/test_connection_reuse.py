"""A worker keeps one SMTP session for email after email, and loses nothing when the
server hangs up on it, a firewall drops it, a session reaches its cap of messages, a
message is refused, or the worker process forks or ends. A real SMTP server
(tests/faults/smtp.py); the task runs here, as a worker runs it."""

import asyncio
import os

import pytest
from celery.signals import worker_process_init, worker_process_shutdown
from django.core import mail
from django.core.mail import EmailMessage

from outbox import services
from outbox.models import OutgoingEmail
from outbox.services import outbox_enqueue
from outbox.tasks import send_outgoing_email
from tests.faults import smtp as sink_module
from tests.faults.servers import wait_until

pytestmark = pytest.mark.django_db

CONTEXT = {"subject": "s", "body": "b", "name": "n", "official": "o"}
# Postfix's words when it times out an idle client, before it closes the connection.
POSTFIX_GOODBYE = b"421 4.4.2 sink.faults.test Error: timeout exceeded\r\n"


class _Session(sink_module._Protocol):
    """The sink's SMTP session, which also keeps the set of open sessions, times out an
    idle client after `sink.idle_timeout` seconds (saying `sink.goodbye` first, if set),
    and never answers again in the sessions put in `sink.muted`, as when a firewall on the
    way has dropped the connection."""

    def __init__(self, sink, handler):
        super().__init__(sink, handler)
        self._timeout_duration = sink.idle_timeout

    def connection_made(self, transport):
        super().connection_made(transport)
        self._sink.live.add(self)

    def connection_lost(self, error):
        self._sink.live.discard(self)
        super().connection_lost(error)

    def _timeout_cb(self):
        if self._sink.goodbye:
            self._writer.write(self._sink.goodbye)
        super()._timeout_cb()

    async def push(self, status):
        if self in self._sink.muted:
            await asyncio.Event().wait()
        await super().push(status)


class _Handler(sink_module._Handler):
    """Refuses the recipients whose address starts with "refused"."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class Sink(sink_module.SMTPSink):
    def __init__(self):
        super().__init__()
        self.idle_timeout = 60
        self.goodbye = None
        self.live = set()
        self.muted = set()


@pytest.fixture
def sink(settings, monkeypatch):
    monkeypatch.setattr(sink_module, "_Protocol", _Session)
    monkeypatch.setattr(sink_module, "_Handler", _Handler)
    server = Sink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield server
    finally:
        services.kept_connection.close()  # while the server can still answer the QUIT
        server.stop()


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


def send(email):
    """What a worker does with the task the hand-over queued."""
    return send_outgoing_email(email.pk)


def delivered_once(sink, emails):
    deliveries = sink.per_recipient()
    return sorted(deliveries) == sorted(e.to for e in emails) and all(
        len(ids) == 1 for ids in deliveries.values()
    )


def test_email_after_email_goes_over_one_smtp_session(sink):
    emails = letters(5)
    assert [send(email) for email in emails] == [True] * 5
    assert delivered_once(sink, emails)
    assert sink.connections == 1
    assert OutgoingEmail.objects.filter(status="sent").count() == 5


@pytest.mark.parametrize("goodbye", [None, POSTFIX_GOODBYE], ids=["closed", "421-then-closed"])
def test_a_session_the_server_timed_out_is_replaced_and_nothing_is_lost(sink, goodbye):
    sink.idle_timeout, sink.goodbye = 0.3, goodbye
    first, second = letters(2)
    assert send(first)
    assert wait_until(lambda: not sink.live, 5), "the server did not hang up"
    assert send(second)
    second.refresh_from_db()
    assert (second.status, second.attempts) == ("sent", 1)
    assert delivered_once(sink, [first, second])
    assert sink.connections == 2


def test_a_session_dropped_on_the_way_is_found_by_a_noop_after_a_quiet_spell(
    sink, settings, monkeypatch
):
    monkeypatch.setattr(services, "IDLE_CHECK_SECONDS", 0)
    settings.EMAIL_TIMEOUT = 1
    first, second, third = letters(3)
    assert send(first) and send(second)
    assert sink.connections == 1  # quiet, but alive: the NOOP is answered
    sink.muted.update(sink.live)
    assert send(third)
    third.refresh_from_db()
    assert (third.status, third.attempts) == ("sent", 1)
    assert delivered_once(sink, [first, second, third])
    assert sink.connections == 2


def test_a_session_ends_politely_after_its_cap_of_messages(sink, monkeypatch):
    monkeypatch.setattr(services, "MESSAGES_PER_CONNECTION", 3)
    emails = letters(7)
    assert all(send(email) for email in emails)
    assert delivered_once(sink, emails)
    assert sink.connections == 3  # 3 + 3 + 1
    assert wait_until(lambda: len(sink.live) == 1, 5)  # the full ones were QUIT


def test_after_a_refused_message_the_next_email_opens_a_fresh_session(sink):
    [first] = letters(1)
    [refused] = letters(1, prefix="refused")
    [after] = letters(1, prefix="after")
    assert send(first)
    assert not send(refused)
    refused.refresh_from_db()
    assert (refused.status, refused.attempts) == ("queued", 1)  # retried after the backoff
    assert "550" in refused.last_error
    assert send(after)
    assert delivered_once(sink, [first, after])
    assert sink.connections == 2


def test_a_worker_process_ends_its_session_when_it_ends(sink):
    [email] = letters(1)
    assert send(email)
    assert len(sink.live) == 1
    worker_process_shutdown.send(sender=None, pid=os.getpid(), exitcode=0)
    assert wait_until(lambda: not sink.live, 5)


def test_a_forked_pool_process_opens_its_own_session_and_leaves_its_parents_alone(sink):
    first, second = letters(2)
    assert send(first)  # the parent holds a session
    pid = os.fork()
    if pid == 0:  # the child, started as Celery starts a pool process; no database here
        code = 1
        try:
            worker_process_init.send(sender=None)
            message = EmailMessage("s", "b", to=["child@example.org"])
            message.connection = services.kept_connection
            services.kept_connection.open()
            code = 0 if message.send() == 1 else 2
            worker_process_shutdown.send(sender=None, pid=os.getpid(), exitcode=code)
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert sink.connections == 2  # the child's own
    assert send(second)
    assert sink.connections == 2  # the parent's session is still there, and used
    deliveries = sink.per_recipient()
    assert sorted(deliveries) == sorted([first.to, second.to, "child@example.org"])


@pytest.mark.parametrize("backend", ["locmem", "console"])
def test_the_local_backends_work_behind_the_kept_connection(settings, capsys, backend):
    settings.EMAIL_BACKEND = f"django.core.mail.backends.{backend}.EmailBackend"
    emails = letters(2)
    assert all(send(email) for email in emails)
    if backend == "locmem":
        assert sorted(m.to[0] for m in mail.outbox) == sorted(e.to for e in emails)
    else:
        printed = capsys.readouterr().out
        assert all(f"To: {e.to}" in printed for e in emails)
