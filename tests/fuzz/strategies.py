"""Hostile input for the fuzz tests, and the checks every answer to it must pass.

The payloads carry markers that the site's own HTML never contains, so finding a marker raw
in a page means some input reached it unescaped.
"""

import itertools

from django.utils.html import escape
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st

# Surrogates cannot be encoded as UTF-8, so no HTTP client can send them.
CHARACTERS = st.characters(exclude_categories=("Cs",))

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAKOUT = '"><img src=x onerror=alert(1)>'
# Unclosed, it survives tag stripping and takes the page's next ">" as its own.
UNCLOSED_TAG = "<img src=x onerror=alert(1)//"
PAYLOADS = (
    SCRIPT,
    ATTRIBUTE_BREAKOUT,
    UNCLOSED_TAG,
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "javascript:alert(1)",
    "{{7*7}}",
    "{% debug %}",
    "{{ request.META }}",
    "${7*7}",
    "'; DROP TABLE prisoners_prisoner; --",
    "%00",
    "\x00",
)
# A payload found raw in an HTML page means it was not escaped.
RAW_MARKERS = ("<script>alert(", "<img src=x onerror=", "<svg onload=", "</textarea><script>")
UNICODE_EDGES = (
    "\u202e",  # right-to-left override
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte order mark
    "e\u0301\u0301\u0301",  # stacked combining marks
    "\U0001f3f3\ufe0f\u200d\U0001f308",  # an emoji sequence
    "\U0001f469\U0001f3fd\u200d\u2696\ufe0f",
    "\U0010ffff",
    "\uffff",
    "\x7f",
    "\u2028",
    "\u2029",
    "\r\n",
    "\r",
    "\t",
    "\x0b",
    "\x1b[31m",
    "\u0130",  # İ: lower() makes it two characters
    "\u00df",
    "\ufdfa",  # one character that NFKC turns into eighteen
    "\u0627\u0644\u0633\u0644\u0627\u0645",
    "\u0430\u0434\u043c\u0438\u043d",
)
NUMBERS = (
    "0",
    "-1",
    "1.5",
    "-0",
    "1e400",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "0x10",
    "1_000",
    "\u0661\u0662",  # Arabic-Indic digits
    "\uff11",  # fullwidth one
    str(10**30),
    str(-(10**30)),
    "9" * 5000,  # over Python's 4300-digit limit for int()
)

SHORT_TEXT = st.text(CHARACTERS, max_size=40)
PIECES = st.one_of(SHORT_TEXT, st.sampled_from(PAYLOADS + UNICODE_EDGES + NUMBERS))
MIXED = st.lists(PIECES, min_size=1, max_size=6).map("".join)
# Long strings are built by repetition: drawing 100,000 characters one by one is slow.
LONG = st.builds(
    lambda piece, times: (piece * times)[:100_000],
    st.one_of(st.sampled_from(PAYLOADS + UNICODE_EDGES), st.text(CHARACTERS, min_size=1)),
    st.integers(min_value=100, max_value=100_000),
)
TEXT = st.one_of(
    st.text(CHARACTERS, max_size=200),
    st.sampled_from(PAYLOADS + UNICODE_EDGES + NUMBERS),
    MIXED,
    LONG,
)


def fuzz_settings(max_examples):
    """Deterministic, so that CI fails the same way twice; no deadline, since a request
    with 100,000 characters takes longer than an ordinary one."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        # Explaining a failure reruns it hundreds of times; the shrunk example is enough.
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


_addresses = itertools.count(1)


def fresh_ip():
    """A new client address per example, so that abuse limits stay out of the way."""
    n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def assert_safe(response):
    """Any answer but a server error; in HTML, no payload unescaped; anything else never
    taken for HTML by a browser."""
    event(f"HTTP {response.status_code}")
    assert 200 <= response.status_code < 500, response.status_code
    content_type = response.get("Content-Type", "")
    if getattr(response, "streaming", False):
        return
    body = response.content.decode("utf-8", errors="replace")
    if content_type.startswith("text/html"):
        for marker in RAW_MARKERS:
            assert marker not in body, f"unescaped {marker!r} in the page"
        assert 'href="javascript:' not in body.lower()
    elif any(marker in body for marker in RAW_MARKERS):
        assert response.get("X-Content-Type-Options") == "nosniff", content_type


def assert_echoed_escaped(response, value):
    """A page that shows a submitted value again shows each payload in it escaped."""
    body = response.content.decode()
    for payload in PAYLOADS:
        if payload in value and escape(payload) != payload:
            assert escape(payload) in body, f"{payload!r} is not shown escaped"


def assert_rows_fit_their_columns(*models):
    """What was saved fits its columns. SQLite stores a string of any length; PostgreSQL
    refuses one over max_length with a server error, so this is checked here."""
    for model in models:
        sized = [
            field
            for field in model._meta.concrete_fields
            if getattr(field, "max_length", None) and field.get_internal_type() != "FileField"
        ]
        for row in model.objects.values("pk", *(field.attname for field in sized)):
            for field in sized:
                value = row[field.attname]
                assert value is None or len(str(value)) <= field.max_length, (
                    f"{model.__name__}.{field.name} holds {len(str(value))} characters "
                    f"(max {field.max_length}) in row {row['pk']}"
                )
