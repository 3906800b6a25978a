"""Supporters' rights: a link by email to see or erase one's data."""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from core.audit import disable_auditlog, erase_trail, record_erasure
from core.fingerprints import address_key, keyed_digest
from core.ratelimit import LimitsUnavailable, RateLimited, over_limit
from outbox.models import OutgoingEmail
from outbox.services import outbox_enqueue
from supporters.models import Supporter
from supporters.services import absolute, email_key

from ..models import Letter, Signature, SolidarityMessage

PRIVACY_SALT = "campaigns.privacy"
PRIVACY_TEMPLATE = "campaigns/email/privacy"


def privacy_request(*, email, ip=""):
    """Ask for a link to see or erase one's data. Nothing is looked up now: one outbox row
    is written whatever the address, and the outbox decides at send time whether there is
    anyone to write to (prepare_privacy_email). So neither the answer nor its timing says
    whether we hold data for the address."""
    try:
        if over_limit(f"privacy:{address_key(ip)}", settings.PRIVACY_LIMITS):
            raise RateLimited()
    except LimitsUnavailable:
        pass  # failing open is harmless here: at worst an owner gets a link they asked for
    minute = timezone.now().strftime("%Y%m%d%H%M")
    with transaction.atomic():
        return outbox_enqueue(
            key=f"privacy-{keyed_digest(email_key(email))}-{minute}",
            to=email,
            template=PRIVACY_TEMPLATE,
            language=get_language() or settings.LANGUAGE_CODE,
        )


def prepare_privacy_email(email):
    """Called by the outbox when it sends a privacy request: the link for the supporter
    behind the address, or None (nothing is sent, and the address is not kept)."""
    supporter = Supporter.objects.filter(email_key=email_key(email.to)).first()
    if supporter is None:
        return None
    token = signing.TimestampSigner(salt=PRIVACY_SALT).sign_object({"u": supporter.pk})
    return {
        "name": supporter.first_name,
        "url": absolute(reverse("campaigns:privacy_manage", kwargs={"token": token})),
    }


def supporter_from_privacy_token(token):
    data = signing.TimestampSigner(salt=PRIVACY_SALT).unsign_object(
        token, max_age=settings.PRIVACY_LINK_MAX_AGE
    )
    return Supporter.objects.get(pk=data["u"])


def supporter_data(*, supporter):
    """Everything we hold about a supporter, in a form they can read."""
    return {
        "email": supporter.email,
        "name": supporter.name,
        "country": str(supporter.country),
        "language": supporter.language,
        "first_action": supporter.created_at.isoformat(),
        "email_confirmed": supporter.confirmed_at.isoformat() if supporter.confirmed_at else None,
        "unsubscribed": supporter.unsubscribed_at.isoformat()
        if supporter.unsubscribed_at
        else None,
        "consents": [
            {
                "wording": c.wording_version,
                "updates": c.mailing,
                "page": c.page,
                "at": c.agreed_at.isoformat(),
            }
            for c in supporter.consents.all()
        ],
        "signatures": [
            {
                "petition": s.petition.title,
                "status": s.status,
                "comment": s.comment,
                "signed": s.created_at.isoformat(),
                "confirmed": s.confirmed_at.isoformat() if s.confirmed_at else None,
            }
            for s in supporter.signatures.select_related("petition")
        ],
        "letters": [
            {
                "action": letter.action.title,
                "letter": letter.body,
                "sent": letter.created_at.isoformat(),
            }
            for letter in supporter.letters.select_related("action")
        ],
        "messages": [
            {
                "to": m.prisoner.full_name,
                "message": m.text,
                "status": m.status,
                "written": m.created_at.isoformat(),
            }
            for m in supporter.messages.select_related("prisoner")
        ],
    }


def supporter_signatures(*, supporter):
    """The supporter's signatures with their petitions, for the page about their data,
    where each can be withdrawn."""
    return list(supporter.signatures.select_related("petition").order_by("-created_at", "-pk"))


ERASED = "—"


@transaction.atomic
def supporter_erase(*, supporter, user=None):
    """Erase a supporter and every word they wrote. Signatures stay, anonymous, so that
    counts do not change; letters and messages stay as rows for the figures, with their
    text and author erased; emails to or from the address are deleted, and so is the
    audit trail of what was erased. The trail keeps one entry saying that an erasure
    happened, and of how much, without the data."""
    signatures = list(supporter.signatures.all())
    letters = list(Letter.objects.filter(supporter=supporter))
    messages = list(SolidarityMessage.objects.filter(supporter=supporter))
    consents = list(supporter.consents.all())
    with disable_auditlog():
        Signature.objects.filter(pk__in=[s.pk for s in signatures]).update(
            supporter=None, comment="", show_name=False, ip_hash="", source=""
        )
        Letter.objects.filter(pk__in=[letter.pk for letter in letters]).update(
            supporter=None, body=ERASED
        )
        SolidarityMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
            supporter=None, author_name=ERASED, author_country="", text=ERASED
        )
        theirs = Q(to__iexact=supporter.email) | Q(reply_to__iexact=supporter.email)
        for letter in letters:  # their letters, as sent to officials
            theirs |= Q(key__startswith=f"letter-{letter.pk}-to-")
        OutgoingEmail.objects.filter(theirs).delete()
        erase_trail([supporter, *signatures, *letters, *messages, *consents])
        pk = supporter.pk
        supporter.delete()
    record_erasure(
        model=Supporter,
        pk=pk,
        user=user,
        counts={
            "signatures": len(signatures),
            "letters": len(letters),
            "messages": len(messages),
        },
    )
