from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from core.admin import LabelledInlineFormSet, in_each_language
from core.images import image_without_metadata

from .admin_kits import LetterKitAdminMixin
from .models import AlternativeName, Article, Case, Prisoner, Source, TimelineEvent
from .resources import PrisonerResource


class PrisonerForm(forms.ModelForm):
    class Meta:
        model = Prisoner
        fields = ["photo"]  # the admin adds the rest from its fieldsets

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo or photo == self.initial.get("photo"):
            return photo
        try:
            return image_without_metadata(photo)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


@admin.register(Article)
class ArticleAdmin(TranslationAdmin):
    list_display = ["number", "title", "prisoner_count"]
    search_fields = ["number", *in_each_language("title")]
    fields = ["number", in_each_language("title")]
    ordering = ["number"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(prisoner_count=Count("prisoners"))

    @admin.display(description=_("prisoners"), ordering="prisoner_count")
    def prisoner_count(self, article):
        return article.prisoner_count


@admin.register(Case)
class CaseAdmin(TranslationAdmin):
    list_display = ["title", "prisoner_count"]
    search_fields = in_each_language("title")
    ordering = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [in_each_language("title"), "slug", in_each_language("summary")]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(prisoner_count=Count("prisoners"))

    @admin.display(description=_("prisoners"), ordering="prisoner_count")
    def prisoner_count(self, case):
        return case.prisoner_count


class AlternativeNameInline(admin.TabularInline):
    model = AlternativeName
    formset = LabelledInlineFormSet
    extra = 1


class SourceInline(admin.TabularInline):
    model = Source
    formset = LabelledInlineFormSet
    extra = 1


class TimelineEventInline(TranslationStackedInline):
    # Stacked: nine columns (three of them a description per language) do not fit a
    # 1280 px window side by side.
    model = TimelineEvent
    extra = 1
    fields = [("date", "date_precision", "kind"), in_each_language("description"), "source"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "source":
            prisoner_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Source.objects.filter(prisoner_id=prisoner_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Prisoner)
class PrisonerAdmin(LetterKitAdminMixin, ImportExportModelAdmin, TranslationAdmin):
    form = PrisonerForm
    resource_classes = [PrisonerResource]
    import_template_name = "admin/prisoners/prisoner/import.html"  # reasons, no tracebacks
    list_display = ["full_name", "status", "case", "sentence", "detained_on", "publication"]
    list_filter = [
        "publication",
        "status",
        "case",
        "charges",
        "gender",
        "torture_reported",
        "health_at_risk",
        "hunger_strike",
        "letters_accepted",
    ]
    search_fields = [
        "given_name",
        "family_name",
        "patronymic",
        "given_name_cyrillic",
        "family_name_cyrillic",
        "patronymic_cyrillic",
        "alternative_names__name",
        "slug",
    ]
    list_select_related = ["case"]
    autocomplete_fields = ["case"]
    prepopulated_fields = {"slug": ["given_name", "family_name"]}
    inlines = [AlternativeNameInline, SourceInline, TimelineEventInline]
    actions = ["publish", "unpublish", "letter_kit"]
    save_on_top = True
    fieldsets = [
        (
            _("Person"),
            {
                "fields": [
                    ("given_name", "patronymic", "family_name"),
                    ("given_name_cyrillic", "patronymic_cyrillic", "family_name_cyrillic"),
                    "slug",
                    "photo",
                    ("date_of_birth", "gender"),
                    ("citizenship", "region"),
                ]
            },
        ),
        (
            _("Case"),
            {
                "fields": [
                    "status",
                    "case",
                    "charges",
                    ("sentence_years", "sentence_months"),
                    "sentence_note",
                    ("detained_on", "convicted_on", "sentence_start_on"),
                ]
            },
        ),
        (
            _("Detention"),
            {
                "fields": [
                    "place_of_detention",
                    "letters_address",
                    "letters_accepted",
                    ("torture_reported", "health_at_risk", "hunger_strike"),
                ]
            },
        ),
        (_("Story"), {"fields": [in_each_language("summary"), in_each_language("story")]}),
        (_("Publication"), {"fields": ["publication"]}),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "charges":
            # Every article with its full title, each a labelled checkbox: select2's small
            # tags cut the titles short, and its search box has no label.
            kwargs["widget"] = forms.CheckboxSelectMultiple(attrs={"class": "charges-picker"})
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("sentence"))
    def sentence(self, prisoner):
        if prisoner.sentence_years is None:
            return "—"
        return _("%(years)s y %(months)s m") % {
            "years": prisoner.sentence_years,
            "months": prisoner.sentence_months,
        }

    @admin.action(description=_("Publish the selected profiles"), permissions=["change"])
    def publish(self, request, queryset):
        for prisoner in queryset:
            prisoner.publish()
        self.message_user(
            request,
            ngettext("%d profile published.", "%d profiles published.", len(queryset))
            % len(queryset),
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Withdraw the selected profiles from the public site"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        for prisoner in queryset:
            prisoner.unpublish()
        self.message_user(
            request,
            ngettext("%d profile withdrawn.", "%d profiles withdrawn.", len(queryset))
            % len(queryset),
            messages.SUCCESS,
        )
