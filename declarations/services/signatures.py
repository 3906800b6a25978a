"""Signatures made at the assembly, and the notices they set off: the threshold met, and
the deadline digest of declarations still short of it."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from outbox.services import outbox_enqueue

from ..models import Declaration


def signature_record(*, signature, at=None):
    """Record a signature made at the assembly, and move the declaration on when this one
    completes the threshold. The declaration's row is locked, so that two staff recording
    at once make one signature, one move and one notice."""
    with transaction.atomic():
        Declaration.objects.select_for_update().filter(pk=signature.declaration_id).first()
        signature.refresh_from_db()
        signature.sign(at=at)
        declaration = Declaration.objects.with_threshold_counts().get(pk=signature.declaration_id)
        if declaration.status == Declaration.Status.COLLECTING and declaration.threshold().met:
            declaration.mark_threshold_met()
            _notify_threshold_met(declaration)
    return signature


def _notify_threshold_met(declaration):
    threshold = declaration.threshold()
    for address in settings.DECLARATION_STAFF_EMAILS:
        outbox_enqueue(
            key=f"declaration-{declaration.pk}-threshold-met-{address}",
            to=address,
            template="declarations/email/threshold_met",
            context={
                "title": declaration.title,
                "assembly": declaration.assembly.short_name,
                "signatures": threshold.signatures,
                "delegations": threshold.delegations,
                "groups": threshold.groups,
            },
        )


def staff_send_deadline_digest(*, today=None, within_days=7):
    """Declarations whose signature deadline is near and whose threshold is still missing.
    One digest a day (the key) to each staff address."""
    today = today or timezone.localdate()
    due = [
        d
        for d in Declaration.objects.with_threshold_counts().filter(
            status=Declaration.Status.COLLECTING,
            signatures_close_on__gte=today,
            signatures_close_on__lte=today + timezone.timedelta(days=within_days),
        )
        if not d.threshold().met
    ]
    if not due or not settings.DECLARATION_STAFF_EMAILS:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        declarations = [
            {
                "title": d.title,
                "closes_on": date_format(d.signatures_close_on, "j F Y"),
                "threshold": str(d.threshold()),
            }
            for d in due
        ]
    with transaction.atomic():
        for address in settings.DECLARATION_STAFF_EMAILS:
            outbox_enqueue(
                key=f"declarations-deadline-digest-{today.isoformat()}-{address}",
                to=address,
                template="declarations/email/deadline_digest",
                context={"declarations": declarations},
            )
    return len(due)
