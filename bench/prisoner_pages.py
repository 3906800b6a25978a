"""Public prisoner pages and the import at two sizes, measured in one run.

    .venv/bin/python bench/prisoner_pages.py

Prints queries and median time per page at 50 and 1,000 prisoners, and the ratio between
the two. The query counts should be equal; the time ratio shows what grows with the data
(the list page paginates, so it should stay near 1). Timings are only comparable within
one run. Uses a throwaway SQLite database, or BENCH_DATABASE_URL (never DATABASE_URL).
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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from prisoners.models import Prisoner  # noqa: E402
from prisoners.resources import PrisonerResource  # noqa: E402
from tests.factories import (  # noqa: E402
    ArticleFactory,
    CaseFactory,
    PrisonerFactory,
    SourceFactory,
    TimelineEventFactory,
)

SIZES = (50, 1000)
REPEAT = 15


def populate(count):
    Prisoner.objects.all().delete()
    articles = [ArticleFactory(number=str(n)) for n in (174, 256, 272, 405)]
    case = CaseFactory(slug=f"bench-{count}")
    for prisoner in PrisonerFactory.create_batch(count, case=case, charges=articles):
        source = SourceFactory(prisoner=prisoner)
        TimelineEventFactory.create_batch(4, prisoner=prisoner, source=source)
    return case


def measure(client, url):
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    timings = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return len(queries), statistics.median(timings)


def measure_import(count):
    pks = list(Prisoner.objects.order_by("pk").values_list("pk", flat=True)[:count])
    dataset = PrisonerResource().export(queryset=Prisoner.objects.filter(pk__in=pks))
    start = time.perf_counter()
    result = PrisonerResource().import_data(dataset, dry_run=True)
    assert not result.has_errors()
    return (time.perf_counter() - start) / count


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    client = Client()
    results = {}
    for size in SIZES:
        case = populate(size)
        first = Prisoner.objects.order_by("pk").first()
        results[size] = {
            "list page": measure(client, "/prisoners/"),
            "filtered list": measure(client, "/prisoners/?article=405&q=a"),
            "profile page": measure(client, first.get_absolute_url()),
            "case page": measure(client, case.get_absolute_url()),
            "CSV export": measure(client, "/prisoners/export.csv"),
        }
        results[size]["import, per row"] = (None, measure_import(min(size, 200)))
    small, large = SIZES
    print(f"{'page':<16}{'queries':>12}{small:>10} ms{large:>10} ms{'ratio':>9}")
    for name in results[small]:
        q_small, t_small = results[small][name]
        q_large, t_large = results[large][name]
        queries = "-" if q_small is None else f"{q_small} / {q_large}"
        print(
            f"{name:<16}{queries:>12}{t_small * 1000:>13.2f}{t_large * 1000:>13.2f}"
            f"{t_large / t_small:>9.2f}"
        )


if __name__ == "__main__":
    main()
