"""Supporters' rights: a link by email to see or erase one's data."""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.fingerprints import address_key
from core.ratelimit import LimitsUnavailable, RateLimited, over_limit
from outbox.models import OutgoingEmail
from outbox.services import outbox_enqueue
from supporters.models import Supporter
from supporters.services import absolute, email_key, unsubscribe_url

from ..models import Letter, SolidarityMessage

PRIVACY_SALT = "campaigns.privacy"


def privacy_request(*, email, ip=""):
    """Email a link to see or erase one's data. Says nothing about whether we hold any:
    the page answers the same either way."""
    try:
        if ip and over_limit(f"privacy:{address_key(ip)}", settings.SIGNING_IP_LIMITS):
            raise RateLimited()
    except LimitsUnavailable:
        pass
    supporter = Supporter.objects.filter(email_key=email_key(email)).first()
    if supporter is None:
        return None
    token = signing.TimestampSigner(salt=PRIVACY_SALT).sign_object({"u": supporter.pk})
    with transaction.atomic():
        return outbox_enqueue(
            key=f"privacy-{supporter.pk}-{timezone.now():%Y%m%d%H%M}",
            to=supporter.email,
            template="campaigns/email/privacy",
            language=supporter.language,
            unsubscribe_url=unsubscribe_url(supporter),
            context={
                "name": supporter.first_name,
                "url": absolute(reverse("campaigns:privacy_manage", kwargs={"token": token})),
            },
        )


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


@transaction.atomic
def supporter_erase(*, supporter):
    """Erase a supporter. Their signatures stay, anonymous, so that counts do not change;
    letters and messages lose their author; queued emails to them are dropped."""
    supporter.signatures.update(supporter=None, comment="", show_name=False, ip_hash="", source="")
    Letter.objects.filter(supporter=supporter).update(supporter=None)
    SolidarityMessage.objects.filter(supporter=supporter).update(supporter=None, author_name="—")
    OutgoingEmail.objects.filter(
        Q(to__iexact=supporter.email) | Q(reply_to__iexact=supporter.email)
    ).delete()
    supporter.delete()
