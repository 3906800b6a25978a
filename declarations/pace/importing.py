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
from django.utils.translation import ngettext

from ..models import (
    Declaration,
    Delegation,
    Parliamentarian,
    PoliticalGroup,
    Signatory,
    Threshold,
)
from ..services.linking import declaration_link_prisoners, declaration_suggest_prisoners
from .matching import close_person, fold, person_key
from .parsing import parse_declaration

Status = Declaration.Status
# What an import may save a declaration as: published, as PACE printed it, or, when the text
# is short of the threshold, as still collecting signatures or as a draft.
IMPORT_STATUSES = (Status.PUBLISHED, Status.COLLECTING, Status.DRAFT)


@dataclass
class SignatoryPlan:
    """What the import will do with one parsed signatory."""

    index: int
    parsed: object
    match: Parliamentarian | None = None
    candidates: list = field(default_factory=list)
    # The one known member whose name is a close spelling of this one ("SCHWABBE" for
    # "SCHWABE"): proposed, never taken without staff's confirmation.
    close: Parliamentarian | None = None

    @property
    def status(self):
        if self.match is not None:
            return "existing"
        return "uncertain" if self.candidates else "new"

    @property
    def close_note(self):
        if self.close is None:
            return ""
        return _("Matched “%(parsed)s” to %(member)s by a close spelling: check.") % {
            "parsed": f"{self.parsed.given_names} {self.parsed.surname}",
            "member": f"{self.close.given_names} {self.close.surname}",
        }


@dataclass
class ImportPlan:
    parsed: object
    assembly: object
    existing: Declaration | None
    signatories: list
    warnings: list
    threshold: Threshold | None = None

    @property
    def below_threshold(self):
        """The warning for a text short of its assembly's threshold, or ""."""
        if self.threshold is None or self.threshold.met or not self.signatories:
            return ""
        t = self.threshold
        return _(
            "Only %(found)s, where %(assembly)s needs %(needed)s: this declaration would be "
            "published below the threshold."
        ) % {
            "found": _counts(t.signatures, t.delegations, t.groups),
            "assembly": self.assembly.short_name,
            "needed": _counts(t.min_signatures, t.min_delegations, t.min_groups),
        }

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
    members = list(Parliamentarian.objects.select_related("delegation", "group"))
    by_key, by_surname = {}, {}
    for member in members:
        by_key.setdefault(person_key(member.surname, member.given_names), []).append(member)
        by_surname.setdefault(fold(member.surname), []).append(member)

    signatories = []
    for index, signatory in enumerate(parsed.signatories):
        plan = SignatoryPlan(index=index, parsed=signatory)
        exact = by_key.get(person_key(signatory.surname, signatory.given_names), [])
        if len(exact) == 1:
            plan.match = exact[0]
        elif exact:
            plan.candidates = exact
        else:
            close = [
                m
                for m in members
                if close_person(signatory.surname, signatory.given_names, m.surname, m.given_names)
            ]
            same_surname = by_surname.get(fold(signatory.surname), [])
            plan.candidates = close + [m for m in same_surname if m not in close]
            if len(close) == 1:
                plan.close = close[0]
        signatories.append(plan)

    warnings = list(parsed.warnings)
    warnings.extend(row.close_note for row in signatories if row.close is not None)
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
        threshold=_threshold(parsed, assembly),
    )


def _threshold(parsed, assembly):
    """Where the signatories read stand against the assembly's threshold, counted as
    Declaration.threshold() counts them: members of no group, and non-attached members
    unless the assembly counts them as a group, add no group."""
    non_attached = set(
        PoliticalGroup.objects.filter(assembly=assembly, is_non_attached=True).values_list(
            "code", flat=True
        )
    )
    if assembly.non_attached_code:
        non_attached.add(assembly.non_attached_code)
    if assembly.non_attached_count_as_group:
        non_attached = set()
    groups = {s.group_code for s in parsed.signatories if s.group_code not in {"", *non_attached}}
    return Threshold(
        signatures=len({person_key(s.surname, s.given_names) for s in parsed.signatories}),
        delegations=len({s.country for s in parsed.signatories}),
        groups=len(groups),
        min_signatures=assembly.min_signatures,
        min_delegations=assembly.min_delegations,
        min_groups=assembly.min_groups,
    )


def _counts(signatures, delegations, groups):
    """ "12 signatures, 3 national delegations, 1 political group", each part in the plural
    its number calls for."""
    return ", ".join(
        [
            ngettext("%(n)d signature", "%(n)d signatures", signatures) % {"n": signatures},
            ngettext("%(n)d national delegation", "%(n)d national delegations", delegations)
            % {"n": delegations},
            ngettext("%(n)d political group", "%(n)d political groups", groups) % {"n": groups},
        ]
    )


@transaction.atomic
def declaration_import(
    *, text, assembly, choices=None, status=Status.PUBLISHED, below_threshold=False
):
    """Save a published declaration with its signatures. Idempotent: the same text
    imported twice changes nothing.

    `choices` maps the index of each uncertain signatory to a parliamentarian's pk, or to
    "new" to create a new person. Texts with errors, and uncertain matches that were not
    decided, raise ImportRefused with the plan. A text short of the assembly's threshold is
    saved as Published only when `below_threshold` says staff confirmed it; `status` may
    instead save it as collecting signatures or as a draft.
    """
    plan = declaration_preview(text=text, assembly=assembly)
    if plan.errors:
        raise ImportRefused(plan.errors, plan=plan)
    if status not in IMPORT_STATUSES:
        raise ImportRefused(
            _("An import saves a declaration as %(statuses)s.")
            % {"statuses": ", ".join(f"“{Status(s).label}”" for s in IMPORT_STATUSES)},
            plan=plan,
        )
    decided = plan.decided(choices or {})
    undecided = [s for s in plan.uncertain if s.index not in decided]
    if undecided:
        raise ImportRefused([_undecided_message(s) for s in undecided], plan=plan)
    if status == Status.PUBLISHED and plan.below_threshold and not below_threshold:
        raise ImportRefused(
            [
                plan.below_threshold,
                _(
                    "Confirm that it is to be published below the threshold, or save it as "
                    "“%(lower)s”."
                )
                % {"lower": Status.COLLECTING.label},
            ],
            plan=plan,
        )
    parsed = plan.parsed
    if not parsed.declaration_number:
        raise ImportRefused(_("The text has no written declaration number."), plan=plan)

    published = status == Status.PUBLISHED
    fields = {
        # PACE's English edition, whatever the language of the staff member's admin.
        "title_en": parsed.title,
        "body": parsed.body,
        "document_number": parsed.document_number,
        "edition": parsed.edition,
        "tabled_on": parsed.date if published else None,
        "published_on": parsed.date if published else None,
        "status": status,
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


def _undecided_message(row):
    name = f"{row.parsed.surname} {row.parsed.given_names}"
    if row.close is not None:
        return _(
            "Confirm who %(name)s is: %(member)s (%(delegation)s), a close spelling, or a new "
            "person."
        ) % {"name": name, "member": row.close, "delegation": row.close.delegation}
    return _("Decide who %(name)s is: %(candidates)s, or a new person.") % {
        "name": name,
        "candidates": ", ".join(f"{c} ({c.delegation})" for c in row.candidates),
    }


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


def declaration_import_file(
    *, path, assembly, link_prisoners=False, status=Status.PUBLISHED, below_threshold=False
):
    """Import one text file; uncertain and close matches stop it (batch imports cannot ask),
    and so does a text short of the threshold unless `below_threshold`. Only prisoners the
    text names exactly are linked; close spellings wait for staff in the admin."""
    text = Path(path).read_text(encoding="utf-8-sig")
    declaration = declaration_import(
        text=text, assembly=assembly, status=status, below_threshold=below_threshold
    )
    if link_prisoners:
        declaration_link_prisoners(
            declaration=declaration,
            prisoners=declaration_suggest_prisoners(declaration=declaration, exact_only=True),
        )
    return declaration
