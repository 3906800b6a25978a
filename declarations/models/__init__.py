"""The declarations' models, by subject: assemblies and their members, declarations, and
signatories. Everything is importable from here."""

from .assemblies import Assembly, Delegation, Parliamentarian, PoliticalGroup
from .declarations import Declaration, Threshold, page_sections
from .godparents import Godparenthood
from .signatories import Signatory
from .statuses import DeclarationStatus, SignatoryStatus

__all__ = [
    "Assembly",
    "Declaration",
    "DeclarationStatus",
    "Delegation",
    "Godparenthood",
    "Parliamentarian",
    "PoliticalGroup",
    "Signatory",
    "SignatoryStatus",
    "Threshold",
    "page_sections",
]
