from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def remind_unconfirmed():
    return services.signatures_remind_unconfirmed()


@shared_task(ignore_result=True)
def purge_unconfirmed():
    return services.signatures_purge_unconfirmed()


@shared_task(ignore_result=True)
def send_action_reminders():
    return services.action_reminders_send()


@shared_task(ignore_result=True)
def send_staff_digest():
    return services.staff_daily_digest()


@shared_task(ignore_result=True)
def recount_petitions():
    """Nightly: every petition's count rebuilt from its rows; drift is logged."""
    return services.petitions_recount()
