from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrisonersConfig(AppConfig):
    """Profiles of political prisoners: who they are, the charges, the sentence, where they
    are held, their timeline and its sources. Staff keep them in the admin; the public reads
    the published ones.
    """

    name = "prisoners"
    verbose_name = _("Political prisoners")

    def ready(self):
        from auditlog.registry import auditlog

        from core.pagecache import invalidate_on

        from . import models

        invalidate_on(*self.get_models())
        auditlog.register(models.Prisoner, m2m_fields={"charges"})
        for model in (models.Case, models.Article, models.Source, models.TimelineEvent):
            auditlog.register(model)
        auditlog.register(models.AlternativeName)
