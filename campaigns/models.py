import random

from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from prisoners.models import Prisoner

COUNTER_SHARDS = 16


class CampaignQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=Campaign.PUBLIC_STATUSES)

    def live(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=Campaign.Status.LIVE).filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=today),
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        )


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LIVE = "live", _("Live")
        CLOSED = "closed", _("Closed")

    PUBLIC_STATUSES = (Status.LIVE, Status.CLOSED)

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), max_length=600)
    story = models.TextField(_("story"), blank=True)
    image = models.ImageField(_("image"), upload_to="campaigns/", blank=True)
    featured_prisoners = models.ManyToManyField(
        Prisoner, verbose_name=_("featured prisoners"), related_name="campaigns", blank=True
    )
    declaration = models.ForeignKey(
        "declarations.Declaration",
        verbose_name=_("linked declaration"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="campaign_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:detail", kwargs={"slug": self.slug})

    @property
    def is_live(self):
        today = timezone.localdate()
        return (
            self.status == self.Status.LIVE
            and (self.starts_on is None or self.starts_on <= today)
            and (self.ends_on is None or self.ends_on >= today)
        )


class PetitionQuerySet(models.QuerySet):
    def public(self):
        """Petitions of campaigns the public can see: live or closed, never drafts."""
        return self.filter(campaign__status__in=Campaign.PUBLIC_STATUSES)

    def with_count(self):
        return self.annotate(counted=Sum("counter_shards__count", default=0))


class Petition(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="petitions")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    target = models.CharField(
        _("addressed to"),
        max_length=300,
        help_text=_("The decision-makers the petition addresses."),
    )
    text = models.TextField(_("petition text"))
    goal = models.PositiveIntegerField(_("goal"), default=1000)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    milestone_reported = models.PositiveSmallIntegerField(
        _("last milestone reported to staff (%)"), default=0, editable=False
    )

    objects = PetitionQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:petition", kwargs={"slug": self.slug})

    @property
    def is_open(self):
        if not self.campaign.is_live:
            return False
        return self.closes_on is None or timezone.localdate() <= self.closes_on

    @property
    def count(self):
        """Confirmed signatures: a sum over a few counter rows, never a COUNT(*)."""
        if hasattr(self, "counted"):
            return self.counted
        return self.counter_shards.aggregate(total=Sum("count", default=0))["total"]

    def recount(self):
        """Set the count from the rows, and say how far the counters had drifted. The
        shards are locked first, so that a confirmation made meanwhile waits and is then
        added on top of the recount, not lost."""
        from django.db import transaction

        with transaction.atomic():
            for shard in range(COUNTER_SHARDS):
                PetitionCounterShard.objects.get_or_create(petition=self, shard=shard)
            shards = list(
                PetitionCounterShard.objects.select_for_update()
                .filter(petition=self)
                .order_by("shard")
            )
            counted = self.signatures.filter(in_count=True)
            countable = self.signatures.countable()
            # Rows whose flag disagrees with their state are put right first.
            countable.filter(in_count=False).update(in_count=True)
            counted.exclude(pk__in=countable.values("pk")).update(in_count=False)
            actual = self.signatures.filter(in_count=True).count()
            before = sum(shard.count for shard in shards)
            PetitionCounterShard.objects.filter(petition=self).update(count=0)
            PetitionCounterShard.objects.filter(pk=shards[0].pk).update(count=actual)
        return actual - before

    def add_to_count(self, amount=1):
        """Spread increments over shards, so that a viral petition has no single hot row."""
        shard = random.randrange(COUNTER_SHARDS)
        updated = PetitionCounterShard.objects.filter(petition=self, shard=shard).update(
            count=F("count") + amount
        )
        if not updated:
            PetitionCounterShard.objects.get_or_create(petition=self, shard=shard)
            PetitionCounterShard.objects.filter(petition=self, shard=shard).update(
                count=F("count") + amount
            )

    @property
    def progress_percent(self):
        if not self.goal:
            return 100
        return min(100, round(self.count * 100 / self.goal))


class PetitionCounterShard(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="counter_shards")
    shard = models.PositiveSmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "shard"], name="unique_counter_shard"),
        ]

    def __str__(self):
        return f"{self.petition_id}/{self.shard}: {self.count}"


class Consent(models.Model):
    """What a supporter agreed to, when, and where: proof the GDPR asks us to keep."""

    supporter = models.ForeignKey(
        "supporters.Supporter", on_delete=models.CASCADE, related_name="consents"
    )
    wording_version = models.CharField(_("wording version"), max_length=40)
    mailing = models.BooleanField(_("agreed to receive updates"))
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="consents"
    )
    page = models.CharField(_("from page"), max_length=500)
    agreed_at = models.DateTimeField(_("agreed at"), default=timezone.now)

    class Meta:
        ordering = ["-agreed_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            # A second submission of the same form is the same consent, not a new one.
            models.UniqueConstraint(
                fields=["supporter", "campaign", "wording_version", "mailing"],
                name="one_consent_per_wording_and_choice",
            ),
        ]

    def __str__(self):
        return f"{self.wording_version} · {self.agreed_at:%Y-%m-%d}"


class SignatureQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Signature.Status.CONFIRMED)

    def pending(self):
        return self.filter(status=Signature.Status.PENDING)

    def held(self):
        return self.filter(held=True).exclude(status=Signature.Status.INVALIDATED)

    def countable(self):
        """What the petition's count is made of: confirmed and not held."""
        return self.confirmed().filter(held=False)

    def due_for_reminder(self, now):
        return self.pending().filter(
            created_at__lte=now - timezone.timedelta(hours=24), reminded_at__isnull=True
        )

    def stale_unconfirmed(self, now, days=30):
        return self.pending().filter(created_at__lte=now - timezone.timedelta(days=days))


class Signature(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        INVALIDATED = "invalidated", _("Invalidated")

    class HoldReason(models.TextChoices):
        ADDRESS = "address", _("Many signatures from one address")
        NETWORK = "network", _("Many signatures from one network")
        LIMITS_DOWN = "limits_down", _("The abuse limits could not be checked")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    supporter = models.ForeignKey(
        "supporters.Supporter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signatures",
        help_text=_("Empty once the supporter's data was erased; the signature still counts."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    held = models.BooleanField(
        _("held for review"),
        default=False,
        help_text=_("Saved and confirmed as usual, but not counted until staff validate it."),
    )
    hold_reason = models.CharField(
        _("why it is held"), max_length=20, choices=HoldReason.choices, blank=True
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    in_count = models.BooleanField(
        _("counted"), default=False, editable=False, help_text=_("Part of the petition's count.")
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    show_name = models.BooleanField(_("agreed to show first name and country"), default=False)
    source = models.CharField(
        _("came from"), max_length=300, blank=True, help_text=_("Referrer or UTM tag.")
    )
    ip_hash = models.CharField(
        _("network fingerprint"),
        max_length=64,
        blank=True,
        help_text=_(
            "A keyed hash of the /24 (IPv4) or /48 (IPv6) network, under a key that changes "
            "every day and is never stored: it groups signatures, it identifies no one."
        ),
    )
    created_at = models.DateTimeField(_("signed at"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmation_emails = models.PositiveSmallIntegerField(_("confirmation emails sent"), default=0)
    last_confirmation_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("petition signature")
        verbose_name_plural = _("petition signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "supporter"], name="one_signature_per_supporter"
            ),
        ]
        indexes = [
            models.Index(fields=["petition", "status", "-confirmed_at"]),
            models.Index(
                fields=["ip_hash", "created_at"],
                condition=Q(held=True),
                name="campaigns_signature_held_idx",
            ),
        ]

    def __str__(self):
        return f"{self.petition} · {self.get_status_display()}"

    def _count_if_due(self):
        """Add the signature to the count once it is confirmed and not held. The flag is
        flipped by one conditional update, so concurrent confirmation and validation count
        it once."""
        counted = Signature.objects.filter(
            pk=self.pk, status=self.Status.CONFIRMED, held=False, in_count=False
        ).update(in_count=True)
        if counted:
            self.petition.add_to_count(1)
        return bool(counted)

    def confirm(self):
        """The signer followed the emailed link. Counted once, unless it is held."""
        updated = Signature.objects.filter(pk=self.pk, status=self.Status.PENDING).update(
            status=self.Status.CONFIRMED, confirmed_at=timezone.now()
        )
        if updated:
            self._count_if_due()
            self.refresh_from_db(fields=["status", "confirmed_at", "in_count"])
        return bool(updated)

    def validate(self):
        """Staff looked at a held signature and found it genuine."""
        updated = Signature.objects.filter(pk=self.pk, held=True).update(
            held=False, reviewed_at=timezone.now()
        )
        if updated:
            self._count_if_due()
            self.refresh_from_db(fields=["held", "reviewed_at", "in_count"])
        return bool(updated)

    def invalidate(self):
        """Staff found the signature fake. It leaves the count if it was in it."""
        now = timezone.now()
        uncounted = Signature.objects.filter(pk=self.pk, in_count=True).update(
            in_count=False, status=self.Status.INVALIDATED, reviewed_at=now
        )
        if uncounted:
            self.petition.add_to_count(-1)
        updated = uncounted or (
            Signature.objects.filter(pk=self.pk)
            .exclude(status=self.Status.INVALIDATED)
            .update(status=self.Status.INVALIDATED, reviewed_at=now)
        )
        self.refresh_from_db(fields=["status", "in_count", "reviewed_at"])
        return bool(updated)


class Official(models.Model):
    """A decision-maker that supporters write to."""

    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=300)
    email = models.EmailField(_("email"), blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")

    def __str__(self):
        return f"{self.name}, {self.position}"


class LetterAction(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="letter_actions")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    subject = models.CharField(_("email subject"), max_length=200)
    suggested_letter = models.TextField(
        _("suggested letter"), help_text=_("Supporters may edit it before sending.")
    )
    recipients = models.ManyToManyField(
        Official, verbose_name=_("recipients"), related_name="letter_actions"
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("letter action")
        verbose_name_plural = _("letter actions")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:letter", kwargs={"slug": self.slug})


class Letter(models.Model):
    """A letter a supporter sent through the app (to the officials with an email)."""

    action = models.ForeignKey(LetterAction, on_delete=models.CASCADE, related_name="letters")
    supporter = models.ForeignKey(
        "supporters.Supporter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
    )
    body = models.TextField(_("letter"))
    held = models.BooleanField(
        _("held"),
        default=False,
        help_text=_("Kept but not sent, because the abuse limits could not be checked."),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("letter sent")
        verbose_name_plural = _("letters sent")

    def __str__(self):
        return f"{self.action} · {self.created_at:%Y-%m-%d}"


class SolidarityMessageQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=SolidarityMessage.Status.APPROVED)


class SolidarityMessage(models.Model):
    """A short message to a prisoner, printed and posted by staff once approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    prisoner = models.ForeignKey(
        Prisoner, on_delete=models.CASCADE, related_name="solidarity_messages"
    )
    supporter = models.ForeignKey(
        "supporters.Supporter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    author_name = models.CharField(_("signed as"), max_length=100)
    author_country = CountryField(_("country"), blank=True)
    text = models.TextField(_("message"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    printed_at = models.DateTimeField(_("printed at"), null=True, blank=True)

    objects = SolidarityMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("solidarity message")
        verbose_name_plural = _("solidarity messages")

    def __str__(self):
        return f"{self.author_name} → {self.prisoner}"

    def approve(self):
        self._moderate(self.Status.APPROVED)

    def reject(self):
        self._moderate(self.Status.REJECTED)

    def _moderate(self, status):
        self.status = status
        self.moderated_at = timezone.now()
        self.save(update_fields=["status", "moderated_at"])
