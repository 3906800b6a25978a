from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import PersonalDataAdminMixin

from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = [
        "template",
        "to",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "template"]
    search_fields = ["to", "key"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request, *args):
        return False

    @admin.action(description=_("Send again"), permissions=["change"])
    def retry(self, request, queryset):
        done = sum(email.retry() for email in queryset)
        self.message_user(
            request,
            ngettext("%d email queued again.", "%d emails queued again.", done) % done,
            messages.SUCCESS,
        )
