"""Withdrawing a signature: by the link in the confirmation email, or from the page about
one's data. The signature leaves the count and is deleted with everything it held; a
WithdrawnSignature row says only that one was withdrawn from the petition, and when. A
supporter left with nothing else on record is erased as on request; one who still has
other actions loses the consent to the campaign's updates given with it."""

from typing import NamedTuple

from django.db import transaction

from core.audit import disable_auditlog, erase_trail, record_erasure
from outbox.models import OutgoingEmail
from supporters.models import Supporter

from ..models import Consent, Letter, Signature, WithdrawnSignature
from .privacy import supporter_erase


class Withdrawal(NamedTuple):
    record: WithdrawnSignature
    supporter_erased: bool


def _has_other_actions(supporter):
    """Whether anything but consents still points at the supporter: signatures, letters,
    messages, and whatever the apps add later."""
    for relation in Supporter._meta.related_objects:
        if not relation.one_to_many or relation.related_model is Consent:
            continue
        rows = relation.related_model._default_manager.filter(**{relation.field.name: supporter})
        if rows.exists():
            return True
    return False


def _forget_campaign_consent(supporter, campaign_id):
    """The consent to a campaign's updates was given with the signature: it goes with it,
    unless the supporter still acts in that campaign (another petition, a letter)."""
    still_in_it = (
        Signature.objects.filter(supporter=supporter, petition__campaign_id=campaign_id).exists()
        or Letter.objects.filter(supporter=supporter, action__campaign_id=campaign_id).exists()
    )
    if not still_in_it:
        Consent.objects.filter(supporter=supporter, campaign_id=campaign_id).delete()


def signature_withdraw(*, signature):
    """Withdraw a signature; None if it was withdrawn meanwhile. The audit trail gets one
    entry saying that a signature was withdrawn, and keeps no copy of what it held."""
    supporter = signature.supporter
    with transaction.atomic():
        with disable_auditlog():
            erase_trail([signature])
            record = signature.withdraw()
            if record is None:
                return None
            # The emails about it (confirmations, reminders, "already signed") carry the
            # signer's address and name.
            OutgoingEmail.objects.filter(key__startswith=f"signature-{signature.pk}-").delete()
        record_erasure(model=Signature, pk=signature.pk, counts={"withdrawn": 1})
        erased = supporter is not None and not _has_other_actions(supporter)
        if erased:
            supporter_erase(supporter=supporter)
        elif supporter is not None:
            _forget_campaign_consent(supporter, signature.petition.campaign_id)
    return Withdrawal(record=record, supporter_erased=erased)


def supporter_signature_withdraw(*, supporter, signature_pk):
    """Withdraw one of this supporter's signatures, chosen on the page about their data;
    None if it is not theirs (or no longer there)."""
    signature_pk = str(signature_pk or "")
    if not (signature_pk.isascii() and signature_pk.isdecimal()) or len(signature_pk) > 18:
        return None
    signature = supporter.signatures.select_related("petition").filter(pk=signature_pk).first()
    if signature is None:
        return None
    return signature_withdraw(signature=signature)
