"""Signing a petition and confirming the signature by email."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.fingerprints import address_key, network_fingerprint
from core.ratelimit import LimitsUnavailable, RateLimited, over_limit
from outbox.services import outbox_enqueue
from supporters.models import Supporter
from supporters.services import (
    absolute,
    supporter_check_address,
    supporter_get_or_create,
    unsubscribe_url,
)

from ..models import Consent, Signature

logger = logging.getLogger(__name__)

CONFIRM_SALT = "campaigns.confirm"
CONSENT_WORDING = "2026-11-privacy-v1"


def confirm_token(signature):
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object({"s": signature.pk})


def _enqueue_confirmation(signature, number):
    supporter = signature.supporter
    petition = signature.petition
    return outbox_enqueue(
        key=f"signature-{signature.pk}-confirm-{number}",
        to=supporter.email,
        template="campaigns/email/confirm_signature",
        language=supporter.language,
        unsubscribe_url=unsubscribe_url(supporter),
        context={
            "name": supporter.first_name,
            "petition": petition.title,
            "confirm_url": absolute(
                reverse("campaigns:confirm", kwargs={"token": confirm_token(signature)})
            ),
        },
    )


@dataclass
class SigningResult:
    signature: Signature | None
    outcome: str  # "created", "resent", "already_confirmed", "resend_later"


def signature_create(
    *,
    petition,
    name,
    email,
    country,
    comment="",
    mailing=False,
    show_name=False,
    ip="",
    source="",
    language="en",
    page="",
):
    """Sign a petition. A second submission with the same address re-sends the confirmation
    (within limits) instead of failing or duplicating; concurrent submissions of one address
    make one signature and one email."""
    if not petition.is_open:
        raise ValidationError("This petition is closed.", code="closed")
    supporter_check_address(email=email)
    try:
        if ip and over_limit(f"sign:{address_key(ip)}:{petition.pk}", settings.SIGNING_IP_LIMITS):
            raise RateLimited()
    except LimitsUnavailable:
        pass

    with transaction.atomic():
        supporter = supporter_get_or_create(
            email=email, name=name, country=country, language=language
        )
        try:
            with transaction.atomic():
                signature = Signature.objects.create(
                    petition=petition,
                    supporter=supporter,
                    comment=comment,
                    show_name=show_name,
                    source=source[:300],
                    ip_hash=network_fingerprint(ip),
                    confirmation_emails=1,
                    last_confirmation_at=timezone.now(),
                )
        except IntegrityError:
            signature = None
        Consent.objects.create(
            supporter=supporter,
            wording_version=CONSENT_WORDING,
            mailing=mailing,
            campaign=petition.campaign,
            page=page[:500],
        )
        if signature is not None:
            _enqueue_confirmation(signature, 1)
            return SigningResult(signature, "created")

    signature = Signature.objects.select_related("supporter", "petition").get(
        petition=petition, supporter=supporter
    )
    if signature.status == Signature.Status.CONFIRMED:
        return SigningResult(signature, "already_confirmed")
    # Claim the right to send the next confirmation; among concurrent duplicates at most one
    # wins, and never more than the limit in all.
    number = signature.confirmation_emails + 1
    cooldown = timezone.now() - settings.SIGNING_RESEND_COOLDOWN
    with transaction.atomic():
        won = Signature.objects.filter(
            pk=signature.pk,
            confirmation_emails=signature.confirmation_emails,
            confirmation_emails__lt=settings.SIGNING_MAX_EMAILS,
            last_confirmation_at__lte=cooldown,
        ).update(confirmation_emails=number, last_confirmation_at=timezone.now())
        if won:
            _enqueue_confirmation(signature, number)
            return SigningResult(signature, "resent")
    return SigningResult(signature, "resend_later")


def signature_confirm_from_token(token):
    """Confirm the signature a link is for. Raises signing.SignatureExpired for an old link
    and signing.BadSignature (or Signature.DoesNotExist) for a tampered or purged one."""
    data = signing.TimestampSigner(salt=CONFIRM_SALT).unsign_object(
        token, max_age=settings.SIGNING_CONFIRM_MAX_AGE
    )
    signature = Signature.objects.select_related("petition__campaign", "supporter").get(
        pk=data["s"]
    )
    with transaction.atomic():
        signature.confirm()
        if signature.supporter:
            signature.supporter.confirm_address()
    return signature


def signatures_remind_unconfirmed(*, now=None, batch_size=500):
    """One reminder to confirm, 24 hours after signing. Runs in batches; each reminder has
    its own outbox key, so running twice sends nothing twice."""
    now = now or timezone.now()
    sent = 0
    while True:
        batch = list(
            Signature.objects.due_for_reminder(now)
            .filter(supporter__unsubscribed_at__isnull=True)
            .select_related("supporter", "petition")[:batch_size]
        )
        if not batch:
            return sent
        with transaction.atomic():
            for signature in batch:
                _enqueue_confirmation(signature, "reminder")
            Signature.objects.filter(pk__in=[s.pk for s in batch]).update(reminded_at=now)
        sent += len(batch)


def signatures_purge_unconfirmed(*, now=None, days=30):
    """Unconfirmed signatures are personal data with no purpose after a month."""
    now = now or timezone.now()
    stale = Signature.objects.stale_unconfirmed(now, days)
    supporters = list(stale.values_list("supporter_id", flat=True))
    deleted, _ = stale.delete()
    Supporter.objects.filter(
        pk__in=supporters, signatures__isnull=True, confirmed_at__isnull=True
    ).delete()
    return deleted
