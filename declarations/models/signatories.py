"""A member's invitation to, pledge for, or signature of one declaration."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .assemblies import Delegation, Parliamentarian, PoliticalGroup
from .declarations import Declaration
from .statuses import SignatoryStatus


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

    Status = SignatoryStatus

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
