"""Kazakh, the third interface language: its pages at /kk/, a catalogue as complete as the
Russian one, dates as each language writes them, and emails in the supporter's language."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from outbox import tasks as outbox_tasks
from prisoners.models import TimelineEvent
from supporters.models import Supporter
from tests.factories import PetitionFactory, PrisonerFactory, TimelineEventFactory

ROOT = Path(settings.BASE_DIR)
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
# What a translation must carry over unchanged: %(name)s and %s placeholders, a literal
# %%, and HTML tags with their attributes.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd%]|<[^>]*>")
UNESCAPE = {'\\"': '"', "\\\\": "\\", "\\n": "\n", "\\t": "\t"}


def catalogue(language):
    """{(msgctxt, msgid): {"plural": msgid_plural, "strings": [msgstr...], "fuzzy": bool}}
    of the live entries of a language's .po file, read without polib."""
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, current = {}, None
        fuzzy = False
        for line in block.strip().splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if line.startswith("#"):
                continue
            keyword, _space, rest = line.partition(" ")
            if line.startswith('"'):
                rest = line
            else:
                current = keyword
            text = rest.strip()[1:-1]
            text = re.sub(r'\\["\\nt]', lambda m: UNESCAPE[m.group()], text)
            fields[current] = fields.get(current, "") + text
        if fields.get("msgid"):
            strings = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            entries[fields.get("msgctxt"), fields["msgid"]] = {
                "plural": fields.get("msgid_plural"),
                "strings": strings,
                "fuzzy": fuzzy,
            }
    return entries


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def test_kazakh_has_every_string_the_russian_catalogue_has():
    kazakh = catalogue("kk")
    missing = [
        msgid
        for context, msgid in catalogue("ru")
        if (entry := kazakh.get((context, msgid))) is None
        or entry["fuzzy"]
        or not all(entry["strings"])
    ]
    assert not missing
    # Two forms, as Django's own Kazakh catalogue has (nplurals=2).
    assert {len(e["strings"]) for e in kazakh.values() if e["plural"]} == {2}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_keeps_its_placeholders_and_tags(language):
    wrong = []
    for (_context, msgid), entry in catalogue(language).items():
        expected = placeholders(entry["plural"] or msgid)
        wrong += [(msgid, s) for s in entry["strings"] if placeholders(s) != expected]
    assert not wrong


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/kk/prisoners/", "/kk/cases/", "/kk/campaigns/", "/kk/declarations/", "profile"]
)
def test_kazakh_pages_are_served_in_kazakh(client, path):
    prisoner = PrisonerFactory()
    if path == "profile":
        path = f"/kk{prisoner.get_absolute_url()}"
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Language"] == "kk"
    html = response.content.decode()
    assert '<html lang="kk">' in html
    assert "Мазмұнға өту" in html  # "Skip to content", from the Kazakh catalogue


@pytest.mark.django_db
def test_kazakh_home_leads_to_the_kazakh_prisoner_list(client):
    response = client.get("/kk/")
    assert response.status_code == 302 and response["Location"] == "/kk/prisoners/"


@pytest.mark.django_db
def test_the_switcher_offers_kazakh_by_its_own_name(client):
    html = client.get("/prisoners/").content.decode()
    assert '<a href="/kk/prisoners/" lang="kk" hreflang="kk">Қазақша</a>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "day", "month"),
    [
        ("", "29 November 2023", "March 2021"),
        ("/ru", "29 ноября 2023", "Март 2021"),
        ("/kk", "2023 жылғы 29 қараша", "2021 жылғы наурыз"),
    ],
)
def test_dates_read_as_each_language_writes_them(client, prefix, day, month):
    prisoner = PrisonerFactory(detained_on=datetime.date(2023, 11, 29))
    TimelineEventFactory(
        prisoner=prisoner,
        date=datetime.date(2021, 3, 1),
        date_precision=TimelineEvent.Precision.MONTH,
        kind=TimelineEvent.Kind.CHARGED,
    )
    html = client.get(f"{prefix}{prisoner.get_absolute_url()}").content.decode()
    assert f'<time datetime="2023-11-29">{day}</time>' in html
    assert f'<time datetime="2021-03">{month}</time>' in html


@pytest.mark.django_db
def test_emails_go_out_in_kazakh_to_a_supporter_who_signed_in_kazakh(client):
    petition = PetitionFactory()
    form = {"name": "Айгүл", "email": "aigul@example.org", "country": "KZ"}
    response = client.post(f"/kk{petition.get_absolute_url()}", form, REMOTE_ADDR="192.0.2.78")
    assert response.status_code == 302
    assert Supporter.objects.get().language == "kk"
    outbox_tasks.send_due_emails()
    [message] = mail.outbox
    assert message.subject == f"Қолтаңбаңызды растаңыз: {petition.title}"
    assert message.body.startswith("Сәлеметсіз бе, Айгүл!")
    assert "Қолтаңбамды растау" in message.alternatives[0][0]
