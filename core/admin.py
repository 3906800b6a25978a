"""Admin building blocks shared by the apps."""

from django.conf import settings
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .permissions import can_see_personal_data


class PersonalDataAdminMixin:
    """Every view of the model needs the personal-data permission as well as the model's
    own: the list, the page, the history, exports and imports (django-import-export asks
    has_export_permission / has_import_permission), and every action."""

    def has_module_permission(self, request):
        return can_see_personal_data(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return can_see_personal_data(request.user) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return can_see_personal_data(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can_see_personal_data(request.user) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request, *args):
        return can_see_personal_data(request.user) and super().has_add_permission(request, *args)

    def has_export_permission(self, request):
        parent = getattr(super(), "has_export_permission", None)
        return can_see_personal_data(request.user) and (parent is None or parent(request))

    def has_import_permission(self, request):
        parent = getattr(super(), "has_import_permission", None)
        return can_see_personal_data(request.user) and (parent is None or parent(request))

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """django-import-export's export, written to the audit trail."""
        from .audit import record_export

        data = super().get_export_data(file_format, request, queryset, **kwargs)
        record_export(
            user=request.user,
            model=self.model,
            rows=queryset.count(),
            what=f"Export of {self.model._meta.verbose_name_plural}",
            file_format=file_format.get_title(),
        )
        return data


class ReadOnlyAdminMixin:
    """For records that are written by the system only: staff read them."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The audit trail, read-only, and each entry only for staff who may see its object.
from auditlog.admin import LogEntryAdmin as _LogEntryAdmin  # noqa: E402
from auditlog.models import LogEntry  # noqa: E402

admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditTrailAdmin(_LogEntryAdmin):
    def get_queryset(self, request):
        from .audit import visible_content_types

        return (
            super()
            .get_queryset(request)
            .filter(content_type__in=visible_content_types(request.user))
        )

    def has_delete_permission(self, request, obj=None):
        return False


def in_each_language(name):
    """The columns of a translated field (django-modeltranslation), one a language, as one
    row of an admin fieldset: staff write the languages side by side."""
    return tuple(f"{name}_{code}" for code, _ in settings.LANGUAGES)


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline heads its columns but gives its inputs no <label>: each input is
    named by its column and row ("Title, row 2"), so that a screen reader says what it is."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            label = str(field.label or "")
            if index is not None:
                label = _("%(field)s, row %(row)s") % {"field": label, "row": index + 1}
            field.widget.attrs["aria-label"] = label
