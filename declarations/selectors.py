"""Reads that other apps' pages compose: what a prisoner's profile shows of the
declarations naming them and of their godparents (registered with the profile's
sections)."""

from django.db.models import Prefetch

from prisoners.models import profile_sections

from .models import Declaration, Godparenthood


@profile_sections.register
def declarations_on_a_profile():
    """A prisoner's profile: the public declarations naming them."""
    return Prefetch(
        "declarations",
        queryset=Declaration.objects.public().select_related("assembly"),
        to_attr="public_declarations",
    )


@profile_sections.register
def godparents_on_a_profile():
    """A prisoner's profile: their godparents in parliament, current and former, each
    with the member who handed the role over to them."""
    return Prefetch(
        "godparenthoods",
        queryset=Godparenthood.objects.public()
        .current_first()
        .select_related(
            "parliamentarian__delegation",
            "parliamentarian__group",
            "handed_over_to",
            "handed_over_from__parliamentarian",
        ),
        to_attr="public_godparenthoods",
    )
