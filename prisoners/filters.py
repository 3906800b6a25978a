import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, ngettext
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

    def search_term(self):
        """The name searched for, when the filters are understood."""
        if not self.is_bound or not self.form.is_valid():
            return ""
        return self.form.cleaned_data.get("q") or ""

    def active_filters(self):
        """Each filter in use besides the search, in a few words ("charged under Art. 174"),
        for the page's title and the line above the results. Empty while any value is not
        understood: the list then shows no one."""
        if not self.is_bound or not self.form.is_valid():
            return []
        data = self.form.cleaned_data
        words = []
        for name in ("status", "case", "article", "region", "gender"):
            value = data.get(name)
            if not value:
                continue
            label = dict(self.form.fields[name].choices).get(value, value)
            if name == "status":
                words.append(_lowercase_first(label))
            elif name == "case":
                words.append(gettext("case: %(case)s") % {"case": label})
            elif name == "article":
                words.append(gettext("charged under Art. %(number)s") % {"number": value})
            elif name == "region":
                words.append(gettext("home region: %(region)s") % {"region": label})
            else:
                words.append(gettext("gender: %(gender)s") % {"gender": _lowercase_first(label)})
        at_least, at_most = data.get("sentence_min"), data.get("sentence_max")
        if at_least is not None:
            words.append(
                ngettext(
                    "sentenced to at least %(years)s year",
                    "sentenced to at least %(years)s years",
                    _plural_count(at_least),
                )
                % {"years": _number(at_least)}
            )
        if at_most is not None:
            words.append(
                ngettext(
                    "sentenced to at most %(years)s year",
                    "sentenced to at most %(years)s years",
                    _plural_count(at_most),
                )
                % {"years": _number(at_most)}
            )
        return words

    def title(self):
        """What the list shows, for the page's title: "Prisoners matching “Zhylanbaev”",
        "Prisoners: charged under Art. 174". Empty when nothing is searched or filtered."""
        search, filters = self.search_term(), ", ".join(self.active_filters())
        if search and filters:
            return gettext("Prisoners matching “%(search)s”: %(filters)s") % {
                "search": search,
                "filters": filters,
            }
        if search:
            return gettext("Prisoners matching “%(search)s”") % {"search": search}
        if filters:
            return gettext("Prisoners: %(filters)s") % {"filters": filters}
        return ""

    def filter_name(self, queryset, name, value):
        return search(queryset, value)

    def filter_sentence_min(self, queryset, name, value):
        return queryset.with_sentence_in_months().filter(sentence_total_months__gte=value * 12)

    def filter_sentence_max(self, queryset, name, value):
        return queryset.with_sentence_in_months().filter(sentence_total_months__lte=value * 12)


def _lowercase_first(text):
    text = str(text)
    return text[:1].lower() + text[1:]


def _number(value):
    """5 rather than 5.0; 2.5 as the language writes it (2,5 in Russian)."""
    return int(value) if value == int(value) else number_format(value)


def _plural_count(value):
    # A fraction takes the form of "several" in every language the site speaks.
    return int(value) if value == int(value) else 5
