"""Reminders of dated actions (court hearings, birthdays) and the staff digest."""

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from core.templatetags.translated import texts_of
from outbox.models import OutgoingEmail
from outbox.services import outbox_enqueue
from prisoners.models import Prisoner, TimelineEvent
from supporters.models import Supporter
from supporters.services import absolute, unsubscribe_url

from ..models import Campaign, Petition, Signature, SolidarityMessage
from .review import trending_sources


def followers(prisoner):
    """Supporters who asked for updates from a live campaign featuring the prisoner, from
    an address they have confirmed, and who have not unsubscribed."""
    return (
        Supporter.objects.mailable()
        .filter(
            consents__mailing=True,
            consents__campaign__featured_prisoners=prisoner,
            consents__campaign__status=Campaign.Status.LIVE,
        )
        .distinct()
        .order_by("pk")
    )


def _next_birthday(born, today):
    for year in (today.year, today.year + 1):
        try:
            day = born.replace(year=year)
        except ValueError:  # born on 29 February
            day = born.replace(year=year, day=28)
        if day >= today:
            return day
    return None


def _notify_followers(prisoner, key, template, context, batch_size):
    """One email per follower, written to the outbox in batches. Keys make a second run a
    no-op; the sweep sends them, so a reminder run does not flood the broker."""
    sent = 0
    batch = []
    for supporter in followers(prisoner).iterator(chunk_size=batch_size):
        batch.append(supporter)
        if len(batch) == batch_size:
            sent += _enqueue_batch(batch, prisoner, key, template, context)
            batch = []
    if batch:
        sent += _enqueue_batch(batch, prisoner, key, template, context)
    return sent


def _enqueue_batch(supporters, prisoner, key, template, context):
    """One batch in two statements: which keys exist, then one INSERT of the others. The
    key's unique constraint (ignore_conflicts) settles a run that raced this one."""
    keys = {f"{key}-{supporter.pk}": supporter for supporter in supporters}
    with transaction.atomic():
        existing = set(OutgoingEmail.objects.filter(key__in=keys).values_list("key", flat=True))
        new = [
            OutgoingEmail(
                key=email_key,
                to=supporter.email,
                template=template,
                language=supporter.language,
                unsubscribe_url=unsubscribe_url(supporter),
                context={
                    **context,
                    "name": supporter.first_name,
                    "prisoner": prisoner.full_name,
                    "prisoner_url": absolute(prisoner.get_absolute_url()),
                },
            )
            for email_key, supporter in keys.items()
            if email_key not in existing
        ]
        OutgoingEmail.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def action_reminders_send(*, today=None, batch_size=500):
    """Birthdays (send a card) and court hearings of the prisoners supporters follow. Each
    reminder is sent once, however often this runs."""
    today = today or timezone.localdate()
    sent = 0
    hearings = TimelineEvent.objects.filter(
        kind=TimelineEvent.Kind.HEARING,
        date__gte=today,
        date__lte=today + timezone.timedelta(days=settings.HEARING_NOTICE_DAYS),
        prisoner__publication=Prisoner.Publication.PUBLISHED,
    ).select_related("prisoner")
    for hearing in hearings:
        sent += _notify_followers(
            hearing.prisoner,
            f"hearing-{hearing.pk}",
            "campaigns/email/hearing",
            {"date": hearing.date.isoformat(), "description": texts_of(hearing, "description")},
            batch_size,
        )
    held = Prisoner.objects.published().in_detention().filter(date_of_birth__isnull=False)
    for prisoner in held:
        birthday = _next_birthday(prisoner.date_of_birth, today)
        if birthday and (birthday - today).days <= settings.BIRTHDAY_NOTICE_DAYS:
            sent += _notify_followers(
                prisoner,
                f"birthday-{prisoner.pk}-{birthday.year}",
                "campaigns/email/birthday",
                {"date": birthday.isoformat(), "letters": prisoner.letters_accepted},
                batch_size,
            )
    return sent


def staff_daily_digest(*, now=None):
    """New signatures per petition, milestones, messages to moderate, and the hearings and
    birthdays of the next two weeks. One per day (the key), to the campaign staff."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not settings.CAMPAIGN_STAFF_EMAILS:
        return 0
    new_signatures = (
        Signature.objects.filter(
            petition=OuterRef("pk"), created_at__gte=now - timezone.timedelta(days=1)
        )
        .values("petition")
        .annotate(n=Count("pk"))
        .values("n")
    )
    petitions = list(
        Petition.objects.with_count()
        .annotate(new=Subquery(new_signatures))
        .select_related("campaign")
        .order_by("campaign__title", "title")
    )
    milestones = []
    for petition in petitions:
        reached = (
            100
            if petition.count >= petition.goal
            else 50
            if (petition.count * 2 >= petition.goal)
            else 0
        )
        if reached > petition.milestone_reported:
            milestones.append((petition.title, reached))
            Petition.objects.filter(pk=petition.pk).update(milestone_reported=reached)
    soon = today + timezone.timedelta(days=14)
    context = {
        "date": today.isoformat(),
        "petitions": [
            {"title": p.title, "new": p.new or 0, "total": p.count, "goal": p.goal}
            for p in petitions
        ],
        "milestones": [{"title": t, "percent": pc} for t, pc in milestones],
        "to_moderate": SolidarityMessage.objects.filter(
            status=SolidarityMessage.Status.PENDING
        ).count(),
        "hearings": [
            {
                "prisoner": e.prisoner.full_name,
                "date": e.date.isoformat(),
                "description": e.description,
            }
            for e in TimelineEvent.objects.filter(
                kind=TimelineEvent.Kind.HEARING, date__gte=today, date__lte=soon
            ).select_related("prisoner")
        ],
        "birthdays": [
            {"prisoner": p.full_name, "date": _next_birthday(p.date_of_birth, today).isoformat()}
            for p in Prisoner.objects.published().in_detention().filter(date_of_birth__isnull=False)
            if _next_birthday(p.date_of_birth, today) <= soon
        ],
    }
    trending = trending_sources(since=now - timezone.timedelta(hours=1))
    context.update(
        {
            "held": Signature.objects.held().count(),
            "trending_networks": [
                {"network": row["ip_hash"], "signatures": row["signatures"]}
                for row in trending["networks"][:5]
            ],
            "trending_domains": [
                {"domain": row["domain"], "signatures": row["signatures"]}
                for row in trending["domains"][:5]
            ],
            # Nothing fails silently: mail that gave up waits for staff to send it again.
            "failed_emails": list(
                OutgoingEmail.objects.failed()
                .values("template")
                .annotate(n=Count("pk"))
                .order_by("-n")
                .values_list("template", "n")
            ),
        }
    )
    with transaction.atomic():
        for address in settings.CAMPAIGN_STAFF_EMAILS:
            outbox_enqueue(
                key=f"digest-{today.isoformat()}-{address}",
                to=address,
                template="campaigns/email/digest",
                context=context,
            )
    return len(settings.CAMPAIGN_STAFF_EMAILS)
