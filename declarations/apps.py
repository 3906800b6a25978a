from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    """Parliamentary written declarations (such as PACE's) and their signatory workflow.

    Assemblies and their rules, parliamentarians, invitations, signatures and the
    import of published declarations belong here.
    """

    name = "declarations"
