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

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from .cells import (
    ArticleListWidget,
    CaseWidget,
    LinesWidget,
    RelatedRowsField,
    WholeNumberWidget,
    cell_value,
    parse_alternative_name,
    parse_event,
    parse_source,
    read_alternative_names,
    read_events,
    read_sources,
    sync_alternative_names,
    sync_events,
    sync_sources,
)
from .models import Prisoner


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
