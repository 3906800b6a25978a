from celery import shared_task
from celery.signals import worker_process_init, worker_process_shutdown
from django.conf import settings

from . import services

# A mail server that accepts the connection and never answers cannot hold a worker for
# longer than this; EMAIL_TIMEOUT bounds each SMTP call well within it. Nothing reads the
# results, and a result backend that is down must not hold up a hand-over.
LIMITS = {
    "soft_time_limit": settings.OUTBOX_TASK_SOFT_LIMIT,
    "time_limit": settings.OUTBOX_TASK_SOFT_LIMIT + 30,
    "ignore_result": True,
}


@shared_task(**LIMITS)
def send_outgoing_email(email_id):
    return services.outbox_send(email_id=email_id, connection=services.kept_connection)


@shared_task(**LIMITS)
def send_due_emails():
    """The sweep: what the broker never delivered, what failed and is due again, and what a
    killed worker left half done."""
    return services.outbox_send_due(limit=settings.OUTBOX_SWEEP_BATCH)


@worker_process_init.connect
def _forget_the_parents_connection(**kwargs):
    # A pool process forked after its parent opened a connection must open its own, and
    # must not say QUIT on the parent's.
    services.kept_connection.forget()


@worker_process_shutdown.connect
def _close_the_kept_connection(**kwargs):
    services.kept_connection.close()
