"""Profiles and cases in English, Russian and Kazakh: a missing translation shows the text
that exists, marked with its own lang and a note in small print; staff write the languages
side by side; the spreadsheet has a column a language."""

import pytest
from django.urls import reverse
from django.utils import translation

from prisoners.models import Prisoner
from prisoners.resources import PrisonerResource
from prisoners.services import prisoners_import
from tests.factories import CaseFactory, PrisonerFactory, SourceFactory, TimelineEventFactory

pytestmark = pytest.mark.django_db

NOTE_RU = "Пока не переведено на русский язык."
NOTE_KK = "Әлі қазақ тіліне аударылмаған."


def page(client, prisoner, language):
    prefix = "" if language == "en" else f"/{language}"
    response = client.get(f"{prefix}/prisoners/{prisoner.slug}/")
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_an_english_summary_on_a_russian_page_is_marked_english(client):
    prisoner = PrisonerFactory(summary_en="Jailed for a post.", story_en="He wrote a post.")
    html = page(client, prisoner, "ru")
    assert '<div lang="en"><p>Jailed for a post.</p></div>' in html
    assert '<div lang="en"><p>He wrote a post.</p></div>' in html
    assert f'<p class="untranslated"><small>{NOTE_RU}</small></p>' in html


def test_a_russian_summary_on_a_russian_page_has_no_mark_nor_note(client):
    prisoner = PrisonerFactory(
        summary_en="Jailed for a post.",
        summary_ru="Осуждён за пост.",
        story_en="",
    )
    html = page(client, prisoner, "ru")
    assert '<div class="summary"><p>Осуждён за пост.</p></div>' in html
    assert "Jailed for a post." not in html.split("<body")[1]
    assert '<div lang="en">' not in html
    assert NOTE_RU not in html


def test_a_kazakh_page_falls_back_to_russian_before_english(client):
    prisoner = PrisonerFactory(summary_en="Jailed for a post.", summary_ru="Осуждён за пост.")
    html = page(client, prisoner, "kk")
    assert '<div lang="ru"><p>Осуждён за пост.</p></div>' in html
    assert NOTE_KK in html


def test_english_pages_show_english_unmarked(client):
    prisoner = PrisonerFactory(summary_en="Jailed for a post.", summary_ru="Осуждён за пост.")
    html = page(client, prisoner, "en")
    assert '<div class="summary"><p>Jailed for a post.</p></div>' in html
    assert "Not yet translated" not in html


def test_untranslated_events_and_case_title_are_marked_and_noted_once(client):
    case = CaseFactory(title_en="January events", title_ru="Январские события")
    prisoner = PrisonerFactory(case=case, summary_ru="Осуждён.")
    source = SourceFactory(prisoner=prisoner)
    TimelineEventFactory(prisoner=prisoner, source=source, description_en="Detained at home")
    TimelineEventFactory(
        prisoner=prisoner,
        source=source,
        kind="convicted",
        description_en="Sentenced",
        description_ru="Осуждён",
    )
    html = page(client, prisoner, "ru")
    assert '<span lang="en">Detained at home</span>' in html
    assert ": Осуждён <span" in html  # the translated one unmarked
    assert html.count(NOTE_RU) == 1  # one note for the timeline
    assert ">Январские события</a>" in html


def test_a_case_title_in_english_on_a_russian_page_gets_its_lang_in_the_heading(client):
    case = CaseFactory(title_en="January events", summary_en="After the protests.")
    PrisonerFactory(case=case)
    with translation.override("ru"):
        response = client.get(reverse("prisoners:case", kwargs={"slug": case.slug}))
    html = " ".join(response.content.decode().split())
    assert '<h1><span lang="en">January events</span></h1>' in html
    assert "<title>January events" in html
    assert '<div lang="en"><p>After the protests.</p></div>' in html


# The admin ------------------------------------------------------------------------------


def test_the_admin_shows_the_languages_side_by_side_and_saves_them(admin_client):
    prisoner = PrisonerFactory(summary_en="Jailed.")
    url = reverse("admin:prisoners_prisoner_change", args=[prisoner.pk])
    html = admin_client.get(url).content.decode()
    # One row of the fieldset holds the three languages.
    assert "field-summary_en field-summary_ru field-summary_kk" in html
    assert "field-story_en field-story_ru field-story_kk" in html
    data = {
        "given_name": prisoner.given_name,
        "family_name": prisoner.family_name,
        "slug": prisoner.slug,
        "status": prisoner.status,
        "summary_en": "Jailed for a post.",
        "summary_ru": "Осуждён за пост.",
        "summary_kk": "Жазбасы үшін сотталды.",
        "story_ru": "История.",
        "sentence_months": 0,
        "publication": prisoner.publication,
    }
    for prefix in ("alternative_names", "sources", "events"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    prisoner.refresh_from_db()
    assert (prisoner.summary_en, prisoner.summary_ru, prisoner.summary_kk) == (
        "Jailed for a post.",
        "Осуждён за пост.",
        "Жазбасы үшін сотталды.",
    )
    assert prisoner.story_ru == "История."


def test_the_admin_event_inline_has_a_description_a_language(admin_client):
    prisoner = PrisonerFactory()
    TimelineEventFactory(prisoner=prisoner, source=SourceFactory(prisoner=prisoner))
    url = reverse("admin:prisoners_prisoner_change", args=[prisoner.pk])
    html = admin_client.get(url).content.decode()
    for language in ("en", "ru", "kk"):
        assert f'name="events-0-description_{language}"' in html


def test_two_cases_may_both_lack_a_kazakh_title_in_the_admin(admin_client):
    # Titles are unique in each language; an untranslated one is NULL, not "".
    for title in ("First", "Second"):
        response = admin_client.post(
            reverse("admin:prisoners_case_add"),
            {"title_en": title, "title_ru": "", "title_kk": "", "slug": title.lower()},
        )
        assert response.status_code == 302, response.content.decode()[:3000]


# The spreadsheet ------------------------------------------------------------------------

HEADER = "slug,given_name,family_name,status,summary_en,summary_ru,summary_kk,story_en,story_ru"


def write(tmp_path, text):
    path = tmp_path / "prisoners.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_and_export_carry_a_column_a_language(tmp_path):
    row = "anna-test,Anna,Test,convicted,An activist.,Активистка.,,Her story.,"
    result = prisoners_import(path=write(tmp_path, f"{HEADER}\n{row}\n"))
    assert not result.has_errors() and not result.has_validation_errors()
    anna = Prisoner.objects.get(slug="anna-test")
    assert (anna.summary_en, anna.summary_ru, anna.summary_kk) == (
        "An activist.",
        "Активистка.",
        "",
    )
    assert (anna.story_en, anna.story_ru) == ("Her story.", "")

    exported = PrisonerResource().export()
    for column in ("summary_en", "summary_ru", "summary_kk", "story_en", "story_ru", "story_kk"):
        assert column in exported.headers
    assert "summary" not in exported.headers
    assert exported.dict[0]["summary_ru"] == "Активистка."

    # Exported, then imported again: nothing changes.
    path = tmp_path / "again.csv"
    path.write_text(exported.export("csv"), encoding="utf-8")
    again = prisoners_import(path=path)
    assert not again.has_errors() and not again.has_validation_errors()
    assert again.totals["skip"] == 1


def test_an_old_file_with_one_summary_column_is_read_as_english(tmp_path):
    text = (
        "slug,given_name,family_name,status,summary,story\n"
        "anna-test,Anna,Test,convicted,An activist.,Story.\n"
    )
    result = prisoners_import(path=write(tmp_path, text))
    assert not result.has_errors() and not result.has_validation_errors()
    anna = Prisoner.objects.get(slug="anna-test")
    assert (anna.summary_en, anna.summary_ru, anna.story_en) == ("An activist.", None, "Story.")


def test_an_import_in_a_russian_admin_still_reads_the_single_language_cells_as_english(
    tmp_path,
):
    text = (
        "slug,given_name,family_name,status,case,summary_en,sources,events\n"
        "anna-test,Anna,Test,convicted,January events,An activist.,"
        '"https://n.example.org/1 | News | ",'
        '"2023-05-01 | detained | Detained at home | https://n.example.org/1"\n'
    )
    with translation.override("ru"):
        result = prisoners_import(path=write(tmp_path, text))
    assert not result.has_errors() and not result.has_validation_errors()
    anna = Prisoner.objects.get(slug="anna-test")
    assert anna.case.title_en == "January events" and anna.case.title_ru is None
    event = anna.events.get()
    assert (event.description_en, event.description_ru) == ("Detained at home", None)


EVENT_HEADER = "slug,given_name,family_name,status,summary_en,sources,events,events_ru,events_kk"
SOURCE = '"https://n.example.org/1 | News | "'
EVENTS = (
    '"2023-05-01 | detained | Detained at home | https://n.example.org/1\n'
    '2024-02 | convicted | Sentenced to five years | https://n.example.org/1"'
)


def event_row(events_ru, events_kk=""):
    return f"anna-test,Anna,Test,convicted,An activist.,{SOURCE},{EVENTS},{events_ru},{events_kk}"


def test_event_descriptions_have_a_column_a_language(tmp_path):
    """A new profile (written in bulk) and an existing one (updated) both take the
    translations; an export carries them and imports again unchanged."""
    ru = '"2023-05-01 | detained | Задержана дома\n2024-02 | convicted | Приговорена к пяти годам"'
    kk = '"2023-05-01 | detained | Үйінде ұсталды"'
    result = prisoners_import(path=write(tmp_path, f"{EVENT_HEADER}\n{event_row(ru, kk)}\n"))
    assert not result.has_errors() and not result.has_validation_errors()
    anna = Prisoner.objects.get(slug="anna-test")
    detained, convicted = anna.events.order_by("date")
    assert (detained.description_en, detained.description_ru, detained.description_kk) == (
        "Detained at home",
        "Задержана дома",
        "Үйінде ұсталды",
    )
    assert (convicted.description_ru, convicted.description_kk) == (
        "Приговорена к пяти годам",
        None,
    )

    exported = PrisonerResource().export()
    assert exported.dict[0]["events_kk"] == "2023-05-01 | detained | Үйінде ұсталды"
    assert "2024-02 | convicted | Приговорена к пяти годам" in exported.dict[0]["events_ru"]
    path = tmp_path / "again.csv"
    path.write_text(exported.export("csv"), encoding="utf-8")
    again = prisoners_import(path=path)
    assert not again.has_errors() and not again.has_validation_errors()
    assert again.totals["skip"] == 1

    # The existing profile's Russian column changes: one event loses its translation.
    changed = '"2023-05-01 | detained | Задержана у себя дома"'
    result = prisoners_import(path=write(tmp_path, f"{EVENT_HEADER}\n{event_row(changed, kk)}\n"))
    assert not result.has_errors() and not result.has_validation_errors()
    detained, convicted = anna.events.order_by("date")
    assert detained.description_ru == "Задержана у себя дома"
    assert convicted.description_ru in ("", None)
    assert detained.description_kk == "Үйінде ұсталды"


def test_a_file_without_a_language_column_leaves_those_translations_be(tmp_path):
    ru = '"2023-05-01 | detained | Задержана дома"'
    prisoners_import(path=write(tmp_path, f"{EVENT_HEADER}\n{event_row(ru)}\n"))
    header = "slug,given_name,family_name,status,summary_en,sources,events"
    row = f"anna-test,Anna,Test,convicted,An activist.,{SOURCE},{EVENTS}"
    result = prisoners_import(path=write(tmp_path, f"{header}\n{row}\n"))
    assert not result.has_errors() and not result.has_validation_errors()
    event = Prisoner.objects.get(slug="anna-test").events.get(kind="detained")
    assert event.description_ru == "Задержана дома"


def test_a_translation_of_an_event_the_row_lacks_is_refused_by_its_column(tmp_path):
    ru = '"2023-05-02 | detained | Задержана дома"'
    result = prisoners_import(path=write(tmp_path, f"{EVENT_HEADER}\n{event_row(ru)}\n"))
    assert result.has_validation_errors()
    errors = result.invalid_rows[0].field_specific_errors
    assert "2023-05-02 (detained) translates no event" in errors["events_ru"][0]
    assert not Prisoner.objects.filter(slug="anna-test").exists()


def test_a_russian_event_description_shows_on_the_russian_timeline(client):
    prisoner = PrisonerFactory()
    TimelineEventFactory(
        prisoner=prisoner, description_en="Detained at home", description_ru="Задержан дома"
    )
    html = client.get(f"/ru{prisoner.get_absolute_url()}").content.decode()
    assert "Задержан дома" in html and "Detained at home" not in html
