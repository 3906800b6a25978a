"""Upcoming dates: birthdays of people in detention and court hearings of the next 30 days,
on a public page, in an iCalendar feed and on the staff's index."""

import datetime
import re

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.roles import CAMPAIGNER, DATA_PROTECTION_OFFICER, EDITOR
from prisoners import upcoming
from prisoners.models import Prisoner, TimelineEvent
from tests.budgets import page_queries
from tests.factories import PrisonerFactory, TimelineEventFactory

pytestmark = pytest.mark.django_db
PAGE = "/dates/"
FEED = "/dates.ics"


def days_from_today(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def born(years_before, day):
    """A date of birth that makes `day` a birthday, `years_before` years on."""
    try:
        return day.replace(year=day.year - years_before)
    except ValueError:  # 29 February, into a year without one
        return datetime.date(day.year - years_before, 3, 1)


def hearing(prisoner, day, **kwargs):
    return TimelineEventFactory(
        prisoner=prisoner, date=day, kind=TimelineEvent.Kind.HEARING, **kwargs
    )


def text_of(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def dates_ahead():
    """A birthday in 3 days (letters accepted), a hearing in 5, and what must not show."""
    in_3, in_5 = days_from_today(3), days_from_today(5)
    aigul = PrisonerFactory(
        given_name="Aigul",
        family_name="Utepova",
        given_name_cyrillic="Айгуль",
        family_name_cyrillic="Утепова",
        date_of_birth=born(41, in_3),
        letters_accepted=True,
        letters_address="UG-157/6, Zhaugashty, Almaty region",
    )
    marat = PrisonerFactory(given_name="Marat", family_name="Zhylanbayev")
    hearing(
        marat,
        in_5,
        description_en="Appeal in the Astana city court, courtroom 4",
        description_ru="",
    )
    # Released, a draft, and dates outside the window or not known to the day.
    PrisonerFactory(
        family_name="Released", status=Prisoner.Status.RELEASED, date_of_birth=born(30, in_3)
    )
    PrisonerFactory(
        family_name="Draft", publication=Prisoner.Publication.DRAFT, date_of_birth=born(30, in_3)
    )
    PrisonerFactory(family_name="Later", date_of_birth=born(30, days_from_today(31)))
    PrisonerFactory(family_name="Past", date_of_birth=born(30, days_from_today(-1)))
    hearing(PrisonerFactory(family_name="Yesterday"), days_from_today(-1))
    hearing(PrisonerFactory(family_name="Farahead"), days_from_today(31))
    hearing(
        PrisonerFactory(family_name="Monthonly"),
        days_from_today(10),
        date_precision=TimelineEvent.Precision.MONTH,
    )
    hearing(
        PrisonerFactory(family_name="Hidden", publication=Prisoner.Publication.DRAFT),
        days_from_today(2),
    )
    return aigul, marat


def test_the_page_lists_birthdays_and_hearings_by_date_with_what_to_do(client, dates_ahead):
    aigul, _marat = dates_ahead
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)

    assert "<h1>Birthdays and court hearings</h1>" in html
    headings = re.findall(r'<h2 id="day-[^"]+"><time datetime="([0-9-]+)">([^<]+)</time>', html)
    in_3, in_5 = days_from_today(3), days_from_today(5)
    assert headings == [
        (in_3.isoformat(), f"{in_3.day} {in_3:%B} {in_3.year}"),
        (in_5.isoformat(), f"{in_5.day} {in_5:%B} {in_5.year}"),
    ]
    # The birthday: the age turned, the card and its address, the message, the share links.
    assert "Birthday: turns 41" in text
    assert f'href="{aigul.get_absolute_url()}#help-heading">Send a birthday card' in html
    assert "UG-157/6, Zhaugashty, Almaty region" in text
    assert reverse("campaigns:message", args=[aigul.slug]) in html
    profile = f"http://testserver{aigul.get_absolute_url()}"
    assert f"https://t.me/share/url?url={profile.replace(':', '%3A').replace('/', '%2F')}" in html
    # The hearing: where it is (its description), and to come.
    assert "Marat Zhylanbayev Court hearing Appeal in the Astana city court, courtroom 4" in text
    assert "Come to the court to show support" in text
    assert text.index("Aigul Utepova") < text.index("Marat Zhylanbayev")
    for absent in ("Released", "Draft", "Later", "Past", "Yesterday", "Farahead", "Monthonly"):
        assert absent not in text, absent
    assert "Hidden" not in text
    # The feed is linked, with how to subscribe.
    assert 'href="webcal://testserver/dates.ics"' in html
    assert 'value="http://testserver/dates.ics"' in html
    assert '<link rel="alternate" type="text/calendar" href="/dates.ics"' in html


def test_no_card_is_offered_without_letters(client):
    PrisonerFactory(family_name="Nolet", date_of_birth=born(50, days_from_today(1)))
    text = text_of(client.get(PAGE))
    assert "Birthday: turns 50" in text
    assert "Send a birthday card" not in text
    assert "No address for letters is known" in text


def test_the_russian_page_shows_russian_dates_cyrillic_names_and_marks_english_text(
    client, dates_ahead
):
    response = client.get("/ru/dates/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Айгуль Утепова" in html
    assert "/ru/prisoners/" in html
    in_3 = days_from_today(3)
    months = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    assert f"{in_3.day} {months.split()[in_3.month - 1]} {in_3.year}</time>" in html
    # The hearing's description has no Russian text yet: the English one, marked as such.
    assert '<span lang="en">Appeal in the Astana city court, courtroom 4</span>' in html
    assert 'href="webcal://testserver/ru/dates.ics"' in html


def test_nothing_ahead_says_so_and_offers_what_to_do_instead(client):
    writer = PrisonerFactory(given_name="Asel", family_name="Writer", letters_accepted=True)
    PrisonerFactory(family_name="Noletters")
    PrisonerFactory(family_name="Freed", status=Prisoner.Status.RELEASED, letters_accepted=True)
    response = client.get(PAGE)
    text = text_of(response)
    assert "No birthdays or court hearings in the next 30 days" in text
    assert f'href="{writer.get_absolute_url()}#help-heading">Asel Writer</a>' in (
        response.content.decode()
    )
    assert "Noletters" not in text and "Freed" not in text
    assert f'href="{reverse("campaigns:list")}"' in response.content.decode()
    assert "Subscribe to the calendar" in text


def test_birthdays_across_the_new_year():
    start = datetime.date(2026, 12, 20)  # the window ends on 19 January 2027
    for family_name, date_of_birth in [
        ("Before", datetime.date(1980, 12, 19)),
        ("December", datetime.date(1980, 12, 25)),
        ("January", datetime.date(1985, 1, 5)),
        ("Last", datetime.date(1990, 1, 19)),
        ("After", datetime.date(1990, 1, 20)),
    ]:
        PrisonerFactory(family_name=family_name, date_of_birth=date_of_birth)
    found = [(i.prisoner.family_name, i.date, i.age) for i in upcoming.upcoming_dates(start=start)]
    assert found == [
        ("December", datetime.date(2026, 12, 25), 46),
        ("January", datetime.date(2027, 1, 5), 42),
        ("Last", datetime.date(2027, 1, 19), 37),
    ]


@pytest.mark.parametrize(
    "start, expected",
    [
        # A year without 29 February: the birthday is kept on the 28th.
        (datetime.date(2027, 2, 10), [(datetime.date(2027, 2, 28), 35)]),
        (datetime.date(2027, 1, 29), [(datetime.date(2027, 2, 28), 35)]),  # ends on the 28th
        (datetime.date(2027, 2, 28), [(datetime.date(2027, 2, 28), 35)]),
        (datetime.date(2027, 3, 1), []),
        # A leap year: on the 29th itself, not the day before.
        (datetime.date(2028, 1, 30), [(datetime.date(2028, 2, 29), 36)]),
        (datetime.date(2028, 1, 29), []),  # ends on the 28th
    ],
)
def test_a_birthday_on_29_february(start, expected):
    PrisonerFactory(date_of_birth=datetime.date(1992, 2, 29))
    assert [(i.date, i.age) for i in upcoming.upcoming_dates(start=start)] == expected


def test_the_feed_carries_the_same_dates(client, dates_ahead):
    aigul, marat = dates_ahead
    response = client.get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    feed = icalendar.Calendar.from_ical(response.content)
    events = feed.walk("VEVENT")
    in_3, in_5 = days_from_today(3), days_from_today(5)
    birthday, court = events
    assert str(birthday["uid"]) == f"birthday-{aigul.slug}-{in_3.year}@testserver"
    assert str(birthday["summary"]) == "Birthday: Aigul Utepova (turns 41)"
    assert birthday.decoded("dtstart") == in_3
    assert birthday.decoded("dtend") == in_3 + datetime.timedelta(days=1)
    assert "UG-157/6, Zhaugashty" in str(birthday["description"])
    assert str(birthday["url"]) == f"http://testserver{aigul.get_absolute_url()}"
    assert "dtstamp" in birthday
    hearing_event = marat.events.get(kind=TimelineEvent.Kind.HEARING)
    assert str(court["uid"]) == f"hearing-{hearing_event.pk}@testserver"
    assert str(court["summary"]) == "Court hearing: Marat Zhylanbayev"
    assert court.decoded("dtstart") == in_5
    description = str(court["description"])
    assert "Appeal in the Astana city court, courtroom 4" in description
    assert f"http://testserver{marat.get_absolute_url()}" in description
    # In Russian: the Cyrillic name and the Russian profile.
    russian = icalendar.Calendar.from_ical(client.get("/ru/dates.ics").content)
    assert "Айгуль Утепова" in str(russian.walk("VEVENT")[0]["summary"])
    assert str(russian.walk("VEVENT")[0]["url"]).endswith(f"/ru/prisoners/{aigul.slug}/")


def test_page_and_feed_come_from_the_cache_until_a_profile_or_its_timeline_changes(
    django_assert_num_queries,
):
    reader = Client()
    marat = PrisonerFactory(given_name="Marat", family_name="Zhylanbayev")
    for url in (PAGE, FEED):
        first = reader.get(url)
        assert first["Cache-Control"].startswith("public")
        with django_assert_num_queries(0):
            assert reader.get(url).content == first.content
    assert "Zhylanbayev" not in reader.get(PAGE).text
    hearing(marat, days_from_today(4))
    assert "Zhylanbayev" in reader.get(PAGE).text
    assert "Zhylanbayev" in reader.get(FEED).text


def make_dates(count):
    for n in range(count):
        day = days_from_today(n % 30)
        prisoner = PrisonerFactory(date_of_birth=born(30 + n, day), letters_accepted=n % 2 == 0)
        hearing(prisoner, days_from_today((n + 7) % 30))


def test_query_budget(admin_client):
    client = Client()  # the public, not the signed-in staff member
    make_dates(2)
    few = [page_queries(client, url) for url in (PAGE, FEED, "/ru/dates/")]
    few_admin = page_queries(admin_client, reverse("admin:index"))
    make_dates(40)
    many = [page_queries(client, url) for url in (PAGE, FEED, "/ru/dates/")]
    assert few == many
    assert max(many) <= 2
    assert page_queries(admin_client, reverse("admin:index")) == few_admin


def test_editors_and_campaigners_see_the_next_30_days_on_the_staff_index(role_client, dates_ahead):
    aigul, marat = dates_ahead
    for role in (EDITOR, CAMPAIGNER):
        client = role_client(role, username=role.lower())
        html = client.get(reverse("admin:index")).content.decode()
        assert "Next 30 days" in html, role
        change = reverse("admin:prisoners_prisoner_change", args=[aigul.pk])
        assert f'<a href="{change}">Aigul Utepova</a>' in html
        change = reverse("admin:prisoners_prisoner_change", args=[marat.pk])
        assert f'<a href="{change}#events-group">Marat Zhylanbayev</a>' in html
        assert "Released" not in html
        client.logout()
    html = role_client(DATA_PROTECTION_OFFICER).get(reverse("admin:index")).content.decode()
    assert "Next 30 days" not in html


def test_the_staff_index_says_when_nothing_is_ahead(role_client):
    html = role_client(EDITOR).get(reverse("admin:index")).content.decode()
    assert "No birthdays or court hearings are known for these days." in html
