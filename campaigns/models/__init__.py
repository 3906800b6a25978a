"""The campaigns' models, by subject: campaigns and petitions, signatures and consents,
letters and messages, paper batches and withdrawals. Everything is importable from here."""

from .campaigns import COUNTER_SHARDS, Campaign, Petition, PetitionCounterShard
from .letters import Letter, LetterAction, Official, SolidarityMessage
from .paper import PaperSignatureBatch
from .signatures import Consent, Signature, WithdrawnSignature
from .updates import CampaignUpdate

__all__ = [
    "COUNTER_SHARDS",
    "Campaign",
    "CampaignUpdate",
    "Consent",
    "Letter",
    "LetterAction",
    "Official",
    "PaperSignatureBatch",
    "Petition",
    "PetitionCounterShard",
    "Signature",
    "SolidarityMessage",
    "WithdrawnSignature",
]
