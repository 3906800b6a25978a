from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .models import Signatory


@shared_task(ignore_result=True)
def send_reminders():
    now = timezone.now()
    due = Signatory.objects.due_for_reminder(
        now,
        every=settings.DECLARATION_REMINDER_EVERY,
        max_reminders=settings.DECLARATION_MAX_REMINDERS,
    ).values_list("pk", flat=True)
    return sum(services.invitation_remind(signature_id=pk, now=now) for pk in due.iterator())


@shared_task(ignore_result=True)
def send_deadline_digest():
    return services.staff_send_deadline_digest()
