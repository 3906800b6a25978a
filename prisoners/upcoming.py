"""The dates ahead that supporters can act on: birthdays of people in detention (a card)
and court hearings (come to the court), for the public page, its iCalendar feed and the
staff's index.

Both are read in the database, whatever the number of profiles: a birthday by its month
and day (month * 100 + day), a hearing by its date.
"""

import calendar
import dataclasses
import datetime

import icalendar
from django.db.models import Q
from django.db.models.functions import ExtractDay, ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.templatetags.translated import resolve

from .models import Prisoner, TimelineEvent

WINDOW_DAYS = 30


@dataclasses.dataclass(frozen=True)
class UpcomingDate:
    """A birthday (with the age the person turns) or a court hearing (with its event)."""

    BIRTHDAY = "birthday"
    HEARING = "hearing"

    date: datetime.date
    kind: str
    prisoner: Prisoner
    age: int | None = None
    event: TimelineEvent | None = None

    @property
    def is_birthday(self):
        return self.kind == self.BIRTHDAY

    @property
    def uid(self):
        """Stable across feeds and refreshes, so that a calendar updates its copy."""
        if self.is_birthday:
            return f"birthday-{self.prisoner.slug}-{self.date.year}"
        return f"hearing-{self.event.pk}"


@dataclasses.dataclass(frozen=True)
class Day:
    date: datetime.date
    items: list


def window(start=None, days=WINDOW_DAYS):
    """(first, last) day, both included: today and the `days` after it."""
    start = start or timezone.localdate()
    return start, start + datetime.timedelta(days=days)


def _month_day(date):
    return date.month * 100 + date.day


def _birthday_condition(first, last):
    """Birthdays whose month and day fall between first and last, in the database."""
    if first.year == last.year:
        condition = Q(birthday_key__range=(_month_day(first), _month_day(last)))
    else:  # across the new year: December's end, then January's start
        condition = Q(birthday_key__gte=_month_day(first)) | Q(birthday_key__lte=_month_day(last))
    # Someone born on 29 February is wished a happy birthday on 28 February in a year
    # without a 29th (see next_birthday); a window that ends on the 28th must include them.
    for year in {first.year, last.year}:
        february_28 = datetime.date(year, 2, 28)
        if not calendar.isleap(year) and first <= february_28 <= last:
            condition |= Q(birthday_key=229)
    return condition


def next_birthday(born, first):
    """The first birthday on or after `first`. Someone born on 29 February is shown on
    28 February in a year without a 29th: still their month, and before the day passes."""
    for year in (first.year, first.year + 1):
        try:
            day = born.replace(year=year)
        except ValueError:
            day = datetime.date(year, 2, 28)
        if day >= first:
            return day
    raise AssertionError("unreachable: a birthday comes every year")


def birthdays(first, last):
    """Birthdays of published profiles of people in detention (a card to someone released
    makes no sense), with the age they turn."""
    if (last - first).days >= 365:
        raise ValueError("A window of birthdays is shorter than a year.")
    prisoners = (
        Prisoner.objects.published()
        .in_detention()
        .filter(date_of_birth__isnull=False)
        .annotate(birthday_key=ExtractMonth("date_of_birth") * 100 + ExtractDay("date_of_birth"))
        .filter(_birthday_condition(first, last))
    )
    items = []
    for prisoner in prisoners:
        day = next_birthday(prisoner.date_of_birth, first)
        age = day.year - prisoner.date_of_birth.year
        if day <= last and age > 0:
            items.append(UpcomingDate(day, UpcomingDate.BIRTHDAY, prisoner, age=age))
    return items


def hearings(first, last):
    """Court hearings of published profiles whose day is known."""
    events = TimelineEvent.objects.filter(
        kind=TimelineEvent.Kind.HEARING,
        date_precision=TimelineEvent.Precision.DAY,
        date__range=(first, last),
        prisoner__publication=Prisoner.Publication.PUBLISHED,
    ).select_related("prisoner")
    return [UpcomingDate(e.date, UpcomingDate.HEARING, e.prisoner, event=e) for e in events]


def upcoming_dates(start=None, days=WINDOW_DAYS):
    """Birthdays and hearings from `start` (today) to `days` later, by date; on one day,
    hearings first (they need someone there), then by name."""
    first, last = window(start, days)
    items = birthdays(first, last) + hearings(first, last)
    order = {UpcomingDate.HEARING: 0, UpcomingDate.BIRTHDAY: 1}
    return sorted(
        items,
        key=lambda item: (
            item.date,
            order[item.kind],
            item.prisoner.family_name,
            item.prisoner.given_name,
            item.prisoner.pk,
        ),
    )


def upcoming_days(start=None, days=WINDOW_DAYS):
    """The same, grouped by date: [Day(date, items), ...]."""
    grouped = []
    for item in upcoming_dates(start, days):
        if grouped and grouped[-1].date == item.date:
            grouped[-1].items.append(item)
        else:
            grouped.append(Day(item.date, [item]))
    return grouped


def letter_writing_prisoners():
    """Whom supporters can write to on any day: published, in detention, letters accepted."""
    return Prisoner.objects.published().in_detention().filter(letters_accepted=True)


# The feed. Its words are in the active language, as the page's (/ru/dates.ics is Russian).


def _summary(item):
    name = str(item.prisoner.display_name)
    if item.is_birthday:
        return ngettext(
            "Birthday: %(name)s (turns %(age)s)", "Birthday: %(name)s (turns %(age)s)", item.age
        ) % {"name": name, "age": item.age}
    return _("Court hearing: %(name)s") % {"name": name}


def _description(item, profile_url):
    prisoner = item.prisoner
    lines = []
    if item.is_birthday:
        if prisoner.letters_accepted:
            lines.append(_("Send a birthday card."))
            if prisoner.letters_address:
                lines.append(_("Letters are accepted at:") + "\n" + prisoner.letters_address)
    else:
        lines.append(resolve(item.event, "description")[0])
        lines.append(_("Come to the court to show support."))
    lines.append(_("Share the profile, so that the case is not forgotten."))
    lines.append(profile_url)
    return "\n\n".join(lines)


def ical_feed(*, start=None, days=WINDOW_DAYS, base_url, host):
    """The upcoming dates as an iCalendar file (RFC 5545): one all-day event each.
    `base_url` is the site's address without the final slash; `host` names the UIDs."""
    feed = icalendar.Calendar()
    feed.add("prodid", "-//Political prisoners//Upcoming dates//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", _("Political prisoners: birthdays and court hearings"))
    # Calendars that subscribe read it again twice a day, and so learn of new dates.
    feed.add("refresh-interval", datetime.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", icalendar.vDuration(datetime.timedelta(hours=12)))
    stamp = timezone.now()
    for item in upcoming_dates(start, days):
        profile_url = base_url + item.prisoner.get_absolute_url()
        event = icalendar.Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.date)
        event.add("dtend", item.date + datetime.timedelta(days=1))
        event.add("summary", _summary(item))
        event.add("description", _description(item, profile_url))
        event.add("url", profile_url)
        event.add("transp", "TRANSPARENT")
        feed.add_component(event)
    return feed.to_ical()
