from celery import shared_task

from . import services


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
