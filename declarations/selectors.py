"""Reads that other apps' pages compose: what a prisoner's profile shows of the
declarations naming them (registered with the profile's sections)."""

from django.db.models import Prefetch

from prisoners.models import profile_sections

from .models import Declaration


@profile_sections.register
def declarations_on_a_profile():
    """A prisoner's profile: the public declarations naming them."""
    return Prefetch(
        "declarations",
        queryset=Declaration.objects.public().select_related("assembly"),
        to_attr="public_declarations",
    )
