"""The campaigns' models, by subject: campaigns and petitions, signatures and consents,
letters and messages. Everything is importable from here."""

from .campaigns import COUNTER_SHARDS, Campaign, Petition, PetitionCounterShard
from .letters import Letter, LetterAction, Official, SolidarityMessage
from .signatures import Consent, Signature

__all__ = [
    "COUNTER_SHARDS",
    "Campaign",
    "Consent",
    "Letter",
    "LetterAction",
    "Official",
    "Petition",
    "PetitionCounterShard",
    "Signature",
    "SolidarityMessage",
]
