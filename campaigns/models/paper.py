"""Signatures counted outside the site: batches collected on paper or at events, entered
by staff."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import pagecache

from .campaigns import Petition

# Far above any stack of paper, low enough to catch a mistyped figure.
PAPER_BATCH_MAX = 1_000_000


class PaperSignatureBatch(models.Model):
    """Signatures collected on paper or at an event: a count, not the signers. The sheets
    themselves stay with the organisation."""

    petition = models.ForeignKey(
        Petition,
        verbose_name=_("petition"),
        on_delete=models.CASCADE,
        related_name="paper_batches",
    )
    # Not a PositiveIntegerField: its form field would answer a zero with its own message.
    count = models.IntegerField(
        _("signatures"),
        validators=[
            MinValueValidator(1, _("A batch holds at least one signature.")),
            MaxValueValidator(
                PAPER_BATCH_MAX,
                _(
                    "A batch holds at most 1,000,000 signatures. Enter a larger "
                    "collection as several batches."
                ),
            ),
        ],
    )
    collected_on = models.DateField(_("collected on"), default=timezone.localdate)
    place = models.CharField(
        _("where"),
        max_length=200,
        blank=True,
        help_text=_("The event, street stall or town where they were collected."),
    )
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-collected_on", "-pk"]
        verbose_name = _("paper signatures")
        verbose_name_plural = _("paper signatures")
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=1, count__lte=PAPER_BATCH_MAX),
                name="paper_batch_count_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.petition_id}: {self.count} ({self.collected_on})"

    def clean(self):
        if self.collected_on and self.collected_on > timezone.localdate():
            raise ValidationError(
                {"collected_on": _("Signatures cannot have been collected in the future.")}
            )


@receiver([post_save, post_delete], sender=PaperSignatureBatch)
def _count_changed(sender, instance, **kwargs):
    """The pages, cards, images and count.json showing the petition's count are stale."""
    pagecache.tag_changed(Petition(pk=instance.petition_id).count_tag)
