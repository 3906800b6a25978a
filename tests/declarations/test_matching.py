"""Name keys against the spellings found in the seed documents."""

from pathlib import Path

import pytest

from declarations.pace.matching import find_mentions, fold, person_key, transliteration_key
from declarations.pace.parsing import parse_declaration

SEEDS = Path("/work/shared/seeds")

PRISONERS = [
    ("zhylanbayev", ["Marat Zhylanbayev", "Marat Zhylanbaev"]),
    ("sembay", ["Askar Sembay"]),
    ("suyubaev", ["Asanali Suyubaev", "Asanali Suyubayev"]),
    ("mendygaziyev", ["Bekizhan Mendygaziyev"]),
    ("aidar", ["Aidar Syzdykov"]),
    ("fazylzhan", ["Fazylzhan Syzdykov"]),
    ("ensebek", ["Temirlan Ensebek"]),
    ("danebayev", ["Timur Danebayev"]),
    ("mukhametkarim", ["Duman Mukhametkarim"]),
    ("adilbekov", ["Daniyar Adilbekov"]),
]


def test_fold_ignores_accents_case_and_spacing():
    assert fold("  ÇELENK   ÖZEN ") == "celenk ozen"
    assert fold("STARÎȘ") == fold("Staris")


@pytest.mark.parametrize(
    ("document", "web"),
    [
        (("SCHWABE", "Frank"), ("SCHWABE", "Frank")),
        (("ÇELENK ÖZEN", "Sevilay"), ("Celenk Ozen", "Sevilay")),
        (("LICHERI", "Ettore Antonio"), ("LICHERI", "Ettore")),
        (("De SUTTER", "Petra"), ("De SUTTER", "Petra")),
        (("STAMBACH-TERRENOIR", "Anne"), ("STAMBACH TERRENOIR", "Anne")),
    ],
)
def test_person_key_matches_across_layouts(document, web):
    assert person_key(*document) == person_key(*web)


def test_person_key_shape():
    assert person_key("SCHWABE", "Frank") == "schwabe|frank"
    assert person_key("SCHWABE", "Frank") != person_key("SCHWABE", "Petra")


@pytest.mark.parametrize(
    "variants",
    [
        ("Zhylanbaev", "Zhylanbayev"),
        ("Sembai", "Sembay"),
        ("Mendygazyev", "Mendygaziyev", "Mendygaziev"),
        ("Suyubaev", "Suyubayev"),
        ("Yensebek", "Ensebek"),
        ("Danebayev", "Danebaev"),
        ("Akhmetkaliyev", "Ahmetkaliyev"),
    ],
)
def test_transliteration_variants_share_a_key(variants):
    assert len({transliteration_key(variant) for variant in variants}) == 1


@pytest.mark.parametrize(("one", "other"), [("Aidar", "Fazylzhan"), ("Bekizhan", "Barlyk")])
def test_different_names_keep_different_keys(one, other):
    assert transliteration_key(one) != transliteration_key(other)


def test_ye_is_dropped_only_at_the_start_of_a_word():
    assert transliteration_key("Yerimbetov") == transliteration_key("Erimbetov")
    assert transliteration_key("Beyen") != transliteration_key("Been")


def test_finds_the_prisoners_named_in_declaration_804():
    body = parse_declaration((SEEDS / "000_967d7acdab5ed506.txt").read_text()).body
    assert find_mentions(body, PRISONERS) == [
        "adilbekov",
        "mukhametkarim",
        "zhylanbayev",
        "sembay",
        "aidar",
        "suyubaev",
        "danebayev",
        "mendygaziyev",
    ]


def test_finds_a_differently_transliterated_name():
    assert find_mentions("Temirlan Yensebek was detained.", PRISONERS) == ["ensebek"]


def test_family_name_first_also_counts():
    assert find_mentions("The case of SYZDYKOV Aidar.", PRISONERS) == ["aidar"]


def test_a_shared_family_name_or_other_people_never_match():
    text = "Mukhtar Ablyazov, Lyudmyla Kozlovska and Barlyk Mendygazyev spoke about Syzdykov."
    assert find_mentions(text, PRISONERS) == []


def test_each_person_once_in_order_of_first_mention():
    text = "Timur Danebayev and Marat Zhylanbaev; later Timur Danebaev again."
    people = [*PRISONERS, ("danebayev", ["Timur Danebaev"])]
    assert find_mentions(text, people) == ["danebayev", "zhylanbayev"]


def test_a_bare_string_of_names_is_one_spelling():
    assert find_mentions("Askar Sembai", [(1, "Askar Sembay")]) == [1]


# Close spellings: pg_trgm's similarity, word by word, both names

from declarations.pace.matching import (  # noqa: E402
    CLOSE_SPELLING,
    close_person,
    find_mention_details,
    similarity,
)


def test_similarity_is_pg_trgms():
    # pg_trgm: "word" has {"  w", " wo", "wor", "ord", "rd "}; "words" adds "rds", "ds ".
    assert similarity("word", "words") == pytest.approx(4 / 7)
    assert similarity("Word", "word") == 1.0
    assert similarity("", "word") == 0.0


@pytest.mark.parametrize(
    ("one", "other", "close"),
    [
        # One letter changed, doubled or dropped in a long name: the same person.
        ("Mukhametkarimov", "Mukhamedkarimov", True),
        ("Mukhametkarim", "Mukhamedkarim", True),
        ("SCHWABE", "SCHWABBE", True),
        ("Kudaibergenov", "Kudaibergenv", True),
        # Short names one letter apart are other names (0.5 and below): 0.6 keeps them apart,
        # where pg_trgm's 0.3 for search, or 0.5, would not.
        ("Frank", "Franz", False),
        ("Maria", "Marie", False),
        ("Marat", "Murat", False),
        ("Aidar", "Aidos", False),
        ("Aidar", "Fazylzhan", False),
    ],
)
def test_which_spellings_are_close(one, other, close):
    key = transliteration_key
    assert (similarity(key(one), key(other)) >= CLOSE_SPELLING) is close


def test_a_transliteration_variant_is_exact_not_close():
    [mention] = find_mention_details("Daniyar Adylbekov was sentenced.", PRISONERS)
    assert (mention.person, mention.exact) == ("adilbekov", True)


def test_a_close_misspelling_is_found_and_marked():
    [mention] = find_mention_details("Journalist Duman Mukhamedkarim was sentenced.", PRISONERS)
    assert mention.person == "mukhametkarim"
    assert mention.exact is False
    assert mention.spelled == "Duman Mukhamedkarim"


def test_exact_mentions_rank_above_close_ones():
    text = "Duman Mukhamedkarim, then Marat Zhylanbaev."
    assert find_mentions(text, PRISONERS) == ["zhylanbayev", "mukhametkarim"]


def test_a_misspelled_family_name_alone_never_links():
    text = "Fazylzhan Syzdykof was sentenced; so was Aidar Syzdykof."
    details = find_mention_details(text, PRISONERS)
    assert [(m.person, m.spelled) for m in details] == [
        ("fazylzhan", "Fazylzhan Syzdykof"),
        ("aidar", "Aidar Syzdykof"),
    ]
    assert find_mentions("Fazylzhan Syzdykof was sentenced.", PRISONERS) == ["fazylzhan"]
    assert find_mentions("Mr Syzdykof and Bekzhan Mendygaziyevv spoke.", PRISONERS) == []


def test_words_an_exact_mention_took_are_not_read_as_someone_elses_misspelling():
    people = [("brother", ["Marat Zhylanbaev"]), ("sister", ["Marat Zhylanbaeva"])]
    assert find_mentions("We call for the release of Marat Zhylanbaev.", people) == ["brother"]


@pytest.mark.parametrize(
    ("printed", "known", "close"),
    [
        (("SCHWABBE", "Frank"), ("SCHWABE", "Frank"), True),
        (("ÇELENK ÖZEN", "Sevillay"), ("ÇELENK ÖZEN", "Sevilay"), True),
        (("STAMBACH TERENOIR", "Anne"), ("STAMBACH-TERRENOIR", "Anne"), True),
        (("SCHWABE", "Franz"), ("SCHWABE", "Frank"), False),
        (("SCHWABE", "Petra"), ("SCHWABE", "Frank"), False),
        (("BAYR", "Frank"), ("SCHWABE", "Frank"), False),
        (("ÇELENK", "Sevilay"), ("ÇELENK ÖZEN", "Sevilay"), False),
    ],
)
def test_close_parliamentarians_need_surname_and_given_name_close(printed, known, close):
    assert close_person(*printed, *known) is close
