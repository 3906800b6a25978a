"""The public export of the list (CSV and JSON): every public fact of each published
profile, the same in every interface language. Values are stable codes (statuses, ISO
country codes, article numbers, case slugs), ISO dates and absolute links; texts come in
one column per language. `COLUMNS` documents them on the list page."""

import tablib
from django.utils import translation
from django.utils.translation import gettext_lazy as _

COLUMNS = [
    ("slug", _("The profile's stable identifier.")),
    ("name", _("The name in Latin letters.")),
    ("name_cyrillic", _("The name in Cyrillic letters, where it is known.")),
    ("alternative_names", _("Other spellings of the name, separated by semicolons.")),
    ("status", _("pretrial, convicted, restricted, released, exile or deceased.")),
    ("gender", _("female, male, other, or empty.")),
    ("date_of_birth", _("YYYY-MM-DD, where it is public.")),
    ("citizenship", _("ISO 3166 country code.")),
    ("region", _("Home region or city.")),
    ("case", _("The case's identifier (as in its address); case_title is its English title.")),
    ("charges", _("Criminal Code article numbers, separated by semicolons.")),
    ("sentence_years", _("Years of the sentence; sentence_months, the months beyond them.")),
    ("sentence_note", _("What the numbers alone do not say about the sentence.")),
    ("detained_on", _("Dates as YYYY-MM-DD: detention, conviction, start of the sentence.")),
    ("place_of_detention", _("Where the person is held, where it is known.")),
    ("letters_address", _("Where to write, only for those who accept letters.")),
    (
        "torture_reported",
        _("Whether torture was reported; likewise health_at_risk, hunger_strike."),
    ),
    ("summary_en", _("The summary in English; summary_ru and summary_kk in Russian and Kazakh.")),
    ("sources", _("The sources, one a line: address | title | date.")),
    ("profile", _("The address of the profile page.")),
    ("photo", _("The address of the photo, if there is one.")),
    ("updated_at", _("When the profile last changed (UTC).")),
]


EXTRA_COLUMNS = {
    "case": ["case_title"],
    "sentence_years": ["sentence_months"],
    "detained_on": ["convicted_on", "sentence_start_on"],
    "torture_reported": ["health_at_risk", "hunger_strike"],
    "summary_en": ["summary_ru", "summary_kk"],
}
# The columns, in groups that one description covers, for the list page.
COLUMN_GROUPS = [
    ([name, *EXTRA_COLUMNS.get(name, [])], description) for name, description in COLUMNS
]
HEADERS = [column for names, _description in COLUMN_GROUPS for column in names]


def _iso(value):
    return value.isoformat() if value else ""


def public_export(queryset, *, base_url):
    """The published profiles of `queryset` as a tablib Dataset, read in chunks. Links are
    absolute (`base_url` is the site's address) and carry no language prefix; values are
    the same whatever the reader's language: the file is data, not a page."""
    base_url = base_url.rstrip("/")
    dataset = tablib.Dataset(headers=HEADERS)
    profiles = queryset.select_related("case").prefetch_related(
        "charges", "alternative_names", "sources"
    )
    with translation.override("en"):
        for prisoner in profiles.iterator(chunk_size=500):
            row = _row(prisoner, base_url)
            dataset.append([row[column] for column in HEADERS])
    return dataset


def _row(prisoner, base_url):
    case = prisoner.case
    return {
        "slug": prisoner.slug,
        "name": prisoner.full_name,
        "name_cyrillic": prisoner.cyrillic_name,
        "alternative_names": "; ".join(a.name for a in prisoner.alternative_names.all()),
        "status": prisoner.status,
        "gender": prisoner.gender,
        "date_of_birth": _iso(prisoner.date_of_birth),
        "citizenship": prisoner.citizenship.code or "",
        "region": prisoner.region,
        "case": case.slug if case else "",
        "case_title": (case.title_en or "") if case else "",
        "charges": "; ".join(article.number for article in prisoner.charges.all()),
        "sentence_years": prisoner.sentence_years,
        "sentence_months": prisoner.sentence_months,
        "sentence_note": prisoner.sentence_note,
        "detained_on": _iso(prisoner.detained_on),
        "convicted_on": _iso(prisoner.convicted_on),
        "sentence_start_on": _iso(prisoner.sentence_start_on),
        "place_of_detention": prisoner.place_of_detention,
        "letters_address": prisoner.letters_address if prisoner.letters_accepted else "",
        "torture_reported": prisoner.torture_reported,
        "health_at_risk": prisoner.health_at_risk,
        "hunger_strike": prisoner.hunger_strike,
        "summary_en": prisoner.summary_en or "",
        "summary_ru": prisoner.summary_ru or "",
        "summary_kk": prisoner.summary_kk or "",
        "sources": "\n".join(
            f"{s.url} | {s.title} | {_iso(s.published_on)}" for s in prisoner.sources.all()
        ),
        "profile": base_url + prisoner.get_absolute_url(),
        "photo": base_url + prisoner.photo.url if prisoner.photo else "",
        "updated_at": _iso(prisoner.updated_at),
    }
