from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    """Supporters' actions: petitions with confirmed signatures, letters to officials and
    solidarity messages to prisoners, with the emails and reminders around them.

    Models by subject (models/), services by job (services/: signing, letters and
    messages, privacy, reminders, review of held signatures), the reads other pages
    compose (selectors.py), every import-export resource (resources.py) and the demo
    campaign (demo.py). It is the top of the project: it may import every app below it,
    and none imports it.
    """

    name = "campaigns"

    def ready(self):
        from auditlog.registry import auditlog

        from core.pagecache import invalidate_on
        from outbox.services import register_preparer

        from . import models, selectors  # noqa: F401  (selectors register page sections)

        # What staff publish; what supporters send (signatures, letters, messages) changes
        # only counts, which the cache keeps for PUBLIC_PAGE_MAX_AGE at most.
        invalidate_on(models.Campaign, models.Petition, models.LetterAction, models.Official)
        from .services.privacy import PRIVACY_TEMPLATE, prepare_privacy_email

        auditlog.register(models.Campaign, m2m_fields={"featured_prisoners"})
        for model in (
            models.Petition,
            models.LetterAction,
            models.Official,
            models.Signature,
            models.Letter,
            models.SolidarityMessage,
            models.PaperSignatureBatch,
            models.CampaignUpdate,
        ):
            auditlog.register(model)
        register_preparer(PRIVACY_TEMPLATE, prepare_privacy_email)
