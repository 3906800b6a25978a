from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ExportMixin

from core.admin import PersonalDataAdminMixin

from .. import services
from ..models import Signature
from ..resources import SignatureResource
from ..services.review import held_in_group


@admin.register(Signature)
class SignatureAdmin(PersonalDataAdminMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [SignatureResource]
    # Export beside the links to held and trending signatures (ExportMixin would otherwise
    # use its own template and drop them).
    import_export_change_list_template = "admin/campaigns/signature/change_list.html"
    list_display = [
        "supporter",
        "petition",
        "status",
        "held",
        "hold_reason",
        "created_at",
        "confirmed_at",
        "source",
    ]
    list_filter = ["status", "held", "hold_reason", "petition"]
    list_select_related = ["supporter", "petition"]
    search_fields = ["supporter__email", "supporter__name", "ip_hash"]
    readonly_fields = [
        "petition",
        "supporter",
        "status",
        "held",
        "hold_reason",
        "reviewed_at",
        "in_count",
        "ip_hash",
        "created_at",
        "confirmed_at",
        "confirmation_emails",
        "last_confirmation_at",
        "reminded_at",
        "source",
    ]
    actions = ["validate", "invalidate"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a signature is invalidated, never deleted: the count must add up

    @admin.action(description=_("Validate the selected held signatures"), permissions=["change"])
    def validate(self, request, queryset):
        done = services.signatures_validate(signatures=queryset)
        message = ngettext("%d signature validated.", "%d signatures validated.", done)
        self.message_user(request, message % done, messages.SUCCESS)

    @admin.action(description=_("Invalidate the selected signatures"), permissions=["change"])
    def invalidate(self, request, queryset):
        done = services.signatures_invalidate(signatures=queryset)
        message = ngettext("%d signature invalidated.", "%d signatures invalidated.", done)
        self.message_user(request, message % done, messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "held/",
                self.admin_site.admin_view(self.held_view),
                name="campaigns_signature_held",
            ),
            path(
                "trending/",
                self.admin_site.admin_view(self.trending_view),
                name="campaigns_signature_trending",
            ),
            *super().get_urls(),
        ]

    def held_view(self, request):
        """Held signatures grouped by network and email domain; each group validated or
        invalidated as one, through the same audited actions as the list."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            verb = request.POST.get("verb")
            actions = self.get_actions(request)  # audited, like the list's actions
            if verb not in ("validate", "invalidate") or verb not in actions:
                raise PermissionDenied
            group = held_in_group(
                ip_hash=request.POST.get("ip_hash", ""), domain=request.POST.get("domain", "")
            )
            queryset = Signature.objects.filter(pk__in=list(group.values_list("pk", flat=True)))
            actions[verb][0](self, request, queryset)
            return HttpResponseRedirect(reverse("admin:campaigns_signature_held"))
        return TemplateResponse(
            request,
            "admin/campaigns/held_signatures.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Held signatures"),
                "groups": services.held_groups(),
                "can_change": self.has_change_permission(request),
            },
        )

    def trending_view(self, request):
        """The networks and email domains that signed most in the last hour. Aggregates
        only: no supporter is named, so campaign staff may see it as well."""
        if not request.user.has_perm("campaigns.view_petition"):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/campaigns/trending.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Where most signatures came from in the last hour"),
                "trending": services.trending_sources(),
            },
        )
