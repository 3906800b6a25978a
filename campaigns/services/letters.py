"""Letters to officials and solidarity messages to prisoners."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.fingerprints import address_key
from core.ratelimit import LimitsUnavailable, RateLimited, over_limit
from outbox.services import outbox_enqueue
from supporters.services import supporter_get_or_create

from ..models import Letter, SolidarityMessage


def _send_to_officials(letter):
    """Write the letter's emails to the outbox: one per official with an address."""
    supporter = letter.supporter
    for official in letter.action.recipients.exclude(email=""):
        outbox_enqueue(
            key=f"letter-{letter.pk}-to-{official.pk}",
            to=official.email,
            reply_to=supporter.email,
            template="campaigns/email/letter",
            language=settings.LANGUAGE_CODE,
            context={
                "subject": letter.action.subject,
                "body": letter.body,
                "name": supporter.name,
                "official": official.name,
            },
        )


def letter_send(*, action, name, email, country, body, ip="", language="en"):
    """Email the supporter's letter, signed with their name and with their address as
    reply-to, to every recipient that has an email address. Recipients without one get the
    letter on paper: the page offers it for printing. Returns the Letter.

    Over the limit (per address, across all letter actions) the letter is refused with
    RateLimited. When the limits cannot be checked, the letter is kept but held: staff send
    it from the admin. Either way nothing the supporter wrote is lost."""
    try:
        held = False
        if over_limit(f"letter:{address_key(ip)}", settings.LETTER_IP_LIMITS):
            raise RateLimited()
    except LimitsUnavailable:
        held = True
    with transaction.atomic():
        supporter = supporter_get_or_create(
            email=email, name=name, country=country, language=language
        )
        letter = Letter(action=action, supporter=supporter, body=body, held=held)
        letter.full_clean()
        letter.save()
        if not held:
            _send_to_officials(letter)
    return letter


def letters_release(*, letters):
    """Staff send letters that were held. Returns how many went out."""
    released = 0
    for letter in letters.filter(held=True, supporter__isnull=False).select_related(
        "action", "supporter"
    ):
        with transaction.atomic():
            if Letter.objects.filter(pk=letter.pk, held=True).update(held=False):
                _send_to_officials(letter)
                released += 1
    return released


def solidarity_message_create(*, prisoner, name, country, text, email="", ip="", language="en"):
    if not prisoner.letters_accepted:
        raise ValidationError(
            "Letters to this prisoner are not accepted at the moment.", code="letters_not_accepted"
        )
    try:
        if over_limit(f"message:{address_key(ip)}", settings.MESSAGE_IP_LIMITS):
            raise RateLimited()
    except LimitsUnavailable:
        pass  # every message waits for moderation anyway
    supporter = None
    if email:
        supporter = supporter_get_or_create(
            email=email, name=name, country=country, language=language
        )
    message = SolidarityMessage(
        prisoner=prisoner,
        supporter=supporter,
        author_name=name,
        author_country=country,
        text=text,
    )
    message.full_clean()
    message.save()
    return message


def messages_for_printing(*, prisoner):
    """Approved messages not yet printed, marked as printed: each goes in one batch."""
    with transaction.atomic():
        batch = list(
            SolidarityMessage.objects.approved()
            .filter(prisoner=prisoner, printed_at__isnull=True)
            .select_for_update()
            .order_by("created_at")
        )
        SolidarityMessage.objects.filter(pk__in=[m.pk for m in batch]).update(
            printed_at=timezone.now()
        )
    return batch
