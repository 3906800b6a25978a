"""Recognise one person under the several spellings that reach us.

A parliamentarian is printed "SCHWABE Frank" in a declaration and "Mr Frank SCHWABE" on a web
page; a prisoner is "Zhylanbaev" in one text and "Zhylanbayev" in the next, because Kazakh and
Russian names reach English through competing transliteration habits. These keys let the importer
treat such spellings as one person without asking anyone, and without a database.
"""

import re
from collections.abc import Iterable

from core.names import fold, transliteration_key

__all__ = ["find_mentions", "fold", "person_key", "transliteration_key"]

# Letters only, so punctuation and digits never glue onto a name; an apostrophe inside a word
# (O'Neill) keeps it whole.
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def person_key(surname: str, given_names: str) -> str:
    """Key that identifies one parliamentarian across declarations and layouts.

    Only the first given name counts, because one document prints "LICHERI Ettore Antonio" and
    another may print "Mr Ettore LICHERI". Hyphens in the surname count as spaces, since
    compound surnames are printed both ways.
    """
    first_given = fold(given_names).split(" ", 1)[0]
    return f"{fold(surname.replace('-', ' '))}|{first_given}"


def find_mentions(text: str, people: Iterable[tuple[object, Iterable[str]]]) -> list[object]:
    """Ids of the people named in ``text``, in order of first mention, each once.

    Each person is ``(id, names)``, every name a full "Given Family" spelling. A person counts
    as mentioned only when given and family name stand next to each other (either order):
    a shared family name alone ("Barlyk Mendygazyev" for "Bekizhan Mendygaziyev") must not
    tie a declaration to the wrong prisoner.
    """
    words = [transliteration_key(word) for word in _WORD.findall(text)]
    positions: dict[str, list[int]] = {}
    for index, word in enumerate(words):
        positions.setdefault(word, []).append(index)
    first_mention: dict[object, int] = {}
    for person_id, names in people:
        found = _first_mention(words, positions, names)
        if found is not None and found < first_mention.get(person_id, found + 1):
            first_mention[person_id] = found
    return sorted(first_mention, key=first_mention.__getitem__)


def _first_mention(
    words: list[str], positions: dict[str, list[int]], names: Iterable[str]
) -> int | None:
    """Word index where any spelling of one person first appears, or None."""
    if isinstance(names, str):
        names = [names]  # one bare spelling would otherwise be read letter by letter
    earliest = None
    for name in names:
        keys = [transliteration_key(word) for word in _WORD.findall(name)]
        if len(keys) < 2 or not all(keys):
            continue  # a lone name is too weak to identify anyone
        for order in _word_orders(keys):
            found = _find_sequence(words, positions, order)
            if found is not None and (earliest is None or found < earliest):
                earliest = found
    return earliest


def _word_orders(keys: list[str]) -> list[list[str]]:
    """The name as written and with its family part first ("Syzdykov Aidar")."""
    return [keys[split:] + keys[:split] for split in range(len(keys))]


def _find_sequence(words: list[str], positions: dict[str, list[int]], sequence: list[str]):
    """First index where ``sequence`` occurs as consecutive words, or None."""
    for start in positions.get(sequence[0], ()):
        if words[start : start + len(sequence)] == sequence:
            return start
    return None
