from celery import shared_task
from django.core import management


@shared_task
def clear_expired_sessions():
    """Staff sessions hold admin access; expired rows are dead weight and a liability."""
    management.call_command("clearsessions")


@shared_task
def ping():
    """Round trip through the broker, used by the health check and the test suite."""
    return "pong"
