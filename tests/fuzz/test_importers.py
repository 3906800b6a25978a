"""The importers, fed arbitrary text and mangled real documents: they explain what is wrong
and save nothing, or save what fits; they never crash."""

import csv
import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from declarations.demo import DEMO_DIR
from declarations.models import (
    Declaration,
    Delegation,
    Parliamentarian,
    PoliticalGroup,
    Signatory,
)
from declarations.pace.importing import declaration_import, declaration_preview
from declarations.pace.parsing import ParsedDeclaration, ParsedSignatory, parse_declaration
from prisoners.models import AlternativeName, Article, Case, Prisoner, Source, TimelineEvent
from prisoners.services import DEMO_FILE, prisoners_import
from tests.factories import AssemblyFactory

from .strategies import (
    ATTRIBUTE_BREAKOUT,
    NUMBERS,
    PAYLOADS,
    RAW_MARKERS,
    SCRIPT,
    TEXT,
    UNCLOSED_TAG,
    UNICODE_EDGES,
    assert_echoed_escaped,
    assert_rows_fit_their_columns,
    assert_safe,
    fuzz_settings,
)

pytestmark = pytest.mark.django_db

# The three published PACE declarations of the seed documents, as the repository keeps them.
DECLARATIONS = [
    (DEMO_DIR / name).read_text(encoding="utf-8")
    for name in ("pace-804-doc-16113.txt", "pace-818-doc-16229.txt", "pace-675-doc-14876.txt")
]
WEB_PAGE = (
    "Stand with the political prisoners of Kazakhstan\n\n"
    "Doc. 99999 | Written declaration No. 999 | 12 March 2026\n\n"
    "Signatories: Mr Frank SCHWABE, Germany, SOC ; Ms Anna De VRIES, Netherlands, SOC ; "
    "Mr Paul GAVAN, Ireland ; Sir John SMITH, United Kingdom, EC\n\n"
    "We call for the release of all political prisoners.\n"
)
# SQLite holds larger numbers; PostgreSQL, which production runs, refuses them.
POSTGRESQL_MAX_INTEGER = 2**31 - 1
DECLARATION_MODELS = (Declaration, Parliamentarian, Delegation, PoliticalGroup, Signatory)
LINE_NOISE = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "Signed",
            "Total = 3",
            "Total = " + "9" * 5000,
            "Written declaration No. " + "9" * 30,
            "Written declaration No. " + "9" * 5000,
            "Doc. " + "1" * 40 + " | 31 February 2025",
            "EPP/CD: Group of the European People's Party",
            "SCHWABE Frank, Germany, SOC",
            "Mr Frank SCHWABE, Germany, SOC ; Ms Anna De VRIES, Netherlands, SOC",
            "A" * 200 + " " + "b" * 200 + ", " + "Country" * 30 + ", SOC",
            "<sup>1</sup><b>bold</b>",
            "\\*\\_escaped markdown\\_",
            "---",
            "\u2022 bullet",
        ]
    ),
)


@st.composite
def mangled_declarations(draw):
    """A real published declaration, with lines replaced, inserted, removed, repeated,
    reordered or edited inside."""
    lines = draw(st.sampled_from([*DECLARATIONS, WEB_PAGE])).split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        at = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        change = draw(st.sampled_from(["replace", "insert", "delete", "repeat", "swap", "edit"]))
        if change == "replace":
            lines[at] = draw(LINE_NOISE)
        elif change == "insert":
            lines.insert(at, draw(LINE_NOISE))
        elif change == "delete" and len(lines) > 1:
            del lines[at]
        elif change == "repeat":
            lines.insert(at, lines[at])
        elif change == "swap":
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif change == "edit":
            line = lines[at]
            cut = draw(st.integers(min_value=0, max_value=len(line)))
            lines[at] = line[:cut] + draw(TEXT) + line[cut:]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r", " "]))
    return newline.join(lines)


DECLARATION_TEXT = st.one_of(TEXT, mangled_declarations())


@pytest.fixture
def assembly():
    return AssemblyFactory()


def check_parsed(parsed):
    assert isinstance(parsed, ParsedDeclaration)
    assert all(isinstance(message, str) and message for message in parsed.errors)
    assert all(isinstance(message, str) and message for message in parsed.warnings)
    assert all(isinstance(signatory, ParsedSignatory) for signatory in parsed.signatories)
    assert parsed.signatories or parsed.errors


@fuzz_settings(max_examples=200)
@given(text=DECLARATION_TEXT)
@example(text="Written declaration No. " + "9" * 5000)
@example(text="Total = " + "9" * 5000)
@example(text="<a" * 20_000)
def test_declaration_parser_and_import_plan_never_raise(assembly, text):
    check_parsed(parse_declaration(text))
    plan = declaration_preview(text=text, assembly=assembly)
    check_parsed(plan.parsed)
    assert plan.can_import == (not plan.parsed.errors)


@pytest.mark.parametrize("text", ["<a" * 500_000, "<sup>" * 200_000])
def test_a_megabyte_of_unclosed_tags_is_read_quickly(text):
    started = time.monotonic()
    check_parsed(parse_declaration(text))
    assert time.monotonic() - started < 5  # it took minutes, in the admin's request


def test_a_web_list_pasted_one_signatory_a_line_keeps_them_all():
    """Found by fuzzing: only the last one was kept, silently, and 800 lines took seconds."""
    parsed = parse_declaration(WEB_PAGE.replace(" ; ", "\n"))
    assert [s.surname for s in parsed.signatories] == ["SCHWABE", "De VRIES", "GAVAN", "SMITH"]
    many = "\n".join(f"Mr Given MEMBER{'X' * (n % 7)}, Germany, SOC" for n in range(800))
    started = time.monotonic()
    parsed = parse_declaration(
        WEB_PAGE.replace(
            "Mr Frank SCHWABE, Germany, SOC ; Ms Anna De VRIES, Netherlands, SOC ; "
            "Mr Paul GAVAN, Ireland ; Sir John SMITH, United Kingdom, EC",
            many,
        )
    )
    assert len(parsed.signatories) == 800
    assert time.monotonic() - started < 2


@fuzz_settings(max_examples=100)
@given(text=mangled_declarations())
@example(text=DECLARATIONS[0])
@example(text=WEB_PAGE)
@example(text=DECLARATIONS[0].replace("No. 804", "No. " + "9" * 30))
@example(text=DECLARATIONS[0].replace("Doc. 16113", "Doc. " + "1" * 40))
def test_declaration_import_saves_what_fits_or_explains(assembly, text):
    plan = declaration_preview(text=text, assembly=assembly)
    choices = {row.index: "new" for row in plan.uncertain}
    before = [model.objects.count() for model in DECLARATION_MODELS]
    try:
        declaration = declaration_import(
            text=text, assembly=assembly, choices=choices, below_threshold=True
        )
    except ValidationError as error:
        assert error.messages
        assert [model.objects.count() for model in DECLARATION_MODELS] == before
    else:
        # An empty text is saved for staff to fill in: worth an error, but no crash (reported).
        declaration.full_clean(exclude=["body"])
        assert declaration.declaration_number <= POSTGRESQL_MAX_INTEGER
        assert_rows_fit_their_columns(*DECLARATION_MODELS)


@fuzz_settings(max_examples=60)
@given(
    text=DECLARATION_TEXT,
    confirm=st.booleans(),
    upload=st.one_of(st.none(), st.binary(max_size=300), TEXT.map(str.encode)),
)
@example(text=ATTRIBUTE_BREAKOUT + "\n" + DECLARATIONS[0], confirm=False, upload=None)
@example(text=DECLARATIONS[1].replace("CASTEL", SCRIPT), confirm=False, upload=None)
@example(text=DECLARATIONS[1].replace("CASTEL", UNCLOSED_TAG), confirm=False, upload=None)
@example(text=DECLARATIONS[2], confirm=True, upload=None)
@example(text=DECLARATIONS[0].replace("No. 804", "No. 9999999999"), confirm=True, upload=None)
@example(text=DECLARATIONS[0].replace("Kazakhstan:", "x" * 400), confirm=True, upload=None)
def test_admin_import_page_with_arbitrary_text(admin_client, assembly, text, confirm, upload):
    data = {"assembly": assembly.pk, "text": text, "preview": "Preview"}
    if confirm:
        # Most fuzzed texts have fewer signatures than the threshold: confirm that too, so
        # that the save path is reached.
        data["confirm"] = "Confirm and import"
        data["below_threshold"] = "on"
    if upload is not None:
        data["upload"] = io.BytesIO(upload)
        data["upload"].name = "declaration.txt"
    response = admin_client.post(reverse("admin:declarations_declaration_import_text"), data)
    assert_safe(response)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "Traceback" not in response.content.decode()
        if upload is None and "\x00" not in text:  # refused, and the box emptied (reported)
            assert_echoed_escaped(response, text)


# Prisoner spreadsheets ----------------------------------------------------------------------

DEMO = list(csv.reader(io.StringIO(DEMO_FILE.read_text(encoding="utf-8"))))
HEADER, DEMO_ROWS = DEMO[0], DEMO[1:]
CELL = st.one_of(
    TEXT,
    st.sampled_from(NUMBERS + UNICODE_EDGES + PAYLOADS),
    st.builds(
        "".join,
        st.tuples(
            st.sampled_from(["=", "+", "-", "@", "'=", "'+", "\t", "\r", "'"]),
            st.sampled_from(['HYPERLINK("http://evil.example")', "1+1", "cmd|' /C calc'!A0", ""]),
        ),
    ),
    st.sampled_from(
        [
            "2023-02-30",
            "2023-13-01",
            "31/12/2023",
            "0000-00-00",
            "9999-99-99",
            "2023-1",
            "-2023-01-01",
            "20230101",
            "2023-05-01 | detained | Detained | https://nowhere.example",
            "https://news.example.org/1 | News | 2023-02-30",
            "https://news.example.org/1 | | ",
            "javascript:alert(1) | News | 2023-05-01",
            " | " * 50,
            "9" * 40 + " (a new article)",
            "405 (" + "x" * 300 + ")",
            "x" * 300,
            "Case " * 60,
            "!!!",
        ]
    ),
    st.builds(
        lambda piece, times: piece * times,
        st.sampled_from(["a", "\u00e9", "|"]),
        st.integers(1, 20_000),
    ),
)


@st.composite
def spreadsheets(draw):
    """Bytes of a file staff might upload: the demo list with some cells, columns or rows
    mangled, or no list at all."""
    kind = draw(st.sampled_from(["mangled"] * 6 + ["empty", "junk", "not utf-8"]))
    if kind == "empty":
        return draw(st.sampled_from([b"", b"\n", b"\xef\xbb\xbf", ",".join(HEADER).encode()]))
    if kind == "junk":
        return draw(st.binary(max_size=2000))
    picks = draw(st.lists(st.integers(0, len(DEMO_ROWS) - 1), min_size=1, max_size=3, unique=True))
    rows = [list(HEADER)] + [list(DEMO_ROWS[pick]) for pick in picks]
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        change = draw(st.sampled_from(["cell"] * 6 + ["header", "drop column", "repeat row"]))
        at = draw(st.integers(0, len(rows[0]) - 1))
        if change == "cell":
            rows[draw(st.integers(1, len(rows) - 1))][at] = draw(CELL)
        elif change == "header":
            rows[0][at] = draw(st.one_of(TEXT, st.sampled_from(HEADER)))
        elif change == "drop column" and len(rows[0]) > 1:
            for row in rows:
                del row[at : at + 1]
        elif change == "repeat row":
            rows.append(list(rows[draw(st.integers(1, len(rows) - 1))]))
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    if kind == "not utf-8":
        return out.getvalue().encode("cp1251", errors="replace") + b"\xff\xfe"
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + out.getvalue().encode()


PRISONER_MODELS = (Prisoner, Case, Article, Source, TimelineEvent, AlternativeName)


def demo_row(header=HEADER, **changes):
    """The first prisoner of the demo file, with some cells changed."""
    row = [changes.get(column, value) for column, value in zip(HEADER, DEMO_ROWS[0], strict=True)]
    out = io.StringIO()
    csv.writer(out).writerows([header, row])
    return out.getvalue()


@fuzz_settings(max_examples=120)
@given(content=spreadsheets(), suffix=st.sampled_from([".csv"] * 5 + [".xlsx"]))
@example(content=DEMO_FILE.read_bytes(), suffix=".csv")
@example(content=b"\n\x00", suffix=".csv")
@example(
    content=demo_row([*HEADER[:3], "given_name", *HEADER[4:]], status="jailed").encode(),
    suffix=".csv",
)
@example(content=b"PK\x03\x04 not a workbook", suffix=".xlsx")
def test_prisoner_import_explains_or_saves(tmp_path, content, suffix):
    path = tmp_path / f"prisoners{suffix}"
    path.write_bytes(content)
    before = [model.objects.count() for model in PRISONER_MODELS]
    try:
        result = prisoners_import(path=path)
    except ValueError as error:
        assert str(error)
        assert [model.objects.count() for model in PRISONER_MODELS] == before
        return
    if result.has_errors() or result.has_validation_errors():
        assert [model.objects.count() for model in PRISONER_MODELS] == before
        assert all(str(error.error) for error in result.base_errors)
    else:
        for prisoner in Prisoner.objects.all():
            prisoner.full_clean()


@pytest.mark.parametrize(
    "column, value",
    [
        ("alternative_names", "x" * 201),
        ("case", "Case " * 60),
        ("charges", "405 (" + "x" * 300 + ")"),
        ("sources", "https://news.example.org/1 | " + "x" * 301 + " | "),
    ],
)
def test_overlong_related_values_are_refused_in_their_column(tmp_path, column, value):
    path = tmp_path / "prisoners.csv"
    path.write_text(demo_row(**{column: value}), encoding="utf-8")
    result = prisoners_import(path=path)
    columns = [field for row in result.invalid_rows for field in row.error_dict]
    assert columns == [column]


@pytest.mark.parametrize("value", [":", "five", "inf"])
def test_a_sentence_that_is_not_a_number_is_explained_in_its_column(tmp_path, value):
    path = tmp_path / "prisoners.csv"
    path.write_text(demo_row(sentence_years=value), encoding="utf-8")
    result = prisoners_import(path=path)
    assert not result.has_errors()
    columns = [field for row in result.invalid_rows for field in row.error_dict]
    assert columns == ["sentence_years"]


# django-import-export's own template reads fields_list.0.1, absent when the file could not
# be read; the page renders it empty, so only the check for misspelled variables is off.
@pytest.mark.ignore_template_errors
@fuzz_settings(max_examples=60)
@given(
    content=st.one_of(spreadsheets(), st.binary(max_size=500)),
    file_format=st.sampled_from(["0", "1", "2", "3"]),  # CSV, XLSX, ODS, JSON
    name=st.sampled_from(["prisoners.csv", "prisoners.xlsx", "list.ods", "x.json", "x"]),
)
@example(content=b"\x00\xff junk", file_format="0", name="prisoners.csv")
@example(content=b"\r\x00", file_format="0", name="prisoners.csv")
@example(content=b"PK\x03\x04 junk", file_format="1", name="prisoners.xlsx")
@example(content=b'{"slug": 1}', file_format="3", name="x.json")
@example(content=b"[1, 2]", file_format="3", name="x.json")
@example(content=demo_row(case="Case " * 60).encode(), file_format="0", name="prisoners.csv")
@example(content=demo_row(alternative_names="x" * 201).encode(), file_format="0", name="p.csv")
def test_admin_prisoner_import_with_junk(admin_client, content, file_format, name):
    upload = io.BytesIO(content)
    upload.name = name
    before = Prisoner.objects.count()
    response = admin_client.post(
        reverse("admin:prisoners_prisoner_import"),
        {"import_file": upload, "format": file_format, "resource": "0"},
    )
    assert_safe(response)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Traceback" not in html and "site-packages" not in html
    if response.context.get("confirm_form") is None:
        result = response.context.get("result")
        refused = result is not None and (result.has_errors() or result.has_validation_errors())
        assert refused or response.context["form"].errors, "refused without a reason"
    assert not any(marker in html for marker in RAW_MARKERS)
    assert Prisoner.objects.count() == before  # a preview only
