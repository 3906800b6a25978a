"""Prisoners named in a declaration: suggested from its text, linked by staff."""

from prisoners.models import Prisoner

from ..pace.matching import find_mentions


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
