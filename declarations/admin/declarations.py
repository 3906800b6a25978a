"""Staff pages for declarations and their signatories: the threshold, the status moves,
the import of published texts, the prisoners a text names, and recording signatures."""

from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from modeltranslation.admin import TranslationAdmin

from core.admin import LabelledInlineFormSet, in_each_language

from .. import services
from ..exports import signatories_pace_layout
from ..forms import DeclarationPasteForm, ImportSaveForm
from ..models import Declaration, Parliamentarian, Signatory
from ..pace.importing import (
    ImportRefused,
    declaration_import,
    declaration_preview,
)
from ..resources import SignatoryResource
from ..services.suggestions import SUGGESTED_FOR, invitation_suggestions
from .members import report_invitations


class MemberAutocomplete(AutocompleteSelect):
    """The admin's autocomplete, told the member a saved row already names: Django's own
    looks the chosen member up again, one query a row."""

    known = None  # (pk, label), set on each saved row's copy of the widget

    def optgroups(self, name, value, attr=None):
        chosen = {str(v) for v in value if v not in (None, "")}
        if self.known and chosen == {str(self.known[0])}:
            return [(None, [self.create_option(name, *self.known, True, 0)], 0)]
        return super().optgroups(name, value, attr)


class SignatoryFormSet(LabelledInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if form.instance.pk and "parliamentarian" in form.fields:
            widget = form.fields["parliamentarian"].widget
            member = form.instance.parliamentarian
            getattr(widget, "widget", widget).known = (member.pk, str(member))


class SignatoryInline(admin.TabularInline):
    model = Signatory
    formset = SignatoryFormSet
    extra = 0
    fields = [
        "parliamentarian",
        "status",
        "position",
        "invited_at",
        "invitation_sent_at",
        "reminder_count",
        "signed_at",
        "delegation_at_signing",
        "group_at_signing",
    ]
    # The state moves through the actions on the signature list, which check each move and
    # keep the member's delegation and group at signing.
    readonly_fields = [
        "status",
        "invited_at",
        "invitation_sent_at",
        "reminder_count",
        "signed_at",
        "delegation_at_signing",
        "group_at_signing",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parliamentarian":
            kwargs["widget"] = MemberAutocomplete(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parliamentarian", "delegation_at_signing", "group_at_signing")
        )


def _transition_action(verb, label):
    """An admin action for one move of Declaration.TRANSITIONS."""

    def action(model_admin, request, queryset):
        model_admin._move(request, queryset, verb)

    action.__name__ = verb
    return admin.action(description=label, permissions=["change"])(action)


TRANSITION_ACTIONS = [
    _transition_action(verb, label)
    for verb, (_allowed, _target, label) in Declaration.TRANSITIONS.items()
    if label
]


@admin.register(Declaration)
class DeclarationAdmin(ExportMixin, TranslationAdmin):
    list_display = [
        "title",
        "number",
        "assembly",
        "status",
        "threshold_progress",
        "signatures_close_on",
    ]
    list_filter = ["assembly", "status"]
    search_fields = [*in_each_language("title"), "body", "document_number"]
    autocomplete_fields = ["prisoners"]
    inlines = [SignatoryInline]
    readonly_fields = ["threshold_detail", "word_count_note", "suggested_prisoners"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "assembly",
                    in_each_language("title"),
                    ("body", "body_language"),
                    "word_count_note",
                    "status",
                ]
            },
        ),
        (
            _("Numbers and dates"),
            {
                "fields": [
                    ("document_number", "declaration_number", "edition"),
                    ("tabled_on", "published_on", "signatures_close_on"),
                ]
            },
        ),
        (_("Signatures"), {"fields": ["threshold_detail"]}),
        (_("Prisoners concerned"), {"fields": ["prisoners", "suggested_prisoners"]}),
    ]
    actions = [*TRANSITION_ACTIONS, "export_pace"]
    ordering = ["-published_on", "-created_at"]
    resource_classes = [SignatoryResource]
    # Adds "Import a published declaration" to the buttons; the export's template extends it.
    change_list_template = "admin/declarations/declaration/change_list.html"
    invitation_suggestions_limit = 20

    def change_view(self, request, object_id, form_url="", extra_context=None):
        declaration = self.get_object(request, object_id)
        suggestions = None
        if declaration is not None and declaration.status in SUGGESTED_FOR:
            suggestions = invitation_suggestions(
                declaration=declaration, limit=self.invitation_suggestions_limit
            )
        extra_context = {
            **(extra_context or {}),
            "invitation_suggestions": suggestions,
            "suggestions_open": declaration is not None and declaration.is_open_for_signatures,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        return super().get_queryset(request).with_threshold_counts()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        suggestions = services.declaration_suggest_prisoners(declaration=form.instance)
        if suggestions:
            url = reverse("admin:declarations_declaration_prisoners", args=[form.instance.pk])
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("The text names %d published prisoner(s) not yet linked:") % len(suggestions),
                    url,
                    _("review and link them"),
                ),
                messages.WARNING,
            )

    def get_readonly_fields(self, request, obj=None):
        # Status moves go through the actions, which check each move.
        return [*self.readonly_fields, "status"] if obj else self.readonly_fields

    def get_export_queryset(self, request):
        declarations = super().get_export_queryset(request)
        return Signatory.objects.filter(declaration__in=declarations.values("pk"))

    @admin.display(description=_("threshold"))
    def threshold_progress(self, declaration):
        if declaration.pk is None:
            return "—"
        threshold = declaration.threshold()
        return format_html(
            "{} / {} signatures · {} / {} delegations · {} / {} groups<br><strong>{}</strong>",
            threshold.signatures,
            threshold.min_signatures,
            threshold.delegations,
            threshold.min_delegations,
            threshold.groups,
            threshold.min_groups,
            _("Met") if threshold.met else threshold,
        )

    @admin.display(description=_("threshold"))
    def threshold_detail(self, declaration):
        if declaration.pk is None:
            return "—"
        signatures = reverse("admin:declarations_signatory_changelist")
        return format_html(
            '{}<br><a href="{}?declaration__id__exact={}">{}</a>',
            self.threshold_progress(declaration),
            signatures,
            declaration.pk,
            _("Record pledges and signatures…"),
        )

    @admin.display(description=_("No."), ordering="declaration_number")
    def number(self, declaration):
        return declaration.declaration_number or "—"

    @admin.display(description=_("length"))
    def word_count_note(self, declaration):
        if declaration.pk is None:
            return "—"
        limit = declaration.assembly.word_limit
        if declaration.over_word_limit:
            return format_html(
                "<strong>{} words, over the limit of {}</strong> (a warning only)",
                declaration.word_count,
                limit,
            )
        return f"{declaration.word_count} words (limit {limit})"

    @admin.display(description=_("named in the text"))
    def suggested_prisoners(self, declaration):
        if declaration.pk is None:
            return "—"
        url = reverse("admin:declarations_declaration_prisoners", args=[declaration.pk])
        return format_html(
            '<a href="{}">{}</a>', url, _("Find the prisoners named in the text and link them…")
        )

    def get_urls(self):
        return [
            path(
                "import-text/",
                self.admin_site.admin_view(self.import_text_view),
                name="declarations_declaration_import_text",
            ),
            path(
                "<int:pk>/invite-suggested/",
                self.admin_site.admin_view(self.invite_suggested_view),
                name="declarations_declaration_invite_suggested",
            ),
            path(
                "<int:pk>/prisoners/",
                self.admin_site.admin_view(self.prisoners_view),
                name="declarations_declaration_prisoners",
            ),
            *super().get_urls(),
        ]

    def _move(self, request, queryset, verb):
        moved = 0
        for declaration in queryset:
            try:
                getattr(declaration, verb)()
                moved += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{declaration}: {' '.join(error.messages)}", messages.ERROR
                )
        if moved:
            self.message_user(request, _("%d declaration(s) updated.") % moved, messages.SUCCESS)

    @admin.action(description=_("Signatories in PACE's layout (text)"), permissions=["view"])
    def export_pace(self, request, queryset):
        text = "\n\n".join(
            f"{declaration}\n\n" + signatories_pace_layout(declaration=declaration)
            for declaration in queryset
        )
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="signatories.txt"'
        return response

    def import_text_view(self, request):
        """Paste or upload a published declaration; preview what was understood; confirm."""
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        form = DeclarationPasteForm(request.POST or None, request.FILES or None)
        # Bound only on confirming, so that the preview offers "Published" ticked.
        save_form = ImportSaveForm(request.POST if "confirm" in request.POST else None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a published declaration"),
            "form": form,
            "save_form": save_form,
        }
        if request.method == "POST" and form.is_valid():
            text, assembly = form.cleaned_data["text"], form.cleaned_data["assembly"]
            if "confirm" not in request.POST or not save_form.is_valid():
                context["plan"] = declaration_preview(text=text, assembly=assembly)
            else:
                try:
                    declaration = declaration_import(
                        text=text,
                        assembly=assembly,
                        choices=form.choices(),
                        status=save_form.cleaned_data["status"],
                        below_threshold=save_form.cleaned_data["below_threshold"],
                    )
                except ImportRefused as refusal:
                    context["plan"] = refusal.plan
                    # Errors in the text show with the preview; the rest, above it.
                    if not refusal.plan.errors:
                        context["import_errors"] = refusal.messages
                else:
                    self.message_user(request, _("Imported “%s”.") % declaration, messages.SUCCESS)
                    return HttpResponseRedirect(
                        reverse("admin:declarations_declaration_prisoners", args=[declaration.pk])
                    )
        return TemplateResponse(request, "admin/declarations/import_text.html", context)

    def invite_suggested_view(self, request, pk):
        """Invite the members ticked in the change page's "Whom to invite next"."""
        declaration = get_object_or_404(Declaration, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, declaration):
            return HttpResponse(status=403 if request.method == "POST" else 405)
        back = HttpResponseRedirect(reverse("admin:declarations_declaration_change", args=[pk]))
        ids = [value for value in request.POST.getlist("member") if value.isdigit()]
        members = list(Parliamentarian.objects.filter(pk__in=ids))
        if not members:
            self.message_user(request, _("Tick the members to invite."), messages.WARNING)
            return back
        try:
            created = services.invitations_create(declaration=declaration, parliamentarians=members)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return back
        report_invitations(self, request, created, asked=len(members))
        return back

    def prisoners_view(self, request, pk):
        declaration = get_object_or_404(Declaration, pk=pk)
        if not self.has_change_permission(request, declaration):
            return HttpResponse(status=403)
        suggestions = services.declaration_suggest_prisoners(declaration=declaration)
        if request.method == "POST":
            chosen = [p for p in suggestions if str(p.pk) in request.POST.getlist("prisoner")]
            services.declaration_link_prisoners(declaration=declaration, prisoners=chosen)
            self.message_user(request, _("%d prisoner(s) linked.") % len(chosen), messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:declarations_declaration_change", args=[pk]))
        return TemplateResponse(
            request,
            "admin/declarations/prisoners.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Prisoners named in “%s”") % declaration,
                "declaration": declaration,
                "suggestions": suggestions,
                "linked": declaration.prisoners.all(),
            },
        )
