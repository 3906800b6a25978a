"""The cells of the prisoner spreadsheet: how a value in a cell is read and written, and
how the related rows a cell carries (names, sources, events) are saved. The format is
described in prisoners/resources.py."""

import datetime
import re

from django.utils.text import slugify
from import_export import fields, widgets

from core.spreadsheets import unneutralise

from .models import AlternativeName, Article, Case, Prisoner, Source, TimelineEvent

# Rows a statement, when related rows are written in bulk.
BATCH = 500


def _fits(value, model, field, what):
    """The value, or ValueError naming what is too long: related rows are saved without a
    model form, and PostgreSQL would refuse them with a message that names no column."""
    limit = model._meta.get_field(field).max_length
    if len(value) > limit:
        raise ValueError(f"{what} is {len(value)} characters long; at most {limit} fit.")
    return value


class WholeNumberWidget(widgets.IntegerWidget):
    """A whole number, or an error that says so (the default reports a decimal module
    exception class, without the column)."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except (ValueError, ArithmeticError) as error:
            raise ValueError(f"'{value}' is not a whole number.") from error


# The texts in each language, a column each (prisoners/resources.py).
TRANSLATED_COLUMNS = ("summary_en", "summary_ru", "summary_kk", "story_en", "story_ru", "story_kk")
# The columns of a file from before the texts had languages: they are in English.
ENGLISH_BEFORE = {"summary": "summary_en", "story": "story_en"}


def with_language_columns(headers):
    """The headers, with an older file's summary and story read as the English ones."""
    renamed = {old: new for old, new in ENGLISH_BEFORE.items() if new not in headers}
    return [renamed.get(header, header) for header in headers]


class TextColumn(fields.Field):
    """A text in one language (summary_ru). An untranslated text is empty, whether the
    database holds NULL (never written) or "" (cleared in the admin): the two compare
    equal, so that re-importing an export finds the row unchanged."""

    def __init__(self, name):
        super().__init__(attribute=name, column_name=name, widget=widgets.CharWidget())

    def get_value(self, instance):
        value = super().get_value(instance)
        return "" if value is None else value


def cell_value(value):
    """A spreadsheet cell as the model sees it. Empty cells are read as None, to the model
    an empty cell is ""; XLSX dates come back as midnight datetimes; and a text cell that an
    export protected from formula injection ('=...) gets its quote back off."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date()
    return unneutralise(value)


ARTICLE_RE = re.compile(r"^\s*(?P<number>\d+(?:[-.]\d+)*)\s*(?:\((?P<title>.+)\))?\s*$")


class CaseWidget(widgets.ForeignKeyWidget):
    """A case by its title (or a title that makes the same slug); a new title creates the
    case. Cases are read once an import (`forget` starts the next one afresh), not once a
    row."""

    def __init__(self):
        super().__init__(Case, field="title")
        self.forget()

    def forget(self):
        self.by_title, self.by_slug = None, None

    def clean(self, value, row=None, **kwargs):
        title = (value or "").strip()
        if not title:
            return None
        _fits(title, Case, "title", "The case title")
        slug = slugify(title)[:200]
        if not slug:
            raise ValueError(f"'{title}' cannot name a case: use letters or digits.")
        if self.by_title is None:
            cases = list(Case.objects.all())
            self.by_title = {case.title: case for case in cases}
            self.by_slug = {case.slug: case for case in cases}
        case = self.by_title.get(title) or self.by_slug.get(slug)
        if case is None:
            case = Case.objects.create(title=title, slug=slug)
            self.by_title[title], self.by_slug[slug] = case, case
        return case


class ArticleListWidget(widgets.ManyToManyWidget):
    """``272 (mass riots); 256 (propaganda of terrorism)``. Unknown numbers are created with
    the title given; known ones keep the title staff gave them."""

    def __init__(self):
        super().__init__(Article, separator=";", field="number")
        self.forget()

    def forget(self):
        self.by_number = None

    def clean(self, value, row=None, **kwargs):
        if self.by_number is None:
            self.by_number = {article.number: article for article in Article.objects.all()}
        articles = []
        for item in filter(None, (part.strip() for part in (value or "").split(";"))):
            match = ARTICLE_RE.match(item)
            if not match:
                raise ValueError(
                    f"'{item}' is not an article: write the number, then the title in "
                    "brackets, e.g. 405 (participation in an extremist organisation)."
                )
            number, title = match["number"], (match["title"] or "").strip()
            _fits(number, Article, "number", f"Article number {number[:20]}")
            _fits(title, Article, "title", f"The title of article {number}")
            article = self.by_number.get(number)
            if article is None:
                if not title:
                    raise ValueError(f"Article {number} is new: give its title in brackets.")
                article = Article.objects.create(number=number, title=title)
                self.by_number[number] = article
            articles.append(article)
        return articles

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "; ".join(str(article) for article in value.all())


class LinesWidget(widgets.Widget):
    """Turns a cell of ``a | b | c`` lines into tuples, and back."""

    def __init__(self, columns, parse_line, separator="\n"):
        self.columns = columns
        self.parse_line = parse_line
        self.separator = separator
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        text = value or ""
        lines = text.splitlines() if self.separator == "\n" else text.split(self.separator)
        items = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != self.columns:
                raise ValueError(
                    f"Line {number} ('{line.strip()}') has {len(parts)} part(s) separated by "
                    f"'|'; {self.columns} are expected."
                )
            try:
                items.append(self.parse_line(parts))
            except ValueError as error:
                raise ValueError(f"Line {number} ('{line.strip()}'): {error}") from error
        return tuple(items)

    def render(self, value, obj=None, **kwargs):
        joiner = self.separator if self.separator == "\n" else f"{self.separator} "
        return joiner.join(" | ".join(item) for item in value or ())


def parse_alternative_name(parts):
    return (_fits(parts[0], AlternativeName, "name", "An alternative spelling"),)


def parse_source(parts):
    url, title, date = parts
    if not title:
        raise ValueError("a source needs a title.")
    _fits(title, Source, "title", "A source's title")
    _fits(url, Source, "url", "A source's URL")
    if url and not url.startswith(("http://", "https://")):
        raise ValueError(f"'{url}' is not a web address.")
    if date:
        _, precision = TimelineEvent.parse_date(date)
        if precision != TimelineEvent.Precision.DAY:
            raise ValueError("a source's date needs the day: YYYY-MM-DD.")
    return (url, title, date)


def parse_event(parts):
    date, kind, description, source = parts
    TimelineEvent.parse_date(date)
    if kind not in TimelineEvent.Kind.values:
        raise ValueError(
            f"'{kind}' is not a kind of event; use one of: {', '.join(TimelineEvent.Kind.values)}."
        )
    if not description:
        raise ValueError("an event needs a description.")
    _fits(description, TimelineEvent, "description", "An event's description")
    if not source:
        raise ValueError("an event needs its source (a URL or the title of a source).")
    return (date, kind, description, source)


# The languages an event's description is translated into, each in its own column
# (events_ru): "date | kind | description" lines, one for each event of the events column.
EVENT_TRANSLATIONS = ("ru", "kk")


def parse_event_translation(parts):
    date, kind, description = parts
    TimelineEvent.parse_date(date)
    if kind not in TimelineEvent.Kind.values:
        raise ValueError(
            f"'{kind}' is not a kind of event; use one of: {', '.join(TimelineEvent.Kind.values)}."
        )
    if not description:
        raise ValueError("the translation is empty; leave the line out until there is one.")
    _fits(description, TimelineEvent, "description", "An event's description")
    return (date, kind, description)


def event_key(date, kind):
    """Which event a line names: its day and kind, as the database tells events apart."""
    return TimelineEvent.parse_date(date)[0], kind


def translations_by_event(rows):
    return {event_key(date, kind): text for date, kind, text in rows or ()}


def event_translation_reader(language):
    def read(prisoner):
        return tuple(
            (e.date_label, e.kind, text)
            for e in prisoner.events.all()
            if (text := getattr(e, f"description_{language}"))
        )

    return read


class RelatedRowsField(fields.Field):
    """A column that holds a prisoner's related rows. On import the parsed rows wait on the
    instance until it is saved; otherwise the value is read back from the database, so that
    an unchanged row compares equal and is skipped."""

    def __init__(self, column_name, widget, read):
        super().__init__(attribute=f"pending_{column_name}", column_name=column_name, widget=widget)
        self.read = read

    def get_value(self, instance):
        rows = getattr(instance, self.attribute, None)
        if rows is None:
            rows = self.read(instance) if instance.pk else ()
        # Sorted, so that the same rows in another order compare equal.
        return tuple(sorted(rows))


def read_alternative_names(prisoner):
    return tuple((n.name,) for n in prisoner.alternative_names.all())


def read_sources(prisoner):
    return tuple(
        (s.url, s.title, s.published_on.isoformat() if s.published_on else "")
        for s in prisoner.sources.all()
    )


def read_events(prisoner):
    return tuple(
        (e.date_label, e.kind, e.description, e.source.reference) for e in prisoner.events.all()
    )


def sync_alternative_names(prisoner, names):
    wanted = set(names) - {prisoner.full_name, prisoner.cyrillic_name}
    prisoner.alternative_names.exclude(name__in=wanted).delete()
    existing = set(prisoner.alternative_names.values_list("name", flat=True))
    AlternativeName.objects.bulk_create(
        AlternativeName(prisoner=prisoner, name=name) for name in sorted(wanted - existing)
    )


def sync_sources(prisoner, rows):
    kept = []
    for url, title, date in rows:
        lookup = {"url": url} if url else {"url": "", "title": title}
        source, _ = Source.objects.update_or_create(
            prisoner=prisoner,
            **lookup,
            defaults={"title": title, "published_on": date or None},
        )
        kept.append(source.pk)
    stale = prisoner.sources.exclude(pk__in=kept)
    TimelineEvent.objects.filter(source__in=stale).delete()
    stale.delete()


def sync_event_translations(prisoner, language, rows):
    """Each event's description in one language as the column gives it; an event the
    column leaves out has no translation."""
    field = f"description_{language}"
    wanted = translations_by_event(rows)
    # Read afresh: the loader's prefetched events predate sync_events.
    for event in TimelineEvent.objects.filter(prisoner=prisoner):
        text = wanted.get((event.date, event.kind), "")
        if (getattr(event, field) or "") != text:
            TimelineEvent.objects.filter(pk=event.pk).update(**{field: text})


def sync_events(prisoner, rows):
    sources = {s.reference: s for s in prisoner.sources.all()}
    kept = []
    for date, kind, description, source in rows:
        day, precision = TimelineEvent.parse_date(date)
        event, _ = TimelineEvent.objects.update_or_create(
            prisoner=prisoner,
            date=day,
            kind=kind,
            defaults={
                "date_precision": precision,
                "description": description,
                "source": sources[source],
            },
        )
        kept.append(event.pk)
    prisoner.events.exclude(pk__in=kept).delete()


def create_related_rows(prisoners):
    """The related rows of prisoners just created, written with one INSERT a table (in
    batches) instead of one a row. The rows a cell names twice are kept once, the last
    one winning, as the update path does. Returns what was created, by relation, for the
    audit trail."""
    through = Prisoner.charges.through
    charges, names, sources, events = [], [], [], []
    for prisoner in prisoners:
        for article in getattr(prisoner, "pending_charges", None) or ():
            charges.append(through(prisoner_id=prisoner.pk, article_id=article.pk))
        wanted = {name for (name,) in getattr(prisoner, "pending_alternative_names", None) or ()}
        names += [
            AlternativeName(prisoner=prisoner, name=name)
            for name in sorted(wanted - {prisoner.full_name, prisoner.cyrillic_name})
        ]
        by_reference = {}
        for url, title, date in getattr(prisoner, "pending_sources", None) or ():
            by_reference[url or title] = Source(
                prisoner=prisoner, url=url, title=title, published_on=date or None
            )
        sources += by_reference.values()
        by_day_and_kind = {}
        translated = {
            language: translations_by_event(getattr(prisoner, f"pending_events_{language}", None))
            for language in EVENT_TRANSLATIONS
        }
        for date, kind, description, reference in getattr(prisoner, "pending_events", None) or ():
            day, precision = TimelineEvent.parse_date(date)
            by_day_and_kind[day, kind] = TimelineEvent(
                prisoner=prisoner,
                date=day,
                date_precision=precision,
                kind=kind,
                description=description,
                source=by_reference[reference],
                **{
                    f"description_{language}": texts.get((day, kind))
                    for language, texts in translated.items()
                },
            )
        events += by_day_and_kind.values()
    through.objects.bulk_create(charges, batch_size=BATCH)
    AlternativeName.objects.bulk_create(names, batch_size=BATCH)
    Source.objects.bulk_create(sources, batch_size=BATCH)
    TimelineEvent.objects.bulk_create(events, batch_size=BATCH)
    return {"alternative_names": names, "sources": sources, "events": events}
