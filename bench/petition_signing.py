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

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
workdir = tempfile.mkdtemp(prefix="bench-")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
os.environ.setdefault("VAR_DIR", workdir)
# Never the configured database: a benchmark fills and drops tables.
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from campaigns.models import PetitionCounterShard, Signature, Supporter  # noqa: E402
from tests.factories import PetitionFactory  # noqa: E402

REPEAT = 15


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


def page(client, url):
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    timings = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        timings.append(time.perf_counter() - start)
    return len(queries), statistics.median(timings)


def main():
    setup_test_environment()
    settings.SIGNING_IP_LIMITS = [(10**9, 60)]
    call_command("migrate", verbosity=0)
    client = Client()
    small, large = petition_with(100), petition_with(10_000)
    q_small, t_small = page(client, small.get_absolute_url())
    q_large, t_large = page(client, large.get_absolute_url())
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
