"""News of a campaign that staff write to its supporters: one update, written in each
language, sent once to everyone who asked for news of the campaign."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign

# A sending run that has not moved for this long is taken for lost (the broker was down
# when staff pressed "send", or the worker died) and the beat task takes it up again.
STALLED_AFTER = timezone.timedelta(minutes=5)


class CampaignUpdateQuerySet(models.QuerySet):
    def sending(self):
        return self.filter(state=CampaignUpdate.State.SENDING)

    def stalled(self, now=None):
        now = now or timezone.now()
        return self.sending().filter(progressed_at__lte=now - STALLED_AFTER)


class CampaignUpdate(models.Model):
    """Written as a draft, then sent: the recipients are written to the outbox a batch at a
    time, in order of supporter id, and `last_supporter_id` says how far it has gone, so
    that a run that stopped half-way goes on where it stopped."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="updates"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("text"), help_text=_("Plain text. A blank line starts a new paragraph.")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, editable=False
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    sending_started_at = models.DateTimeField(
        _("sending started at"), null=True, blank=True, editable=False
    )
    sent_at = models.DateTimeField(_("all queued at"), null=True, blank=True, editable=False)
    recipients_planned = models.PositiveIntegerField(
        _("recipients planned"), null=True, blank=True, editable=False
    )
    queued = models.PositiveIntegerField(_("queued so far"), default=0, editable=False)
    last_supporter_id = models.PositiveBigIntegerField(default=0, editable=False)
    progressed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CampaignUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("update to supporters")
        verbose_name_plural = _("updates to supporters")
        permissions = [("send_campaignupdate", _("Can send updates to supporters"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(sending_started_at__isnull=False),
                name="campaignupdate_started_when_not_draft",
            ),
        ]

    def __str__(self):
        return self.subject

    @property
    def outbox_key_prefix(self):
        """Every email of this update has a key that starts so: one per supporter."""
        return f"campaign-update-{self.pk}-to-"

    def start_sending(self, *, user, planned):
        """Draft to sending, once: a second press of "send", or a concurrent one, changes
        nothing and returns False."""
        now = timezone.now()
        started = CampaignUpdate.objects.filter(pk=self.pk, state=self.State.DRAFT).update(
            state=self.State.SENDING,
            sent_by=user,
            sending_started_at=now,
            progressed_at=now,
            recipients_planned=planned,
        )
        self.refresh_from_db()
        return bool(started)

    def record_batch(self, *, last_supporter_id, queued):
        """One batch is in the outbox: move the cursor past it."""
        CampaignUpdate.objects.filter(pk=self.pk, state=self.State.SENDING).update(
            last_supporter_id=last_supporter_id,
            queued=F("queued") + queued,
            progressed_at=timezone.now(),
        )
        self.refresh_from_db(fields=["last_supporter_id", "queued", "progressed_at"])

    def finish_sending(self):
        """Every recipient's email is in the outbox, which sends them."""
        now = timezone.now()
        finished = CampaignUpdate.objects.filter(pk=self.pk, state=self.State.SENDING).update(
            state=self.State.SENT, sent_at=now, progressed_at=now
        )
        self.refresh_from_db(fields=["state", "sent_at", "progressed_at"])
        return bool(finished)
