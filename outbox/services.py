"""Writing emails to the outbox and sending them.

`outbox_enqueue` is called inside the caller's transaction; after commit it hands the
email to a worker without waiting for the broker (outbox.handover), and if the broker is
down the beat sweep (`outbox_send_due`) sends it later. `outbox_send` claims a row with a
conditional update, renders it, and sends it with no database lock held; a worker sends
email after email over the one SMTP connection it keeps (`kept_connection`).
"""

import contextlib
import hashlib
import logging
import select
import smtplib
import threading
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from . import handover
from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# Functions that fill in an email's context at send time, by template. An app registers
# one when the decision to write must not be taken while the visitor waits (the privacy
# form must answer in the same time whether or not it knows the address). A preparer
# returns the context to render, or None when there is nothing to send.
_preparers = {}


def register_preparer(template, function):
    _preparers[template] = function


def outbox_enqueue(
    *,
    key,
    to,
    template,
    context=None,
    language=None,
    reply_to="",
    unsubscribe_url="",
    hand_over=True,
):
    """Write an email to the outbox in the caller's transaction. A key seen before returns
    the row already there and queues nothing. With `hand_over`, a worker is asked to send it
    right after commit; bulk mail leaves it to the sweep, so as not to flood the broker.

    One SELECT, and for a new key one INSERT ... ON CONFLICT, without a savepoint. When a
    concurrent transaction writes the same key first, the insert changes nothing in its
    row and this call hands the row over a second time, which the worker's claim makes
    harmless."""
    email = OutgoingEmail.objects.filter(key=key).first()
    if email is not None:
        return email
    email = OutgoingEmail(
        key=key,
        to=to,
        template=template,
        context=context or {},
        language=language or settings.LANGUAGE_CODE,
        reply_to=reply_to,
        unsubscribe_url=unsubscribe_url,
    )
    OutgoingEmail.objects.bulk_create(
        [email], update_conflicts=True, unique_fields=["key"], update_fields=["key"]
    )
    if hand_over:
        transaction.on_commit(lambda: handover.hand_over(email.pk))
    return email


def outbox_send(*, email_id, connection=None):
    """Send one email, once. Returns True when it was sent now."""
    email = OutgoingEmail(pk=email_id)
    if not email.claim():
        return False
    preparer = _preparers.get(email.template)
    if preparer is not None:
        context = preparer(email)
        if context is None:
            email.mark_dropped("Nothing to send to this address.")
            return False
        email.context = {**email.context, **context}
    try:
        if connection is not None:
            # Opened here, a shared connection stays open across sends (a backend closes
            # only the connections it opened itself); a failure to open is this email's.
            connection.open()
        message = build_message(email, connection=connection)
        message.send()
    except Exception as error:
        if connection is not None:
            _close_quietly(connection)  # the next email opens a fresh one
        final = email.mark_failed(error)
        log = logger.error if final else logger.warning
        log("Email %s not sent (attempt %s): %s", email.pk, email.attempts, error)
        if isinstance(error, SoftTimeLimitExceeded):
            raise  # the task's time is up: the sweep stops here, the next one goes on
        return False
    email.mark_sent()
    return True


MESSAGES_PER_CONNECTION = 100


def outbox_send_due(*, limit=None):
    """The sweep: every due email, over one SMTP connection. Returns how many were sent."""
    due = OutgoingEmail.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)
    if limit:
        due = due[:limit]
    sent = 0
    connection = get_connection()
    try:
        for number, email_id in enumerate(due.iterator(), start=1):
            if number % MESSAGES_PER_CONNECTION == 0:
                _close_quietly(connection)  # providers cap messages per connection
            sent += outbox_send(email_id=email_id, connection=connection)
    finally:
        _close_quietly(connection)
    return sent


def _close_quietly(connection):
    with contextlib.suppress(Exception):  # a broken connection cannot be closed politely
        connection.close()


# A kept connection that has been quiet this long is asked for a NOOP before it is used: a
# firewall or NAT on the way may have dropped it without a word to either side.
IDLE_CHECK_SECONDS = 30


class KeptConnection(threading.local):
    """The mail connection a worker keeps between tasks, one per process (and per thread),
    so that one email after another does not each open an SMTP session of its own. It is
    opened when an email needs it, and closed after MESSAGES_PER_CONNECTION messages, after
    any failure (by `outbox_send`), and when the worker process ends. A connection the
    server has hung up on, or that fails a NOOP after a quiet spell, is replaced before the
    email is sent; if sending still fails, the email is retried like any other failure."""

    def __init__(self):
        self._backend = None
        self._sent = 0
        self._last_used = 0.0

    def open(self):
        if self._backend is not None and (self._sent >= MESSAGES_PER_CONNECTION or self._stale()):
            self.close()
        if self._backend is None:
            self._backend = get_connection()
        return self._backend.open()

    def send_messages(self, messages):
        if self._backend is None:
            self.open()
        try:
            return self._backend.send_messages(messages)
        finally:
            self._sent += len(messages)
            self._last_used = time.monotonic()

    def close(self):
        backend, self._backend, self._sent = self._backend, None, 0
        if backend is not None:
            _close_quietly(backend)

    def forget(self):
        """In a forked process: the socket is the parent's. Let it go without a QUIT, which
        would end the parent's session."""
        self._backend, self._sent = None, 0

    def __deepcopy__(self, memo):
        return self  # the locmem backend keeps copies of messages, and their connection

    def _stale(self):
        smtp = getattr(self._backend, "connection", None)  # Django's SMTP backend
        if not isinstance(smtp, smtplib.SMTP) or smtp.sock is None:
            return False
        try:
            # A server speaks only when asked: anything to read now is its goodbye ("421
            # timeout") or the end of the stream.
            if select.select([smtp.sock], [], [], 0)[0]:
                return True
            if time.monotonic() - self._last_used > IDLE_CHECK_SECONDS:
                return smtp.noop()[0] != 250
        except (OSError, smtplib.SMTPException):
            return True
        return False


kept_connection = KeptConnection()


@receiver(setting_changed)
def _close_kept_connection(setting, **kwargs):
    if setting.startswith("EMAIL_"):  # tests point the mail elsewhere
        kept_connection.close()


def message_id(key):
    """The same Message-ID for every attempt at one email, so that mailboxes that see a
    retry of a message they already hold can show it once."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def build_message(email, connection=None):
    context = {**email.context, "unsubscribe_url": email.unsubscribe_url}
    with translation.override(email.language):
        subject = render_to_string(f"{email.template}_subject.txt", context, using="text")
        text = render_to_string(f"{email.template}.txt", context, using="text")
        try:
            html = render_to_string(f"{email.template}.html", context)
        except TemplateDoesNotExist:
            html = None
    headers = {"Message-ID": message_id(email.key)}
    if email.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        " ".join(subject.split()),
        text,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers=headers,
        connection=connection,
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message
