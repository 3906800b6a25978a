"""Importing a published declaration: one call to preview it, one call to save it.

`declaration_preview` reads the text and plans the import, saving nothing: staff see what
was understood and decide who the uncertain signatories are. `declaration_import` reads
and plans the same text once more, inside its transaction, and saves it with staff's
choices, or refuses with the plan, so that the page can show it again.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Declaration, Delegation, Parliamentarian, PoliticalGroup, Signatory
from ..services.linking import declaration_link_prisoners, declaration_suggest_prisoners
from .matching import fold, person_key
from .parsing import parse_declaration


@dataclass
class SignatoryPlan:
    """What the import will do with one parsed signatory."""

    index: int
    parsed: object
    match: Parliamentarian | None = None
    candidates: list = field(default_factory=list)

    @property
    def status(self):
        if self.match is not None:
            return "existing"
        return "uncertain" if self.candidates else "new"


@dataclass
class ImportPlan:
    parsed: object
    assembly: object
    existing: Declaration | None
    signatories: list
    warnings: list

    @property
    def errors(self):
        return list(self.parsed.errors)

    @property
    def uncertain(self):
        return [s for s in self.signatories if s.status == "uncertain"]

    @property
    def can_import(self):
        return not self.errors

    def decided(self, choices):
        """Staff's choices that fit this plan: for an uncertain signatory, the pk of one
        of its candidates, or "new". Anything else is left out, as if not chosen."""
        decided = {}
        for row in self.uncertain:
            value = str(choices.get(row.index, ""))
            if value == "new":
                decided[row.index] = "new"
            elif value.isdigit() and int(value) in {c.pk for c in row.candidates}:
                decided[row.index] = int(value)
        return decided


class ImportRefused(ValidationError):
    """The text cannot be saved as it is; `plan` says what was understood of it."""

    def __init__(self, messages, *, plan):
        super().__init__(messages)
        self.plan = plan


def declaration_preview(*, text, assembly):
    """Read the text and match each signatory to the parliamentarians already known,
    without saving anything.

    A match on surname and first given name (accents and case ignored) is certain. The same
    surname with other given names, or several people with one key, is uncertain: staff
    decide in the preview.
    """
    parsed = parse_declaration(text)
    by_key, by_surname = {}, {}
    for member in Parliamentarian.objects.select_related("delegation", "group"):
        by_key.setdefault(person_key(member.surname, member.given_names), []).append(member)
        by_surname.setdefault(fold(member.surname), []).append(member)

    signatories = []
    for index, signatory in enumerate(parsed.signatories):
        plan = SignatoryPlan(index=index, parsed=signatory)
        exact = by_key.get(person_key(signatory.surname, signatory.given_names), [])
        if len(exact) == 1:
            plan.match = exact[0]
        else:
            plan.candidates = exact or by_surname.get(fold(signatory.surname), [])
        signatories.append(plan)

    warnings = list(parsed.warnings)
    existing = None
    if parsed.declaration_number:
        existing = Declaration.objects.filter(
            assembly=assembly, declaration_number=parsed.declaration_number
        ).first()
        if existing:
            warnings.append(
                _(
                    "Written declaration No. %(number)s is already in the database; importing "
                    "again updates it and adds only missing signatures."
                )
                % {"number": parsed.declaration_number}
            )
    words = len(parsed.body.split())
    if words > assembly.word_limit:
        warnings.append(
            _(
                "The text has %(words)d words, over %(assembly)s's limit of %(limit)d "
                "(a warning only)."
            )
            % {"words": words, "assembly": assembly.short_name, "limit": assembly.word_limit}
        )
    return ImportPlan(
        parsed=parsed,
        assembly=assembly,
        existing=existing,
        signatories=signatories,
        warnings=warnings,
    )


@transaction.atomic
def declaration_import(*, text, assembly, choices=None):
    """Save a published declaration with its signatures. Idempotent: the same text
    imported twice changes nothing.

    `choices` maps the index of each uncertain signatory to a parliamentarian's pk, or to
    "new" to create a new person. Texts with errors, and uncertain matches that were not
    decided, raise ImportRefused with the plan.
    """
    plan = declaration_preview(text=text, assembly=assembly)
    if plan.errors:
        raise ImportRefused(plan.errors, plan=plan)
    decided = plan.decided(choices or {})
    undecided = [s for s in plan.uncertain if s.index not in decided]
    if undecided:
        raise ImportRefused(
            [
                _("Decide who %(name)s is: %(candidates)s, or a new person.")
                % {
                    "name": f"{s.parsed.surname} {s.parsed.given_names}",
                    "candidates": ", ".join(f"{c} ({c.delegation})" for c in s.candidates),
                }
                for s in undecided
            ],
            plan=plan,
        )
    parsed = plan.parsed
    if not parsed.declaration_number:
        raise ImportRefused(_("The text has no written declaration number."), plan=plan)

    fields = {
        # PACE's English edition, whatever the language of the staff member's admin.
        "title_en": parsed.title,
        "body": parsed.body,
        "document_number": parsed.document_number,
        "edition": parsed.edition,
        "tabled_on": parsed.date,
        "published_on": parsed.date,
        "status": Declaration.Status.PUBLISHED,
    }
    # The fields' rules; an empty text is kept for staff to complete, as before.
    Declaration(
        assembly=assembly, declaration_number=parsed.declaration_number, **fields
    ).full_clean(exclude=["assembly", "body"], validate_unique=False, validate_constraints=False)
    declaration, _created = Declaration.objects.update_or_create(
        assembly=assembly, declaration_number=parsed.declaration_number, defaults=fields
    )
    signed_at = (
        timezone.make_aware(timezone.datetime.combine(parsed.date, timezone.datetime.min.time()))
        if parsed.date
        else timezone.now()
    )
    for row in plan.signatories:
        signatory = row.parsed
        member = row.match
        choice = decided.get(row.index)
        if member is None and choice not in (None, "new"):
            member = Parliamentarian.objects.get(pk=choice)
        delegation, _created = Delegation.objects.get_or_create(
            assembly=assembly, name=signatory.country
        )
        group = _group(assembly, signatory.group_code, parsed.legend)
        if member is None:
            member = Parliamentarian(
                honorific=signatory.honorific,
                given_names=signatory.given_names,
                surname=signatory.surname,
                delegation=delegation,
                group=group,
            )
            member.full_clean()
            member.save()
        elif not member.honorific and signatory.honorific:
            member.honorific = signatory.honorific
            member.save(update_fields=["honorific"])
        Signatory.objects.get_or_create(
            declaration=declaration,
            parliamentarian=member,
            defaults={
                "status": Signatory.Status.SIGNED,
                "position": row.index + 1,
                "signed_at": signed_at,
                "responded_at": signed_at,
                "delegation_at_signing": delegation,
                "group_at_signing": group,
            },
        )
    return declaration


def _group(assembly, code, legend):
    """The political group a signatory's code names; whether it stands for members of no
    group is the assembly's rule (its non-attached code), not the importer's."""
    if not code:
        return None
    group, created = PoliticalGroup.objects.get_or_create(
        assembly=assembly,
        code=code,
        defaults={
            "name": legend.get(code, code),
            "is_non_attached": bool(assembly.non_attached_code)
            and code == assembly.non_attached_code,
        },
    )
    if not created and legend.get(code) and group.name == group.code:
        group.name = legend[code]
        group.save(update_fields=["name"])
    return group


def declaration_import_file(*, path, assembly, link_prisoners=False):
    """Import one text file; uncertain matches stop it (batch imports cannot ask)."""
    text = Path(path).read_text(encoding="utf-8-sig")
    declaration = declaration_import(text=text, assembly=assembly)
    if link_prisoners:
        declaration_link_prisoners(
            declaration=declaration,
            prisoners=declaration_suggest_prisoners(declaration=declaration),
        )
    return declaration
