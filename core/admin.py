"""Admin building blocks shared by the apps."""

from django.conf import settings
from django.contrib import admin


def can_see_personal_data(user):
    """The one check in front of supporters' personal data: lists, pages, exports,
    imports, actions and the audit trail of supporters' rows."""
    return user.is_active and user.has_perm(settings.PERSONAL_DATA_PERMISSION)


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


class ReadOnlyAdminMixin:
    """For records that are written by the system only: staff read them."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


__all__ = ["PersonalDataAdminMixin", "ReadOnlyAdminMixin", "admin", "can_see_personal_data"]
