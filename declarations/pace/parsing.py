"""Read a PACE written declaration pasted as plain text, in either published layout.

PACE publishes each written declaration as a document (PDF or Word, often pasted with
Markdown-ish markup) that lists one signatory a line under "Signed", and as a web page that lists
them inline, separated by " ; ", each with an honorific. Both come out as one ParsedDeclaration
for staff to review before anything is saved, so problems are collected in ``errors`` and
``warnings`` rather than raised: one bad line must never cost the rest of a declaration.
"""

import bisect
import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from declarations.models import Declaration, Delegation, Parliamentarian, PoliticalGroup
from declarations.pace.matching import fold, person_key


@dataclass
class ParsedSignatory:
    """One signing member, split the way the Assembly prints names."""

    line: str
    honorific: str
    surname: str
    given_names: str
    country: str
    group_code: str


@dataclass
class ParsedDeclaration:
    """Everything read from one pasted declaration, with what could not be read."""

    layout: str = "document"
    document_number: str = ""
    declaration_number: int | None = None
    edition: str = ""
    date: datetime.date | None = None
    title: str = ""
    body: str = ""
    signatories: list[ParsedSignatory] = field(default_factory=list)
    stated_total: int | None = None
    legend: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


DOCUMENT_FORM = "SURNAME Given, Country, GROUP"
WEB_FORM = "Mr Given SURNAME, Country, GROUP"

HONORIFICS = frozenset(
    {"Mr", "Ms", "Mrs", "Miss", "Mx", "Dr", "Sir", "Dame", "Lady", "Lord", "Baron", "Baroness"}
)
# Surname particles; PACE prints them before the capitals ("De BOER") or after a comma
# ("SUTTER Petra, De").
PARTICLES = frozenset(
    {"de", "van", "von", "der", "den", "di", "da", "du", "le", "la", "del", "della", "des"}
    | {"dos", "das", "do", "ter", "ten", "zu"}
)
MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
_COUNTRY_CONNECTORS = frozenset({"of", "and", "the"})

_GROUP = re.compile(r"(?=[A-Z/]{1,8}$)[A-Z]+(?:/[A-Z]+)*")
_DOC = re.compile(r"\bDoc\b\.?\s*(\d+)", re.IGNORECASE)
# Numbers are read up to nine digits: no PACE number is longer, int() refuses more than
# 4,300, and the database column holds less than ten.
_DECLARATION = re.compile(r"\bWritten\s+declaration\s+No\b\.?\s*(\d{1,9})(?!\d)", re.IGNORECASE)
_EDITION = re.compile(
    r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
    r"|\d+(?:st|nd|rd|th))\s+edition\b",
    re.IGNORECASE,
)
_DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
# What may sit between metadata items on one line ("Doc. 16113 | 23 April 2025").
_META_FILLER = re.compile(
    r"(?:\bwritten\s+declaration\b|[\s|,;:()/\u00b7\u2022\-\u2013\u2014])*", re.IGNORECASE
)
_TOTAL = re.compile(r"Total\s*[=:]\s*(\d{1,9})\.?", re.IGNORECASE)
_LEGEND = re.compile(r"(?:\d+\.\s*)?([A-Z]+(?:/[A-Z]+)*)\s*:\s*(\S.*)")
_SIGNED = re.compile(r"Signed\b", re.IGNORECASE)
_DISCLAIMER = re.compile(r"This written declaration does not reflect", re.IGNORECASE)
_LABEL = re.compile(r"[A-Za-z][A-Za-z() \-]{0,30}:\s*")
_LABEL_ONLY = re.compile(
    r"(?:signatories|signatory|co-signatories|signed by|authors?|author\(s\))\s*:?", re.IGNORECASE
)
_HONORIFIC = re.compile(r"(?:" + "|".join(sorted(HONORIFICS)) + r")\.?\s+\S")
_HEADER_JUNK = re.compile(
    r"(?:(?:parliamentary assembly|assembl\u00e9e parlementaire|council of europe"
    r"|conseil de l['\u2019]europe)\s*)+",
    re.IGNORECASE,
)
# What a web page's header, menus and buttons leave above the text when it is copied: never a
# title, nor part of one. Compared lowercased, without accents, after dropping icons.
_NAVIGATION = frozenset(
    {
        "print",
        "print this page",
        "print version",
        "download",
        "download pdf",
        "download word",
        "download as pdf",
        "pdf",
        "word",
        "share",
        "share this page",
        "send by email",
        "email",
        "see related documents",
        "related documents",
        "see also",
        "search",
        "menu",
        "home",
        "back",
        "back to top",
        "skip to main content",
        "skip to content",
        "close",
        "documents",
        "document",
        "working documents",
        "working papers",
        "written declaration",
        "written declarations",
        "adopted texts",
        "texts adopted",
        "official documents",
        "news",
        "sessions",
        "members",
        "committees",
        "political groups",
        "national delegations",
        "the assembly",
        "agenda",
        "contact",
        "sitemap",
        "login",
        "log in",
        "sign in",
        "cookies",
        "accept",
        "subscribe",
        "follow us",
        "pace",
        "table of contents",
        "versions",
        "english",
        "francais",
        "deutsch",
        "italiano",
        "russkiy",
        "espanol",
        "turkce",
        "ukrains'ka",
        "qazaqsha",
        "en",
        "fr",
        "de",
        "it",
        "ru",
        "es",
        "tr",
        "uk",
    }
)
# Breadcrumbs and button rows: "Home > Documents > Written declarations", "EN | FR".
_NAVIGATION_SEPARATOR = re.compile(r"\s*(?:[>|\u203a\u00bb\u2192\u2022\u00b7]|\s/\s)\s*")
_ICONS = re.compile(r"[^\w\s'\u2019-]")

_SENTENCE_END = re.compile(r"[.!?:;][\"'\u201d\u2019)\]]*$")
_INITIAL = re.compile(r"[^\W\d_]\.")

# Neither pattern may scan past the next tag's start: on a long line of unclosed tags that
# would take quadratic time (minutes for a pasted megabyte).
_SUPERSCRIPT = re.compile(r"<sup>(?:(?!<sup>).)*?</sup>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_SUPERSCRIPT_DIGITS = str.maketrans(
    "", "", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
)
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_RULE = re.compile(r"[-*_=]{3,}")
_BULLET = re.compile(r"[-\u2022]\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\ufeff]")


class _Line(NamedTuple):
    number: int  # 1-based, as the person who pasted the text sees it
    text: str


class _Paragraph(NamedTuple):
    start: int
    text: str


class _WebList(NamedTuple):
    entries: list[_Line]
    used: set[int]  # indexes into the line list

    @property
    def honorific_entries(self) -> int:
        return sum(1 for entry in self.entries if _HONORIFIC.match(entry.text))


def parse_declaration(text: str) -> ParsedDeclaration:
    """Read a pasted declaration; never raises, whatever was pasted.

    The layout is the web page's when ";"-separated honorific entries are present, otherwise
    the document's.
    """
    lines = _read_lines(text)
    web_list = _find_web_list(lines)
    has_signed_heading = any(_SIGNED.match(line.text) for line in lines)
    if web_list and (web_list.honorific_entries > 1 or not has_signed_heading):
        result = _parse_web(lines, web_list)
    else:
        result = _parse_document(lines)
    _check(result)
    return result


def parse_signatory(entry: str) -> ParsedSignatory:
    """Split one signatory entry, in either layout; raises ValueError saying what is wrong.

    The group is told by its shape (capitals, maybe with "/", at most 8 characters) and the
    country is the last part left, because both the group and extra particle parts are
    optional. The surname is the longest run of words in capitals, with any particle just
    before it, which works whether it comes first (document) or last (web page).
    """
    line = unicodedata.normalize("NFC", entry).strip()
    parts = [part.strip() for part in line.rstrip(" .;").split(",")]
    if len(parts) < 2 or not all(parts):
        raise ValueError("Expected the name, the country and the group, separated by commas.")
    group_code = parts.pop() if len(parts) > 2 and _GROUP.fullmatch(parts[-1]) else ""
    country = parts.pop()
    _check_country(country)
    name, *particles = parts
    for particle in particles:
        _check_particle(particle)
    honorific, tokens = _split_honorific(name.split())
    surname, given_names = _split_name(tokens)
    signatory = ParsedSignatory(
        line=line,
        honorific=honorific,
        surname=" ".join([*particles, surname]),
        given_names=given_names,
        country=country,
        group_code=group_code,
    )
    for label, value, limit in (
        ("honorific", signatory.honorific, _max_length(Parliamentarian, "honorific")),
        ("surname", signatory.surname, _max_length(Parliamentarian, "surname")),
        ("given names", signatory.given_names, _max_length(Parliamentarian, "given_names")),
        ("country", signatory.country, _max_length(Delegation, "name")),
    ):
        if len(value) > limit:
            raise ValueError(f"The {label} is longer than {limit} characters.")
    return signatory


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# Signatory entries


def _check_country(country: str) -> None:
    if _GROUP.fullmatch(country):
        raise ValueError(f'"{country}" looks like a group code; the country is missing.')
    words = country.split()
    if len(words) > 6 or not all(_is_country_word(word) for word in words):
        raise ValueError(f'"{country}" is not a country.')


def _is_country_word(word: str) -> bool:
    if word.lower() in _COUNTRY_CONNECTORS:
        return True
    return word[0].isupper() and all(char.isalpha() or char in "-'\u2019." for char in word)


def _check_particle(part: str) -> None:
    if not all(_is_particle(word) for word in part.split()):
        raise ValueError(
            f'"{part}" is neither a surname particle (such as De or van) nor a country; '
            "expected only the country and a group code (capitals, such as SOC) after the name."
        )


def _is_particle(token: str) -> bool:
    return token.lower() in PARTICLES and (token.islower() or token.istitle())


def _split_honorific(tokens: list[str]) -> tuple[str, list[str]]:
    honorifics = []
    while len(tokens) > 1 and tokens[0].rstrip(".") in HONORIFICS:
        honorifics.append(tokens[0].rstrip("."))
        tokens = tokens[1:]
    return " ".join(honorifics), tokens


def _split_name(tokens: list[str]) -> tuple[str, str]:
    """(surname, given names) from the name's words."""
    if not tokens:
        raise ValueError("The name is missing.")
    for token in tokens:
        if not _is_name_token(token):
            raise ValueError(f'"{token}" is not part of a name.')
    run = _longest_capitals_run(tokens)
    if run is None:
        raise ValueError("No surname in capitals was found.")
    start, end = run
    while start > 0 and _is_particle(tokens[start - 1]):
        start -= 1
    given = tokens[:start] + tokens[end:]
    if not given:
        raise ValueError("No given name was found (the surname is in capitals, given names not).")
    return " ".join(tokens[start:end]), " ".join(given)


def _is_name_token(token: str) -> bool:
    return any(char.isalpha() for char in token) and all(
        char.isalpha() or char in "-'\u2019.\u2010" for char in token
    )


def _longest_capitals_run(tokens: list[str]) -> tuple[int, int] | None:
    best = None
    start = None
    for index, token in enumerate([*tokens, ""]):
        if _is_capitals(token):
            start = index if start is None else start
        elif start is not None:
            if best is None or index - start > best[1] - best[0]:
                best = (start, index)
            start = None
    return best


def _is_capitals(token: str) -> bool:
    """Whether a word is printed the way PACE prints surnames (McNAMARA counts, "J." not)."""
    if _INITIAL.fullmatch(token):
        return False
    for prefix in ("Mc", "Mac"):
        rest = token.removeprefix(prefix)
        if rest != token and len(rest) > 1 and _all_upper(rest):
            return True
    return _all_upper(token)


def _all_upper(token: str) -> bool:
    letters = [char for char in token if char.isalpha()]
    # "ß" has no single capital, so it stays lowercase inside a surname in capitals.
    return bool(letters) and not any(char.islower() and char != "\u00df" for char in letters)


# Lines


def _read_lines(text: str) -> list[_Line]:
    return [
        _Line(number, _clean(raw))
        for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1)
    ]


def _clean(raw: str) -> str:
    """One line without the markup that copying from PDF, Word or Markdown leaves behind."""
    text = unicodedata.normalize("NFC", _CONTROL.sub("", raw)).replace("\xa0", " ")
    text = _TAG.sub("", _SUPERSCRIPT.sub("", text)).translate(_SUPERSCRIPT_DIGITS)
    if _RULE.fullmatch(text.strip()):
        return ""
    text = _MARKDOWN_ESCAPE.sub(r"\1", text.replace("*", ""))
    text = _BULLET.sub("", text.strip().lstrip("#").strip(), count=1)
    return " ".join(text.split())


# Document layout


def _parse_document(lines: list[_Line]) -> ParsedDeclaration:
    """Front matter and body up to "Signed", then one signatory a line after the last one."""
    result = ParsedDeclaration(layout="document")
    signed = [index for index, line in enumerate(lines) if _SIGNED.match(line.text)]
    _read_front_matter(lines[: signed[0]] if signed else lines, result, document=True)
    for line in lines[signed[-1] + 1 :] if signed else []:
        if not line.text or line.text.isdigit() or _metadata(line.text) is not None:
            continue  # blank, or a page number or page header repeated by the PDF
        if not _read_total_or_legend(line.text, result):
            _add_signatory(result, line, DOCUMENT_FORM)
    if result.signatories and result.stated_total is None:
        result.warnings.append('No "Total = N" line was found.')
    return result


def _read_total_or_legend(text: str, result: ParsedDeclaration) -> bool:
    if match := _TOTAL.fullmatch(text):
        result.stated_total = int(match[1])
        return True
    if (match := _LEGEND.fullmatch(text)) and len(match[1]) <= 8:
        result.legend[match[1]] = match[2].strip()
        return True
    return False


def _add_signatory(result: ParsedDeclaration, line: _Line, form: str) -> None:
    try:
        result.signatories.append(parse_signatory(line.text))
    except ValueError as error:
        result.errors.append(
            f'Line {line.number} "{line.text}" is not a signatory ({form}). {error}'
        )


# Web layout


def _find_web_list(lines: list[_Line]) -> _WebList | None:
    """The inline signatory list, if a line starts one."""
    for index, line in enumerate(lines):
        head = _web_list_head(line.text)
        if head is None:
            continue
        web_list = _collect_web_list(lines, index, head)
        if web_list.honorific_entries > 1 or _parses(web_list.entries[0].text):
            return web_list
    return None


def _web_list_head(text: str) -> str | None:
    """The line without a "Signatories:" style label, if it then starts with an honorific."""
    label = _LABEL.match(text)
    if label and _HONORIFIC.match(text[label.end() :]):
        text = text[label.end() :]
    return text if _HONORIFIC.match(text) else None


def _collect_web_list(lines: list[_Line], start: int, head: str) -> _WebList:
    """The list from ``start`` on, following it where the page wrapped it over several lines."""
    parts = [_Line(lines[start].number, head)]
    used = {start}
    index = start + 1
    # The list so far from its last ";" on: all the tests below need, and kept short so
    # that a long list is read in linear time.
    tail = head[head.rfind(";") :] if ";" in head else head
    while True:
        following = next((later for later in range(index, len(lines)) if lines[later].text), None)
        if following is None:
            break
        text = lines[following].text
        if not _continues_web_list(tail, text, following == index):
            break
        if _starts_new_entry(tail, text):
            text = f"; {text}"  # a list pasted one signatory a line
        parts.append(_Line(lines[following].number, text))
        used.add(following)
        index = following + 1
        joined = f"{tail} {text}"
        tail = joined[joined.rfind(";") :] if ";" in joined else joined
    return _WebList(_split_entries(parts), used)


def _starts_new_entry(tail: str, following: str) -> bool:
    """A line that is a whole signatory after a whole one, with no ";" between them."""
    if tail.rstrip().endswith((";", ",")) or following.startswith(";"):
        return False
    last = tail.rsplit(";", 1)[-1].strip()
    first = following.split(";", 1)[0].strip()
    return bool(_HONORIFIC.match(following)) and _parses(last) and _parses(first)


def _continues_web_list(so_far: str, following: str, adjacent: bool) -> bool:
    if so_far.endswith((";", ",")) or following.startswith(";"):
        return True
    first = following.split(";", 1)[0].strip()
    if _HONORIFIC.match(following) and (";" in following or _parses(first)):
        return True
    if not adjacent or _parses(first):
        return False
    # A line broken inside an entry: "... ; Sir John" followed by "SMITH, United Kingdom, SOC".
    last = so_far.rsplit(";", 1)[-1].strip()
    return _parses(f"{last} {first}")


def _parses(entry: str) -> bool:
    try:
        parse_signatory(entry)
    except ValueError:
        return False
    return True


def _split_entries(parts: list[_Line]) -> list[_Line]:
    """Entries between the ";"s, each with the number of the line it starts on."""
    starts = []
    offset = 0
    for part in parts:
        starts.append(offset)
        offset += len(part.text) + 1
    joined = " ".join(part.text for part in parts)
    entries = []
    for match in re.finditer(r"[^;]+", joined):
        entry = match.group().strip()
        if entry:
            begins = match.start() + len(match.group()) - len(match.group().lstrip())
            number = parts[bisect.bisect_right(starts, begins) - 1].number
            entries.append(_Line(number, entry))
    return entries


def _parse_web(lines: list[_Line], web_list: _WebList) -> ParsedDeclaration:
    result = ParsedDeclaration(layout="web")
    for entry in web_list.entries:
        _add_signatory(result, entry, WEB_FORM)
    list_start = min(web_list.used)
    rest = []
    for index, line in enumerate(lines):
        consumed = index in web_list.used or (
            index > list_start and _read_total_or_legend(line.text, result)
        )
        rest.append(_Line(line.number, "") if consumed else line)
    _read_front_matter(rest, result, document=False)
    return result


# Front matter and body, common to both layouts


def _read_front_matter(lines: list[_Line], result: ParsedDeclaration, *, document: bool) -> None:
    """Numbers, date, title and body from the lines that are not signatories.

    The title is the first paragraph after the other metadata and before "Written declaration
    No." when there is one (as in the document); else the paragraph just after that line when
    it is not a sentence (a web page that prints the reference first), else the one just
    before it. The document's body starts after "Written declaration No."; the web page's after
    the title. What a copied web page carries above the reference (its menus, buttons,
    breadcrumbs, links to related documents) is left out.
    """
    lines = _without_page_navigation(lines)
    metadata = _read_metadata(lines, result)
    declaration_line = next(
        (number for number, values in metadata.items() if "declaration_number" in values), None
    )
    prose = [line if _is_prose(line, metadata) else _Line(line.number, "") for line in lines]
    paragraphs = [
        paragraph for paragraph in _paragraphs(prose) if not _DISCLAIMER.match(paragraph.text)
    ]
    title = _pick_title(paragraphs, metadata, declaration_line)
    body_after = title.start if title else 0
    if document and declaration_line is not None:
        body_after = max(body_after, declaration_line)
    result.title = title.text if title else ""
    result.body = "\n\n".join(
        paragraph.text for paragraph in paragraphs if paragraph.start > body_after
    )


def _without_page_navigation(lines: list[_Line]) -> list[_Line]:
    """The lines with those above the declaration's reference blanked out.

    The reference is the line with "Written declaration No.", with the metadata lines and the
    one paragraph (the title) right above it. Above them, a menu item, a button, or a second
    paragraph ends the declaration: what comes before is the web page around it, whatever
    it says, a "Doc. 15975" of a related document included.
    """
    reference = next(
        (
            index
            for index, line in enumerate(lines)
            if "declaration_number" in (_metadata(line.text) or {})
        ),
        None,
    )
    if reference is None:
        return lines
    cut = 0
    paragraphs = 0
    in_paragraph = False
    for index in range(reference - 1, -1, -1):
        text = lines[index].text
        if not text or _metadata(text) is not None or _HEADER_JUNK.fullmatch(text):
            in_paragraph = False
            continue
        if not in_paragraph or _SENTENCE_END.search(text):
            paragraphs += 1
        in_paragraph = True
        if _is_navigation(text) or paragraphs > 1:
            cut = index + 1
            break
    return [_Line(line.number, "") if index < cut else line for index, line in enumerate(lines)]


def _read_metadata(lines: list[_Line], result: ParsedDeclaration) -> dict[int, dict]:
    """Set the numbers, edition and date; return the metadata lines by number. The values on
    the line with the declaration's number come first: another line may cite another
    document."""
    found = {}
    for line in lines:
        values = _metadata(line.text)
        if values is not None:
            found[line.number] = values
    reference = [number for number, values in found.items() if "declaration_number" in values]
    for number in [*reference[:1], *(n for n in found if n not in reference[:1])]:
        for name, value in found[number].items():
            _set_once(result, name, value)
    return found


def _metadata(text: str) -> dict | None:
    """The values on a line made of metadata only, else None.

    Requiring the whole line keeps a sentence that cites "written declaration No. 638" from
    being taken for this declaration's number.
    """
    values = {}
    if match := _DOC.search(text):
        values["document_number"] = match[1]
    if match := _DECLARATION.search(text):
        values["declaration_number"] = int(match[1])
    if match := _EDITION.search(text):
        values["edition"] = match[0]
    if (match := _DATE.search(text)) and (date := _to_date(match)):
        values["date"] = date
    rest = text
    for pattern in (_DOC, _DECLARATION, _EDITION, _DATE):
        rest = pattern.sub("", rest)
    if not values or not _META_FILLER.fullmatch(rest):
        return None
    return values


def _to_date(match: re.Match) -> datetime.date | None:
    try:
        return datetime.date(int(match[3]), MONTHS[match[2].lower()], int(match[1]))
    except ValueError:
        return None


def _set_once(result: ParsedDeclaration, name: str, value) -> None:
    """Keep the first value; a different second one is worth a look, not a guess."""
    current = getattr(result, name)
    if current in (None, ""):
        setattr(result, name, value)
    elif current != value:
        label = name.replace("_", " ")
        result.warnings.append(f"Two values for the {label}: kept {current}, ignored {value}.")


def _is_prose(line: _Line, metadata: dict[int, dict]) -> bool:
    text = line.text
    return bool(text) and not (
        line.number in metadata
        or text.isdigit()
        or _SIGNED.match(text)
        or _LABEL_ONLY.fullmatch(text)
        or _HEADER_JUNK.fullmatch(text)
        or _is_navigation(text)
    )


def _is_navigation(text: str) -> bool:
    """A line of the web page's navigation: a button, a menu item, a language switch, or a
    breadcrumb made of them ("Home > Documents > Written declarations")."""
    parts = [part for part in _NAVIGATION_SEPARATOR.split(text) if part.strip()]
    if not parts or len(text) > 200:
        return False
    folded = [" ".join(_ICONS.sub(" ", fold(part)).split()) for part in parts]
    if all(part in _NAVIGATION for part in folded):
        return True
    # A breadcrumb's last item is the page's own, often long, name.
    separated = len(parts) > 2 and _NAVIGATION_SEPARATOR.search(text)
    return bool(separated) and all(part in _NAVIGATION for part in folded[:-1])


def _paragraphs(lines: list[_Line]) -> list[_Paragraph]:
    """Paragraphs end at a blank line and at a line ending a sentence.

    The second rule keeps paragraphs apart when a page is pasted without blank lines, while
    still joining a paragraph that a PDF wrapped over several lines.
    """
    paragraphs = []
    current: list[_Line] = []
    for line in [*lines, _Line(0, "")]:
        if line.text:
            current.append(line)
        if current and (not line.text or _SENTENCE_END.search(line.text)):
            paragraphs.append(
                _Paragraph(current[0].number, " ".join(part.text for part in current))
            )
            current = []
    return paragraphs


def _pick_title(
    paragraphs: list[_Paragraph], metadata: dict[int, dict], declaration_line: int | None
) -> _Paragraph | None:
    if declaration_line is not None:
        before = [paragraph for paragraph in paragraphs if paragraph.start < declaration_line]
        anchor = max((number for number in metadata if number < declaration_line), default=0)
        between = [paragraph for paragraph in before if paragraph.start > anchor]
        if anchor and between:
            return between[0]
        after = next((p for p in paragraphs if p.start > declaration_line), None)
        if after is not None and _title_like(after):
            return after
        if before:
            return before[-1]
    return next((paragraph for paragraph in paragraphs if _title_like(paragraph)), None)


def _title_like(paragraph: _Paragraph) -> bool:
    return len(paragraph.text) <= 300 and not _SENTENCE_END.search(paragraph.text)


# Checks


def _check(result: ParsedDeclaration) -> None:
    if not result.signatories:
        result.errors.append("No signatories were found.")
    if result.declaration_number is None:
        result.errors.append("No declaration number was found.")
    if not result.title:
        result.errors.append("No title was found.")
    # A value longer than its column is a misreading (a paragraph taken for the title), and
    # the database would refuse it.
    for label, value, limit in (
        ("title", result.title, _max_length(Declaration, "title")),
        ("document number", result.document_number, _max_length(Declaration, "document_number")),
        ("edition", result.edition, _max_length(Declaration, "edition")),
        *(
            (f"name of group {code}", name, _max_length(PoliticalGroup, "name"))
            for code, name in result.legend.items()
        ),
    ):
        if len(value) > limit:
            result.errors.append(
                f"The {label} read is {len(value)} characters long, over the {limit} it may be."
            )
    if not result.document_number:
        result.warnings.append("No document number (Doc. N) was found.")
    if result.date is None:
        result.warnings.append("No date was found.")
    count = len(result.signatories)
    if result.stated_total is not None and result.stated_total != count:
        result.warnings.append(
            f"The text says Total = {result.stated_total} but {count} signatories were read."
        )
    result.warnings.extend(_legend_warnings(result))
    result.warnings.extend(_duplicate_warnings(result.signatories))


def _legend_warnings(result: ParsedDeclaration) -> list[str]:
    if not result.legend:
        return []  # web pages often print no legend; nothing to compare against
    used = dict.fromkeys(s.group_code for s in result.signatories if s.group_code)
    return [f"Group {code} is not in the legend." for code in used if code not in result.legend]


def _duplicate_warnings(signatories: list[ParsedSignatory]) -> list[str]:
    seen = set()
    warned = set()
    warnings = []
    for signatory in signatories:
        key = person_key(signatory.surname, signatory.given_names)
        if key in seen and key not in warned:
            warned.add(key)
            warnings.append(
                f"{signatory.surname} {signatory.given_names} is listed more than once."
            )
        seen.add(key)
    return warnings
