"""Names in two scripts.

Kazakh and Russian names reach English through competing transliteration habits: one
person is "Zhylanbaev" in one text, "Zhylanbayev" in the next and "Жыланбаев" in a third.
`transliteration_key` undoes those choices, so that prisoners' search and the declaration
importer's matching treat such spellings as one.

A page shows a name in the script of its language, and the other as "also written"
(`NameInTwoScripts`, `written_names`).
"""

import dataclasses
import re

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Letters only, so punctuation and digits never glue onto a name; an apostrophe inside a word
# (O'Neill) keeps it whole.
WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")

# Transliteration habits that differ only in spelling, applied in this order: the "ye" rule must
# see the word start before anything else changes it, and "y" -> "i" must come last because the
# earlier rules still need to see the "y".
_SPELLING_VARIANTS = (("ayev", "aev"), ("iyev", "iev"), ("kh", "h"), ("y", "i"))


def fold(text: str) -> str:
    """Accent- and case-insensitive form, so "ÇELENK ÖZEN" and "Celenk Ozen" compare equal,
    and Cyrillic in Latin letters ("Жыланбаев" is "zhylanbaev")."""
    return " ".join(anyascii(text).lower().split())


def transliteration_key(word: str) -> str:
    """Key under which Kazakh/Russian transliteration variants of a name are equal.

    Yensebek/Ensebek, Zhylanbayev/Zhylanbaev, Mendygaziyev/Mendygazyev, Akhmetkaliyev/
    Ahmetkaliyev, Sembay/Sembai and Adylbekov/Adilbekov come from one Cyrillic spelling; the
    key undoes the choices the transliterators made differently.
    """
    key = re.sub(r"(?<![a-z])ye", "e", fold(word))
    key = re.sub(r"[^a-z]", "", key)
    for variant, standard in _SPELLING_VARIANTS:
        key = key.replace(variant, standard)
    return key


def name_key(*names: str) -> str:
    """The words of these names, each as its transliteration key, for search."""
    keys = (transliteration_key(word) for name in names for word in WORD.findall(name or ""))
    return " ".join(key for key in keys if key)


# Letters other than Cyrillic ones; U+0400-U+04FF holds the Russian and the Kazakh alphabets.
NOT_CYRILLIC = re.compile(r"[^\W\d_\u0400-\u04FF]")
KAZAKH_LETTERS = frozenset("ӘәҒғҚқҢңӨөҰұҮүҺһІі")
# The interface languages whose readers read a name in Cyrillic; the others read it in Latin.
CYRILLIC_LANGUAGES = frozenset({"ru", "kk"})


def validate_cyrillic(value):
    """A name in Cyrillic letters. A Latin letter that looks like a Cyrillic one ("a", "o",
    "p", "c") is the usual slip, invisible on screen, so the message names it."""
    letters = dict.fromkeys(NOT_CYRILLIC.findall(value))
    if letters:
        raise ValidationError(
            _("Write this name in Cyrillic letters. Not Cyrillic: %(letters)s."),
            code="not_cyrillic",
            params={"letters": ", ".join(f"“{letter}”" for letter in letters)},
        )


@dataclasses.dataclass(frozen=True)
class WrittenName:
    """A name as a page shows it, with the language to mark it with (lang="...") where it
    is not the page's own, so that a screen reader reads it with a voice that can: "en"
    for the Latin spelling, which is the English transliteration, and for the Cyrillic
    "ru", or "kk" when Kazakh letters show that it is written the Kazakh way. No script
    subtag: Cyrillic is the default script of both languages (BCP 47 Suppress-Script)."""

    text: str
    lang: str = ""

    def __str__(self):
        return self.text


def written_names(latin, cyrillic, language):
    """(shown, also written): the name in the script of the reader's language, and the
    other script's, or None when the Cyrillic is not known."""
    language = (language or "").split("-")[0]
    latin = WrittenName(latin, "" if language == "en" else "en")
    if not cyrillic:
        return latin, None
    cyrillic_lang = "kk" if KAZAKH_LETTERS.intersection(cyrillic) else "ru"
    # A name spelled the Russian way reads as Kazakh too ("Марат Жыланбаев"); one with
    # Kazakh letters needs a Kazakh voice on a Russian page.
    cyrillic = WrittenName(cyrillic, "" if language in {"kk", cyrillic_lang} else cyrillic_lang)
    return (cyrillic, latin) if language in CYRILLIC_LANGUAGES else (latin, cyrillic)


class NameInTwoScripts(models.Model):
    """A person's name in Cyrillic, in the same parts as the Latin one that the model keeps
    in `given_name`, `patronymic`, `family_name` and `full_name`, so that both read in the
    same order. Empty where no source gives it: every page then shows the Latin name."""

    given_name_cyrillic = models.CharField(
        _("given name in Cyrillic"), max_length=100, blank=True, validators=[validate_cyrillic]
    )
    family_name_cyrillic = models.CharField(
        _("family name in Cyrillic"), max_length=100, blank=True, validators=[validate_cyrillic]
    )
    patronymic_cyrillic = models.CharField(
        _("patronymic in Cyrillic"), max_length=100, blank=True, validators=[validate_cyrillic]
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.cyrillic_name:
            errors = {
                field: _("Give the given and the family name in Cyrillic, or neither.")
                for field in ("given_name_cyrillic", "family_name_cyrillic")
                if not getattr(self, field)
            }
            if errors:
                raise ValidationError(errors)

    @property
    def cyrillic_name(self):
        parts = (self.given_name_cyrillic, self.patronymic_cyrillic, self.family_name_cyrillic)
        return " ".join(part for part in parts if part)

    @property
    def display_name(self):
        """The name as a page in the active language shows it."""
        return written_names(self.full_name, self.cyrillic_name, get_language())[0]

    @property
    def also_written(self):
        return written_names(self.full_name, self.cyrillic_name, get_language())[1]

    @property
    def display_given_name(self):
        return written_names(self.given_name, self.given_name_cyrillic, get_language())[0]
