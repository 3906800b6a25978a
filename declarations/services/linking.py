"""Prisoners named in a declaration: suggested from its text, linked by staff."""

from prisoners.models import Prisoner

from ..pace.matching import find_mention_details


def declaration_suggest_prisoners(*, declaration, exact_only=False):
    """Published prisoners whose name, in any spelling, the text names and who are not yet
    linked: those named exactly first, then those named by a close spelling. Each carries
    its `mention` (how the text spells the name, and whether exactly). Staff confirm the
    suggestions; `exact_only` leaves the close spellings out, for imports nobody reviews."""
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
    suggestions = []
    for mention in find_mention_details(declaration.body, people):
        prisoner = mention.person
        if prisoner.pk in linked or (exact_only and not mention.exact):
            continue
        prisoner.mention = mention
        suggestions.append(prisoner)
    return suggestions


def declaration_link_prisoners(*, declaration, prisoners):
    declaration.prisoners.add(*prisoners)
