from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_migrate(sender, app_config, **kwargs):
    """Once every app has its permissions (the last post_migrate), bring the roles in line
    with core.roles."""
    from django.apps import apps as global_apps

    from .roles import sync_roles

    if app_config is list(global_apps.get_app_configs())[-1]:
        sync_roles()


class CoreConfig(AppConfig):
    """What every app builds on and that belongs to no pillar: the client's address behind
    trusted proxies, rate limits and network fingerprints, the honeypot form mixin, the
    shared partials (form fields, pagination, the invalid-link page), spreadsheet-safe
    exports, staff roles, two-factor sign-in for the admin, the audit trail and the security
    middleware. It imports no other app of the project.
    """

    name = "core"
    verbose_name = _("Site")

    def ready(self):
        from auditlog.registry import auditlog
        from django.contrib.auth.models import Group, User

        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="core.sync_roles")
        # Staff accounts and roles: who was given which access, by whom.
        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})
        auditlog.register(Group, m2m_fields={"permissions"})


class StaffAdminConfig(AdminConfig):
    """The Django admin, with the staff site that asks for a second factor."""

    default_site = "core.admin_site.StaffAdminSite"
