"""Letter-evening kits in the admin: a form (a case, only those who accept letters, the
language) reached from the prisoner list, and an action on the list that opens the same
form for the profiles selected there."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .kits import NothingToPrint, letter_kit_build
from .models import Case, Prisoner


class LetterKitForm(forms.Form):
    case = forms.ModelChoiceField(
        Case.objects.all(), label=_("Case"), required=False, empty_label=_("Any case")
    )
    letters_only = forms.BooleanField(label=_("Only those who accept letters"), required=False)
    language = forms.ChoiceField(label=_("Language of the kit"), choices=settings.LANGUAGES)
    prisoners = forms.ModelMultipleChoiceField(
        Prisoner.objects.all(), required=False, widget=forms.MultipleHiddenInput
    )

    def clean(self):
        data = super().clean()
        if not (data.get("case") or data.get("letters_only") or data.get("prisoners")):
            raise forms.ValidationError(
                _(
                    "Choose a case, or tick “Only those who accept letters”, or select "
                    "profiles in the prisoner list and use the action “Letter-evening kit "
                    "(PDF)”."
                ),
                code="nothing_chosen",
            )
        return data


class LetterKitAdminMixin:
    """For PrisonerAdmin: the kit's URL, form, action and the link from the list."""

    change_list_template = "admin/prisoners/prisoner/change_list.html"

    def get_urls(self):
        return [
            path(
                "letter-kit/",
                self.admin_site.admin_view(self.letter_kit_view),
                name="prisoners_prisoner_letter_kit",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        extra_context["letter_kit_url"] = reverse("admin:prisoners_prisoner_letter_kit")
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Letter-evening kit (PDF)"), permissions=["view"])
    def letter_kit(self, request, queryset):
        form = LetterKitForm(
            initial={"prisoners": list(queryset), "language": translation.get_language()}
        )
        return self._letter_kit_form(request, form, list(queryset))

    def letter_kit_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            form = LetterKitForm(initial={"language": translation.get_language()})
            return self._letter_kit_form(request, form, [])
        form = LetterKitForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                content = letter_kit_build(
                    language=data["language"],
                    case=data["case"],
                    letters_only=data["letters_only"],
                    prisoners=data["prisoners"] or None,
                )
            except NothingToPrint as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                response = HttpResponse(content, content_type="application/pdf")
                response["Content-Disposition"] = (
                    f'attachment; filename="letter-kit-{data["language"]}.pdf"'
                )
                return response
        return self._letter_kit_form(request, form, form.cleaned_data.get("prisoners") or [])

    def _letter_kit_form(self, request, form, selected):
        return TemplateResponse(
            request,
            "admin/prisoners/prisoner/letter_kit.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Letter-evening kit"),
                "form": form,
                "selected": selected,
                "action_url": reverse("admin:prisoners_prisoner_letter_kit"),
            },
        )
