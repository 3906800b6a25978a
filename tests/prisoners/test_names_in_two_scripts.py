"""A name in Latin and in Cyrillic: each page shows the script of its language and gives
the other as "also written"; staff enter both, and search finds either."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from core.names import name_key
from prisoners.models import Prisoner
from prisoners.resources import PrisonerResource
from prisoners.search import search
from prisoners.services import prisoners_import
from tests.factories import PrisonerFactory, prisoner_change_form

pytestmark = pytest.mark.django_db

ALSO_WRITTEN = {"en": "Also written", "ru": "Латиницей", "kk": "Латын әрпімен"}


@pytest.fixture
def marat():
    return PrisonerFactory(
        slug="marat-zhylanbayev",
        given_name="Marat",
        family_name="Zhylanbayev",
        given_name_cyrillic="Марат",
        family_name_cyrillic="Жыланбаев",
        letters_accepted=True,
    )


def profile(client, prisoner, language):
    prefix = "" if language == "en" else f"/{language}"
    response = client.get(f"{prefix}/prisoners/{prisoner.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def title(html):
    return re.search(r"<title>(.*?) · ", html).group(1)


def og_title(html):
    return re.search(r'<meta property="og:title" content="([^"]*)">', html).group(1)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_russian_and_kazakh_pages_show_the_cyrillic_name(client, marat, language):
    html = profile(client, marat, language)
    assertInHTML("<h1>Марат Жыланбаев</h1>", html)
    assertInHTML(
        f'<p class="also">{ALSO_WRITTEN[language]}: <span lang="en">Marat Zhylanbayev</span></p>',
        html,
    )
    assert title(html) == og_title(html) == "Марат Жыланбаев"
    assert re.search(r"/marat-zhylanbayev/\">[^<]*: Марат</a>", html)  # the solidarity message


def test_english_pages_show_the_latin_name(client, marat):
    html = profile(client, marat, "en")
    assertInHTML("<h1>Marat Zhylanbayev</h1>", html)
    assertInHTML('<p class="also">Also written: <span lang="ru">Марат Жыланбаев</span></p>', html)
    assert title(html) == og_title(html) == "Marat Zhylanbayev"
    assert "Send Marat a message of solidarity" in html


def test_a_name_with_kazakh_letters_is_marked_kazakh_outside_kazakh_pages(client):
    askar = PrisonerFactory(
        given_name="Askar",
        family_name="Test",
        given_name_cyrillic="Асқар",
        family_name_cyrillic="Тест",
    )
    assertInHTML('<span lang="kk">Асқар Тест</span>', profile(client, askar, "en"))
    assertInHTML('<h1 lang="kk">Асқар Тест</h1>', profile(client, askar, "ru"))
    assertInHTML("<h1>Асқар Тест</h1>", profile(client, askar, "kk"))


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_without_a_cyrillic_name_every_language_shows_the_latin_one(client, language):
    prisoner = PrisonerFactory(given_name="Sagyngkul", family_name="Konar")
    html = profile(client, prisoner, language)
    assertInHTML(
        "<h1>Sagyngkul Konar</h1>" if language == "en" else '<h1 lang="en">Sagyngkul Konar</h1>',
        html,
    )
    assert ALSO_WRITTEN[language] not in html
    assert title(html) == "Sagyngkul Konar"


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_list_cards_show_the_name_of_the_page_language(client, marat, language):
    prefix = "" if language == "en" else f"/{language}"
    name = "Marat Zhylanbayev" if language == "en" else "Марат Жыланбаев"
    html = client.get(f"{prefix}/prisoners/").content.decode()
    assertInHTML(f'<a href="{prefix}/prisoners/marat-zhylanbayev/">{name}</a>', html)


def test_the_admin_form_has_the_cyrillic_name_under_the_latin_one(staff_client, marat):
    url = reverse("admin:prisoners_prisoner_change", args=[marat.pk])
    html = staff_client.get(url).content.decode()
    latin = html.index("field-given_name field-patronymic field-family_name")
    cyrillic = html.index(
        "field-given_name_cyrillic field-patronymic_cyrillic field-family_name_cyrillic"
    )
    assert latin < cyrillic < html.index("field-slug")

    response = staff_client.post(
        url,
        prisoner_change_form(marat, given_name_cyrillic="Марат", family_name_cyrillic="Жыланбаев"),
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("Zhylanbayev", "“Z”, “h”, “y”, “l”, “a”, “n”, “b”, “e”, “v”"),
        ("Жылaнбaев", "“a”"),  # a Latin "a" looks just like the Cyrillic one
    ],
    ids=["latin", "latin-a-among-cyrillic"],
)
def test_the_admin_refuses_latin_letters_in_the_cyrillic_name(staff_client, marat, typed, named):
    response = staff_client.post(
        reverse("admin:prisoners_prisoner_change", args=[marat.pk]),
        prisoner_change_form(marat, given_name_cyrillic="Марат", family_name_cyrillic=typed),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["family_name_cyrillic"] == [
        f"Write this name in Cyrillic letters. Not Cyrillic: {named}."
    ]
    assert Prisoner.objects.get(pk=marat.pk).family_name_cyrillic == "Жыланбаев"


def test_the_admin_wants_the_whole_cyrillic_name_or_none(staff_client, marat):
    response = staff_client.post(
        reverse("admin:prisoners_prisoner_change", args=[marat.pk]),
        prisoner_change_form(marat, given_name_cyrillic="Марат", family_name_cyrillic=""),
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["family_name_cyrillic"]


def test_the_admin_list_finds_the_cyrillic_name(staff_client, marat):
    PrisonerFactory(given_name="Other", family_name="Person")
    response = staff_client.get(reverse("admin:prisoners_prisoner_changelist"), {"q": "Жыланбаев"})
    assert list(response.context["cl"].result_list) == [marat]


HEADER = (
    "slug,given_name,family_name,given_name_cyrillic,family_name_cyrillic,status,summary,"
    "publication\n"
)


def test_an_import_refuses_latin_letters_in_a_cyrillic_column_by_row_and_column(tmp_path):
    path = tmp_path / "prisoners.csv"
    path.write_text(
        HEADER
        + "marat,Marat,Zhylanbayev,Марат,Жыланбаев,convicted,An activist.,published\n"
        + "aidar,Aidar,Syzdykov,Айдар,Syzdykov,convicted,An activist.,published\n",
        encoding="utf-8",
    )
    result = prisoners_import(path=path)
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert list(invalid.error_dict) == ["family_name_cyrillic"]
    assert "Not Cyrillic: “S”, “y”" in invalid.error_dict["family_name_cyrillic"][0]
    with pytest.raises(CommandError) as error:
        call_command("load_demo", prisoners=str(path))
    assert "Row 2, column 'family_name_cyrillic'" in str(error.value)
    assert not Prisoner.objects.exists()


def test_a_spelling_that_is_the_cyrillic_name_is_not_listed_again(tmp_path):
    path = tmp_path / "prisoners.csv"
    path.write_text(
        "slug,given_name,family_name,given_name_cyrillic,family_name_cyrillic,"
        "alternative_names,status,summary\n"
        "marat,Marat,Zhylanbayev,Марат,Жыланбаев,Марат Жыланбаев; Marat Zhylanbaev,convicted,A.\n",
        encoding="utf-8",
    )
    prisoners_import(path=path)  # a new profile: written in a batch
    marat = Prisoner.objects.get()
    assert [n.name for n in marat.alternative_names.all()] == ["Marat Zhylanbaev"]
    marat.alternative_names.all().delete()
    prisoners_import(path=path)  # an update: the row's spellings are synced
    assert [n.name for n in marat.alternative_names.all()] == ["Marat Zhylanbaev"]


def found(text):
    return sorted(p.full_name for p in search(Prisoner.objects.published(), text))


def test_the_cyrillic_spelling_finds_the_person_as_it_is_written(tmp_path):
    # "Джардемали" transliterates to "Dzhardemali": too far from "Jardemalie" for the
    # Latin name's key, or for PostgreSQL's trigrams, to find it.
    path = tmp_path / "prisoners.csv"
    path.write_text(
        HEADER + "bota,Bota,Jardemalie,Бота,Джардемали,exile,A lawyer.,published\n",
        encoding="utf-8",
    )
    assert not prisoners_import(path=path).has_validation_errors()  # the bulk_create path
    assert found("Джардемали") == ["Bota Jardemalie"]
    assert found("Jardemalie") == ["Bota Jardemalie"]
    bota = Prisoner.objects.get()
    bota.family_name_cyrillic = "Жардемали"
    bota.save()  # the save path
    assert found("Жардемали") == ["Bota Jardemalie"]


def test_a_shared_family_name_does_not_mix_people_up():
    PrisonerFactory(
        given_name="Aidar",
        family_name="Syzdykov",
        given_name_cyrillic="Айдар",
        family_name_cyrillic="Сыздыков",
    )
    PrisonerFactory(
        given_name="Fazylzhan",
        family_name="Syzdykov",
        given_name_cyrillic="Фазылжан",
        family_name_cyrillic="Сыздыков",
    )
    assert found("Aidar Syzdykov") == ["Aidar Syzdykov"]
    assert found("Айдар Сыздыков") == ["Aidar Syzdykov"]
    assert found("Сыздыков") == ["Aidar Syzdykov", "Fazylzhan Syzdykov"]


def test_cyrillic_names_survive_an_export_and_an_import(admin_client, demo_data, tmp_path):
    from django.contrib import admin

    def cyrillic():
        return {p.slug: p.cyrillic_name for p in Prisoner.objects.all()}

    before = cyrillic()
    assert before["marat-zhylanbayev"] == "Марат Жыланбаев"
    formats = [f.__name__ for f in admin.site._registry[Prisoner].get_export_formats()]
    response = admin_client.post(
        reverse("admin:prisoners_prisoner_export"),
        {
            "format": str(formats.index("XLSX")),
            "resource": "0",
            **{f"prisonerresource_{name}": "on" for name in PrisonerResource.Meta.fields},
        },
    )
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    Prisoner.objects.update(given_name_cyrillic="", family_name_cyrillic="")
    result = prisoners_import(path=path)
    assert not result.has_errors() and not result.has_validation_errors()
    assert cyrillic() == before


def test_the_demo_cyrillic_names_spell_the_latin_ones(demo_data):
    """A typo in a Cyrillic name would show it on the Russian and Kazakh pages: each one
    in the demo must transliterate to the Latin name."""
    filled = Prisoner.objects.exclude(family_name_cyrillic="")
    assert filled.count() == 36
    for prisoner in filled:
        assert name_key(prisoner.cyrillic_name) == name_key(prisoner.full_name), prisoner.slug
