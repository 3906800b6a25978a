from celery import shared_task

from . import services


@shared_task
def send_outgoing_email(email_id):
    return services.outbox_send(email_id=email_id)


@shared_task
def send_due_emails():
    """The sweep: sends what the broker never delivered and retries what failed."""
    return sum(services.outbox_send(email_id=pk) for pk in services.outbox_due().iterator())


@shared_task
def remind_unconfirmed():
    return services.signatures_remind_unconfirmed()


@shared_task
def purge_unconfirmed():
    return services.signatures_purge_unconfirmed()


@shared_task
def send_action_reminders():
    return services.action_reminders_send()


@shared_task
def send_staff_digest():
    return services.staff_daily_digest()
