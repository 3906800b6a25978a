from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Queued emails whose time has come, and claims that a dead worker let lapse."""
        now = now or timezone.now()
        return self.filter(
            status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.SENDING],
            next_attempt_at__lte=now,
        )

    def failed(self):
        return self.filter(status=OutgoingEmail.Status.FAILED)


class OutgoingEmail(models.Model):
    """One email, from the moment something decides to send it until it is sent (or has
    failed for good and waits for staff). `template` is a full path without its suffix:
    `<template>_subject.txt`, `<template>.txt` and, if it exists, `<template>.html`."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        DROPPED = "dropped", _("Nothing to send")

    key = models.CharField(_("key"), max_length=200, unique=True)
    to = models.EmailField(_("to"), blank=True)
    reply_to = models.EmailField(_("reply to"), blank=True)
    template = models.CharField(_("template"), max_length=150)
    context = models.JSONField(_("context"), default=dict)
    language = models.CharField(_("language"), max_length=10, default="en")
    unsubscribe_url = models.URLField(_("unsubscribe link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self):
        return f"{self.template} → {self.to or '—'}"

    def claim(self, now=None):
        """Take the right to send this email, for OUTBOX_CLAIM_TIMEOUT. A conditional update,
        so that of a worker and the sweep only one wins. Returns whether this caller won,
        and loads the row when it did: one UPDATE ... RETURNING (PostgreSQL, SQLite 3.35+),
        which the ORM cannot write, rather than an UPDATE and a SELECT for every email."""
        now = now or timezone.now()
        ops = connection.ops
        fields = self._meta.concrete_fields
        rows = OutgoingEmail.objects.raw(
            f"UPDATE {ops.quote_name(self._meta.db_table)} "
            "SET status = %s, attempts = attempts + 1, next_attempt_at = %s "
            "WHERE id = %s AND status IN (%s, %s) AND next_attempt_at <= %s "
            f"RETURNING {', '.join(ops.quote_name(field.column) for field in fields)}",
            [
                self.Status.SENDING,
                ops.adapt_datetimefield_value(now + settings.OUTBOX_CLAIM_TIMEOUT),
                self.pk,
                self.Status.QUEUED,
                self.Status.SENDING,
                ops.adapt_datetimefield_value(now),
            ],
        )
        for claimed in rows:
            for field in fields:
                setattr(self, field.attname, getattr(claimed, field.attname))
            return True
        return False

    def mark_sent(self):
        OutgoingEmail.objects.filter(pk=self.pk).update(
            status=self.Status.SENT, sent_at=timezone.now(), last_error=""
        )
        self.status = self.Status.SENT

    def mark_dropped(self, reason):
        """Nothing to send (the address is not ours to write to). The address is not kept."""
        OutgoingEmail.objects.filter(pk=self.pk).update(
            status=self.Status.DROPPED, to="", context={}, last_error=reason[:2000]
        )
        self.status = self.Status.DROPPED

    def mark_failed(self, error, now=None):
        """Try again later with exponential backoff, or give up after OUTBOX_MAX_ATTEMPTS and
        leave the email for staff to see and send again."""
        now = now or timezone.now()
        final = self.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        self.status = self.Status.FAILED if final else self.Status.QUEUED
        OutgoingEmail.objects.filter(pk=self.pk).update(
            status=self.status,
            next_attempt_at=now + timezone.timedelta(minutes=2**self.attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        return final

    def retry(self):
        """Staff's "send again": back in the queue, with a fresh count of attempts."""
        return bool(
            OutgoingEmail.objects.filter(pk=self.pk)
            .exclude(status__in=[self.Status.SENT, self.Status.DROPPED])
            .update(status=self.Status.QUEUED, next_attempt_at=timezone.now(), attempts=0)
        )
