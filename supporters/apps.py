from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportersConfig(AppConfig):
    """The people who take actions, and the rules for their addresses: one Supporter per
    address as a provider routes it, the blocklist of email domains (a maintained list of
    throwaway providers, plus staff's own), and unsubscribing. Supporters' personal data is
    shown only to staff with the personal-data permission, which is declared here.
    """

    name = "supporters"
    verbose_name = _("Supporters")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Supporter)
        auditlog.register(models.BlockedDomain)
