"""Import and export of prisoner profiles: one spreadsheet row per person.

The name is in two scripts: ``given_name``, ``family_name`` and ``patronymic`` in Latin
letters, as the English pages show it, and ``given_name_cyrillic``, ``family_name_cyrillic``
and ``patronymic_cyrillic`` as the Russian and Kazakh pages show it (``Марат``,
``Жыланбаев``). The Cyrillic columns may stay empty; where one holds a Latin letter the row
is refused.

A row carries the related rows too, one per line inside a cell, so that staff can keep the
whole list in a single sheet:

- ``charges``: ``405 (participation in an extremist organisation); 174 (...)``
- ``alternative_names``: ``Marat Zhylanbaev; Marat Zhylanbayev``
- ``sources``: ``URL | title | YYYY-MM-DD`` (URL or date may be empty)
- ``events``: ``YYYY-MM-DD | kind | description | source`` where source is the URL or, for
  a source without one, the title of one of the row's sources. Dates may be ``YYYY-MM``
  or ``YYYY`` when only the month or year is known.
- ``events_ru``, ``events_kk``: ``YYYY-MM-DD | kind | description``, the description of
  the event on that date and of that kind in Russian or Kazakh. An event left out has no
  translation yet; a line that names no event of the row is an error.

Summary and story have a column a language (``summary_en``, ``summary_ru``...; empty: not
yet translated; an older file's ``summary`` and ``story`` are English), and so do the
events' descriptions (``events`` in English, then ``events_ru`` and ``events_kk``). The
other cells are English; their translations are written in the admin, and an import leaves
them be. A file without a language's column leaves that language as it is.

The natural key is the slug: importing the same file again updates rows, never duplicates.
"""

import copy

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from import_export import fields, instance_loaders, resources, widgets

from core.audit import record_created
from core.forms import country_codes

from .cells import (
    BATCH,
    EVENT_TRANSLATIONS,
    TRANSLATED_COLUMNS,
    ArticleListWidget,
    CaseWidget,
    LinesWidget,
    RelatedRowsField,
    TextColumn,
    WholeNumberWidget,
    cell_value,
    create_related_rows,
    event_key,
    event_translation_reader,
    parse_alternative_name,
    parse_event,
    parse_event_translation,
    parse_source,
    read_alternative_names,
    read_events,
    read_sources,
    sync_alternative_names,
    sync_event_translations,
    sync_events,
    sync_sources,
    with_language_columns,
)
from .models import Prisoner


class ProfileLoader(instance_loaders.ModelInstanceLoader):
    """Every profile a file names, read in a few queries with what an update compares
    (instead of one query a row, and more for its related rows)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.resource.fields["slug"]
        slugs = (
            [field.clean(row) for row in self.dataset.dict]
            if self.dataset.dict and "slug" in self.dataset.headers
            else []
        )
        self.profiles = {}
        queryset = self.get_queryset().select_related("case")
        queryset = queryset.prefetch_related(
            "charges", "alternative_names", "sources", "events__source"
        )
        for start in range(0, len(slugs), BATCH):
            for profile in queryset.filter(slug__in=slugs[start : start + BATCH]):
                self.profiles[profile.slug] = profile

    def get_instance(self, row):
        return self.profiles.get(self.resource.fields["slug"].clean(row))


# The model's check constraints, read without a query a row (Django asks the database to
# evaluate each one): the fields each reads, and the rule. A constraint missing here is
# asked of the database as before.
CONSTRAINT_RULES = {
    "sentence_months_below_twelve": (
        {"sentence_months"},
        lambda p: p.sentence_months is None or p.sentence_months <= 11,
    ),
    "convicted_after_detained": (
        {"convicted_on", "detained_on"},
        lambda p: not (p.convicted_on and p.detained_on) or p.convicted_on >= p.detained_on,
    ),
}


class NoDiff(resources.Diff):
    """The diff of a row nobody will see: nothing is read."""

    def __init__(self, resource, instance, new):
        self.left, self.right, self.new = [], [], new

    def compare_with(self, resource, instance):
        pass


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
    events_ru = RelatedRowsField(
        "events_ru", LinesWidget(3, parse_event_translation), event_translation_reader("ru")
    )
    events_kk = RelatedRowsField(
        "events_kk", LinesWidget(3, parse_event_translation), event_translation_reader("kk")
    )
    summary_en = TextColumn("summary_en")
    summary_ru = TextColumn("summary_ru")
    summary_kk = TextColumn("summary_kk")
    story_en = TextColumn("story_en")
    story_ru = TextColumn("story_ru")
    story_kk = TextColumn("story_kk")

    class Meta:
        model = Prisoner
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "given_name",
            "family_name",
            "patronymic",
            "given_name_cyrillic",
            "family_name_cyrillic",
            "patronymic_cyrillic",
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
            *TRANSLATED_COLUMNS,
            "sources",
            "events",
            "events_ru",
            "events_kk",
            "publication",
        ]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        # New profiles and their related rows are written in batches (bulk_create), with no
        # savepoint a row; a bad row still rolls the whole file back (prisoners_import, and
        # the admin confirms only a file whose preview had no error).
        use_bulk = True
        batch_size = BATCH
        instance_loader_class = ProfileLoader

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("case").prefetch_related(
            "charges", "alternative_names", "sources", "events__source"
        )

    def export_field(self, field, instance, **kwargs):
        # Formula escaping turns every cell into text, and an empty cell into "None";
        # an exported file must import again as it was.
        value = super().export_field(field, instance, **kwargs)
        return "" if value is None else value

    def import_data(self, dataset, dry_run=False, **kwargs):
        # The coloured diff of each row is for the preview: a confirmed import is reported
        # as totals, and reading every field twice a row for the diff costs a fifth of it.
        self._meta = copy.copy(self._meta)
        self._meta.skip_html_diff = not dry_run
        # Cells in one language (case, articles, events) are English in any admin language.
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def export(self, *args, **kwargs):
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            return super().export(*args, **kwargs)

    def get_diff_class(self):
        return NoDiff if self._meta.skip_html_diff else super().get_diff_class()

    def get_import_fields(self):
        # Asked five times a row; the fields do not change during an import.
        if "_import_fields" not in self.__dict__:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    REQUIRED_COLUMNS = ("slug", "given_name", "family_name", "status", "summary_en")

    def before_import(self, dataset, **kwargs):
        """Refuse a file that is not a prisoner list at all, before any row is read."""
        for field in self.fields.values():
            if hasattr(field.widget, "forget"):
                field.widget.forget()  # cases and articles are read afresh each import
        headers = [str(h or "").strip() for h in (dataset.headers or [])]
        if dataset.headers:
            headers = dataset.headers = with_language_columns(headers)
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
        rows = [tuple(cell_value(cell) for cell in row) for row in dataset]
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
                    setattr(instance, f"pending_{field.attribute}", field.clean(row))
                except ValueError as error:
                    errors[field.column_name] = [str(error)]
        unknown = self._unknown_event_sources(instance)
        if unknown and "events" not in errors:
            errors["events"] = [f"No source in this row has the URL or title '{unknown[0]}'."]
        for language in EVENT_TRANSLATIONS:
            column = f"events_{language}"
            stray = self._untranslatable_lines(instance, language)
            if stray and column not in errors and "events" not in errors:
                date, kind = stray[0]
                errors[column] = [
                    f"The line for {date} ({kind}) translates no event: the events column "
                    f"has no event of that kind on that date."
                ]
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

    def _untranslatable_lines(self, instance, language):
        """The (date, kind) of each translation line whose event the row does not have."""
        lines = getattr(instance, f"pending_events_{language}", None)
        if not lines:
            return []
        events = getattr(instance, "pending_events", None)
        if events is None:
            known = {(e.date, e.kind) for e in instance.events.all()} if instance.pk else set()
        else:
            known = {event_key(date, kind) for date, kind, _, _ in events}
        return [(date, kind) for date, kind, _ in lines if event_key(date, kind) not in known]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own checks, less two that would cost queries a row: the slug's
        uniqueness (the row was matched by its slug, and before_import refuses a slug
        named twice) and the check constraints (CONSTRAINT_RULES). The database still
        enforces both."""
        errors = dict(import_validation_errors or {})
        try:
            # The case was just read or created by its cell; the country is looked up in a
            # set, not in the 250 choices the field would normalise again for each row.
            instance.full_clean(
                exclude={*errors, "case", "citizenship"},
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        country = instance.citizenship.code
        if country and "citizenship" not in errors and country not in country_codes():
            errors["citizenship"] = [f"'{country}' is not a country code; use ISO codes: KZ, RU."]
        for constraint in instance._meta.constraints:
            read, rule = CONSTRAINT_RULES.get(constraint.name, (set(), None))
            if read & errors.keys():
                continue
            if rule is None:
                try:
                    constraint.validate(type(instance), instance, exclude=set(errors))
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
            elif not rule(instance):
                message = constraint.get_violation_error_message()
                errors.setdefault(NON_FIELD_ERRORS, []).append(message)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        """A new profile waits for its batch (bulk_create below); a changed one is saved
        now, with its related rows."""
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        if is_create:
            self.create_instances.append(instance)
            return
        instance.save()
        charges = getattr(instance, "pending_charges", None)
        if charges is not None:
            instance.charges.set(charges)
        names = getattr(instance, "pending_alternative_names", None)
        if names is not None:
            sync_alternative_names(instance, [name for (name,) in names])
        sources = getattr(instance, "pending_sources", None)
        if sources is not None:
            sync_sources(instance, sources)
        events = getattr(instance, "pending_events", None)
        if events is not None:
            sync_events(instance, events)
        for language in EVENT_TRANSLATIONS:
            translations = getattr(instance, f"pending_events_{language}", None)
            if translations is not None:
                sync_event_translations(instance, language, translations)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """A batch of new profiles, their charges, spellings, sources and events, each
        table in one INSERT a batch, and their entries in the audit trail."""
        new = list(self.create_instances)
        self.create_instances.clear()
        if not new or (dry_run and not using_transactions):
            return
        try:
            Prisoner.objects.bulk_create(new, batch_size=BATCH)
            related = create_related_rows(new)
            # One entry a profile, naming the rows created with it (as an edit in the
            # admin with inlines would show them), rather than one entry a row.
            links = {p: {"charges": getattr(p, "pending_charges", None)} for p in new}
            for name, rows in related.items():
                for row in rows:
                    links[row.prisoner].setdefault(name, []).append(row)
            record_created(new, links=links)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
