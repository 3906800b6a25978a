"""Keys under which the spellings of one name compare equal, in any script.

Kazakh and Russian names reach English through competing transliteration habits: one
person is "Zhylanbaev" in one text, "Zhylanbayev" in the next and "Жыланбаев" in a third.
`transliteration_key` undoes those choices, so that prisoners' search and the declaration
importer's matching treat such spellings as one.
"""

import re

from anyascii import anyascii

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
