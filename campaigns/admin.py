import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ExportMixin

from core.admin import PersonalDataAdminMixin
from supporters.models import Supporter

from . import selectors, services
from .models import (
    Campaign,
    Consent,
    Letter,
    LetterAction,
    Official,
    Petition,
    Signature,
    SolidarityMessage,
)


class PersonalDataAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    """Supporters' personal data is for staff who hold the permission, and no one else."""


class PetitionInline(admin.StackedInline):
    model = Petition
    extra = 0
    prepopulated_fields = {"slug": ["title"]}


class LetterActionInline(admin.StackedInline):
    model = LetterAction
    extra = 0
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["recipients"]


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "email"]
    search_fields = ["name", "position"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "starts_on", "ends_on", "dashboard_link"]
    list_filter = ["status"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["featured_prisoners", "declaration"]
    inlines = [PetitionInline, LetterActionInline]

    def get_urls(self):
        return [
            path(
                "<int:pk>/dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="campaigns_campaign_dashboard",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("dashboard"))
    def dashboard_link(self, campaign):
        url = reverse("admin:campaigns_campaign_dashboard", args=[campaign.pk])
        return format_html('<a href="{}">{}</a>', url, _("Figures"))

    def dashboard_view(self, request, pk):
        campaign = get_object_or_404(Campaign, pk=pk)
        if not self.has_view_permission(request, campaign):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/campaigns/dashboard.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Figures: %s") % campaign,
                "campaign": campaign,
                "figures": selectors.campaign_dashboard(campaign=campaign),
            },
        )


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "confirmed", "goal", "closes_on"]
    list_select_related = ["campaign"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_count()

    @admin.display(description=_("confirmed signatures"))
    def confirmed(self, petition):
        return petition.count


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ["wording_version", "mailing", "campaign", "page", "agreed_at"]
    can_delete = False


@admin.register(Supporter)
class SupporterAdmin(PersonalDataAdmin):
    list_display = ["email", "name", "country", "language", "confirmed_at", "unsubscribed_at"]
    list_filter = ["language", "country"]
    search_fields = ["email", "email_key", "name"]
    readonly_fields = ["email_key", "created_at", "confirmed_at", "unsubscribed_at"]
    inlines = [ConsentInline]
    actions = ["export_data", "erase"]

    @admin.action(description=_("Download their data (JSON)"), permissions=["view"])
    def export_data(self, request, queryset):
        data = [services.supporter_data(supporter=supporter) for supporter in queryset]
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="supporter-data.json"'
        return response

    @admin.action(
        description=_("Erase (signatures stay counted, anonymously)"), permissions=["delete"]
    )
    def erase(self, request, queryset):
        count = len(queryset)
        for supporter in queryset:
            services.supporter_erase(supporter=supporter)
        self.message_user(request, _("%d supporter(s) erased.") % count, messages.SUCCESS)


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
            "comment",
            "source",
            "created_at",
            "confirmed_at",
        ]
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("petition", "supporter")


@admin.register(Signature)
class SignatureAdmin(ExportMixin, PersonalDataAdmin):
    resource_classes = [SignatureResource]
    list_display = ["supporter", "petition", "status", "created_at", "confirmed_at", "source"]
    list_filter = ["status", "petition"]
    list_select_related = ["supporter", "petition"]
    search_fields = ["supporter__email", "supporter__name"]
    readonly_fields = [
        "petition",
        "supporter",
        "status",
        "ip_hash",
        "created_at",
        "confirmed_at",
        "confirmation_emails",
        "last_confirmation_at",
        "reminded_at",
        "source",
    ]
    actions = ["invalidate"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Invalidate the selected signatures"), permissions=["change"])
    def invalidate(self, request, queryset):
        done = sum(signature.invalidate() for signature in queryset.select_related("petition"))
        self.message_user(request, _("%d signature(s) invalidated.") % done, messages.SUCCESS)


@admin.register(Letter)
class LetterAdmin(PersonalDataAdmin):
    list_display = ["action", "supporter", "created_at"]
    list_filter = ["action"]
    list_select_related = ["action", "supporter"]
    readonly_fields = ["action", "supporter", "body", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SolidarityMessage)
class SolidarityMessageAdmin(admin.ModelAdmin):
    list_display = ["author_name", "prisoner", "short_text", "status", "created_at", "printed_at"]
    list_filter = ["status", "prisoner"]
    list_select_related = ["prisoner"]
    search_fields = ["text", "author_name"]
    readonly_fields = [
        "prisoner",
        "supporter",
        "author_name",
        "author_country",
        "text",
        "status",
        "created_at",
        "moderated_at",
        "printed_at",
    ]
    actions = ["approve", "reject", "print_batch"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("message"))
    def short_text(self, message):
        return message.text[:80]

    @admin.action(description=_("Approve"), permissions=["change"])
    def approve(self, request, queryset):
        for message in queryset:
            message.approve()
        self.message_user(request, _("%d approved.") % len(queryset), messages.SUCCESS)

    @admin.action(description=_("Reject"), permissions=["change"])
    def reject(self, request, queryset):
        for message in queryset:
            message.reject()
        self.message_user(request, _("%d rejected.") % len(queryset), messages.SUCCESS)

    @admin.action(
        description=_("Print the approved, unprinted messages of these prisoners"),
        permissions=["change"],
    )
    def print_batch(self, request, queryset):
        prisoners = {message.prisoner for message in queryset}
        batches = [
            (prisoner, services.messages_for_printing(prisoner=prisoner))
            for prisoner in sorted(prisoners, key=str)
        ]
        return TemplateResponse(
            request, "campaigns/print_messages.html", {"batches": [b for b in batches if b[1]]}
        )
