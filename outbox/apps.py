from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Every email the project sends. A message is written to the outbox in the same
    transaction as what caused it, under a key that makes it unique, and a worker sends it
    after commit (or the sweep does, if the broker was down). Nothing is lost when Redis, a
    worker or the mail server is down, and nothing is sent twice by a retry or a rerun.
    Apps above it give a full template path; the outbox knows nothing of them.
    """

    name = "outbox"
    verbose_name = _("Outgoing email")
