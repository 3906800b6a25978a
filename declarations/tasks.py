from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .models import Signature

RETRY = {"autoretry_for": (OSError,), "retry_backoff": 60, "retry_jitter": True, "max_retries": 6}


@shared_task(**RETRY)
def send_invitation(signature_id):
    return services.invitation_send(signature_id=signature_id)


@shared_task
def send_pending_invitations():
    """Sweep: invitations whose email was never queued or sent (the broker was down, or a
    worker died) are sent now. Each send is guarded, so a double run sends nothing twice."""
    pending = Signature.objects.filter(
        state=Signature.State.INVITED,
        invitation_sent_at__isnull=True,
        parliamentarian__email__gt="",
    ).values_list("pk", flat=True)
    return sum(services.invitation_send(signature_id=pk) for pk in pending.iterator())


@shared_task
def send_reminders():
    now = timezone.now()
    due = Signature.objects.due_for_reminder(
        now,
        every=settings.DECLARATION_REMINDER_EVERY,
        max_reminders=settings.DECLARATION_MAX_REMINDERS,
    ).values_list("pk", flat=True)
    return sum(services.invitation_remind(signature_id=pk, now=now) for pk in due.iterator())


@shared_task(**RETRY)
def notify_threshold_met(declaration_id):
    return services.staff_notify_threshold_met(declaration_id=declaration_id)


@shared_task
def send_deadline_digest():
    return services.staff_send_deadline_digest()
