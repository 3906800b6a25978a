from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.fields import CountryField

from core.composition import RelatedSections
from prisoners.models import Prisoner


class Assembly(models.Model):
    """A parliamentary assembly, with its rules for written declarations kept as data, so
    that another assembly is added in the admin without code."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=20, unique=True)
    min_signatures = models.PositiveSmallIntegerField(_("minimum signatures"), default=20)
    min_delegations = models.PositiveSmallIntegerField(_("minimum national delegations"), default=4)
    min_groups = models.PositiveSmallIntegerField(_("minimum political groups"), default=2)
    non_attached_count_as_group = models.BooleanField(
        _("non-attached members count as a group"), default=False
    )
    word_limit = models.PositiveSmallIntegerField(
        _("word limit"), default=200, help_text=_("A warning, not a block.")
    )
    signatures_withdrawable = models.BooleanField(_("signatures may be withdrawn"), default=False)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("assembly")
        verbose_name_plural = _("assemblies")

    def __str__(self):
        return self.short_name


class PoliticalGroup(models.Model):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    is_non_attached = models.BooleanField(
        _("non-attached"),
        default=False,
        help_text=_("Members not belonging to a political group, such as PACE's NR."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("political group")
        verbose_name_plural = _("political groups")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "code"], name="unique_group_code"),
        ]

    def __str__(self):
        return self.code


class Delegation(models.Model):
    """A national delegation, named as the assembly prints it ("Republic of Moldova")."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="delegations")
    name = models.CharField(_("country as printed"), max_length=100)
    country = CountryField(_("country"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("national delegation")
        verbose_name_plural = _("national delegations")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "name"], name="unique_delegation"),
        ]

    def __str__(self):
        return self.name


class ParliamentarianQuerySet(models.QuerySet):
    def with_signature_counts(self, *, prisoners=None):
        """Signed declarations, in all and (optionally) on the given prisoners."""
        signed = Q(signatories__status=Signatory.Status.SIGNED)
        counts = {"signed_count": Count("signatories", filter=signed, distinct=True)}
        if prisoners is not None:
            counts["signed_on_prisoners"] = Count(
                "signatories__declaration",
                filter=signed & Q(signatories__declaration__prisoners__in=prisoners),
                distinct=True,
            )
        return self.annotate(**counts)

    def champions(self):
        return (
            self.with_signature_counts()
            .filter(signed_count__gt=0)
            .order_by("-signed_count", "surname", "given_names")
        )


class Parliamentarian(models.Model):
    """One person, however many declarations they signed. Delegation and group are the
    current ones; a signature keeps those the member had when signing."""

    honorific = models.CharField(_("honorific"), max_length=20, blank=True)
    given_names = models.CharField(_("given names"), max_length=150)
    surname = models.CharField(
        _("surname"), max_length=150, help_text=_("As the assembly prints it.")
    )
    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("delegation"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    group = models.ForeignKey(
        PoliticalGroup,
        verbose_name=_("political group"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    email = models.EmailField(_("email"), blank=True)
    office_contact = models.TextField(_("office contact"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ParliamentarianQuerySet.as_manager()

    class Meta:
        ordering = ["surname", "given_names"]
        verbose_name = _("parliamentarian")
        verbose_name_plural = _("parliamentarians")

    def __str__(self):
        return f"{self.surname} {self.given_names}"

    def get_absolute_url(self):
        return reverse("declarations:parliamentarian", kwargs={"pk": self.pk})

    @property
    def display_name(self):
        return " ".join(p for p in (self.honorific, self.given_names, self.surname) if p)


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
        parts = []
        for have, need, singular, plural in (
            (self.signatures, self.min_signatures, "more signature", "more signatures"),
            (
                self.delegations,
                self.min_delegations,
                "more national delegation",
                "more national delegations",
            ),
            (self.groups, self.min_groups, "more political group", "more political groups"),
        ):
            if have < need:
                short = need - have
                parts.append(f"{short} {ngettext(singular, plural, short)}")
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
        signed = Q(signatories__status=Signatory.Status.SIGNED)
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
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COLLECTING = "collecting", _("Collecting signatures")
        THRESHOLD_MET = "threshold_met", _("Threshold met")
        TABLED = "tabled", _("Tabled")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        LAPSED = "lapsed", _("Lapsed")

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


class SignatoryQuerySet(models.QuerySet):
    def signed(self):
        return self.filter(status=Signatory.Status.SIGNED)

    def due_for_reminder(self, now, *, every, max_reminders):
        """Invitations not answered, nor reminded within `every`, on declarations that are
        still open and still short of their threshold."""
        today = timezone.localdate(now)
        return self.filter(
            status=Signatory.Status.INVITED,
            reminder_count__lt=max_reminders,
            invited_at__lte=now - every,
            declaration__status=Declaration.Status.COLLECTING,
        ).filter(
            Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - every),
            Q(declaration__signatures_close_on__isnull=True)
            | Q(declaration__signatures_close_on__gte=today),
        )


class Signatory(models.Model):
    """A parliamentarian's invitation to, pledge for, or signature of one declaration."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        PLEDGED = "pledged", _("Pledged")
        SIGNED = "signed", _("Signed")
        DECLINED = "declined", _("Declined")

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="signatories"
    )
    parliamentarian = models.ForeignKey(
        Parliamentarian, on_delete=models.PROTECT, related_name="signatories"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    position = models.PositiveSmallIntegerField(
        _("position in the printed list"), null=True, blank=True
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    invitation_sent_at = models.DateTimeField(_("invitation emailed at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    delegation_at_signing = models.ForeignKey(
        Delegation,
        verbose_name=_("delegation when signing"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    group_at_signing = models.ForeignKey(
        PoliticalGroup,
        verbose_name=_("group when signing"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SignatoryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "parliamentarian__surname"]
        verbose_name = _("invitation or signature")
        verbose_name_plural = _("invitations and signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "parliamentarian"], name="one_signature_per_member"
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(delegation_at_signing__isnull=False),
                name="signatory_keeps_its_delegation",
            ),
        ]

    def __str__(self):
        return f"{self.parliamentarian} · {self.get_status_display()}"

    def _refuse_if_signed(self):
        if (
            self.status == self.Status.SIGNED
            and not self.declaration.assembly.signatures_withdrawable
        ):
            raise ValidationError(
                _("%(name)s has signed; %(assembly)s does not allow a signature to be withdrawn.")
                % {"name": self.parliamentarian, "assembly": self.declaration.assembly},
                code="signature_final",
            )

    def record_invitation_sent(self, at=None):
        self.invitation_sent_at = at or timezone.now()
        Signatory.objects.filter(pk=self.pk).update(invitation_sent_at=self.invitation_sent_at)

    def record_reminder(self, at):
        """Count one more reminder, unless another run counted it first. Returns whether
        this call did."""
        won = Signatory.objects.filter(pk=self.pk, reminder_count=self.reminder_count).update(
            reminder_count=self.reminder_count + 1, reminded_at=at
        )
        if won:
            self.reminder_count += 1
            self.reminded_at = at
        return bool(won)

    def pledge(self):
        self._refuse_if_signed()
        self.status = self.Status.PLEDGED
        self.responded_at = timezone.now()
        self.save(update_fields=["status", "responded_at"])

    def decline(self):
        self._refuse_if_signed()
        self.status = self.Status.DECLINED
        self.responded_at = timezone.now()
        self.save(update_fields=["status", "responded_at"])

    def sign(self, at=None):
        """Record the signature with the member's delegation and group of this moment."""
        if self.status == self.Status.SIGNED:
            return
        member = self.parliamentarian
        if member.delegation_id is None:
            raise ValidationError(
                _("%(name)s has no national delegation; set it before recording the signature.")
                % {"name": member},
                code="no_delegation",
            )
        self.status = self.Status.SIGNED
        self.signed_at = at or timezone.now()
        self.responded_at = self.responded_at or self.signed_at
        self.delegation_at_signing_id = member.delegation_id
        self.group_at_signing_id = member.group_id
        self.save()
