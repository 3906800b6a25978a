"""Assemblies with their rules, their national delegations and political groups, and the
parliamentarians who sit in them."""

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .statuses import SignatoryStatus


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
    non_attached_code = models.CharField(
        _("code of non-attached members"),
        max_length=20,
        blank=True,
        help_text=_(
            "The code the assembly prints for members who belong to no political group. "
            "The import marks that group as non-attached."
        ),
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
        help_text=_("Members not belonging to a political group (see the assembly's code)."),
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
        signed = Q(signatories__status=SignatoryStatus.SIGNED)
        counts = {"signed_count": Count("signatories", filter=signed, distinct=True)}
        if prisoners is not None:
            counts["signed_on_prisoners"] = Count(
                "signatories__declaration",
                filter=signed & Q(signatories__declaration__prisoners__in=prisoners),
                distinct=True,
            )
        return self.annotate(**counts)


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
