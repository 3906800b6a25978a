import json

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import PersonalDataAdminMixin
from core.audit import record_export
from supporters.models import Supporter

from .. import services
from ..models import Consent


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ["wording_version", "mailing", "campaign", "page", "agreed_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Supporter)
class SupporterAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["email", "name", "country", "language", "confirmed_at", "unsubscribed_at"]
    list_filter = ["language", "country"]
    search_fields = ["email", "email_key", "name"]
    readonly_fields = ["email_key", "created_at", "confirmed_at", "unsubscribed_at"]
    inlines = [ConsentInline]
    actions = ["export_data", "erase"]

    def has_delete_permission(self, request, obj=None):
        # Deleting would leave their letters, messages and audit trail behind: erase instead.
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Download their data (JSON)"), permissions=["view"])
    def export_data(self, request, queryset):
        data = [services.supporter_data(supporter=supporter) for supporter in queryset]
        record_export(
            user=request.user, model=Supporter, rows=len(data), what="Supporters' data (JSON)"
        )
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="supporter-data.json"'
        return response

    export_data.audit = False  # it writes its own entry, as every personal-data export does

    @admin.action(
        description=_("Erase (signatures stay counted, anonymously)"), permissions=["erase"]
    )
    def erase(self, request, queryset):
        # The erasure writes its own entry: a before-and-after copy would keep what it erases.
        count = len(queryset)
        for supporter in queryset:
            services.supporter_erase(supporter=supporter, user=request.user)
        self.message_user(
            request,
            ngettext("%d supporter erased.", "%d supporters erased.", count) % count,
            messages.SUCCESS,
        )

    erase.audit = False

    def has_erase_permission(self, request):
        return self.has_change_permission(request) and request.user.has_perm(
            "supporters.delete_supporter"
        )
