"""The public search finds a name in either script and under its common misspellings."""

import pytest
from django.db import connection

from prisoners.models import Prisoner
from prisoners.search import search
from tests.factories import AlternativeNameFactory, PrisonerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    marat = PrisonerFactory(given_name="Marat", family_name="Zhylanbayev")
    AlternativeNameFactory(prisoner=marat, name="Марат Жыланбаев")
    PrisonerFactory(given_name="Daniyar", family_name="Adilbekov")
    PrisonerFactory(given_name="Duman", family_name="Mukhametkarim")
    PrisonerFactory(given_name="Aidar", family_name="Syzdykov")
    PrisonerFactory(given_name="Fazylzhan", family_name="Syzdykov")
    return marat


def found(text):
    return [p.full_name for p in search(Prisoner.objects.published(), text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Жыланбаев", "Marat Zhylanbayev"),
        ("Zhylanbaev", "Marat Zhylanbayev"),
        ("zhylanbayev", "Marat Zhylanbayev"),
        ("Adylbekov", "Daniyar Adilbekov"),
        ("Адилбеков", "Daniyar Adilbekov"),
        ("Mukhametkarimov", None),  # a longer word is not a spelling of the name ...
        ("Мухаметкарим", "Duman Mukhametkarim"),
        ("Mukhametkarim", "Duman Mukhametkarim"),
        ("Muhametkarim", "Duman Mukhametkarim"),
    ],
)
def test_a_name_is_found_in_any_script(people, text, name):
    result = found(text)
    if name is None and connection.vendor != "postgresql":
        assert result == []
    else:
        # ... but on PostgreSQL it is close enough by trigrams to be offered.
        assert result[:1] == [name or "Duman Mukhametkarim"], result


def test_every_word_must_match_the_same_person(people):
    assert found("Aidar Syzdykov") == ["Aidar Syzdykov"]
    assert sorted(found("Syzdykov")) == ["Aidar Syzdykov", "Fazylzhan Syzdykov"]


def test_close_misspellings_on_postgresql_only(people):
    result = found("Zhylanbaeff")
    if connection.vendor == "postgresql":
        assert result[:1] == ["Marat Zhylanbayev"]
    else:
        assert result == []  # SQLite: the keys must match exactly


def test_keys_follow_edits_and_bulk_creation(people):
    people.family_name = "Renamed"
    people.save(update_fields=["family_name"])
    assert found("Renamed") == ["Marat Renamed"]
    assert found("Жыланбаев") == ["Marat Renamed"]  # still through the alternative name
    Prisoner.objects.bulk_create(
        [
            Prisoner(
                given_name="Bulat",
                family_name="Утепов",
                slug="bulat",
                summary="s",
                status="convicted",
                publication="published",
            )
        ]
    )
    assert found("Utepov") == ["Bulat Утепов"]
