"""Spreadsheet exports of campaigns' data. Signatures are supporters' personal data: their
admin lets only staff with the personal-data permission export them."""

from import_export import fields, resources

from .models import Signature


class SignatureResource(resources.ModelResource):
    petition = fields.Field(attribute="petition__title", column_name="petition")
    name = fields.Field(attribute="supporter__name", column_name="name")
    email = fields.Field(attribute="supporter__email", column_name="email")
    country = fields.Field(attribute="supporter__country", column_name="country")

    class Meta:
        model = Signature
        fields = [
            "petition",
            "name",
            "email",
            "country",
            "status",
            "held",
            "comment",
            "source",
            "created_at",
            "confirmed_at",
        ]
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("petition", "supporter")
