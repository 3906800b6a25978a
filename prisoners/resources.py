"""Import and export of prisoner profiles: one spreadsheet row per person.

A row carries the related rows too, one per line inside a cell, so that staff can keep the
whole list in a single sheet:

- ``charges``: ``405 (participation in an extremist organisation); 174 (...)``
- ``alternative_names``: ``Marat Zhylanbaev; Marat Zhylanbayev``
- ``sources``: ``URL | title | YYYY-MM-DD`` (URL or date may be empty)
- ``events``: ``YYYY-MM-DD | kind | description | source`` where source is the URL or, for
  a source without one, the title of one of the row's sources. Dates may be ``YYYY-MM``
  or ``YYYY`` when only the month or year is known.

The natural key is the slug: importing the same file again updates rows, never duplicates.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import slugify
from import_export import fields, resources, widgets

from core.spreadsheets import unneutralise

from .models import AlternativeName, Article, Case, Prisoner, Source, TimelineEvent


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


def _cell(value):
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
    case."""

    def __init__(self):
        super().__init__(Case, field="title")

    def clean(self, value, row=None, **kwargs):
        title = (value or "").strip()
        if not title:
            return None
        _fits(title, Case, "title", "The case title")
        slug = slugify(title)[:200]
        if not slug:
            raise ValueError(f"'{title}' cannot name a case: use letters or digits.")
        case = Case.objects.filter(Q(title=title) | Q(slug=slug)).first()
        return case or Case.objects.create(title=title, slug=slug)


class ArticleListWidget(widgets.ManyToManyWidget):
    """``272 (mass riots); 256 (propaganda of terrorism)``. Unknown numbers are created with
    the title given; known ones keep the title staff gave them."""

    def __init__(self):
        super().__init__(Article, separator=";", field="number")

    def clean(self, value, row=None, **kwargs):
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
            article = Article.objects.filter(number=number).first()
            if article is None:
                if not title:
                    raise ValueError(f"Article {number} is new: give its title in brackets.")
                article = Article.objects.create(number=number, title=title)
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


class PrisonerResource(resources.ModelResource):
    case = fields.Field(attribute="case", column_name="case", widget=CaseWidget())
    sentence_years = fields.Field(
        attribute="sentence_years", column_name="sentence_years", widget=WholeNumberWidget()
    )
    sentence_months = fields.Field(
        attribute="sentence_months",
        column_name="sentence_months",
        widget=WholeNumberWidget(),
        default=0,
    )
    charges = fields.Field(attribute="charges", column_name="charges", widget=ArticleListWidget())
    alternative_names = RelatedRowsField(
        "alternative_names",
        LinesWidget(1, parse_alternative_name, separator=";"),
        read_alternative_names,
    )
    sources = RelatedRowsField("sources", LinesWidget(3, parse_source), read_sources)
    events = RelatedRowsField("events", LinesWidget(4, parse_event), read_events)

    class Meta:
        model = Prisoner
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "given_name",
            "family_name",
            "patronymic",
            "alternative_names",
            "gender",
            "date_of_birth",
            "citizenship",
            "region",
            "status",
            "case",
            "charges",
            "sentence_years",
            "sentence_months",
            "sentence_note",
            "detained_on",
            "convicted_on",
            "sentence_start_on",
            "place_of_detention",
            "letters_address",
            "letters_accepted",
            "torture_reported",
            "health_at_risk",
            "hunger_strike",
            "summary",
            "story",
            "sources",
            "events",
            "publication",
        ]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("case").prefetch_related(
            "charges", "alternative_names", "sources", "events__source"
        )

    def export_field(self, field, instance, **kwargs):
        # Formula escaping turns every cell into text, and an empty cell into "None";
        # an exported file must import again as it was.
        value = super().export_field(field, instance, **kwargs)
        return "" if value is None else value

    REQUIRED_COLUMNS = ("slug", "given_name", "family_name", "status", "summary")

    def before_import(self, dataset, **kwargs):
        """Refuse a file that is not a prisoner list at all, before any row is read."""
        headers = [str(h or "").strip() for h in (dataset.headers or [])]
        missing = [column for column in self.REQUIRED_COLUMNS if column not in headers]
        twice = sorted({header for header in headers if header and headers.count(header) > 1})
        if twice:
            dataset.wipe()
            raise ValueError(
                f"These columns appear more than once: {', '.join(twice)}. Keep one of each."
            )
        if not dataset.dict or missing:
            # django-import-export reads the rows even after this error, and a file without
            # a header row has rows without column names: leave none to read.
            dataset.wipe()
            raise ValueError(
                "This file is not a prisoner list: the first row must name the columns, "
                f"and {', '.join(missing) or 'rows'} are missing. Export the list from the "
                "admin to get a file in the right shape."
            )
        rows = [tuple(_cell(cell) for cell in row) for row in dataset]
        headers = dataset.headers
        dataset.wipe()
        dataset.headers = headers
        for row in rows:
            dataset.append(row)
        slugs = [row.get("slug") for row in dataset.dict]
        repeated = sorted({slug for slug in slugs if slug and slugs.count(slug) > 1})
        if repeated:
            raise ValueError(f"These slugs appear on more than one row: {', '.join(repeated)}.")

    def import_instance(self, instance, row, **kwargs):
        """Check every column before anything is saved, and report errors under the column
        names staff see in their file."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = {
                key.removeprefix("pending_"): value for key, value in error.error_dict.items()
            }
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.column_name] = [str(error)]
        unknown = self._unknown_event_sources(instance)
        if unknown and "events" not in errors:
            errors["events"] = [f"No source in this row has the URL or title '{unknown[0]}'."]
        if errors:
            raise ValidationError(errors)

    def _unknown_event_sources(self, instance):
        events = getattr(instance, "pending_events", None)
        if events is None:
            return []
        sources = getattr(instance, "pending_sources", None)
        if sources is None:
            known = {s.reference for s in instance.sources.all()} if instance.pk else set()
        else:
            known = {url or title for url, title, _ in sources}
        return [source for _, _, _, source in events if source not in known]

    def after_save_instance(self, instance, row, **kwargs):
        names = getattr(instance, "pending_alternative_names", None)
        if names is not None:
            sync_alternative_names(instance, [name for (name,) in names])
        sources = getattr(instance, "pending_sources", None)
        if sources is not None:
            sync_sources(instance, sources)
        events = getattr(instance, "pending_events", None)
        if events is not None:
            sync_events(instance, events)


def sync_alternative_names(prisoner, names):
    wanted = set(names) - {prisoner.full_name}
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


class PublicPrisonerResource(resources.ModelResource):
    """What the public export shows: the published facts, nothing staff-only."""

    name = fields.Field(attribute="full_name", column_name="name")
    status = fields.Field(attribute="get_status_display", column_name="status")
    case = fields.Field(attribute="case__title", column_name="case")
    charges = fields.Field(attribute="charges", column_name="charges", widget=ArticleListWidget())
    citizenship = fields.Field(attribute="citizenship__name", column_name="citizenship")
    sentence_years = fields.Field(
        attribute="sentence_years",
        column_name="sentence_years",
        widget=widgets.IntegerWidget(coerce_to_string=False),
    )
    sentence_months = fields.Field(
        attribute="sentence_months",
        column_name="sentence_months",
        widget=widgets.IntegerWidget(coerce_to_string=False),
    )
    detained_on = fields.Field(
        attribute="detained_on",
        column_name="detained_on",
        widget=widgets.DateWidget("%Y-%m-%d", coerce_to_string=True),
    )
    convicted_on = fields.Field(
        attribute="convicted_on",
        column_name="convicted_on",
        widget=widgets.DateWidget("%Y-%m-%d", coerce_to_string=True),
    )
    profile = fields.Field(column_name="profile")

    class Meta:
        model = Prisoner
        fields = [
            "name",
            "slug",
            "status",
            "case",
            "charges",
            "sentence_years",
            "sentence_months",
            "detained_on",
            "convicted_on",
            "region",
            "citizenship",
            "summary",
            "profile",
        ]
        export_order = fields

    def dehydrate_profile(self, prisoner):
        return prisoner.get_absolute_url()
