"""Updates to supporters: written in each language, previewed as the email will look, sent
as a test to oneself, then sent to the campaign's supporters who asked for news. Staff see
how many it reaches and how far sending has gone, never who."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from core.admin import in_each_language

from ..models import CampaignUpdate
from ..services import updates as services

SEND_PERMISSION = "campaigns.send_campaignupdate"


@admin.register(CampaignUpdate)
class CampaignUpdateAdmin(TranslationAdmin):
    list_display = ["subject", "campaign", "state", "recipients_planned", "queued", "sent_at"]
    list_filter = ["state", "campaign"]
    list_select_related = ["campaign"]
    search_fields = in_each_language("subject")
    fields = [
        "campaign",
        in_each_language("subject"),
        in_each_language("body"),
        "state",
        "progress",
    ]

    readonly_fields = ["state", "progress"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state != CampaignUpdate.State.DRAFT:
            return False  # what went out stays as it went out: the page is read-only
        return super().has_change_permission(request, obj)

    def get_actions(self, request):
        # Deleting in bulk would not ask each update whether it went out; a draft is
        # deleted from its own page.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.state != CampaignUpdate.State.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("progress"))
    def progress(self, update):
        if update.state == CampaignUpdate.State.DRAFT:
            return _("Not sent yet.")
        figures = services.campaign_update_progress(update=update)
        rows = [
            (_("Recipients planned"), figures["planned"]),
            (_("Written to the outbox"), figures["queued"]),
            (_("Sent by the outbox"), figures["sent"]),
            (_("Waiting to be sent"), figures["waiting"]),
            (_("Failed, waiting for staff"), figures["failed"]),
        ]
        return format_html(
            '<table class="figures"><tbody>{}</tbody></table>',
            format_html_join("", '<tr><th scope="row">{}</th><td>{}</td></tr>', rows),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="campaigns_campaignupdate_preview",
            ),
            path(
                "<int:pk>/send/",
                self.admin_site.admin_view(self.send_view),
                name="campaigns_campaignupdate_send",
            ),
            *super().get_urls(),
        ]

    def _language(self, request):
        codes = [code for code, _name in settings.LANGUAGES]
        language = request.GET.get("language") or request.POST.get("language") or codes[0]
        return language if language in codes else codes[0]

    def preview_view(self, request, pk):
        """The email in each language as the outbox renders it, the test to oneself, and
        the button that sends it to the supporters."""
        update = get_object_or_404(CampaignUpdate.objects.select_related("campaign"), pk=pk)
        if not self.has_view_permission(request, update):
            raise PermissionDenied
        language = self._language(request)
        can_test = self.has_change_permission(request)
        if request.method == "POST":
            if not can_test:
                raise PermissionDenied
            try:
                services.campaign_update_send_test(
                    update=update, user=request.user, language=language
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("A test is on its way to %(email)s.") % {"email": request.user.email},
                    messages.SUCCESS,
                )
            url = reverse("admin:campaigns_campaignupdate_preview", args=[update.pk])
            return HttpResponseRedirect(f"{url}?language={language}")
        is_draft = update.state == CampaignUpdate.State.DRAFT
        return TemplateResponse(
            request,
            "admin/campaigns/campaignupdate/preview.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Preview: %s") % update,
                "update": update,
                "preview": services.campaign_update_preview(
                    update=update,
                    language=language,
                    name=request.user.get_short_name() or request.user.username,
                ),
                "languages": settings.LANGUAGES,
                "can_test": can_test,
                "can_send": is_draft and request.user.has_perm(SEND_PERMISSION),
                "is_draft": is_draft,
                "recipients": (
                    services.campaign_update_recipients(update=update).count()
                    if is_draft
                    else update.recipients_planned
                ),
            },
        )

    def send_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        update = get_object_or_404(CampaignUpdate.objects.select_related("campaign"), pk=pk)
        if not request.user.has_perm(SEND_PERMISSION):
            raise PermissionDenied
        try:
            services.campaign_update_send(update=update, user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            planned = update.recipients_planned
            self.message_user(
                request,
                ngettext(
                    "Sending to %(count)d supporter. Progress shows below.",
                    "Sending to %(count)d supporters. Progress shows below.",
                    planned,
                )
                % {"count": planned},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:campaigns_campaignupdate_change", args=[update.pk])
        )
