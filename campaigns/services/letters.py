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


def _limit(key, limits):
    try:
        if over_limit(key, limits):
            raise RateLimited()
    except LimitsUnavailable:
        pass


def letter_send(*, action, name, email, country, body, ip="", language="en"):
    """Email the supporter's letter, signed with their name and with their address as
    reply-to, to every recipient that has an email address. Recipients without one get the
    letter on paper: the page offers it for printing. Returns the Letter."""
    if ip:
        _limit(f"letter:{address_key(ip)}:{action.pk}", settings.LETTER_IP_LIMITS)
    with transaction.atomic():
        supporter = supporter_get_or_create(
            email=email, name=name, country=country, language=language
        )
        letter = Letter.objects.create(action=action, supporter=supporter, body=body)
        for official in action.recipients.exclude(email=""):
            outbox_enqueue(
                key=f"letter-{letter.pk}-to-{official.pk}",
                to=official.email,
                reply_to=email,
                template="campaigns/email/letter",
                language=settings.LANGUAGE_CODE,
                context={
                    "subject": action.subject,
                    "body": body,
                    "name": name,
                    "official": official.name,
                },
            )
    return letter


def solidarity_message_create(*, prisoner, name, country, text, email="", ip="", language="en"):
    if not prisoner.letters_accepted:
        raise ValidationError(
            "Letters to this prisoner are not accepted at the moment.", code="letters_not_accepted"
        )
    if ip:
        _limit(f"message:{address_key(ip)}:{prisoner.pk}", settings.SIGNING_IP_LIMITS)
    supporter = None
    if email:
        supporter = supporter_get_or_create(
            email=email, name=name, country=country, language=language
        )
    return SolidarityMessage.objects.create(
        prisoner=prisoner,
        supporter=supporter,
        author_name=name,
        author_country=country,
        text=text,
    )


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
