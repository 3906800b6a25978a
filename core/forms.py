import functools
import unicodedata

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField


class HoneypotForm(forms.Form):
    """A field that people never see and bots fill in. A bot's submission is answered as
    if it had worked, and nothing is saved."""

    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([name for name in self.fields if name != "website"] + ["website"])

    def is_bot(self):
        return bool(self.cleaned_data.get("website"))


class RenderedOnceSelect(forms.Select):
    """A long list of fixed options (the 250 countries) rendered once per language and
    set of attributes, not on every page view: it was half the time of the petition page.
    Only the empty field is kept; a field with a value is rendered as usual. Widgets
    with the same `cache_key` must have the same choices."""

    _rendered = {}
    MAX_KEPT = 64

    def __init__(self, *args, cache_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.cache_key = cache_key

    def render(self, name, value, attrs=None, renderer=None):
        if value not in (None, ""):
            return super().render(name, value, attrs, renderer)
        key = (
            self.cache_key,
            get_language(),
            name,
            tuple(sorted({**self.attrs, **(attrs or {})}.items())),
        )
        html = self._rendered.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(self._rendered) < self.MAX_KEPT:
                self._rendered[key] = html
        return html


@functools.cache
def country_codes():
    return frozenset(code for code, _name in countries)


# The Cyrillic alphabet in the order Russian and Kazakh dictionaries use (Kazakh letters in
# their places); the code points alone put the Kazakh letters and Ё out of place.
CYRILLIC_ORDER = {
    letter: index for index, letter in enumerate("аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя")
}


def _letter_key(letter):
    if letter in CYRILLIC_ORDER:
        return (2, CYRILLIC_ORDER[letter])
    # Latin letters sort with their accents removed: Åland beside Albania.
    plain = unicodedata.normalize("NFKD", letter).encode("ascii", "ignore").decode()
    return (1, ord(plain or letter))


def name_sort_key(name):
    """A country name's place in the list, for the alphabets of the site's languages. The
    package sorts by the Unicode collation only when `pyuca` is installed, and otherwise
    drops every Cyrillic letter, which left the Russian list in English order."""
    return [_letter_key(letter) for letter in str(name).casefold() if letter.isalnum()]


def country_choices(*, first_label):
    """The first option (an empty value with a prompt, not "---------"), the countries
    of COUNTRIES_FIRST, then every country sorted in the page's language. A callable, so
    that the list is made again in each language."""

    def choices():
        listed = [(code, name) for code, name in countries]
        first = len(countries.countries_first)
        rest = sorted(listed[first:], key=lambda item: name_sort_key(item[1]))
        return [("", first_label), *listed[:first], *rest]

    return choices


def country_field(*, first_label, **kwargs):
    """A country choice, as django-countries gives it, with the options rendered once and
    a value checked against a set, not against the 250 choices normalised again for each
    submission."""
    required = kwargs.get("required", True)
    field = CountryField(blank=not required).formfield(**kwargs)
    field.choices = country_choices(first_label=first_label)
    field.widget = RenderedOnceSelect(choices=field.choices, cache_key=f"countries-{required}")
    field.valid_value = lambda value: str(value) in country_codes()
    return field
