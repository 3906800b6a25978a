from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app builds on and that belongs to no pillar: the client's address behind
    trusted proxies, rate limits and network fingerprints, the honeypot form mixin, the
    shared partials (form fields, pagination, the invalid-link page), spreadsheet-safe
    exports, staff roles and the security middleware. It imports no other app of the
    project.
    """

    name = "core"
    verbose_name = _("Site")
