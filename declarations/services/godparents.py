"""Godparents: inviting a member to sponsor a prisoner, their answer through a personal
link, and handing the role over to another member. Every email leaves through the outbox,
keyed by the invitation, so that running a step twice sends nothing twice."""

from typing import NamedTuple

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from outbox.services import outbox_enqueue
from prisoners.models import Prisoner

from ..models import Godparenthood

GODPARENT_SALT = "declarations.godparent"


def godparent_token(godparenthood):
    return signing.TimestampSigner(salt=GODPARENT_SALT).sign_object(
        {
            "g": godparenthood.pk,
            "p": godparenthood.parliamentarian_id,
            "r": godparenthood.prisoner_id,
        }
    )


def godparenthood_from_token(token):
    """The invitation a personal link is for. Raises signing.SignatureExpired for an old
    link and signing.BadSignature for a tampered one."""
    data = signing.TimestampSigner(salt=GODPARENT_SALT).unsign_object(
        token, max_age=settings.DECLARATION_LINK_MAX_AGE
    )
    return Godparenthood.objects.select_related(
        "prisoner",
        "parliamentarian",
        "handed_over_from__parliamentarian",
    ).get(pk=data["g"], parliamentarian_id=data["p"], prisoner_id=data["r"])


def _refuse_unpublished(prisoner):
    if prisoner.publication != Prisoner.Publication.PUBLISHED:
        raise ValidationError(
            _("The profile of %(name)s is not published; publish it before inviting godparents.")
            % {"name": prisoner.full_name},
            code="prisoner_not_published",
        )


def _open_invitation(*, prisoner, parliamentarian, invited_by):
    """The member's invitation or role for this prisoner, created when there is none.
    Returns it and whether it is new. Of two staff inviting at once, the database's
    constraint lets one create it; the other finds it."""
    existing = Godparenthood.objects.active().filter(
        prisoner=prisoner, parliamentarian=parliamentarian
    )
    godparenthood = existing.first()
    if godparenthood is not None:
        return godparenthood, False
    try:
        with transaction.atomic():
            godparenthood = Godparenthood.objects.create(
                prisoner=prisoner,
                parliamentarian=parliamentarian,
                invited_by=invited_by if invited_by and invited_by.is_authenticated else None,
            )
    except IntegrityError:
        return existing.get(), False
    return godparenthood, True


def _email_invitation(godparenthood, *, predecessor=None):
    member = godparenthood.parliamentarian
    if not member.email:
        return
    prisoner = godparenthood.prisoner
    site = settings.SITE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        profile = site + prisoner.get_absolute_url()
        link = site + reverse(
            "declarations:godparent", kwargs={"token": godparent_token(godparenthood)}
        )
    outbox_enqueue(
        key=f"godparent-{godparenthood.pk}-invitation",
        to=member.email,
        template="declarations/email/godparent_invitation",
        language=settings.LANGUAGE_CODE,
        context={
            "member": member.display_name,
            "prisoner": prisoner.full_name,
            "profile": profile,
            "predecessor": predecessor.display_name if predecessor else "",
            "link": link,
        },
    )
    godparenthood.record_invitation_sent()


@transaction.atomic
def godparent_invite(*, prisoner, parliamentarian, invited_by=None):
    """Invite a member to be the godparent of a published prisoner; a member with an
    address gets a personal link through the outbox. A member already invited, or already
    godparent, is left alone. Returns the invitation (or role) and whether it is new."""
    _refuse_unpublished(prisoner)
    godparenthood, created = _open_invitation(
        prisoner=prisoner, parliamentarian=parliamentarian, invited_by=invited_by
    )
    if created:
        _email_invitation(godparenthood)
    return godparenthood, created


class Invited(NamedTuple):
    invited: int
    skipped: int
    without_email: int


@transaction.atomic
def godparents_invite(*, prisoner, parliamentarians, invited_by=None):
    """Invite several members at once (the admin's action): how many were invited now,
    how many had been already, and how many of the new ones have no address to email."""
    invited = skipped = without_email = 0
    for member in parliamentarians:
        _godparenthood, created = godparent_invite(
            prisoner=prisoner, parliamentarian=member, invited_by=invited_by
        )
        invited += created
        skipped += not created
        without_email += created and not member.email
    return Invited(invited, skipped, without_email)


def _notify_staff(godparenthood):
    for address in settings.DECLARATION_STAFF_EMAILS:
        outbox_enqueue(
            key=f"godparent-{godparenthood.pk}-{godparenthood.status}-{address}",
            to=address,
            template="declarations/email/godparent_answered",
            context={
                "member": godparenthood.parliamentarian.display_name,
                "prisoner": godparenthood.prisoner.full_name,
                "accepted": godparenthood.status == Godparenthood.Status.ACCEPTED,
            },
        )


def godparent_answer(*, godparenthood, answer):
    """A member's answer through their personal link: "accept" or "decline". Staff hear of
    it by email."""
    if answer not in ("accept", "decline"):
        raise ValidationError(_("Choose to accept or to decline."), code="no_answer")
    with transaction.atomic():
        locked = (
            Godparenthood.objects.select_for_update()
            .select_related("prisoner", "parliamentarian")
            .get(pk=godparenthood.pk)
        )
        if locked.status != Godparenthood.Status.INVITED:
            raise ValidationError(
                _("This invitation has already been answered."), code="already_answered"
            )
        if answer == "accept":
            locked.accept()
        else:
            locked.decline()
        _notify_staff(locked)
    godparenthood.refresh_from_db()
    return godparenthood


def godparent_hand_over(*, godparenthood, successor, handed_over_by=None):
    """End a godparent's role as handed over, and invite the successor, who takes it up
    by accepting through their own personal link. Returns the successor's invitation."""
    with transaction.atomic():
        current = (
            Godparenthood.objects.select_for_update()
            .select_related("prisoner", "parliamentarian")
            .get(pk=godparenthood.pk)
        )
        if current.status != Godparenthood.Status.ACCEPTED:
            raise ValidationError(
                _("Only a current godparent can hand the role over."), code="not_current"
            )
        if successor.pk == current.parliamentarian_id:
            raise ValidationError(
                _("Choose another member to hand the role over to."), code="same_member"
            )
        _refuse_unpublished(current.prisoner)
        invitation, created = _open_invitation(
            prisoner=current.prisoner, parliamentarian=successor, invited_by=handed_over_by
        )
        if invitation.status == Godparenthood.Status.ACCEPTED:
            raise ValidationError(
                _("%(member)s is already a godparent of %(prisoner)s.")
                % {"member": successor.display_name, "prisoner": current.prisoner.full_name},
                code="already_godparent",
            )
        if Godparenthood.objects.filter(handed_over_to=invitation).exists():
            raise ValidationError(
                _("Another godparent is already handing the role over to %(member)s.")
                % {"member": successor.display_name},
                code="successor_taken",
            )
        current.hand_over(to=invitation, at=timezone.now())
        if created or not invitation.invitation_sent_at:
            _email_invitation(invitation, predecessor=current.parliamentarian)
    godparenthood.refresh_from_db()
    return invitation
