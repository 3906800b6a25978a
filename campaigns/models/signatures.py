"""What a supporter gives when signing: the signature, and each consent they agreed to;
and what is left when they withdraw it."""

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign, Petition


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

    def withdraw(self):
        """The signer takes their signature back. It leaves the count if it was in it (one
        conditional update, as in invalidate(), so that concurrent withdrawals and
        confirmations count once) and the row goes, with everything it held; what stays is
        a WithdrawnSignature. Returns it, or None if the signature was already gone."""
        with transaction.atomic():
            uncounted = Signature.objects.filter(pk=self.pk, in_count=True).update(in_count=False)
            if uncounted:
                self.petition.add_to_count(-1)
            deleted, _ = Signature.objects.filter(pk=self.pk).delete()
            if not deleted:
                return None
            return WithdrawnSignature.objects.create(
                petition=self.petition, was_counted=bool(uncounted)
            )


class WithdrawnSignature(models.Model):
    """That a signature was withdrawn by its signer, and from which petition: nothing of
    who signed, what they wrote, or where they came from."""

    petition = models.ForeignKey(
        Petition,
        verbose_name=_("petition"),
        on_delete=models.CASCADE,
        related_name="withdrawn_signatures",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), default=timezone.now)
    was_counted = models.BooleanField(
        _("was counted"), help_text=_("Whether it was part of the count when withdrawn.")
    )

    class Meta:
        ordering = ["-withdrawn_at"]
        verbose_name = _("withdrawn signature")
        verbose_name_plural = _("withdrawn signatures")

    def __str__(self):
        return f"{self.petition_id} · {self.withdrawn_at:%Y-%m-%d}"
