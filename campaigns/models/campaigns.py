"""Campaigns and their petitions, with the sharded counters that keep a petition's count
without a hot row."""

import random

from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import pagecache
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
        """The online count (the counter shards) and the paper count (the staff's batches),
        each summed in a subquery of the same query: two joins would multiply each other."""
        from .paper import PaperSignatureBatch

        def total(model):
            rows = model.objects.filter(petition=OuterRef("pk")).order_by()
            summed = rows.values("petition").annotate(total=Sum("count")).values("total")
            return Coalesce(Subquery(summed), 0)

        return self.annotate(
            counted=total(PetitionCounterShard), paper_counted=total(PaperSignatureBatch)
        )


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
    def online_count(self):
        """Confirmed signatures: a sum over a few counter rows, never a COUNT(*)."""
        if hasattr(self, "counted"):
            return self.counted
        return self.counter_shards.aggregate(total=Sum("count", default=0))["total"]

    @property
    def paper_count(self):
        """Signatures collected on paper or at events, as staff entered them."""
        if hasattr(self, "paper_counted"):
            return self.paper_counted
        return self.paper_batches.aggregate(total=Sum("count", default=0))["total"]

    @property
    def count(self):
        """The public count: online and on paper together."""
        return self.online_count + self.paper_count

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
            if actual != before:
                pagecache.tag_changed(self.count_tag)
        return actual - before

    @property
    def count_tag(self):
        """The tag of the cached pages that show this petition's count and signers."""
        return f"petition:{self.pk}"

    def add_to_count(self, amount=1):
        """Spread increments over shards, so that a viral petition has no single hot row."""
        pagecache.tag_changed(self.count_tag)
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
