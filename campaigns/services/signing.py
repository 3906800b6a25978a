"""Signing a petition and confirming the signature by email.

Whoever submits the form gets the same answer, whatever the database holds: a new
signature, one waiting for confirmation, one already confirmed, or one held as suspect all
lead to "check your email". The email tells the owner of the address what happened. So
nobody can use the form to find out whether a given person signed.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.audit import disable_auditlog, erase_trail, record_purge
from core.fingerprints import address_key, network_fingerprint, network_key
from core.ratelimit import LimitsUnavailable, RateLimited, over_limit
from core.templatetags.translated import texts_of
from outbox.services import outbox_enqueue
from supporters.models import Supporter
from supporters.services import (
    absolute,
    supporter_check_address,
    supporter_find_or_create,
    unsubscribe_url,
)

from ..models import Consent, Petition, Signature

logger = logging.getLogger(__name__)

CONFIRM_SALT = "campaigns.confirm"
WITHDRAW_SALT = "campaigns.withdraw"
# A withdrawal link works for half a year; after that the page about one's data (/privacy/)
# sends a fresh link that offers the same.
WITHDRAW_MAX_AGE = 183 * 24 * 3600
CONSENT_WORDING = "2026-11-privacy-v2"

__all__ = ["RateLimited", "signature_create"]


def confirm_token(signature):
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object({"s": signature.pk})


def confirm_url(signature):
    return absolute(reverse("campaigns:confirm", kwargs={"token": confirm_token(signature)}))


def withdraw_token(signature):
    """A link to withdraw this signature, for the address it was made with: it names the
    supporter too, so that it stops working once their data is erased."""
    return signing.TimestampSigner(salt=WITHDRAW_SALT).sign_object(
        {"s": signature.pk, "u": signature.supporter_id}
    )


def withdraw_url(signature):
    return absolute(reverse("campaigns:withdraw", kwargs={"token": withdraw_token(signature)}))


def signature_from_withdraw_token(token):
    """The signature a withdrawal link is for. Raises signing.SignatureExpired for an old
    link, and signing.BadSignature or Signature.DoesNotExist for a tampered one, or one
    whose signature is withdrawn or whose signer's data is erased."""
    data = signing.TimestampSigner(salt=WITHDRAW_SALT).unsign_object(
        token, max_age=WITHDRAW_MAX_AGE
    )
    return Signature.objects.select_related("petition__campaign").get(
        pk=data["s"], supporter_id=data["u"], supporter__isnull=False
    )


def _enqueue_confirmation(signature, number, hand_over=True):
    supporter = signature.supporter
    return outbox_enqueue(
        key=f"signature-{signature.pk}-confirm-{number}",
        to=supporter.email,
        template="campaigns/email/confirm_signature",
        language=supporter.language,
        unsubscribe_url=unsubscribe_url(supporter),
        hand_over=hand_over,
        context={
            "name": supporter.first_name,
            "petition": texts_of(signature.petition, "title"),
            "confirm_url": confirm_url(signature),
            "withdraw_url": withdraw_url(signature),
        },
    )


def _enqueue_already_signed(signature):
    """One note a day at most: "you had already signed this". It goes only to an address
    that has been confirmed, since the signature it speaks of was confirmed from it."""
    supporter = signature.supporter
    return outbox_enqueue(
        key=f"signature-{signature.pk}-already-{timezone.localdate().isoformat()}",
        to=supporter.email,
        template="campaigns/email/already_signed",
        language=supporter.language,
        unsubscribe_url=unsubscribe_url(supporter),
        context={
            "name": supporter.first_name,
            "petition": texts_of(signature.petition, "title"),
            "petition_url": absolute(signature.petition.get_absolute_url()),
            "withdraw_url": withdraw_url(signature),
        },
    )


def signing_hold_reason(ip):
    """Why a submission from this address should be held for staff, or "". Limits count
    across every petition, per address and per /24 (or /48) network. An unknown address
    shares one strict bucket with every other unknown one; when the counters cannot be
    read, the submission is held rather than refused or counted."""
    try:
        if over_limit(f"sign:a:{address_key(ip)}", settings.SIGNING_ADDRESS_LIMITS):
            return Signature.HoldReason.ADDRESS
        if over_limit(f"sign:n:{network_key(ip)}", settings.SIGNING_NETWORK_LIMITS):
            return Signature.HoldReason.NETWORK
    except LimitsUnavailable:
        return Signature.HoldReason.LIMITS_DOWN
    return ""


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
    """Sign a petition, in one short transaction: supporter, consent, signature and outbox
    row. Returns the signature, which the caller must not describe to the submitter.

    A new signature gets a confirmation email; a pending one gets it again (within limits);
    a confirmed one gets a note that it was already signed. Concurrent submissions of one
    address make one signature and one email.

    Each row is written with INSERT ... ON CONFLICT: no savepoints, and no signals, so no
    audit entries. The trail is for staff's changes; a copy of every signer's details in
    it would be personal data out of reach of the purge of unconfirmed signatures."""
    if not petition.is_open:
        raise ValidationError("This petition is closed.", code="closed")
    supporter_check_address(email=email)
    hold_reason = signing_hold_reason(ip)
    now = timezone.now()
    with transaction.atomic():
        supporter, new_supporter = supporter_find_or_create(
            email=email, name=name, country=country, language=language
        )
        Consent.objects.bulk_create(
            [
                Consent(
                    supporter=supporter,
                    campaign=petition.campaign,
                    wording_version=CONSENT_WORDING,
                    mailing=mailing,
                    page=page[:500],
                )
            ],
            ignore_conflicts=True,  # the same consent, given again: the first one stands
        )
        signature = Signature(
            petition=petition,
            supporter=supporter,
            comment=comment,
            show_name=show_name,
            source=source[:300],
            ip_hash=network_fingerprint(ip),
            held=bool(hold_reason),
            hold_reason=hold_reason,
            confirmation_emails=1,
            last_confirmation_at=now,
        )
        # The fields' own rules; the keys and the one-per-supporter rule are the
        # database's, and checking them here would cost queries on the hottest path.
        signature.full_clean(
            exclude=["petition", "supporter"], validate_unique=False, validate_constraints=False
        )
        existing = (
            None
            if new_supporter
            else Signature.objects.filter(petition=petition, supporter=supporter).first()
        )
        if existing is None:
            # A concurrent submission of the address may sign meanwhile. Then this insert
            # changes nothing in its row and returns its id, and the confirmation below
            # has that signature's outbox key, already taken: one signature, one email.
            Signature.objects.bulk_create(
                [signature],
                update_conflicts=True,
                unique_fields=["petition", "supporter"],
                update_fields=["petition"],
            )
            _enqueue_confirmation(signature, 1)
            return signature
        signature = existing
        signature.petition, signature.supporter = petition, supporter
        if signature.status == Signature.Status.CONFIRMED:
            _enqueue_already_signed(signature)
        elif signature.status == Signature.Status.PENDING:
            _resend_confirmation(signature, now)
    return signature


def _resend_confirmation(signature, now):
    """Claim the right to send the next confirmation: among concurrent duplicates at most
    one wins, never sooner than the cool-down, and never more than the limit in all."""
    number = signature.confirmation_emails + 1
    won = Signature.objects.filter(
        pk=signature.pk,
        confirmation_emails=signature.confirmation_emails,
        confirmation_emails__lt=settings.SIGNING_MAX_EMAILS,
        last_confirmation_at__lte=now - settings.SIGNING_RESEND_COOLDOWN,
    ).update(confirmation_emails=number, last_confirmation_at=now)
    if won:
        _enqueue_confirmation(signature, number)


def signature_from_confirm_token(token):
    """The signature a confirmation link is for. Raises signing.SignatureExpired for an
    old link and signing.BadSignature or Signature.DoesNotExist for a tampered or purged
    one."""
    data = signing.TimestampSigner(salt=CONFIRM_SALT).unsign_object(
        token, max_age=settings.SIGNING_CONFIRM_MAX_AGE
    )
    return Signature.objects.select_related("petition__campaign", "supporter").get(pk=data["s"])


def signature_confirm(*, signature):
    """Confirm a signature (by POST from the page its link opens) and the supporter's
    address with it. Returns whether this call confirmed it."""
    with transaction.atomic():
        confirmed = signature.confirm()
        if signature.supporter:
            signature.supporter.confirm_address()
    return confirmed


def signature_confirm_from_token(token):
    signature = signature_from_confirm_token(token)
    signature_confirm(signature=signature)
    return signature


def signatures_remind_unconfirmed(*, now=None, batch_size=500):
    """One reminder to confirm, 24 hours after signing: the confirmation itself, sent a
    second time. Runs in batches; each reminder has its own outbox key, so running twice
    sends nothing twice."""
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
                _enqueue_confirmation(signature, "reminder", hand_over=False)
            Signature.objects.filter(pk__in=[s.pk for s in batch]).update(reminded_at=now)
        sent += len(batch)


def signatures_purge_unconfirmed(*, now=None, days=30):
    """Unconfirmed signatures are personal data with no purpose after a month. Network
    fingerprints of every signature go after the same time."""
    now = now or timezone.now()
    stale = Signature.objects.stale_unconfirmed(now, days)
    # What is purged leaves no copy in the audit trail: no deletion entries with the
    # signers' details, and no entries from before; one entry says how much went.
    with transaction.atomic(), disable_auditlog():
        signatures = dict(stale.values_list("pk", "supporter_id"))
        deleted, _ = Signature.objects.filter(pk__in=list(signatures)).delete()
        gone = Supporter.objects.filter(
            pk__in=set(signatures.values()), signatures__isnull=True, confirmed_at__isnull=True
        )
        supporters = list(gone.values_list("pk", flat=True))
        consents = list(
            Consent.objects.filter(supporter__in=supporters).values_list("pk", flat=True)
        )
        Supporter.objects.filter(pk__in=supporters).delete()
        erase_trail(
            [Signature(pk=pk) for pk in signatures]
            + [Supporter(pk=pk) for pk in supporters]
            + [Consent(pk=pk) for pk in consents]
        )
        if deleted:
            record_purge(model=Signature, what="unconfirmed signatures", rows=deleted)
    Signature.objects.filter(
        created_at__lte=now - timezone.timedelta(days=days), held=False
    ).exclude(ip_hash="").update(ip_hash="")
    return deleted


def petitions_recount():
    """Recount every petition from its rows; log and return the drift that was fixed."""
    drift = {}
    for petition in Petition.objects.order_by("pk").iterator():
        off = petition.recount()
        if off:
            drift[petition.pk] = off
            logger.warning(
                "Petition %s (%s): counters were off by %+d; recounted.",
                petition.pk,
                petition,
                -off,
            )
    return drift
