import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .models import Article, Case, Prisoner
from .search import search


class PrisonerFilter(django_filters.FilterSet):
    """Filters of the public list. Every value is checked: an unknown one is reported to the
    reader beside the field, never turned into a server error."""

    q = django_filters.CharFilter(
        label=_("Name"), method="filter_name", help_text=_("Any spelling of the name.")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Prisoner.Status.choices, empty_label=_("Any status")
    )
    case = django_filters.ModelChoiceFilter(
        label=_("Case"),
        queryset=Case.objects.all(),
        to_field_name="slug",
        empty_label=_("Any case"),
    )
    article = django_filters.ModelChoiceFilter(
        label=_("Criminal Code article"),
        field_name="charges",
        queryset=Article.objects.all(),
        to_field_name="number",
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
        # Offer only what published profiles use: a draft's case or charge is not public.
        # EXISTS, not a DISTINCT join of every published profile on each render.
        published = Prisoner.objects.published()
        self.filters["case"].queryset = Case.objects.filter(
            Exists(published.filter(case=OuterRef("pk")))
        )
        self.filters["article"].queryset = Article.objects.filter(
            Exists(published.filter(charges=OuterRef("pk")))
        )
        self.filters["region"].extra["choices"] = [(region, region) for region in regions]

    def filter_name(self, queryset, name, value):
        return search(queryset, value)

    def filter_sentence_min(self, queryset, name, value):
        return queryset.with_sentence_in_months().filter(sentence_total_months__gte=value * 12)

    def filter_sentence_max(self, queryset, name, value):
        return queryset.with_sentence_in_months().filter(sentence_total_months__lte=value * 12)
