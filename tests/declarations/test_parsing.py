"""The declaration parser against the real seed documents and an invented web page."""

import datetime
import random
from pathlib import Path

import pytest

from declarations.pace.parsing import ParsedSignatory, parse_declaration, parse_signatory

SEEDS = Path("/work/shared/seeds")
SEED_804 = "000_967d7acdab5ed506.txt"
SEED_818 = "001_f11ab72f804bd144.txt"
SEED_675 = "004_cc34ada9e48e75e4.txt"

# Invented names, in the layout of PACE's web pages (see /work/shared/seeds/README.md); the
# list wraps inside an entry ("Sir John" / "SMITH") and after a ";".
WEB_PAGE = """\
Kazakhstan: release the leaders of the Alga party

Written declaration No. 831 | Doc. 16302 | 2 October 2025

Signatories: Mr Jan KOWALSKI, Poland, EPP/CD ; Ms Anna De VRIES, Netherlands, SOC ; Sir John
SMITH, United Kingdom, SOC ; Mr Seán O'NEILL, Ireland ; Ms Maria RUSU, Republic of Moldova, UEL ;
Dame Helen CARTER-JONES, United Kingdom, EC

This written declaration does not reflect the position of the Assembly; only of those members \
that have signed it. It will not be considered further by the Assembly.

We, the undersigned, declare the following:

The leaders of the unregistered Alga party remain in prison for their peaceful activity.

We call on the authorities of Kazakhstan to release them.
"""


def seed(name):
    return (SEEDS / name).read_text(encoding="utf-8")


def by_surname(result, surname):
    return next(s for s in result.signatories if s.surname == surname)


# The seeds


def test_declaration_804():
    result = parse_declaration(seed(SEED_804))
    assert result.layout == "document"
    assert result.document_number == "16113"
    assert result.declaration_number == 804
    assert result.edition == "Second Edition"
    assert result.date == datetime.date(2025, 4, 23)
    assert result.title.startswith("Kazakhstan: systematic violations of human rights")
    assert result.title.endswith("must end")
    assert len(result.signatories) == 21
    assert result.stated_total == 21
    assert len(result.legend) == 6
    assert result.legend["NR"] == "Representatives not belonging to a Political Group"
    assert result.errors == []
    assert result.warnings == []


def test_declaration_804_irregular_signatories():
    result = parse_declaration(seed(SEED_804))
    assert by_surname(result, "GAVAN").group_code == ""
    assert by_surname(result, "GAVAN").country == "Ireland"
    assert by_surname(result, "ÇELENK ÖZEN") == ParsedSignatory(
        line="ÇELENK ÖZEN Sevilay, Türkiye, UEL",
        honorific="",
        surname="ÇELENK ÖZEN",
        given_names="Sevilay",
        country="Türkiye",
        group_code="UEL",
    )
    assert by_surname(result, "LICHERI").given_names == "Ettore Antonio"
    assert result.signatories[0].surname == "GIOVAGNOLI"


def test_declaration_804_body():
    body = parse_declaration(seed(SEED_804)).body
    paragraphs = body.split("\n\n")
    assert paragraphs[0] == "We, the undersigned, declare the following:"
    assert len(paragraphs) == 4
    assert paragraphs[-1].endswith("the case of Mendygazyev.")
    assert "does not reflect the position of the Assembly" not in body
    assert "Signed" not in body


def test_declaration_818():
    result = parse_declaration(seed(SEED_818))
    assert result.document_number == "16229"
    assert result.declaration_number == 818
    assert result.edition == ""
    assert result.date == datetime.date(2025, 8, 19)
    assert result.title == "Stand up for human rights in Kazakhstan"
    assert len(result.signatories) == 20
    assert result.stated_total == 20
    assert set(result.legend) == {"EPP/CD", "SOC", "UEL"}
    assert result.errors == []
    assert result.warnings == []


def test_declaration_818_irregular_signatories():
    result = parse_declaration(seed(SEED_818))
    assert by_surname(result, "RĂILEANU").country == "Republic of Moldova"
    assert by_surname(result, "STARÎȘ").country == "Republic of Moldova"
    assert by_surname(result, "IKIĆ BANIČEK").given_names == "Kristina"
    assert by_surname(result, "STAMBACH-TERRENOIR").given_names == "Anne"


def test_declaration_818_cites_an_older_declaration_in_its_body():
    result = parse_declaration(seed(SEED_818))
    assert result.declaration_number == 818
    assert "written declaration No. 638" in result.body


def test_declaration_675_with_markup():
    result = parse_declaration(seed(SEED_675))
    assert result.document_number == "14876"
    assert result.declaration_number == 675
    assert result.date == datetime.date(2019, 4, 11)
    assert result.title.startswith("\u201cMagnitsky laws\u201d sanctions")
    assert result.title.endswith("political prosecution in Kazakhstan")
    assert len(result.signatories) == 22
    assert result.stated_total == 22
    assert "EC" in result.legend
    assert result.errors == []
    assert result.warnings == []


def test_declaration_675_irregular_signatories():
    result = parse_declaration(seed(SEED_675))
    de_sutter = by_surname(result, "De SUTTER")
    assert (de_sutter.given_names, de_sutter.country, de_sutter.group_code) == (
        "Petra",
        "Belgium",
        "SOC",
    )
    assert by_surname(result, "WIECHEL").group_code == "EC"
    assert by_surname(result, "BRYNJÓLFSDÓTTIR").given_names == "Rósa Björk"
    assert by_surname(result, "GATTOLIN").line == "GATTOLIN André, France, NR"


def test_declaration_675_body_has_no_markup():
    body = parse_declaration(seed(SEED_675)).body
    assert body.startswith("In Kazakhstan, the systemic prosecution")
    assert len(body.split("\n\n")) == 4
    for markup in ("*", "#", "---", "<sup>", "does not reflect"):
        assert markup not in body


# Problems in the signatory block


def test_total_mismatch_is_a_warning():
    result = parse_declaration(seed(SEED_804).replace("Total = 21", "Total = 23"))
    assert result.warnings == ["The text says Total = 23 but 21 signatories were read."]
    assert result.errors == []


def test_group_missing_from_the_legend_is_a_warning():
    text = seed(SEED_804).replace("ECPA: European Conservatives, Patriots and Affiliates\n", "")
    result = parse_declaration(text)
    assert "ECPA" not in result.legend
    assert result.warnings == ["Group ECPA is not in the legend."]


def test_each_missing_group_is_named_once():
    text = seed(SEED_675).replace("EC: European Conservatives Group  \n", "")
    text = text.replace("UEL: Group of the Unified European Left  \n", "")
    result = parse_declaration(text)
    assert result.warnings == ["Group UEL is not in the legend.", "Group EC is not in the legend."]


def test_garbled_signatory_is_an_error_naming_its_line():
    garbled = "BOVENS Theo Netherlands EPP/CD"
    text = seed(SEED_804).replace("BOVENS Theo, Netherlands, EPP/CD", garbled)
    line_number = text.split("\n").index(garbled) + 1
    result = parse_declaration(text)
    assert len(result.errors) == 1
    assert result.errors[0].startswith(
        f'Line {line_number} "{garbled}" is not a signatory (SURNAME Given, Country, GROUP).'
    )
    assert len(result.signatories) == 20
    assert {"CASTEL", "BLIKRA", "STRANDHÄLL"} <= {s.surname for s in result.signatories}
    assert "The text says Total = 21 but 20 signatories were read." in result.warnings


def test_several_bad_lines_each_reported_and_parsing_goes_on():
    text = seed(SEED_818).replace("LAMUÀ Marc, Spain, SOC", "xyz")
    text = text.replace("MURPHY Conor, Ireland, UEL", "conor murphy, Ireland, UEL")
    result = parse_declaration(text)
    assert [error.split('"')[1] for error in result.errors] == [
        "xyz",
        "conor murphy, Ireland, UEL",
    ]
    assert len(result.signatories) == 18
    assert result.signatories[-1].surname == "VELDHOEN"


def test_missing_total_is_a_warning():
    result = parse_declaration(seed(SEED_818).replace("Total = 20", ""))
    assert result.stated_total is None
    assert result.warnings == ['No "Total = N" line was found.']


def test_repeated_signatory_is_a_warning():
    text = seed(SEED_818).replace(
        "CASTEL Laura, Spain, UEL", "CASTEL Laura, Spain, UEL\nCASTEL Laura, Spain, UEL"
    )
    result = parse_declaration(text)
    assert "CASTEL Laura is listed more than once." in result.warnings


def test_windows_line_endings_and_page_headers():
    text = seed(SEED_804).replace("KERN Claude", "Doc. 16113\n2\nKERN Claude").replace("\n", "\r\n")
    result = parse_declaration(text)
    assert len(result.signatories) == 21
    assert result.errors == []


# Signatory entries


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("ÇELENK ÖZEN Sevilay, Türkiye, UEL", ("", "ÇELENK ÖZEN", "Sevilay", "Türkiye", "UEL")),
        ("IKIĆ BANIČEK Kristina, Croatia, SOC", ("", "IKIĆ BANIČEK", "Kristina", "Croatia", "SOC")),
        (
            "STAMBACH-TERRENOIR Anne, France, UEL",
            ("", "STAMBACH-TERRENOIR", "Anne", "France", "UEL"),
        ),
        ("SUTTER Petra, De, Belgium, SOC", ("", "De SUTTER", "Petra", "Belgium", "SOC")),
        ("De BOER Joop, Netherlands, SOC", ("", "De BOER", "Joop", "Netherlands", "SOC")),
        ("BERG Anna, van der, Netherlands, NR", ("", "van der BERG", "Anna", "Netherlands", "NR")),
        ("GAVAN Paul, Ireland", ("", "GAVAN", "Paul", "Ireland", "")),
        (
            "RĂILEANU Adela, Republic of Moldova, UEL",
            ("", "RĂILEANU", "Adela", "Republic of Moldova", "UEL"),
        ),
        (
            "KOVÁČ Ján Peter, Slovak Republic, EPP/CD",
            ("", "KOVÁČ", "Ján Peter", "Slovak Republic", "EPP/CD"),
        ),
        ("LICHERI Ettore Antonio, Italy, UEL", ("", "LICHERI", "Ettore Antonio", "Italy", "UEL")),
        ("Mr Jan KOWALSKI, Poland, EPP/CD", ("Mr", "KOWALSKI", "Jan", "Poland", "EPP/CD")),
        ("Ms Anna De VRIES, Netherlands, SOC", ("Ms", "De VRIES", "Anna", "Netherlands", "SOC")),
        ("Sir John SMITH, United Kingdom, SOC", ("Sir", "SMITH", "John", "United Kingdom", "SOC")),
        ("Mr. Kevin McNAMARA, Ireland", ("Mr", "McNAMARA", "Kevin", "Ireland", "")),
        ("Ms Agnes S. PRAMMER, Austria, SOC", ("Ms", "PRAMMER", "Agnes S.", "Austria", "SOC")),
        (
            "Baroness Mary O'BRIEN, United Kingdom, NR",
            ("Baroness", "O'BRIEN", "Mary", "United Kingdom", "NR"),
        ),
    ],
)
def test_parse_signatory(entry, expected):
    signatory = parse_signatory(f"  {entry}  ")
    assert signatory.line == entry
    assert (
        signatory.honorific,
        signatory.surname,
        signatory.given_names,
        signatory.country,
        signatory.group_code,
    ) == expected


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("", "separated by commas"),
        ("xyz", "separated by commas"),
        ("BOVENS Theo Netherlands EPP/CD", "separated by commas"),
        ("Theo Bovens, Netherlands, EPP/CD", "No surname in capitals"),
        ("BOVENS, Netherlands, EPP/CD", "No given name"),
        ("BOVENS Theo, EPP/CD", "looks like a group code"),
        ("BOVENS Theo, Extra, Netherlands, EPP/CD", "neither a surname particle"),
        ("BOVENS Th3o, Netherlands, EPP/CD", '"Th3o" is not part of a name'),
        ("BOVENS Theo, the Netherlands is lovely in spring, SOC", "is not a country"),
    ],
)
def test_parse_signatory_rejects(entry, reason):
    with pytest.raises(ValueError, match=reason):
        parse_signatory(entry)


# The web page layout


def test_web_page():
    result = parse_declaration(WEB_PAGE)
    assert result.layout == "web"
    assert result.document_number == "16302"
    assert result.declaration_number == 831
    assert result.date == datetime.date(2025, 10, 2)
    assert result.title == "Kazakhstan: release the leaders of the Alga party"
    assert result.body.split("\n\n") == [
        "We, the undersigned, declare the following:",
        "The leaders of the unregistered Alga party remain in prison for their peaceful activity.",
        "We call on the authorities of Kazakhstan to release them.",
    ]
    assert result.stated_total is None
    assert result.legend == {}
    assert result.errors == []
    assert result.warnings == []


def test_web_page_signatories():
    signatories = parse_declaration(WEB_PAGE).signatories
    assert [(s.honorific, s.surname, s.given_names) for s in signatories] == [
        ("Mr", "KOWALSKI", "Jan"),
        ("Ms", "De VRIES", "Anna"),
        ("Sir", "SMITH", "John"),
        ("Mr", "O'NEILL", "Seán"),
        ("Ms", "RUSU", "Maria"),
        ("Dame", "CARTER-JONES", "Helen"),
    ]
    assert signatories[2].line == "Sir John SMITH, United Kingdom, SOC"
    assert signatories[3].group_code == ""
    assert signatories[4].country == "Republic of Moldova"


def test_web_page_in_another_order_with_legend_and_a_bad_entry():
    page = (
        "Doc. 16302\n"
        "2 October 2025\n"
        "Written declaration No. 831\n"
        "Kazakhstan: release the leaders of the Alga party\n"
        "Author(s):\n"
        "Mr Jan KOWALSKI, Poland, EPP/CD ; Ms Anna De VRIES, Netherlands ;\n"
        "Mr Piotr nowak, Poland, EC\n"
        "We call on the authorities of Kazakhstan to release them.\n"
        "EPP/CD: Group of the European People's Party\n"
        "SOC: Socialists, Democrats and Greens Group\n"
    )
    result = parse_declaration(page)
    assert result.layout == "web"
    assert (result.document_number, result.declaration_number) == ("16302", 831)
    assert result.title == "Kazakhstan: release the leaders of the Alga party"
    assert result.body == "We call on the authorities of Kazakhstan to release them."
    assert [s.surname for s in result.signatories] == ["KOWALSKI", "De VRIES"]
    assert result.errors == [
        'Line 7 "Mr Piotr nowak, Poland, EC" is not a signatory '
        "(Mr Given SURNAME, Country, GROUP). No surname in capitals was found."
    ]
    assert set(result.legend) == {"EPP/CD", "SOC"}


def test_web_page_with_a_single_signatory():
    page = (
        "Written declaration No. 900\nDoc. 16400\n1 March 2026\n\nFree them all\n\n"
        "Mr Jan KOWALSKI, Poland, EPP/CD\n\nWe call for their release."
    )
    result = parse_declaration(page)
    assert result.layout == "web"
    assert [s.surname for s in result.signatories] == ["KOWALSKI"]
    assert result.title == "Free them all"
    assert result.body == "We call for their release."


def test_names_in_a_document_body_do_not_make_it_a_web_page():
    text = seed(SEED_804).replace(
        "We, the undersigned", "Mr Mukhtar ABLYAZOV, Kazakhstan, said so. We, the undersigned"
    )
    result = parse_declaration(text)
    assert result.layout == "document"
    assert len(result.signatories) == 21


# Anything else


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "Lorem ipsum dolor sit amet. Consectetur adipiscing elit.",
        bytes(range(256)).decode("latin-1"),
        "\x00\x01\ufffd\ufffd<sup>\n**\n##\n---\nSigned\n;;;\nMr ;\nTotal = x",
        "Signed:\nTotal = 3\n",
    ],
)
def test_garbage_gives_errors_not_exceptions(text):
    result = parse_declaration(text)
    assert "No signatories were found." in result.errors
    assert "No declaration number was found." in result.errors


def test_shuffled_and_truncated_seeds_never_raise():
    generator = random.Random(804)
    for name in (SEED_804, SEED_818, SEED_675):
        lines = seed(name).split("\n")
        for _ in range(30):
            sample = generator.sample(lines, generator.randint(0, len(lines)))
            cut = "\n".join(sample)[: generator.randint(0, 4000)]
            result = parse_declaration(cut)
            assert result.errors or result.signatories


# A web page copied with its navigation above the reference line

NAVIGATION = """\
Skip to main content
PACE
Parliamentary Assembly
Français
Русский
Search
Home > Documents > Working documents
Print
Download
See related documents
Share
Doc. 15975
Transnational repression as a growing threat to the rule of law and human rights
EN | FR | DE | IT | RU
Written declarations
"""


def test_navigation_above_the_title_of_a_web_page_is_left_out():
    result = parse_declaration(NAVIGATION + WEB_PAGE)
    assert result.title == "Kazakhstan: release the leaders of the Alga party"
    assert result.document_number == "16302"
    assert result.declaration_number == 831
    assert len(result.signatories) == 6
    assert result.body.startswith("We, the undersigned, declare the following:")
    assert result.errors == []
    assert result.warnings == []


def test_navigation_above_a_web_page_that_prints_the_reference_first():
    page = NAVIGATION + (
        "Written declaration No. 831 | Doc. 16302 | 2 October 2025\n"
        "Kazakhstan: release the leaders of the Alga party\n"
        "Signatories: Mr Jan KOWALSKI, Poland, EPP/CD ; Ms Anna De VRIES, Netherlands, SOC\n"
        "We call on the authorities of Kazakhstan to release them.\n"
    )
    result = parse_declaration(page)
    assert result.title == "Kazakhstan: release the leaders of the Alga party"
    assert (result.document_number, result.declaration_number) == ("16302", 831)
    assert result.body == "We call on the authorities of Kazakhstan to release them."


def test_navigation_pasted_without_blank_lines_never_joins_the_title():
    page = (
        "Print\nDownload\nSee related documents\n"
        "Kazakhstan: release the leaders of the Alga party\n"
        "Written declaration No. 831 | Doc. 16302 | 2 October 2025\n"
        "Signatories: Mr Jan KOWALSKI, Poland, EPP/CD ; Ms Anna De VRIES, Netherlands, SOC\n"
        "We call on the authorities of Kazakhstan to release them.\n"
    )
    assert parse_declaration(page).title == "Kazakhstan: release the leaders of the Alga party"


def test_navigation_above_a_document_keeps_its_own_reference():
    result = parse_declaration(NAVIGATION + seed(SEED_804))
    assert result.title.startswith("Kazakhstan: systematic violations of human rights")
    assert result.document_number == "16113"
    assert result.date == datetime.date(2025, 4, 23)
    assert len(result.signatories) == 21
    assert result.warnings == []


def test_a_related_document_just_above_the_title_does_not_replace_the_reference():
    page = "Doc. 15975\n" + WEB_PAGE
    result = parse_declaration(page)
    assert result.title == "Kazakhstan: release the leaders of the Alga party"
    assert result.document_number == "16302"


@pytest.mark.parametrize(
    "line",
    [
        "Print",
        "Français",
        "Қазақша",
        "Русский",
        "Українська",
        "EN | FR",
        "Home > Documents > Doc. 16302",
        "Home › Written declarations › Kazakhstan: release the leaders",
        "⎙ Print",
        "Back to top",
    ],
)
def test_a_navigation_line_is_split_off_the_title(line):
    page = (
        f"{line}\n"
        "Kazakhstan: release the leaders of the Alga party\n"
        "Written declaration No. 831 | Doc. 16302 | 2 October 2025\n"
        "Signatories: Mr Jan KOWALSKI, Poland, EPP/CD ; Ms Anna De VRIES, Netherlands, SOC\n"
        "We call on the authorities of Kazakhstan to release them.\n"
    )
    assert parse_declaration(page).title == "Kazakhstan: release the leaders of the Alga party"


def test_a_short_title_is_not_taken_for_navigation():
    page = WEB_PAGE.replace("Kazakhstan: release the leaders of the Alga party", "Free them all")
    assert parse_declaration(NAVIGATION + page).title == "Free them all"


def test_a_title_after_the_reference_wins_over_an_unknown_line_above_it():
    page = (
        "Manage cookie preferences\n\n"
        "Written declaration No. 831 | Doc. 16302 | 2 October 2025\n"
        "Kazakhstan: release the leaders of the Alga party\n"
        "Signatories: Mr Jan KOWALSKI, Poland, EPP/CD ; Ms Anna De VRIES, Netherlands, SOC\n"
        "We call on the authorities of Kazakhstan to release them.\n"
    )
    assert parse_declaration(page).title == "Kazakhstan: release the leaders of the Alga party"
