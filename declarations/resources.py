from import_export import fields, resources

from .models import Signatory


class SignatoryResource(resources.ModelResource):
    """Signatories for spreadsheets; contact details stay out."""

    declaration = fields.Field(
        attribute="declaration__declaration_number", column_name="declaration_number"
    )
    title = fields.Field(attribute="declaration__title", column_name="declaration")
    surname = fields.Field(attribute="parliamentarian__surname", column_name="surname")
    given_names = fields.Field(attribute="parliamentarian__given_names", column_name="given_names")
    delegation = fields.Field(attribute="delegation_at_signing__name", column_name="country")
    group = fields.Field(attribute="group_at_signing__code", column_name="group")
    status = fields.Field(attribute="get_status_display", column_name="status")

    class Meta:
        model = Signatory
        fields = [
            "declaration",
            "title",
            "surname",
            "given_names",
            "delegation",
            "group",
            "status",
            "signed_at",
        ]
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(
            "declaration", "parliamentarian", "delegation_at_signing", "group_at_signing"
        )
