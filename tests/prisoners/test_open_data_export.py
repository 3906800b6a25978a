"""The public export: every public fact, as codes and absolute links, the same in every
language, its columns documented on the page, and nothing that is not public."""

import csv
import io
import json

import pytest
from django.core.cache import cache

from prisoners.exports import HEADERS
from prisoners.models import Prisoner
from tests.budgets import page_queries
from tests.factories import (
    AlternativeNameFactory,
    ArticleFactory,
    CaseFactory,
    PrisonerFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def aigul():
    prisoner = PrisonerFactory(
        slug="aigul-utepova",
        given_name="Aigul",
        family_name="Utepova",
        given_name_cyrillic="Айгуль",
        family_name_cyrillic="Утепова",
        status=Prisoner.Status.CONVICTED,
        citizenship="KZ",
        case=CaseFactory(title="January case", slug="january-case"),
        charges=[ArticleFactory(number="405", title="extremism")],
        place_of_detention="Penal colony UG-157/11, Zhaugashty",
        letters_accepted=True,
        letters_address="UG-157/11, Zhaugashty, Kazakhstan",
        summary_en="A journalist.",
        summary_ru="Журналистка.",
    )
    AlternativeNameFactory(prisoner=prisoner, name="Aigul Utepowa")
    SourceFactory(prisoner=prisoner, url="https://news.example.org/1", title="News")
    return prisoner


def rows(client, path="/prisoners/export.csv"):
    cache.clear()  # each language's file built afresh, not served from the page cache
    response = client.get(path, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 200
    if path.endswith(".json"):
        return json.loads(response.content)
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_every_public_fact_as_codes_and_absolute_links(client, aigul):
    [row] = rows(client)
    assert list(row) == HEADERS
    assert row["status"] == "convicted" and row["citizenship"] == "KZ"
    assert row["case"] == "january-case" and row["case_title"] == "January case"
    assert row["charges"] == "405"
    assert row["name_cyrillic"] == "Айгуль Утепова"
    assert row["alternative_names"] == "Aigul Utepowa"
    assert row["place_of_detention"] == "Penal colony UG-157/11, Zhaugashty"
    assert row["letters_address"] == "UG-157/11, Zhaugashty, Kazakhstan"
    assert (row["summary_en"], row["summary_ru"], row["summary_kk"]) == (
        "A journalist.",
        "Журналистка.",
        "",
    )
    assert row["sources"].startswith("https://news.example.org/1 | News | ")
    assert row["profile"] == "http://testserver/prisoners/aigul-utepova/"


def test_the_file_is_the_same_in_every_language(client, aigul):
    english = rows(client, "/prisoners/export.json")
    assert rows(client, "/ru/prisoners/export.json") == english
    assert rows(client, "/kk/prisoners/export.json") == english
    assert english[0]["profile"] == "http://testserver/prisoners/aigul-utepova/"


def test_a_letters_address_is_given_only_while_letters_are_accepted(client, aigul):
    aigul.letters_accepted = False
    aigul.save()
    [row] = rows(client)
    assert row["letters_address"] == ""


def test_nothing_unpublished_is_exported(client, aigul):
    PrisonerFactory(slug="draft-person", publication=Prisoner.Publication.DRAFT)
    assert [row["slug"] for row in rows(client)] == ["aigul-utepova"]


def test_the_columns_are_documented_on_the_list_page(client, aigul):
    page = client.get("/ru/prisoners/").content.decode()
    assert "Что содержит файл" in page
    for column in HEADERS:
        assert f"<code>{column}</code>" in page


def test_the_export_reads_a_fixed_number_of_queries(client):
    for _n in range(3):
        PrisonerFactory(charges=[ArticleFactory()])
    few = page_queries(client, "/prisoners/export.json")
    for _n in range(30):
        prisoner = PrisonerFactory(charges=[ArticleFactory()])
        AlternativeNameFactory(prisoner=prisoner)
        SourceFactory(prisoner=prisoner)
    assert page_queries(client, "/prisoners/export.json") == few
