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


@shared_task(ignore_result=True)
def send_campaign_update(update_id):
    """Write an update's emails to the outbox, batch after batch, from where it stopped."""
    from .services.updates import campaign_update_send_batches

    return campaign_update_send_batches(update_id=update_id)


@shared_task(ignore_result=True)
def resume_campaign_updates():
    """Beat: go on with updates whose sending stopped (broker down, worker killed)."""
    from .services.updates import campaign_updates_resume

    return campaign_updates_resume()
