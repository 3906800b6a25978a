"""Inviting members to sign, their personal links, their answers, and reminders."""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from outbox.services import outbox_enqueue

from ..models import Signatory

PLEDGE_SALT = "declarations.pledge"


def pledge_token(signature):
    return signing.TimestampSigner(salt=PLEDGE_SALT).sign_object(
        {"s": signature.pk, "p": signature.parliamentarian_id, "d": signature.declaration_id}
    )


def pledge_signature_from_token(token):
    """The invitation a personal link is for. Raises signing.SignatureExpired for an old
    link and signing.BadSignature for a tampered one."""
    data = signing.TimestampSigner(salt=PLEDGE_SALT).unsign_object(
        token, max_age=settings.DECLARATION_LINK_MAX_AGE
    )
    return Signatory.objects.select_related("declaration__assembly", "parliamentarian").get(
        pk=data["s"], parliamentarian_id=data["p"], declaration_id=data["d"]
    )


def invitation_answer(*, signature, answer):
    """A member's answer through their personal link: "pledge" or "decline"."""
    if not signature.declaration.is_open_for_signatures:
        raise ValidationError("This declaration no longer accepts signatures.")
    if answer == "pledge":
        signature.pledge()
    elif answer == "decline":
        signature.decline()
    else:
        raise ValidationError("Choose to pledge your signature or to decline.")


def _member_context(signature):
    member = signature.parliamentarian
    declaration = signature.declaration
    closes_on = declaration.signatures_close_on
    with translation.override(settings.LANGUAGE_CODE):
        closes = date_format(closes_on, "j F Y") if closes_on else ""
    return {
        "member": member.display_name,
        "title": declaration.title,
        "assembly": declaration.assembly.name,
        "body": declaration.body,
        "closes_on": closes,
        "link": settings.SITE_URL.rstrip("/")
        + reverse("declarations:pledge", kwargs={"token": pledge_token(signature)}),
    }


def _email_member(signature, kind):
    """Write an invitation or a reminder to the outbox; its key makes it unique."""
    return outbox_enqueue(
        key=f"declaration-{signature.declaration_id}-member-{signature.parliamentarian_id}-{kind}",
        to=signature.parliamentarian.email,
        template=f"declarations/email/{kind.split('-')[0]}",
        language=settings.LANGUAGE_CODE,
        context=_member_context(signature),
    )


@transaction.atomic
def invitations_create(*, declaration, parliamentarians):
    """Invite members; each with an address gets a personal email through the outbox.
    Members already invited are left alone. Returns the new invitations."""
    if not declaration.is_open_for_signatures:
        raise ValidationError(
            f"“{declaration}” is not collecting signatures; open it for signatures first."
        )
    now = timezone.now()
    created = []
    for member in parliamentarians:
        candidate = Signatory(declaration=declaration, parliamentarian=member, invited_at=now)
        candidate.full_clean(validate_unique=False, validate_constraints=False)
        signature, was_created = Signatory.objects.get_or_create(
            declaration=declaration, parliamentarian=member, defaults={"invited_at": now}
        )
        if was_created:
            created.append(signature)
            if member.email:
                _email_member(signature, "invitation")
                signature.record_invitation_sent(now)
    return created


def invitation_remind(*, signature_id, now=None):
    """Remind one member who has not answered, once per due period. Of two runs at once,
    one wins the conditional update and writes the reminder."""
    now = now or timezone.now()
    signature = (
        Signatory.objects.select_related("declaration__assembly", "parliamentarian")
        .filter(pk=signature_id)
        .due_for_reminder(
            now,
            every=settings.DECLARATION_REMINDER_EVERY,
            max_reminders=settings.DECLARATION_MAX_REMINDERS,
        )
        .first()
    )
    if signature is None or not signature.parliamentarian.email:
        return False
    threshold = signature.declaration.threshold()
    margin = settings.DECLARATION_THRESHOLD_MARGIN
    if threshold.signatures >= threshold.min_signatures + margin and threshold.met:
        return False
    with transaction.atomic():
        if not signature.record_reminder(now):
            return False
        _email_member(signature, f"reminder-{signature.reminder_count}")
    return True
