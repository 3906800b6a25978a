"""Godparents: members of parliament who sponsor one prisoner and follow the case, as in
the #WeStandBYyou campaign for Belarusian political prisoners. A prisoner may have
several godparents; a member is godparent of a prisoner once at a time, and may hand the
role over to another member, who must accept it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prisoners.models import Prisoner

from .assemblies import Parliamentarian


class GodparenthoodStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Godparent")
    DECLINED = "declined", _("Declined")
    HANDED_OVER = "handed_over", _("Handed over")
    ENDED = "ended", _("Ended")


# A member holds one invitation or one role per prisoner at a time.
ACTIVE_STATUSES = (GodparenthoodStatus.INVITED, GodparenthoodStatus.ACCEPTED)


class GodparenthoodQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def public(self):
        """Roles that were taken up, current or past, of published prisoners. Invitations
        and refusals are never public, nor an invitation withdrawn before an answer."""
        return self.filter(
            status__in=(
                GodparenthoodStatus.ACCEPTED,
                GodparenthoodStatus.HANDED_OVER,
                GodparenthoodStatus.ENDED,
            ),
            accepted_at__isnull=False,
            prisoner__publication=Prisoner.Publication.PUBLISHED,
        )

    def current_first(self):
        """The current godparents, longest-serving first; then those who handed the role
        over to a current one; then the other former ones, the most recent first."""
        accepted = GodparenthoodStatus.ACCEPTED
        return self.order_by(
            Case(
                When(status=accepted, then=0),
                When(handed_over_to__status=accepted, then=1),
                default=2,
            ),
            F("ended_at").desc(nulls_first=True),
            "accepted_at",
            "pk",
        )


class Godparenthood(models.Model):
    """One member's invitation to be, or time as, the godparent of one prisoner."""

    Status = GodparenthoodStatus

    # The moves a godparenthood may make; anything else is refused with a message.
    TRANSITIONS = {
        "accept": ({Status.INVITED}, Status.ACCEPTED),
        "decline": ({Status.INVITED}, Status.DECLINED),
        "hand_over": ({Status.ACCEPTED}, Status.HANDED_OVER),
        "end": ({Status.INVITED, Status.ACCEPTED}, Status.ENDED),
    }

    prisoner = models.ForeignKey(
        Prisoner,
        verbose_name=_("prisoner"),
        on_delete=models.CASCADE,
        related_name="godparenthoods",
    )
    parliamentarian = models.ForeignKey(
        Parliamentarian,
        verbose_name=_("parliamentarian"),
        on_delete=models.PROTECT,
        related_name="godparenthoods",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.INVITED
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invitation_sent_at = models.DateTimeField(_("invitation emailed at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("godparent since"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    handed_over_to = models.OneToOneField(
        "self",
        verbose_name=_("handed over to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handed_over_from",
        help_text=_("The successor's invitation or role."),
    )
    note = models.TextField(_("note"), blank=True, help_text=_("For staff; never shown."))

    objects = GodparenthoodQuerySet.as_manager()

    class Meta:
        ordering = ["-invited_at"]
        verbose_name = _("godparenthood")
        verbose_name_plural = _("godparenthoods")
        constraints = [
            models.UniqueConstraint(
                fields=["prisoner", "parliamentarian"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="one_active_godparenthood_per_member_and_prisoner",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "handed_over"]) | Q(accepted_at__isnull=False),
                name="godparenthood_taken_up_has_a_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ACTIVE_STATUSES) | Q(ended_at__isnull=False),
                name="godparenthood_closed_has_an_end",
            ),
            models.CheckConstraint(
                condition=~Q(status="handed_over") | Q(handed_over_to__isnull=False),
                name="godparenthood_handed_over_names_the_successor",
            ),
        ]

    def __str__(self):
        return f"{self.parliamentarian} · {self.prisoner} · {self.get_status_display()}"

    @property
    def is_current(self):
        return self.status == self.Status.ACCEPTED

    @property
    def successor_is_current(self):
        """Whether the role went on to a member who holds it now (uses the successor
        loaded with the record)."""
        successor = self.handed_over_to if self.handed_over_to_id else None
        return bool(successor and successor.is_current)

    @property
    def predecessor(self):
        """The godparent who handed the role over to this one, if any."""
        try:
            return self.handed_over_from
        except Godparenthood.DoesNotExist:
            return None

    @property
    def public_role(self):
        """How a public page lists it: "current", "before" (handed over to a current
        godparent, named with them) or "former"."""
        if self.is_current:
            return "current"
        return "before" if self.successor_is_current else "former"

    def clean(self):
        if self.handed_over_to_id and self.handed_over_to_id == self.pk:
            raise ValidationError(_("A godparent cannot hand the role over to themselves."))

    def _move(self, action, **fields):
        allowed, target = self.TRANSITIONS[action]
        if self.status not in allowed:
            raise ValidationError(
                _("A godparenthood that is “%(status)s” cannot be moved to “%(target)s”.")
                % {"status": self.get_status_display(), "target": self.Status(target).label},
                code="illegal_transition",
            )
        self.status = target
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=["status", *fields])

    def accept(self, at=None):
        self._move("accept", accepted_at=at or timezone.now())

    def decline(self, at=None):
        self._move("decline", ended_at=at or timezone.now())

    def hand_over(self, *, to, at=None):
        if to.prisoner_id != self.prisoner_id or to.parliamentarian_id == self.parliamentarian_id:
            raise ValidationError(
                _("The role can only be handed over to another member, for the same prisoner."),
                code="wrong_successor",
            )
        self._move("hand_over", handed_over_to=to, ended_at=at or timezone.now())

    def end(self, at=None):
        self._move("end", ended_at=at or timezone.now())

    def record_invitation_sent(self, at=None):
        self.invitation_sent_at = at or timezone.now()
        self.save(update_fields=["invitation_sent_at"])
