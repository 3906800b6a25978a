import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import pagecache

from .models import Article, Case, Prisoner
from .search import search


def _published(related):
    return Exists(Prisoner.objects.published().filter(**{related: OuterRef("pk")}))


def case_choices():
    """The cases and articles of published profiles only (a draft's are not public), read
    from the cache: no query per page once the list has been read since the last edit."""
    return pagecache.fragment(
        f"prisoners.case_choices.{get_language()}",
        lambda: [(c.slug, c.title) for c in Case.objects.filter(_published("case"))],
    )


def article_choices():
    return pagecache.fragment(
        f"prisoners.article_choices.{get_language()}",
        lambda: [(a.number, str(a)) for a in Article.objects.filter(_published("charges"))],
    )


class PrisonerFilter(django_filters.FilterSet):
    """Filters of the public list. Every value is checked: an unknown one is reported to the
    reader beside the field, never turned into a server error."""

    q = django_filters.CharFilter(
        label=_("Name"), method="filter_name", help_text=_("Any spelling of the name.")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Prisoner.Status.choices, empty_label=_("Any status")
    )
    # Choices are callables, read only when the form is drawn or a value checked.
    case = django_filters.ChoiceFilter(
        label=_("Case"),
        field_name="case__slug",
        choices=case_choices,
        empty_label=_("Any case"),
    )
    article = django_filters.ChoiceFilter(
        label=_("Criminal Code article"),
        field_name="charges__number",
        choices=article_choices,
        empty_label=_("Any article"),
    )
    region = django_filters.ChoiceFilter(
        label=_("Region or city"), choices=[], empty_label=_("Any region")
    )
    gender = django_filters.ChoiceFilter(
        label=_("Gender"), choices=Prisoner.Gender.choices, empty_label=_("Any gender")
    )
    sentence_min = django_filters.NumberFilter(
        label=_("Sentence of at least (years)"),
        method="filter_sentence_min",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )
    sentence_max = django_filters.NumberFilter(
        label=_("Sentence of at most (years)"),
        method="filter_sentence_max",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )

    class Meta:
        model = Prisoner
        fields = []

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].extra["choices"] = [(region, region) for region in regions]

    def filter_name(self, queryset, name, value):
        return search(queryset, value)

    def filter_sentence_min(self, queryset, name, value):
        return queryset.with_sentence_in_months().filter(sentence_total_months__gte=value * 12)

    def filter_sentence_max(self, queryset, name, value):
        return queryset.with_sentence_in_months().filter(sentence_total_months__lte=value * 12)
