"""Supporters' workflows, one module per job. Everything a supporter submits is written to
the database first; emails leave through the outbox."""

from .letters import letter_send, messages_for_printing, solidarity_message_create
from .privacy import (
    privacy_request,
    supporter_data,
    supporter_erase,
    supporter_from_privacy_token,
)
from .reminders import action_reminders_send, followers, staff_daily_digest
from .signing import (
    RateLimited,
    SigningResult,
    confirm_token,
    signature_confirm_from_token,
    signature_create,
    signatures_purge_unconfirmed,
    signatures_remind_unconfirmed,
)

__all__ = [
    "RateLimited",
    "SigningResult",
    "action_reminders_send",
    "confirm_token",
    "followers",
    "letter_send",
    "messages_for_printing",
    "privacy_request",
    "signature_confirm_from_token",
    "signature_create",
    "signatures_purge_unconfirmed",
    "signatures_remind_unconfirmed",
    "solidarity_message_create",
    "staff_daily_digest",
    "supporter_data",
    "supporter_erase",
    "supporter_from_privacy_token",
]
