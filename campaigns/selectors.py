"""Reads that other layers compose: the campaign dashboard, and what a prisoner's profile
and a declaration's page show of the campaigns (registered with their pages' sections)."""

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from declarations.models import page_sections as declaration_page_sections
from prisoners.models import profile_sections

from .models import Campaign, Letter, Signature


@profile_sections.register
def live_campaigns_on_a_profile():
    """A prisoner's profile: the live campaigns featuring them, with their actions."""
    return Prefetch(
        "campaigns",
        queryset=Campaign.objects.live().prefetch_related("petitions", "letter_actions"),
        to_attr="live_campaigns",
    )


@declaration_page_sections.register
def campaigns_on_a_declaration_page():
    """A declaration's page: the public campaigns built on it."""
    return Prefetch("campaigns", queryset=Campaign.objects.public(), to_attr="public_campaigns")


def campaign_dashboard(*, campaign, days=30, today=None):
    """Figures for staff: signatures per day, by country, confirmation rate, letters."""
    today = today or timezone.localdate()
    start = today - timezone.timedelta(days=days - 1)
    signatures = Signature.objects.filter(petition__campaign=campaign)
    per_day = dict(
        signatures.filter(created_at__date__gte=start)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    series = [
        (start + timezone.timedelta(days=i), per_day.get(start + timezone.timedelta(days=i), 0))
        for i in range(days)
    ]
    totals = signatures.aggregate(
        confirmed=Count("pk", filter=Q(status=Signature.Status.CONFIRMED)),
        pending=Count("pk", filter=Q(status=Signature.Status.PENDING)),
    )
    decided = totals["confirmed"] + totals["pending"]
    by_country = list(
        signatures.filter(status=Signature.Status.CONFIRMED, supporter__isnull=False)
        .values("supporter__country")
        .annotate(n=Count("pk"))
        .order_by("-n")[:15]
    )
    peak = max((n for _, n in series), default=0) or 1
    return {
        "series": [
            {
                "day": day,
                "n": n,
                "height": max(round(n * 100 / peak), 1 if n else 0),
                "y": 100 - max(round(n * 100 / peak), 1 if n else 0),
                "x": index * (300 // days) + 1,
            }
            for index, (day, n) in enumerate(series)
        ],
        "confirmed": totals["confirmed"],
        "pending": totals["pending"],
        "confirmation_rate": round(totals["confirmed"] * 100 / decided) if decided else None,
        "by_country": by_country,
        "letters": Letter.objects.filter(action__campaign=campaign).count(),
    }
