"""Supporters' workflows, one module per job. Everything a supporter submits is written to
the database first; emails leave through the outbox."""

from .letters import (
    letter_send,
    letters_release,
    messages_for_printing,
    solidarity_message_create,
)
from .privacy import (
    prepare_privacy_email,
    privacy_request,
    supporter_data,
    supporter_erase,
    supporter_from_privacy_token,
)
from .reminders import action_reminders_send, followers, staff_daily_digest
from .review import (
    held_groups,
    signatures_invalidate,
    signatures_validate,
    trending_sources,
)
from .signing import (
    RateLimited,
    confirm_token,
    petitions_recount,
    signature_confirm,
    signature_confirm_from_token,
    signature_create,
    signature_from_confirm_token,
    signatures_purge_unconfirmed,
    signatures_remind_unconfirmed,
)

__all__ = [
    "RateLimited",
    "action_reminders_send",
    "confirm_token",
    "followers",
    "held_groups",
    "letter_send",
    "letters_release",
    "messages_for_printing",
    "petitions_recount",
    "prepare_privacy_email",
    "privacy_request",
    "signature_confirm",
    "signature_confirm_from_token",
    "signature_create",
    "signature_from_confirm_token",
    "signatures_invalidate",
    "signatures_purge_unconfirmed",
    "signatures_remind_unconfirmed",
    "signatures_validate",
    "solidarity_message_create",
    "staff_daily_digest",
    "supporter_data",
    "supporter_erase",
    "supporter_from_privacy_token",
    "trending_sources",
]
