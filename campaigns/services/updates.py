"""Updates to supporters: previewing one, sending a test to oneself, and sending it to
everyone who asked for news of the campaign.

Sending is a state change (draft to sending) and a task queued after the commit. The task
writes the emails to the outbox a batch at a time, keyset-paginated by supporter id, each
with a key per (update, supporter): a retried task, a second worker or a second press of
"send" writes nothing twice. If the broker is down when staff press "send", the update
stays "sending" and the beat task takes it up again (`campaign_updates_resume`). The
outbox's sweep sends what the batches wrote.
"""

import hashlib
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.templatetags.translated import resolve
from outbox.models import OutgoingEmail
from outbox.services import build_message, outbox_enqueue
from supporters.models import Supporter
from supporters.services import absolute, unsubscribe_url

from ..models import CampaignUpdate, Consent

logger = logging.getLogger(__name__)

TEMPLATE = "campaigns/email/update"
BATCH_SIZE = 500


def campaign_update_recipients(*, update):
    """Who gets the update: supporters with a confirmed address who have not unsubscribed,
    and whose latest consent given in this campaign agreed to receive updates."""
    latest_choice = (
        Consent.objects.filter(supporter=OuterRef("pk"), campaign_id=update.campaign_id)
        .order_by("-agreed_at", "-pk")
        .values("mailing")[:1]
    )
    # Only supporters who ever agreed in this campaign are looked at: the latest choice
    # is then read for those few, not for every supporter.
    agreed = Consent.objects.filter(campaign_id=update.campaign_id, mailing=True)
    return (
        Supporter.objects.mailable()
        .filter(pk__in=agreed.values("supporter_id"))
        .annotate(wants_updates=Subquery(latest_choice))
        .filter(wants_updates=True)
        .order_by("pk")
    )


def _content(update, language):
    """The update's text in a language, falling back as the site does (ru to en, kk to ru
    to en), with the language each part is really in."""
    with translation.override(language):
        subject, subject_language = resolve(update, "subject", language)
        body, body_language = resolve(update, "body", language)
        campaign, campaign_language = resolve(update.campaign, "title", language)
        campaign_url = absolute(update.campaign.get_absolute_url())
    return {
        "subject": subject,
        "subject_language": subject_language,
        "body": body,
        "body_language": body_language,
        "campaign": campaign,
        "campaign_language": campaign_language,
        "campaign_url": campaign_url,
    }


def _example_unsubscribe_url():
    """What the preview and a test show in place of a supporter's own link, which would
    unsubscribe them."""
    return absolute(reverse("supporters:unsubscribe", kwargs={"token": "example"}))


def _test_email(update, *, language, name, to=""):
    return OutgoingEmail(
        to=to,
        template=TEMPLATE,
        language=language,
        unsubscribe_url=_example_unsubscribe_url(),
        context={**_content(update, language), "name": name},
    )


def campaign_update_preview(*, update, language, name):
    """The update as a supporter who reads `language` will get it: subject, plain text
    and HTML, rendered by the outbox's own code."""
    email = _test_email(update, language=language, name=name, to="preview@")
    message = build_message(email)
    [(html, _mimetype)] = message.alternatives
    return {
        "language": language,
        "subject_language": email.context["subject_language"],
        "body_language": email.context["body_language"],
        "subject": message.subject,
        "text": message.body,
        "html": html,
        "headers": {
            key: value for key, value in message.extra_headers.items() if key.startswith("List-")
        },
    }


def campaign_update_send_test(*, update, user, language):
    """A test to the staff member's own address, through the outbox. The same text sent
    again to the same person is the same email (its key), and goes once."""
    if not user.email:
        raise ValidationError(
            _("Your account has no email address. Add one to receive a test."), code="no_email"
        )
    email = _test_email(update, language=language, name=user.get_short_name() or user.username)
    text = f"{email.context['subject']}\n{email.context['body']}".encode()
    fingerprint = hashlib.sha256(text).hexdigest()[:16]
    with transaction.atomic():
        return outbox_enqueue(
            key=f"campaign-update-{update.pk}-test-{user.pk}-{language}-{fingerprint}",
            to=user.email,
            template=TEMPLATE,
            context={**email.context, "test": True},
            language=language,
            unsubscribe_url=email.unsubscribe_url,
        )


def campaign_update_send(*, update, user):
    """Staff pressed "send": the update is sending from now on, and a worker is asked to
    write its emails once this commits. Refused for an update that already started."""
    if update.state != CampaignUpdate.State.DRAFT:
        raise ValidationError(
            _("This update has already been sent; it cannot be sent again."), code="started"
        )
    update.full_clean()
    with transaction.atomic():
        planned = campaign_update_recipients(update=update).count()
        if not update.start_sending(user=user, planned=planned):
            raise ValidationError(
                _("This update has already been sent; it cannot be sent again."), code="started"
            )
        transaction.on_commit(lambda: _queue_sending(update.pk))
    return update


def _queue_sending(update_id):
    """Ask a worker to send. A broker that is down loses nothing: the update stays
    "sending", and the beat task takes it up when it has not moved for a while."""
    from ..tasks import send_campaign_update

    try:
        send_campaign_update.apply_async((update_id,), retry=False)
    except Exception as error:  # any broker failure: the beat task recovers
        logger.warning("Broker unavailable (%s); update %s waits for the beat.", error, update_id)


def campaign_update_send_batch(*, update_id, batch_size=BATCH_SIZE):
    """Write the next batch of the update's emails to the outbox, in one transaction, and
    move the cursor past it; mark the update sent when no one is left. Returns how many
    emails this batch wrote, or None when the update is not (or no longer) sending."""
    with transaction.atomic():
        # The lock makes concurrent runs take batches in turn rather than the same one.
        update = (
            CampaignUpdate.objects.select_for_update()
            .select_related("campaign")
            .filter(pk=update_id, state=CampaignUpdate.State.SENDING)
            .first()
        )
        if update is None:
            return None
        supporters = list(
            campaign_update_recipients(update=update)
            .filter(pk__gt=update.last_supporter_id)
            .only("pk", "email", "name", "language")[:batch_size]
        )
        if not supporters:
            update.finish_sending()
            return None
        contents = {}
        keys = {f"{update.outbox_key_prefix}{supporter.pk}": supporter for supporter in supporters}
        existing = set(OutgoingEmail.objects.filter(key__in=keys).values_list("key", flat=True))
        new = []
        for key, supporter in keys.items():
            if key in existing:
                continue
            if supporter.language not in contents:
                contents[supporter.language] = _content(update, supporter.language)
            new.append(
                OutgoingEmail(
                    key=key,
                    to=supporter.email,
                    template=TEMPLATE,
                    language=supporter.language,
                    unsubscribe_url=unsubscribe_url(supporter),
                    context={**contents[supporter.language], "name": supporter.first_name},
                )
            )
        # Bulk mail goes to the sweep rather than to the broker an email at a time.
        OutgoingEmail.objects.bulk_create(new, ignore_conflicts=True)
        update.record_batch(last_supporter_id=supporters[-1].pk, queued=len(new))
    return len(new)


def campaign_update_send_batches(*, update_id, batch_size=BATCH_SIZE):
    """Every remaining batch of one update, each committed on its own so that the admin
    shows the progress and a stop loses at most one batch's work. Returns how many emails
    were written."""
    written = 0
    while (
        batch := campaign_update_send_batch(update_id=update_id, batch_size=batch_size)
    ) is not None:
        written += batch
    return written


def campaign_updates_resume(*, now=None, batch_size=BATCH_SIZE):
    """The beat's turn: go on with every update whose sending has not moved for a while
    (lost with the broker, or with a worker that died)."""
    written = 0
    stalled = CampaignUpdate.objects.stalled(now or timezone.now()).order_by("pk")
    for update_id in stalled.values_list("pk", flat=True):
        logger.info("Resuming update %s, which had stopped.", update_id)
        written += campaign_update_send_batches(update_id=update_id, batch_size=batch_size)
    return written


def campaign_update_progress(*, update):
    """Counts only, never who: recipients planned, emails written to the outbox so far,
    and how many of those the outbox has sent, is still sending or has given up on."""
    by_status = dict(
        OutgoingEmail.objects.filter(key__startswith=update.outbox_key_prefix)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "planned": update.recipients_planned,
        "queued": update.queued,
        "sent": by_status.get(OutgoingEmail.Status.SENT, 0),
        "failed": by_status.get(OutgoingEmail.Status.FAILED, 0),
        "waiting": by_status.get(OutgoingEmail.Status.QUEUED, 0)
        + by_status.get(OutgoingEmail.Status.SENDING, 0),
    }
