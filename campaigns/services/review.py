"""Staff review of held signatures, and the sources that signed most lately.

Held signatures are grouped as the UK Parliament petitions site groups them for its
moderators: by network fingerprint and by email domain, so that a burst from one network
or one throwaway domain is judged, and validated or invalidated, as one.
"""

from django.db import transaction
from django.db.models import Count, Max, Min, Q, Value
from django.db.models.functions import Coalesce, Lower, StrIndex, Substr
from django.utils import timezone

from ..models import Signature

NO_DOMAIN = "—"
Q_HELD = Q(held=True)


def _with_domain(queryset):
    email = "supporter__email"
    return queryset.annotate(
        domain=Coalesce(Lower(Substr(email, StrIndex(email, Value("@")) + 1)), Value(NO_DOMAIN))
    )


def held_groups(*, limit=200):
    """Held signatures, grouped by network and email domain, largest groups first."""
    return list(
        _with_domain(Signature.objects.held())
        .values("ip_hash", "domain")
        .annotate(
            signatures=Count("pk"),
            petitions=Count("petition", distinct=True),
            first=Min("created_at"),
            last=Max("created_at"),
        )
        .order_by("-signatures", "-last")[:limit]
    )


def held_in_group(*, ip_hash, domain):
    queryset = _with_domain(Signature.objects.held()).filter(ip_hash=ip_hash)
    return queryset.filter(domain=domain)


@transaction.atomic
def signatures_validate(*, signatures):
    """Held signatures found genuine: they count once confirmed. Returns how many."""
    return sum(s.validate() for s in signatures.select_related("petition"))


@transaction.atomic
def signatures_invalidate(*, signatures):
    """Signatures found fake: they never count. Returns how many."""
    return sum(s.invalidate() for s in signatures.select_related("petition"))


def trending_sources(*, since=None, limit=10):
    """The network fingerprints and the email domains that signed most in the last hour."""
    since = since or timezone.now() - timezone.timedelta(hours=1)
    recent = Signature.objects.filter(created_at__gte=since)
    networks = list(
        recent.exclude(ip_hash="")
        .values("ip_hash")
        .annotate(signatures=Count("pk"), held_count=Count("pk", filter=Q_HELD))
        .order_by("-signatures")[:limit]
    )
    domains = list(
        _with_domain(recent)
        .values("domain")
        .annotate(signatures=Count("pk"), held_count=Count("pk", filter=Q_HELD))
        .order_by("-signatures")[:limit]
    )
    return {"since": since, "networks": networks, "domains": domains}
