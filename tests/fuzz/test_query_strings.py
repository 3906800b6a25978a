"""The public pages, fed arbitrary query strings and paths: only 2xx, 3xx or 4xx answers,
nothing echoed unescaped, and exports that stay what they say they are."""

import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from campaigns.models import Campaign
from declarations.models import Declaration
from declarations.services import signature_record
from prisoners.models import Prisoner
from tests.factories import (
    ArticleFactory,
    CaseFactory,
    DeclarationFactory,
    PetitionFactory,
    PrisonerFactory,
    SignatoryFactory,
)

from .strategies import (
    NUMBERS,
    PAYLOADS,
    SCRIPT,
    SHORT_TEXT,
    TEXT,
    assert_echoed_escaped,
    assert_safe,
    fuzz_settings,
)

pytestmark = pytest.mark.django_db

FILTERS = (
    "q",
    "status",
    "case",
    "article",
    "region",
    "gender",
    "sentence_min",
    "sentence_max",
    "page",
)
KNOWN = ("convicted", "pretrial", "male", "female", "astana", "405", "free-speech", "1", "2")
VALUES = st.one_of(
    TEXT,
    st.sampled_from(NUMBERS + KNOWN + ("", "\x00", "%00", "%FF%FE", "&", "=", "#", "+")),
)
PAIRS = st.lists(
    st.tuples(st.one_of(st.sampled_from(FILTERS), SHORT_TEXT), VALUES),
    max_size=8,
)
PREFIX = st.sampled_from(["", "/ru"])


@pytest.fixture
def public_data():
    """Enough published profiles for two pages, and one of everything else that is public."""
    case = CaseFactory(slug="free-speech", title="Free speech")
    article = ArticleFactory(number="405", title="participation in an extremist organisation")
    for n in range(26):
        PrisonerFactory(case=case, charges=[article], region="Astana", slug=f"person-{n}")
    PrisonerFactory(case=case, slug="formula", summary='=HYPERLINK("http://evil.example")')
    PrisonerFactory(slug="hidden", publication=Prisoner.Publication.DRAFT)
    declaration = DeclarationFactory(declaration_number=804, status=Declaration.Status.PUBLISHED)
    signature_record(signature=SignatoryFactory(declaration=declaration))
    PetitionFactory(
        slug="free-them", campaign__slug="free-all", campaign__status=Campaign.Status.LIVE
    )


def query_string(pairs, raw):
    """Encoded as a browser does, or sent as typed, which some clients do."""
    if not raw:
        return urlencode(pairs)
    text = "&".join(f"{key}={value}" for key, value in pairs)
    # WSGI hands Django the raw bytes as Latin-1 text.
    return text.encode("utf-8").decode("latin-1")


def get(client, path, pairs, raw=False):
    return client.get(path, QUERY_STRING=query_string(pairs, raw))


def single(pairs, key):
    values = [value for name, value in pairs if name == key]
    return values[0] if len(values) == 1 else None


def with_payloads(test, keys=("q", "status", "case", "sentence_min")):
    """Explicit examples, so that every payload reaches the filters whatever is drawn."""
    for key in keys:
        for payload in PAYLOADS:
            test = example(pairs=[(key, payload)], raw=False, prefix="")(test)
    return test


@fuzz_settings(max_examples=150)
@given(pairs=PAIRS, raw=st.booleans(), prefix=PREFIX)
@with_payloads
def test_prisoner_list_with_arbitrary_filters(client, public_data, pairs, raw, prefix):
    response = get(client, f"{prefix}/prisoners/", pairs, raw)
    assert_safe(response)
    q = single(pairs, "q")
    if response.status_code in (200, 400) and q is not None and not raw:
        assert_echoed_escaped(response, q)


@fuzz_settings(max_examples=100)
@given(pairs=PAIRS, raw=st.booleans(), prefix=PREFIX, fmt=st.sampled_from(["csv", "json"]))
@example(pairs=[("status", SCRIPT)], raw=False, prefix="", fmt="csv")
@example(pairs=[], raw=False, prefix="", fmt="csv")
@example(pairs=[], raw=False, prefix="", fmt="json")
def test_exports_with_arbitrary_filters(client, public_data, pairs, raw, prefix, fmt):
    response = get(client, f"{prefix}/prisoners/export.{fmt}", pairs, raw)
    assert_safe(response)
    body = response.content.decode()
    if response.status_code == 200:
        assert response["Content-Disposition"].startswith("attachment")
        if fmt == "json":
            assert isinstance(json.loads(body), list)
        else:
            assert not any(f"{start}=HYPERLINK" in body for start in (",", '"', "\n"))
    else:
        # 429: this client asked for more builds of the export than a minute allows.
        assert response.status_code in (400, 429)
        assert response["Content-Type"].startswith("text/plain")
        assert response["X-Content-Type-Options"] == "nosniff"


@fuzz_settings(max_examples=60)
@given(fmt=st.one_of(TEXT, st.sampled_from(["CSV", "xlsx", "json ", "csv/", "html"])))
def test_export_in_an_unknown_format(client, public_data, fmt):
    assert_safe(client.get("/prisoners/export." + quote(fmt, safe="")))


@fuzz_settings(max_examples=80)
@given(
    page=st.lists(VALUES, max_size=3),
    path=st.sampled_from(["/cases/free-speech/", "/declarations/", "/ru/cases/free-speech/"]),
    raw=st.booleans(),
)
def test_pages_with_arbitrary_page_numbers(client, public_data, page, path, raw):
    assert_safe(get(client, path, [("page", value) for value in page], raw))


SECTIONS = (
    "prisoners",
    "cases",
    "declarations",
    "parliamentarians",
    "petitions",
    "campaigns",
    "letters",
    "messages",
    "confirm",
    "pledge",
    "privacy",
    "unsubscribe",
)
SEGMENT = st.one_of(
    TEXT,
    st.sampled_from(
        [
            *NUMBERS,
            *("person-1", "hidden", "free-speech", "free-them", "free-all", "thanks"),
            *("export.csv", "..", ".", "%", "%2e%2e", "[", "//[x", "~", "\\", "export."),
        ]
    ),
)


@fuzz_settings(max_examples=200)
@given(
    prefix=st.sampled_from(["", "/ru", "/en", "/kk"]),
    section=st.sampled_from(SECTIONS),
    segments=st.lists(SEGMENT, min_size=1, max_size=3),
    slash=st.booleans(),
    pairs=PAIRS,
    encoded=st.booleans(),
)
@example(
    prefix="", section="declarations", segments=[str(10**30)], slash=True, pairs=[], encoded=True
)
@example(
    prefix="", section="parliamentarians", segments=["9" * 30], slash=True, pairs=[], encoded=True
)
def test_arbitrary_paths(client, public_data, prefix, section, segments, slash, pairs, encoded):
    # Encoded, the segment is what a browser sends for a typed address; otherwise "/" and
    # "?" in it make more segments and a query of their own.
    parts = [
        quote(segment, safe="") if encoded else quote(segment, safe="/?=&") for segment in segments
    ]
    path = f"{prefix}/{section}/" + "/".join(parts) + ("/" if slash else "")
    response = client.get(path, QUERY_STRING=query_string(pairs, raw=False))
    assert_safe(response)
