"""The signature list: every member's invitation, pledge or signature, across
declarations, with the actions that record what members said outside the site."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from .. import services
from ..models import Signatory
from ..resources import SignatoryResource


@admin.register(Signatory)
class SignatoryAdmin(ExportMixin, admin.ModelAdmin):
    list_display = [
        "parliamentarian",
        "declaration",
        "status",
        "invited_at",
        "reminder_count",
        "signed_at",
        "delegation_at_signing",
        "group_at_signing",
    ]
    list_filter = ["status", "declaration"]
    search_fields = [
        "parliamentarian__surname",
        "parliamentarian__given_names",
        "declaration__title",
    ]
    list_select_related = [
        "parliamentarian",
        "declaration",
        "delegation_at_signing",
        "group_at_signing",
    ]
    autocomplete_fields = ["parliamentarian", "declaration"]
    readonly_fields = [
        "status",
        "signed_at",
        "delegation_at_signing",
        "group_at_signing",
        "invitation_sent_at",
        "reminded_at",
        "reminder_count",
    ]
    actions = ["record_signed", "record_pledged", "record_declined"]
    resource_classes = [SignatoryResource]

    def _apply(self, request, queryset, do):
        done = 0
        for signature in queryset.select_related("declaration__assembly", "parliamentarian"):
            try:
                do(signature)
                done += 1
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        if done:
            self.message_user(request, _("%d recorded.") % done, messages.SUCCESS)

    @admin.action(description=_("Record as signed at the assembly"), permissions=["change"])
    def record_signed(self, request, queryset):
        self._apply(request, queryset, lambda s: services.signature_record(signature=s))

    @admin.action(description=_("Record a pledge"), permissions=["change"])
    def record_pledged(self, request, queryset):
        self._apply(request, queryset, lambda s: s.pledge())

    @admin.action(description=_("Record a refusal"), permissions=["change"])
    def record_declined(self, request, queryset):
        self._apply(request, queryset, lambda s: s.decline())
