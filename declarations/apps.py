from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    """Parliamentary written declarations (such as PACE's) and their signatory workflow.

    Assemblies and their rules, parliamentarians, invitations, signatures and the
    import of published declarations belong here.
    """

    name = "declarations"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, selectors  # noqa: F401  (selectors register page sections)

        auditlog.register(models.Declaration, m2m_fields={"prisoners"})
        for model in (
            models.Signatory,
            models.Parliamentarian,
            models.Assembly,
            models.PoliticalGroup,
            models.Delegation,
        ):
            auditlog.register(model)
