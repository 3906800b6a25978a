"""Workflows around written declarations, one module per job: inviting members and their
answers (invitations), signatures made at the assembly and the notices they set off
(signatures), and the prisoners a declaration names (linking). Importing published texts
is in declarations.pace; every email leaves through the outbox."""

from .invitations import (
    invitation_answer,
    invitation_remind,
    invitations_create,
    pledge_signature_from_token,
    pledge_token,
)
from .linking import declaration_link_prisoners, declaration_suggest_prisoners
from .signatures import signature_record, staff_send_deadline_digest

__all__ = [
    "declaration_link_prisoners",
    "declaration_suggest_prisoners",
    "invitation_answer",
    "invitation_remind",
    "invitations_create",
    "pledge_signature_from_token",
    "pledge_token",
    "signature_record",
    "staff_send_deadline_digest",
]
