"""One mail pipeline: every email leaves through the outbox, with a key, rendered without
HTML escaping in its text part, and sent with no database lock held."""

import threading
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, connections

from outbox import tasks as outbox_tasks
from outbox.models import OutgoingEmail
from outbox.services import outbox_enqueue, outbox_send

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = ["config", "core", "outbox", "supporters", "prisoners", "declarations", "campaigns"]


def test_no_code_outside_the_outbox_sends_mail():
    """Mail leaves through outbox.services only: nothing else builds or sends a message."""
    senders = (
        "send_mail(",
        "send_mass_mail(",
        "EmailMessage(",
        "EmailMultiAlternatives(",
        "mail_admins(",
    )
    offenders = []
    for app in PROJECT_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path.parts[-2:] == ("outbox", "services.py"):
                continue
            text = path.read_text()
            offenders += [f"{path.relative_to(ROOT)}: {s}" for s in senders if s in text]
    assert offenders == []


@pytest.mark.django_db
def test_plain_text_is_not_html_escaped(settings):
    outbox_enqueue(
        key="letter-test",
        to="official@example.org",
        template="campaigns/email/letter",
        context={
            "subject": "Don't jail journalists & bloggers",
            "body": 'I\'m writing about <two> journalists & their "crime".',
            "name": "O'Brien",
            "official": "Minister",
        },
    )
    assert outbox_tasks.send_due_emails() == 1
    [message] = mail.outbox
    assert message.subject == "Don't jail journalists & bloggers"
    assert 'I\'m writing about <two> journalists & their "crime".' in message.body
    assert "O'Brien" in message.body
    html = message.alternatives[0][0]
    assert "I&#x27;m writing about &lt;two&gt;" in html  # the HTML part stays escaped


@pytest.mark.django_db
def test_a_key_makes_an_email_unique_and_gives_it_a_stable_message_id():
    first = outbox_enqueue(key="k-1", to="a@example.org", template="campaigns/email/letter")
    again = outbox_enqueue(key="k-1", to="b@example.org", template="campaigns/email/letter")
    assert first.pk == again.pk and OutgoingEmail.objects.count() == 1
    OutgoingEmail.objects.filter(pk=first.pk).update(
        context={"subject": "s", "body": "b", "name": "n", "official": "o"}
    )
    assert outbox_send(email_id=first.pk)
    assert not outbox_send(email_id=first.pk)  # sent once, never twice
    [message] = mail.outbox
    assert (
        message.extra_headers["Message-ID"].startswith("<")
        and "@" in message.extra_headers["Message-ID"]
    )


class LockProbeBackend(LocmemBackend):
    """While "talking to the server", another connection tries to write the row being sent
    and must not have to wait for a lock."""

    probe = {}

    def send_messages(self, messages):
        email_id = self.probe["email_id"]

        def write_from_elsewhere():
            other = connections.create_connection("default")
            try:
                with other.cursor() as cursor:
                    if other.vendor == "postgresql":
                        cursor.execute("SET lock_timeout = '1s'")
                    else:
                        cursor.execute("PRAGMA busy_timeout = 1000")
                    cursor.execute(
                        "UPDATE outbox_outgoingemail SET last_error = %s WHERE id = %s",
                        ["probe", email_id],
                    )
                    if other.vendor != "postgresql":
                        other.commit()
                self.probe["wrote"] = True
            except Exception as error:  # a lock held by the sender
                self.probe["error"] = error
            finally:
                other.close()

        thread = threading.Thread(target=write_from_elsewhere)
        thread.start()
        thread.join(timeout=10)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_no_database_lock_is_held_while_talking_to_the_mail_server(settings):
    settings.EMAIL_BACKEND = "tests.outbox.test_pipeline.LockProbeBackend"
    email = outbox_enqueue(
        key="probe",
        to="a@example.org",
        template="campaigns/email/letter",
        context={"subject": "s", "body": "b", "name": "n", "official": "o"},
    )
    LockProbeBackend.probe.clear()
    LockProbeBackend.probe["email_id"] = email.pk
    assert outbox_send(email_id=email.pk)
    assert LockProbeBackend.probe.get("wrote"), LockProbeBackend.probe.get("error")
    connection.close()


@pytest.mark.django_db
def test_the_sweep_sends_over_one_connection(settings):
    from tests.faults.smtp import SMTPSink

    with SMTPSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        for n in range(5):
            outbox_enqueue(
                key=f"bulk-{n}",
                to=f"r{n}@example.org",
                template="campaigns/email/letter",
                context={"subject": "s", "body": "b", "name": "n", "official": "o"},
                hand_over=False,
            )
        assert outbox_tasks.send_due_emails() == 5
        assert len(sink.messages) == 5
        assert sink.connections == 1
