from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from core.admin import PersonalDataAdminMixin, in_each_language
from core.images import image_without_metadata
from core.permissions import can_see_personal_data
from supporters.services import absolute

from .. import selectors, services
from ..models import (
    Campaign,
    Letter,
    LetterAction,
    Official,
    PaperSignatureBatch,
    Petition,
    SolidarityMessage,
    WithdrawnSignature,
)
from .delivery import DeliveryPdfAdminMixin

EMBED_SNIPPET = (
    '<iframe src="{}" title="{}" width="100%" height="260" loading="lazy"'
    ' referrerpolicy="no-referrer"></iframe>'
)


PETITION_FIELDS = [
    in_each_language("title"),
    "slug",
    in_each_language("target"),
    in_each_language("text"),
    ("goal", "closes_on"),
]
LETTER_ACTION_FIELDS = [
    in_each_language("title"),
    "slug",
    in_each_language("subject"),
    in_each_language("suggested_letter"),
    "recipients",
]


class PetitionInline(TranslationStackedInline):
    model = Petition
    extra = 0
    prepopulated_fields = {"slug": ["title"]}
    fields = PETITION_FIELDS


class LetterActionInline(TranslationStackedInline):
    model = LetterAction
    extra = 0
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["recipients"]
    fields = LETTER_ACTION_FIELDS


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "email"]
    search_fields = ["name", "position"]


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["image"]  # the admin adds the rest

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if not image or image == self.initial.get("image"):
            return image
        try:
            return image_without_metadata(image)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


@admin.register(Campaign)
class CampaignAdmin(TranslationAdmin):
    form = CampaignForm
    list_display = ["title", "status", "starts_on", "ends_on", "dashboard_link"]
    list_filter = ["status"]
    search_fields = in_each_language("title")
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["featured_prisoners", "declaration"]
    inlines = [PetitionInline, LetterActionInline]
    fields = [
        in_each_language("title"),
        "slug",
        in_each_language("summary"),
        in_each_language("story"),
        "image",
        "featured_prisoners",
        "declaration",
        "status",
        "starts_on",
        "ends_on",
    ]

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


class PaperSignatureBatchInline(admin.TabularInline):
    """Counts of signatures collected on paper or at events. Who entered each is set from
    the signed-in staff member; every change is in the audit trail."""

    model = PaperSignatureBatch
    extra = 0
    fields = ["count", "collected_on", "place", "note", "entered_by", "created_at"]
    readonly_fields = ["entered_by", "created_at"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entered_by")


@admin.register(Petition)
class PetitionAdmin(DeliveryPdfAdminMixin, TranslationAdmin):
    list_display = [
        "title",
        "campaign",
        "total",
        "online",
        "paper",
        "withdrawn",
        "goal",
        "closes_on",
    ]
    list_select_related = ["campaign"]
    search_fields = in_each_language("title")
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["signature_counts", "embed_code"]
    fields = ["campaign", *PETITION_FIELDS, "signature_counts", "embed_code"]
    inlines = [PaperSignatureBatchInline]

    def get_queryset(self, request):
        withdrawn = (
            WithdrawnSignature.objects.filter(petition=OuterRef("pk"))
            .order_by()
            .values("petition")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .with_count()
            .annotate(withdrawn_count=Coalesce(Subquery(withdrawn), 0))
        )

    @admin.display(description=_("signatures"))
    def total(self, petition):
        return petition.count

    @admin.display(description=_("online"), ordering="counted")
    def online(self, petition):
        return petition.online_count

    @admin.display(description=_("on paper"), ordering="paper_counted")
    def paper(self, petition):
        return petition.paper_count

    @admin.display(description=_("withdrawn"), ordering="withdrawn_count")
    def withdrawn(self, petition):
        return petition.withdrawn_count

    @admin.display(description=_("signatures"))
    def signature_counts(self, petition):
        if not petition.pk:
            return "—"
        return format_html(
            "{}<br>{}",
            _("%(total)s in all: %(online)s confirmed online, %(paper)s on paper.")
            % {
                "total": petition.count,
                "online": petition.online_count,
                "paper": petition.paper_count,
            },
            _("%(withdrawn)s withdrawn by their signers.")
            % {"withdrawn": petition.withdrawn_count},
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not PaperSignatureBatch:
            return super().save_formset(request, form, formset, change)
        for batch in formset.save(commit=False):
            if batch.pk is None:
                batch.entered_by = request.user
            batch.save()
        for batch in formset.deleted_objects:
            batch.delete()
        return None

    @admin.display(description=_("embed code"))
    def embed_code(self, petition):
        """The HTML a partner pastes into their site to show the petition, one per
        language, to be copied as it is shown."""
        if not petition.pk:
            return _("Save the petition to get the code that shows it on other websites.")
        rows = []
        for code, name in settings.LANGUAGES:
            with translation.override(code):
                url = absolute(reverse("campaigns:embed", kwargs={"slug": petition.slug}))
                snippet = escape(format_html(EMBED_SNIPPET, url, petition.title))
            rows.append((code, name, code, snippet, url, _("Preview")))
        return format_html(
            "<p>{}</p>{}",
            _(
                "Partners paste this code into their own web pages to show the petition. "
                "It shows while the campaign is live or closed."
            ),
            format_html_join(
                "",
                '<p><label for="embed-code-{}">{}</label></p>'
                '<textarea id="embed-code-{}" class="vLargeTextField" rows="3" readonly>{}'
                '</textarea><p><a href="{}" target="_blank" rel="noopener">{}</a></p>',
                rows,
            ),
        )


@admin.register(Letter)
class LetterAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["action", "supporter", "held", "created_at"]
    list_filter = ["held", "action"]
    list_select_related = ["action", "supporter"]
    readonly_fields = ["action", "supporter", "body", "held", "created_at"]
    actions = ["release"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected held letters"), permissions=["change"])
    def release(self, request, queryset):
        released = services.letters_release(letters=queryset)
        self.message_user(
            request,
            ngettext("%d letter sent.", "%d letters sent.", released) % released,
            messages.SUCCESS,
        )


@admin.register(SolidarityMessage)
class SolidarityMessageAdmin(admin.ModelAdmin):
    list_display = ["author_name", "prisoner", "short_text", "status", "created_at", "printed_at"]
    list_filter = ["status", "prisoner"]
    list_select_related = ["prisoner"]
    search_fields = ["text", "author_name"]
    readonly_fields = [
        "prisoner",
        "author_name",
        "author_country",
        "text",
        "status",
        "created_at",
        "moderated_at",
        "printed_at",
    ]
    actions = ["approve", "reject", "print_batch"]

    def get_fields(self, request, obj=None):
        # Who wrote it (the supporter's address) is personal data; what they wrote, and
        # the name they chose to sign with, is what staff moderate.
        fields = list(self.readonly_fields)
        if can_see_personal_data(request.user):
            fields.insert(1, "supporter")
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

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
