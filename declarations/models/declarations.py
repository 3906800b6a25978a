"""Written declarations: their statuses and moves, and where each stands against its
assembly's threshold."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.composition import RelatedSections
from prisoners.models import Prisoner

from .assemblies import Assembly
from .statuses import DeclarationStatus, SignatoryStatus


@dataclass(frozen=True)
class Threshold:
    """Where a declaration stands against its assembly's rules."""

    signatures: int
    delegations: int
    groups: int
    min_signatures: int
    min_delegations: int
    min_groups: int

    @property
    def missing(self):
        """What the declaration still needs, as sentences ("2 more political groups"). Each
        ngettext call is literal, so that the sentences reach the translation files."""
        parts = []
        short = self.min_signatures - self.signatures
        if short > 0:
            parts.append(
                ngettext("%(n)d more signature", "%(n)d more signatures", short) % {"n": short}
            )
        short = self.min_delegations - self.delegations
        if short > 0:
            parts.append(
                ngettext("%(n)d more national delegation", "%(n)d more national delegations", short)
                % {"n": short}
            )
        short = self.min_groups - self.groups
        if short > 0:
            parts.append(
                ngettext("%(n)d more political group", "%(n)d more political groups", short)
                % {"n": short}
            )
        return parts

    @property
    def met(self):
        return not self.missing

    def __str__(self):
        if self.met:
            return _("Threshold met: %(s)d signatures, %(d)d delegations, %(g)d groups") % {
                "s": self.signatures,
                "d": self.delegations,
                "g": self.groups,
            }
        if len(self.missing) == 1:
            return _("Needs %(what)s") % {"what": self.missing[0]}
        return _("Needs %(first)s and %(last)s") % {
            "first": ", ".join(self.missing[:-1]),
            "last": self.missing[-1],
        }


# Campaigns register what a declaration's page shows of them (core.composition).
page_sections = RelatedSections("declaration page")


class DeclarationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=Declaration.PUBLIC_STATUSES)

    def with_threshold_counts(self):
        """Counts behind the threshold, in the same query as the declarations."""
        signed = Q(signatories__status=SignatoryStatus.SIGNED)
        counted_group = (
            signed
            & Q(signatories__group_at_signing__isnull=False)
            & (
                Q(signatories__group_at_signing__is_non_attached=False)
                | Q(assembly__non_attached_count_as_group=True)
            )
        )
        return self.select_related("assembly").annotate(
            signed_count=Count("signatories", filter=signed, distinct=True),
            delegation_count=Count(
                "signatories__delegation_at_signing", filter=signed, distinct=True
            ),
            group_count=Count("signatories__group_at_signing", filter=counted_group, distinct=True),
        )


class Declaration(models.Model):
    Status = DeclarationStatus

    # Drafts are strategy, and a withdrawn text is no longer anyone's position.
    PUBLIC_STATUSES = (
        Status.COLLECTING,
        Status.THRESHOLD_MET,
        Status.TABLED,
        Status.PUBLISHED,
        Status.LAPSED,
    )

    # The moves a declaration may make, and how staff call them; anything else is refused
    # with a message. Moves with a label are the admin's actions; the threshold is met by
    # recording the signature that completes it, not by hand.
    TRANSITIONS = {
        "collect": ({Status.DRAFT}, Status.COLLECTING, _("Open for signatures")),
        "mark_threshold_met": ({Status.COLLECTING}, Status.THRESHOLD_MET, None),
        "table": ({Status.THRESHOLD_MET}, Status.TABLED, _("Mark as tabled")),
        "publish": ({Status.TABLED}, Status.PUBLISHED, _("Mark as published")),
        "withdraw": (
            {Status.DRAFT, Status.COLLECTING, Status.THRESHOLD_MET},
            Status.WITHDRAWN,
            _("Withdraw"),
        ),
        "lapse": ({Status.COLLECTING}, Status.LAPSED, _("Mark as lapsed")),
    }

    assembly = models.ForeignKey(Assembly, on_delete=models.PROTECT, related_name="declarations")
    title = models.CharField(_("title"), max_length=400)
    body = models.TextField(_("text"))
    # The text is quoted as tabled, never translated: pages mark it with its language, so
    # that a screen reader reads it in the right voice.
    body_language = models.CharField(
        _("language of the text"),
        max_length=8,
        choices=[
            ("en", _("English")),
            ("fr", _("French")),
            ("ru", _("Russian")),
            ("kk", _("Kazakh")),
        ],
        default="en",
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.DRAFT
    )
    document_number = models.CharField(
        _("document number"),
        max_length=20,
        blank=True,
        help_text=_("Digits only: 16113 for Doc. 16113."),
    )
    declaration_number = models.PositiveIntegerField(
        _("written declaration number"), null=True, blank=True
    )
    edition = models.CharField(_("edition"), max_length=50, blank=True)
    tabled_on = models.DateField(_("tabled on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    signatures_close_on = models.DateField(_("no signatures accepted after"), null=True, blank=True)
    prisoners = models.ManyToManyField(
        Prisoner, verbose_name=_("prisoners concerned"), related_name="declarations", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-created_at"]
        verbose_name = _("written declaration")
        verbose_name_plural = _("written declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "declaration_number"], name="unique_declaration_number"
            ),
        ]

    def __str__(self):
        if self.declaration_number:
            return f"No. {self.declaration_number}: {self.title}"
        return self.title

    def get_absolute_url(self):
        return reverse("declarations:detail", kwargs={"pk": self.pk})

    @property
    def word_count(self):
        return len(self.body.split())

    @property
    def over_word_limit(self):
        return self.word_count > self.assembly.word_limit

    @property
    def is_open_for_signatures(self):
        if self.status not in (self.Status.COLLECTING, self.Status.THRESHOLD_MET):
            return False
        return not self.signatures_close_on or timezone.localdate() <= self.signatures_close_on

    def threshold(self):
        """Uses the counts of with_threshold_counts() when present, else queries them."""
        if not hasattr(self, "signed_count"):
            counts = (
                Declaration.objects.with_threshold_counts()
                .values("signed_count", "delegation_count", "group_count")
                .get(pk=self.pk)
            )
            for name, value in counts.items():
                setattr(self, name, value)
        return Threshold(
            signatures=self.signed_count,
            delegations=self.delegation_count,
            groups=self.group_count,
            min_signatures=self.assembly.min_signatures,
            min_delegations=self.assembly.min_delegations,
            min_groups=self.assembly.min_groups,
        )

    def _move(self, action, **dates):
        allowed, target, _label = self.TRANSITIONS[action]
        if self.status not in allowed:
            raise ValidationError(
                _("A declaration that is “%(status)s” cannot be %(target)s.")
                % {
                    "status": self.get_status_display(),
                    "target": self.Status(target).label.lower(),
                },
                code="illegal_transition",
            )
        self.status = target
        for field, value in dates.items():
            setattr(self, field, value)
        self.save(update_fields=["status", "updated_at", *dates])

    def collect(self):
        self._move("collect")

    def mark_threshold_met(self):
        threshold = self.threshold()
        if not threshold.met:
            raise ValidationError(str(threshold), code="threshold_not_met")
        self._move("mark_threshold_met")

    def table(self, on=None):
        self._move("table", tabled_on=on or timezone.localdate())

    def publish(self, on=None):
        self._move("publish", published_on=on or timezone.localdate())

    def withdraw(self):
        self._move("withdraw")

    def lapse(self):
        self._move("lapse")
