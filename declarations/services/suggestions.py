"""Whom to invite next to sign a declaration, to meet its assembly's threshold soonest.

The members who add a national delegation or a political group the declaration still lacks
come first, because no number of signatures makes up for them. Among those, and among the
rest, the likeliest signers come first: members who signed earlier declarations on the same
prisoners, on other prisoners of the same cases, or on other prisoners in Kazakhstan (every
prisoner kept here is held there), the same prisoner weighing most.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Declaration, Parliamentarian, Signatory

# Declarations still gathering support; once tabled, nobody else can sign.
SUGGESTED_FOR = (
    Declaration.Status.DRAFT,
    Declaration.Status.COLLECTING,
    Declaration.Status.THRESHOLD_MET,
)


@dataclass(frozen=True)
class InvitationSuggestion:
    """One member worth inviting, and why. The counts are of earlier declarations signed:
    on these prisoners, on these prisoners' cases (these prisoners included), and on any
    prisoner (both others included); so that a declaration on the same prisoner weighs
    three times one on another prisoner, and a same-case one twice."""

    member: Parliamentarian
    on_prisoners: int
    on_cases: int
    on_country: int
    adds_delegation: bool
    adds_group: bool

    @property
    def score(self):
        return self.on_prisoners + self.on_cases + self.on_country

    @property
    def reasons(self):
        reasons = []
        if self.on_prisoners:
            reasons.append(
                ngettext(
                    "signed %(n)d earlier declaration on these prisoners",
                    "signed %(n)d earlier declarations on these prisoners",
                    self.on_prisoners,
                )
                % {"n": self.on_prisoners}
            )
        if on_case_only := self.on_cases - self.on_prisoners:
            reasons.append(
                ngettext(
                    "signed %(n)d earlier declaration on other prisoners of the same case",
                    "signed %(n)d earlier declarations on other prisoners of the same case",
                    on_case_only,
                )
                % {"n": on_case_only}
            )
        if on_country_only := self.on_country - self.on_cases:
            reasons.append(
                ngettext(
                    "signed %(n)d earlier declaration on other political prisoners in Kazakhstan",
                    "signed %(n)d earlier declarations on other political prisoners in Kazakhstan",
                    on_country_only,
                )
                % {"n": on_country_only}
            )
        if self.adds_delegation:
            reasons.append(
                _("adds a missing national delegation (%(delegation)s)")
                % {"delegation": self.member.delegation}
            )
        if self.adds_group:
            reasons.append(
                _("adds a missing political group (%(group)s)") % {"group": self.member.group}
            )
        return reasons

    @property
    def why(self):
        return "; ".join(self.reasons) or _("no earlier signature on Kazakhstan")


def invitation_suggestions(*, declaration, limit=20):
    """The `limit` members to invite first to sign `declaration`, best first (see the
    module's docstring), ties broken by name. Only active members of the declaration's
    assembly with a delegation, never one already invited, pledged, signed or declined.
    Three queries, whatever the number of members."""
    if declaration.status not in SUGGESTED_FOR:
        return []
    assembly = declaration.assembly
    prisoners = list(declaration.prisoners.values_list("pk", "case_id"))
    prisoner_ids = [pk for pk, _case in prisoners]
    case_ids = {case for _pk, case in prisoners if case is not None}

    delegations, groups = _support(declaration)
    short_of_delegations = len(delegations) < assembly.min_delegations
    short_of_groups = len(groups) < assembly.min_groups

    signed = Q(signatories__status=Signatory.Status.SIGNED)
    on_prisoners = Q(signatories__declaration__prisoners__in=prisoner_ids)
    on_cases = on_prisoners | Q(signatories__declaration__prisoners__case__in=case_ids)
    members = (
        Parliamentarian.objects.filter(active=True, delegation__assembly=assembly)
        .exclude(pk__in=Signatory.objects.filter(declaration=declaration).values("parliamentarian"))
        .select_related("delegation", "group")
        .annotate(
            on_prisoners=_count_declarations(signed & on_prisoners if prisoner_ids else None),
            on_cases=_count_declarations(signed & on_cases if prisoner_ids else None),
            on_country=_count_declarations(
                signed & Q(signatories__declaration__prisoners__isnull=False)
            ),
            adds_delegation=_adds(
                short_of_delegations, ~Q(delegation__in=delegations) if delegations else None
            ),
            adds_group=_adds(
                short_of_groups,
                _new_group(groups, counts_non_attached=assembly.non_attached_count_as_group),
            ),
        )
        .annotate(
            gaps=F("adds_delegation") + F("adds_group"),
            score=F("on_prisoners") + F("on_cases") + F("on_country"),
        )
        # Filling both gaps beats filling one; then the likeliest signers; then the name.
        .order_by("-gaps", "-score", "surname", "given_names", "pk")[:limit]
    )
    return [
        InvitationSuggestion(
            member=member,
            on_prisoners=member.on_prisoners,
            on_cases=member.on_cases,
            on_country=member.on_country,
            adds_delegation=bool(member.adds_delegation),
            adds_group=bool(member.adds_group),
        )
        for member in members
    ]


def _support(declaration):
    """The delegations and the groups that count which the pledged and signed members
    bring: for a signature, those the member had when signing; for a pledge, the current
    ones."""
    rows = Signatory.objects.filter(
        declaration=declaration,
        status__in=[Signatory.Status.PLEDGED, Signatory.Status.SIGNED],
    ).values_list(
        "status",
        "delegation_at_signing",
        "group_at_signing",
        "group_at_signing__is_non_attached",
        "parliamentarian__delegation",
        "parliamentarian__group",
        "parliamentarian__group__is_non_attached",
    )
    counts_non_attached = declaration.assembly.non_attached_count_as_group
    delegations, groups = set(), set()
    for status, delegation, group, non_attached, *current in rows:
        if status == Signatory.Status.PLEDGED:
            delegation, group, non_attached = current
        if delegation is not None:
            delegations.add(delegation)
        if group is not None and (counts_non_attached or not non_attached):
            groups.add(group)
    return delegations, groups


def _new_group(groups, *, counts_non_attached):
    """Members of a group that counts and that the declaration lacks."""
    condition = Q(group__isnull=False)
    if not counts_non_attached:
        condition &= Q(group__is_non_attached=False)
    if groups:
        condition &= ~Q(group__in=groups)
    return condition


def _count_declarations(condition):
    if condition is None:
        return Value(0, output_field=IntegerField())
    return Count("signatories__declaration", filter=condition, distinct=True)


def _adds(short, condition):
    """1 for a member who brings what the declaration is short of, else 0; a condition of
    None is met by everyone."""
    if not short:
        return Value(0, output_field=IntegerField())
    if condition is None:
        return Value(1, output_field=IntegerField())
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
