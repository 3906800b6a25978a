"""The petition's delivery PDF in the admin: a "Delivery PDF" button on the petition's page
opens a form to pick the language, which downloads the file. The signers' names are
personal data: only staff who may see it get the button, the form or the file."""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.permissions import can_see_personal_data

from ..delivery import petition_delivery_pdf


class DeliveryPdfForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the document"),
        choices=settings.LANGUAGES,
        help_text=_(
            "The petition's title and text in this language (or, where it is not "
            "translated, in the one that exists), and the countries' names."
        ),
    )


class DeliveryPdfAdminMixin:
    """For PetitionAdmin: the delivery PDF's URL, form and button."""

    def get_urls(self):
        return [
            path(
                "<int:pk>/delivery/",
                self.admin_site.admin_view(self.delivery_pdf_view),
                name="campaigns_petition_delivery_pdf",
            ),
            *super().get_urls(),
        ]

    def has_delivery_pdf_permission(self, request, petition=None):
        return can_see_personal_data(request.user) and self.has_view_permission(request, petition)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        extra_context["delivery_pdf_url"] = (
            reverse("admin:campaigns_petition_delivery_pdf", args=[object_id])
            if str(object_id).isdigit() and self.has_delivery_pdf_permission(request)
            else ""
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def delivery_pdf_view(self, request, pk):
        petition = get_object_or_404(self.model.objects.with_count(), pk=pk)
        if not self.has_delivery_pdf_permission(request, petition):
            raise PermissionDenied
        if request.method == "POST":
            form = DeliveryPdfForm(request.POST)
            if form.is_valid():
                language = form.cleaned_data["language"]
                content = petition_delivery_pdf(
                    petition=petition, language=language, user=request.user
                )
                response = HttpResponse(content, content_type="application/pdf")
                response["Content-Disposition"] = (
                    f'attachment; filename="{petition.slug}-delivery-{language}.pdf"'
                )
                response["Cache-Control"] = "private, no-store"
                return response
        else:
            form = DeliveryPdfForm(initial={"language": translation.get_language()})
        return TemplateResponse(
            request,
            "admin/campaigns/petition/delivery_pdf.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": petition,
                "title": _("Delivery PDF: %s") % petition,
                "form": form,
            },
        )
