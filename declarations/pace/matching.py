"""Recognise one person under the several spellings that reach us.

A parliamentarian is printed "SCHWABE Frank" in a declaration and "Mr Frank SCHWABE" on a web
page; a prisoner is "Zhylanbaev" in one text and "Zhylanbayev" in the next, because Kazakh and
Russian names reach English through competing transliteration habits. These keys let the importer
treat such spellings as one person without asking anyone, and without a database.

Beyond the transliteration habits, a name is often misspelled ("Mukhamedkarimov" for
"Mukhametkarimov", "SCHWABBE" for "SCHWABE"). Such a close spelling is found with the trigram
similarity of PostgreSQL's pg_trgm, the measure the public prisoner search uses, computed here in
Python, word by word. A close spelling is only ever a suggestion that names it as such: exact
spellings rank first, and staff confirm the rest.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from core.names import fold, transliteration_key

__all__ = [
    "CLOSE_SPELLING",
    "Mention",
    "close_person",
    "find_mention_details",
    "find_mentions",
    "fold",
    "person_key",
    "similarity",
    "transliteration_key",
]

# Letters only, so punctuation and digits never glue onto a name; an apostrophe inside a word
# (O'Neill) keeps it whole.
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")

# How alike two words of a name must be to count as one misspelled. pg_trgm's default, 0.3, is
# meant for search, where a wrong hit costs a glance; for names it takes "Marat" for "Murat".
# At 0.6 a long name survives a letter dropped, doubled or changed (Mukhamedkarimov 0.67,
# SCHWABBE 0.7), while a short one must be spelled exactly: a single letter changed at the end
# of a five-letter name already gives 0.5, and Frank and Franz are two people.
CLOSE_SPELLING = 0.6


def person_key(surname: str, given_names: str) -> str:
    """Key that identifies one parliamentarian across declarations and layouts.

    Only the first given name counts, because one document prints "LICHERI Ettore Antonio" and
    another may print "Mr Ettore LICHERI". Hyphens in the surname count as spaces, since
    compound surnames are printed both ways.
    """
    first_given = fold(given_names).split(" ", 1)[0]
    return f"{fold(surname.replace('-', ' '))}|{first_given}"


@lru_cache(maxsize=4096)
def _trigrams(word: str) -> frozenset[str]:
    """pg_trgm's trigrams of one word: lowercased, two spaces in front and one behind."""
    padded = f"  {word.lower()} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(one: str, other: str) -> float:
    """pg_trgm's similarity() of two words: shared trigrams over all their trigrams."""
    if not one or not other:
        return 0.0
    a, b = _trigrams(one), _trigrams(other)
    return len(a & b) / len(a | b)


def _close(one: str, other: str) -> bool:
    """Whether two words (transliteration keys) are one word misspelled."""
    if one == other:
        return True
    # A word of n letters has at most n + 1 trigrams: lengths this far apart cannot reach the
    # threshold, so most pairs are settled without building a set.
    shorter, longer = sorted((len(one), len(other)))
    if (shorter + 1) / (longer + 1) < CLOSE_SPELLING:
        return False
    return similarity(one, other) >= CLOSE_SPELLING


def _name_keys(name: str) -> list[str]:
    return [transliteration_key(word) for word in _WORD.findall(name.replace("-", " "))]


def close_person(surname: str, given_names: str, other_surname: str, other_given: str) -> bool:
    """Whether two parliamentarians' names are one spelled a little differently: every word of
    the surname and the first given name each a close spelling of the other's (see
    CLOSE_SPELLING). A shared surname alone never suffices."""
    one = _name_keys(surname)
    other = _name_keys(other_surname)
    given = _name_keys(given_names)[:1]
    other_first = _name_keys(other_given)[:1]
    if not one or len(one) != len(other) or not given or not other_first:
        return False
    return all(_close(a, b) for a, b in zip([*one, *given], [*other, *other_first], strict=True))


@dataclass(frozen=True)
class Mention:
    """Where a text names one person: the word index, the words as the text spells them, and
    whether every word is spelled exactly (up to transliteration) or some only closely."""

    person: object
    position: int
    spelled: str
    exact: bool


def find_mentions(text: str, people: Iterable[tuple[object, Iterable[str]]]) -> list[object]:
    """Ids of the people named in ``text``, each once: those named exactly first, in order of
    first mention, then those named only by a close spelling. See find_mention_details."""
    return [mention.person for mention in find_mention_details(text, people)]


def find_mention_details(
    text: str, people: Iterable[tuple[object, Iterable[str]]]
) -> list[Mention]:
    """Where ``text`` names each person, exact mentions first, then close spellings.

    Each person is ``(id, names)``, every name a full "Given Family" spelling. A person counts
    as mentioned only when given and family name stand next to each other (either order):
    a shared family name alone ("Barlyk Mendygazyev" for "Bekizhan Mendygaziyev") must not
    tie a declaration to the wrong prisoner. A close spelling must be close in every word
    ("Aidar Syzdykov" never matches "Fazylzhan Syzdykov"), and words another person's exact
    mention already took are not read again as someone else's misspelling.
    """
    raw = _WORD.findall(text)
    words = [transliteration_key(word) for word in raw]
    positions: dict[str, list[int]] = {}
    for index, word in enumerate(words):
        positions.setdefault(word, []).append(index)
    people = [(person_id, _spellings(names)) for person_id, names in people]

    exact: dict[object, tuple[int, int]] = {}
    for person_id, spellings in people:
        for keys in spellings:
            for order in _word_orders(keys):
                found = _find_sequence(words, positions, order)
                if found is not None and found < exact.get(person_id, (found + 1, 0))[0]:
                    exact[person_id] = (found, len(order))
    taken = {i for start, length in exact.values() for i in range(start, start + length)}

    close: dict[object, tuple[int, int]] = {}
    matching = _CloseWords(positions)
    for person_id, spellings in people:
        if person_id in exact:
            continue
        for keys in spellings:
            for order in _word_orders(keys):
                found = _find_close_sequence(words, matching, order, taken)
                if found is not None and found < close.get(person_id, (found + 1, 0))[0]:
                    close[person_id] = (found, len(order))

    def mentions(found, is_exact):
        return [
            Mention(person, start, " ".join(raw[start : start + length]), is_exact)
            for person, (start, length) in sorted(found.items(), key=lambda item: item[1][0])
        ]

    return mentions(exact, True) + mentions(close, False)


def _spellings(names: Iterable[str] | str) -> list[list[str]]:
    if isinstance(names, str):
        names = [names]  # one bare spelling would otherwise be read letter by letter
    spellings = []
    for name in names:
        keys = [transliteration_key(word) for word in _WORD.findall(name)]
        if len(keys) >= 2 and all(keys):  # a lone name is too weak to identify anyone
            spellings.append(keys)
    return spellings


def _word_orders(keys: list[str]) -> list[list[str]]:
    """The name as written and with its family part first ("Syzdykov Aidar")."""
    return [keys[split:] + keys[:split] for split in range(len(keys))]


def _find_sequence(words: list[str], positions: dict[str, list[int]], sequence: list[str]):
    """First index where ``sequence`` occurs as consecutive words, or None."""
    for start in positions.get(sequence[0], ()):
        if words[start : start + len(sequence)] == sequence:
            return start
    return None


class _CloseWords:
    """The text's words close to a given word, worked out once per word of a name."""

    def __init__(self, positions: dict[str, list[int]]):
        self.positions = positions
        self.cache: dict[str, frozenset[str]] = {}

    def __call__(self, key: str) -> frozenset[str]:
        if key not in self.cache:
            self.cache[key] = frozenset(word for word in self.positions if _close(key, word))
        return self.cache[key]


def _find_close_sequence(words, matching: _CloseWords, sequence: list[str], taken: set[int]):
    """First index where every word of ``sequence`` stands, closely spelled, in a row of
    words no exact mention took, or None."""
    starts = sorted(i for word in matching(sequence[0]) for i in matching.positions[word])
    for start in starts:
        span = range(start, start + len(sequence))
        if span.stop > len(words) or taken.intersection(span):
            continue
        if all(words[i] in matching(key) for i, key in zip(span, sequence, strict=True)):
            return start
    return None
