"""Workflows around written declarations: importing published texts, linking prisoners,
inviting members, recording signatures, reminders and staff notices."""

import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from outbox.services import outbox_enqueue
from prisoners.models import Prisoner

from .matching import find_mentions, fold, person_key
from .models import (
    Assembly,
    Declaration,
    Delegation,
    Parliamentarian,
    PoliticalGroup,
    Signatory,
)

logger = logging.getLogger(__name__)

PLEDGE_SALT = "declarations.pledge"


# Importing published declarations ---------------------------------------------------------


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


def declaration_import_plan(*, parsed, assembly):
    """Match each signatory to the parliamentarians already known, without saving anything.

    A match on surname and first given name (accents and case ignored) is certain. The same
    surname with other given names, or several people with one key, is uncertain: staff
    decide in the preview.
    """
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
                f"Written declaration No. {parsed.declaration_number} is already in the "
                "database; importing again updates it and adds only missing signatures."
            )
    words = len(parsed.body.split())
    if words > assembly.word_limit:
        warnings.append(
            f"The text has {words} words, over {assembly.short_name}'s limit of "
            f"{assembly.word_limit} (a warning only)."
        )
    return ImportPlan(
        parsed=parsed,
        assembly=assembly,
        existing=existing,
        signatories=signatories,
        warnings=warnings,
    )


def _group(assembly, code, legend):
    if not code:
        return None
    group, created = PoliticalGroup.objects.get_or_create(
        assembly=assembly,
        code=code,
        defaults={"name": legend.get(code, code), "is_non_attached": code == "NR"},
    )
    if not created and legend.get(code) and group.name == group.code:
        group.name = legend[code]
        group.save(update_fields=["name"])
    return group


@transaction.atomic
def declaration_import(*, parsed, assembly, choices=None):
    """Save a parsed published declaration with its signatures. Idempotent: the same text
    imported twice changes nothing.

    `choices` maps the index of each uncertain signatory to a parliamentarian's pk, or to
    "new" to create a new person. Refuses texts with errors, and uncertain matches that
    were not decided.
    """
    choices = choices or {}
    plan = declaration_import_plan(parsed=parsed, assembly=assembly)
    if plan.errors:
        raise ValidationError(plan.errors)
    undecided = [s for s in plan.uncertain if s.index not in choices]
    if undecided:
        raise ValidationError(
            [
                f"Decide who {s.parsed.surname} {s.parsed.given_names} is: "
                + ", ".join(f"{c} ({c.delegation})" for c in s.candidates)
                + ", or a new person."
                for s in undecided
            ]
        )
    if not parsed.declaration_number:
        raise ValidationError("The text has no written declaration number.")

    declaration, _ = Declaration.objects.update_or_create(
        assembly=assembly,
        declaration_number=parsed.declaration_number,
        defaults={
            "title": parsed.title,
            "body": parsed.body,
            "document_number": parsed.document_number,
            "edition": parsed.edition,
            "tabled_on": parsed.date,
            "published_on": parsed.date,
            "status": Declaration.Status.PUBLISHED,
        },
    )
    signed_at = (
        timezone.make_aware(timezone.datetime.combine(parsed.date, timezone.datetime.min.time()))
        if parsed.date
        else timezone.now()
    )
    for plan_row in plan.signatories:
        signatory = plan_row.parsed
        member = plan_row.match
        choice = choices.get(plan_row.index)
        if member is None and choice not in (None, "new"):
            member = Parliamentarian.objects.get(pk=choice)
        delegation, _ = Delegation.objects.get_or_create(assembly=assembly, name=signatory.country)
        group = _group(assembly, signatory.group_code, parsed.legend)
        if member is None:
            member = Parliamentarian.objects.create(
                honorific=signatory.honorific,
                given_names=signatory.given_names,
                surname=signatory.surname,
                delegation=delegation,
                group=group,
            )
        elif not member.honorific and signatory.honorific:
            member.honorific = signatory.honorific
            member.save(update_fields=["honorific"])
        Signatory.objects.get_or_create(
            declaration=declaration,
            parliamentarian=member,
            defaults={
                "status": Signatory.Status.SIGNED,
                "position": plan_row.index + 1,
                "signed_at": signed_at,
                "responded_at": signed_at,
                "delegation_at_signing": delegation,
                "group_at_signing": group,
            },
        )
    return declaration


# Prisoners named in a declaration ---------------------------------------------------------


def declaration_suggest_prisoners(*, declaration):
    """Published prisoners whose name, in any spelling, the text names and who are not yet
    linked. Staff confirm the suggestions."""
    prisoners = Prisoner.objects.published().prefetch_related("alternative_names")
    people = [
        (
            p,
            [
                p.full_name,
                f"{p.given_name} {p.family_name}",
                *(a.name for a in p.alternative_names.all()),
            ],
        )
        for p in prisoners
    ]
    linked = set(declaration.prisoners.values_list("pk", flat=True))
    return [p for p in find_mentions(declaration.body, people) if p.pk not in linked]


def declaration_link_prisoners(*, declaration, prisoners):
    declaration.prisoners.add(*prisoners)


# Invitations, pledges and signatures ------------------------------------------------------


def pledge_token(signature):
    return signing.TimestampSigner(salt=PLEDGE_SALT).sign_object(
        {"s": signature.pk, "p": signature.parliamentarian_id, "d": signature.declaration_id}
    )


def pledge_signature_from_token(token):
    """The invitation a personal link is for. Raises signing.SignatureExpired for an old
    link and signing.BadSignature for a tampered one."""
    data = signing.TimestampSigner(salt=PLEDGE_SALT).unsign_object(
        token, max_age=settings.DECLARATION_LINK_MAX_AGE
    )
    return Signatory.objects.select_related("declaration__assembly", "parliamentarian").get(
        pk=data["s"], parliamentarian_id=data["p"], declaration_id=data["d"]
    )


def invitation_answer(*, signature, answer):
    """A member's answer through their personal link: "pledge" or "decline"."""
    if not signature.declaration.is_open_for_signatures:
        raise ValidationError("This declaration no longer accepts signatures.")
    if answer == "pledge":
        signature.pledge()
    elif answer == "decline":
        signature.decline()
    else:
        raise ValidationError("Choose to pledge your signature or to decline.")


def _member_context(signature):
    member = signature.parliamentarian
    declaration = signature.declaration
    closes_on = declaration.signatures_close_on
    with translation.override(settings.LANGUAGE_CODE):
        closes = date_format(closes_on, "j F Y") if closes_on else ""
    return {
        "member": member.display_name,
        "title": declaration.title,
        "assembly": declaration.assembly.name,
        "body": declaration.body,
        "closes_on": closes,
        "link": settings.SITE_URL.rstrip("/")
        + reverse("declarations:pledge", kwargs={"token": pledge_token(signature)}),
    }


def _email_member(signature, kind):
    """Write an invitation or a reminder to the outbox; its key makes it unique."""
    return outbox_enqueue(
        key=f"declaration-{signature.declaration_id}-member-{signature.parliamentarian_id}-{kind}",
        to=signature.parliamentarian.email,
        template=f"declarations/email/{kind.split('-')[0]}",
        language=settings.LANGUAGE_CODE,
        context=_member_context(signature),
    )


@transaction.atomic
def invitations_create(*, declaration, parliamentarians):
    """Invite members; each with an address gets a personal email through the outbox.
    Members already invited are left alone. Returns the new invitations."""
    if not declaration.is_open_for_signatures:
        raise ValidationError(
            f"“{declaration}” is not collecting signatures; open it for signatures first."
        )
    now = timezone.now()
    created = []
    for member in parliamentarians:
        signature, was_created = Signatory.objects.get_or_create(
            declaration=declaration, parliamentarian=member, defaults={"invited_at": now}
        )
        if was_created:
            created.append(signature)
            if member.email:
                _email_member(signature, "invitation")
                signature.record_invitation_sent(now)
    return created


def invitation_remind(*, signature_id, now=None):
    """Remind one member who has not answered, once per due period. Of two runs at once,
    one wins the conditional update and writes the reminder."""
    now = now or timezone.now()
    signature = (
        Signatory.objects.select_related("declaration__assembly", "parliamentarian")
        .filter(pk=signature_id)
        .due_for_reminder(
            now,
            every=settings.DECLARATION_REMINDER_EVERY,
            max_reminders=settings.DECLARATION_MAX_REMINDERS,
        )
        .first()
    )
    if signature is None or not signature.parliamentarian.email:
        return False
    threshold = signature.declaration.threshold()
    margin = settings.DECLARATION_THRESHOLD_MARGIN
    if threshold.signatures >= threshold.min_signatures + margin and threshold.met:
        return False
    with transaction.atomic():
        if not signature.record_reminder(now):
            return False
        _email_member(signature, f"reminder-{signature.reminder_count}")
    return True


def signature_record(*, signature, at=None):
    """Record a signature made at the assembly, and move the declaration on when this one
    completes the threshold. The declaration's row is locked, so that two staff recording
    at once make one signature, one move and one notice."""
    with transaction.atomic():
        Declaration.objects.select_for_update().filter(pk=signature.declaration_id).first()
        signature.refresh_from_db()
        signature.sign(at=at)
        declaration = Declaration.objects.with_threshold_counts().get(pk=signature.declaration_id)
        if declaration.status == Declaration.Status.COLLECTING and declaration.threshold().met:
            declaration.mark_threshold_met()
            _notify_threshold_met(declaration)
    return signature


def _notify_threshold_met(declaration):
    threshold = declaration.threshold()
    for address in settings.DECLARATION_STAFF_EMAILS:
        outbox_enqueue(
            key=f"declaration-{declaration.pk}-threshold-met-{address}",
            to=address,
            template="declarations/email/threshold_met",
            context={
                "title": declaration.title,
                "assembly": declaration.assembly.short_name,
                "signatures": threshold.signatures,
                "delegations": threshold.delegations,
                "groups": threshold.groups,
            },
        )


def staff_send_deadline_digest(*, today=None, within_days=7):
    """Declarations whose signature deadline is near and whose threshold is still missing.
    One digest a day (the key) to each staff address."""
    today = today or timezone.localdate()
    due = [
        d
        for d in Declaration.objects.with_threshold_counts().filter(
            status=Declaration.Status.COLLECTING,
            signatures_close_on__gte=today,
            signatures_close_on__lte=today + timezone.timedelta(days=within_days),
        )
        if not d.threshold().met
    ]
    if not due or not settings.DECLARATION_STAFF_EMAILS:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        declarations = [
            {
                "title": d.title,
                "closes_on": date_format(d.signatures_close_on, "j F Y"),
                "threshold": str(d.threshold()),
            }
            for d in due
        ]
    with transaction.atomic():
        for address in settings.DECLARATION_STAFF_EMAILS:
            outbox_enqueue(
                key=f"declarations-deadline-digest-{today.isoformat()}-{address}",
                to=address,
                template="declarations/email/deadline_digest",
                context={"declarations": declarations},
            )
    return len(due)


# Exports ----------------------------------------------------------------------------------


def signatories_pace_layout(*, declaration):
    """The signatory list as PACE prints it: "SURNAME First, Country, GROUP" lines, the total
    and the legend of the groups that appear."""
    signatures = (
        declaration.signatories.signed()
        .select_related("parliamentarian", "delegation_at_signing", "group_at_signing")
        .order_by("position", "parliamentarian__surname")
    )
    lines, groups = [], {}
    for signature in signatures:
        member = signature.parliamentarian
        parts = [f"{member.surname} {member.given_names}", signature.delegation_at_signing.name]
        if signature.group_at_signing:
            parts.append(signature.group_at_signing.code)
            groups[signature.group_at_signing.code] = signature.group_at_signing.name
        lines.append(", ".join(parts))
    lines += ["", f"Total = {len(signatures)}", ""]
    lines += [f"{code}: {name}" for code, name in sorted(groups.items())]
    return "\n".join(lines) + "\n"


# Demo data and batch imports --------------------------------------------------------------

DEMO_DIR = Path(__file__).resolve().parent / "demo_data"


def assembly_pace():
    """PACE with its rules for written declarations (Rules of Procedure, Rule 54)."""
    assembly, _ = Assembly.objects.get_or_create(
        short_name="PACE",
        defaults={
            "name": "Parliamentary Assembly of the Council of Europe",
            "min_signatures": 20,
            "min_delegations": 4,
            "min_groups": 2,
            "non_attached_count_as_group": False,
            "word_limit": 200,
            "signatures_withdrawable": False,
        },
    )
    PoliticalGroup.objects.get_or_create(
        assembly=assembly,
        code="NR",
        defaults={
            "name": "Representatives not belonging to a Political Group",
            "is_non_attached": True,
        },
    )
    return assembly


def declaration_import_file(*, path, assembly, link_prisoners=False):
    """Import one text file; uncertain matches stop it (batch imports cannot ask)."""
    from .parsing import parse_declaration

    parsed = parse_declaration(Path(path).read_text(encoding="utf-8-sig"))
    declaration = declaration_import(parsed=parsed, assembly=assembly)
    if link_prisoners:
        declaration_link_prisoners(
            declaration=declaration,
            prisoners=declaration_suggest_prisoners(declaration=declaration),
        )
    return declaration
