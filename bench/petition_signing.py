"""Petition page and signing, measured in one run.

    .venv/bin/python bench/petition_signing.py

1. The petition page with 100 and with 10,000 confirmed signatures: queries and median
   time, and their ratio. The count is a sum over a few counter rows, so the ratio should
   stay near 1.
2. Signing through the whole HTTP stack (form, rate limits, supporter, signature, consent,
   outbox row), sequentially: signatures per minute, against the 2,000 a minute of the UK
   petitions site's peak.
Uses a throwaway SQLite database, or BENCH_DATABASE_URL (never DATABASE_URL).
"""

import time

from harness import measure, setup

setup()


from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from campaigns.models import PetitionCounterShard, Signature  # noqa: E402
from supporters.models import Supporter  # noqa: E402
from tests.factories import PetitionFactory  # noqa: E402


def petition_with(count):
    petition = PetitionFactory(goal=count * 2)
    supporters = Supporter.objects.bulk_create(
        Supporter(
            email=f"s{count}-{n}@example.org",
            email_key=f"s{count}-{n}@example.org",
            name=f"Signer {n}",
            country="FR",
        )
        for n in range(count)
    )
    now = timezone.now()
    Signature.objects.bulk_create(
        (
            Signature(
                petition=petition, supporter=s, status="confirmed", confirmed_at=now, show_name=True
            )
            for s in supporters
        ),
        batch_size=1000,
    )
    PetitionCounterShard.objects.create(petition=petition, shard=0, count=count)
    return petition


def main():
    settings.SIGNING_IP_LIMITS = [(10**9, 60)]
    client = Client()
    small, large = petition_with(100), petition_with(10_000)
    q_small, t_small = measure(client, small.get_absolute_url())
    q_large, t_large = measure(client, large.get_absolute_url())
    print(
        f"petition page    queries {q_small} / {q_large}   "
        f"{t_small * 1000:.2f} ms / {t_large * 1000:.2f} ms   ratio {t_large / t_small:.2f}"
    )

    target = PetitionFactory()
    n = 300
    start = time.perf_counter()
    for i in range(n):
        response = client.post(
            target.get_absolute_url(),
            {
                "name": f"Bench {i}",
                "email": f"bench{i}@example.org",
                "country": "DE",
            },
            REMOTE_ADDR=f"10.0.{i // 250}.{i % 250}",
        )
        assert response.status_code == 302, response.status_code
    elapsed = time.perf_counter() - start
    per_minute = n / elapsed * 60
    print(
        f"signing          {n} signatures in {elapsed:.1f} s: {per_minute:,.0f} a minute "
        f"on one process, {per_minute / 2000:.1f}x the UK petitions peak of 2,000/min"
    )


if __name__ == "__main__":
    main()
