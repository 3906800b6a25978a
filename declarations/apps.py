from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    """Parliamentary written declarations (such as PACE's) and their signatory workflow.

    Assemblies with their rules as data, their delegations, groups and members
    (models/); invitations, pledges, signatures and the notices they set off
    (services/); reading, matching and importing published texts (pace/); the list in
    the assembly's layout (exports.py); the demo assembly (demo.py). It builds on
    prisoners and the outbox, and knows nothing of campaigns: what a campaign shows on a
    declaration's page, campaigns registers (declarations.models.page_sections).
    """

    name = "declarations"

    def ready(self):
        from auditlog.registry import auditlog

        from core.pagecache import invalidate_on

        from . import models, selectors  # noqa: F401  (selectors register page sections)

        invalidate_on(*self.get_models())

        auditlog.register(models.Declaration, m2m_fields={"prisoners"})
        for model in (
            models.Godparenthood,
            models.Signatory,
            models.Parliamentarian,
            models.Assembly,
            models.PoliticalGroup,
            models.Delegation,
        ):
            auditlog.register(model)
