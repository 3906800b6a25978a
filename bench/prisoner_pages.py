"""Public prisoner pages and the import at two sizes, measured in one run.

    .venv/bin/python bench/prisoner_pages.py

Prints queries and median time per page at 50 and 1,000 prisoners, and the ratio between
the two. The query counts should be equal; the time ratio shows what grows with the data
(the list page paginates, so it should stay near 1). Timings are only comparable within
one run. Uses a throwaway SQLite database, or BENCH_DATABASE_URL (never DATABASE_URL).
"""

import time

from harness import measure, setup

setup()


from django.test import Client  # noqa: E402

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


def populate(count):
    Prisoner.objects.all().delete()
    articles = [ArticleFactory(number=str(n)) for n in (174, 256, 272, 405)]
    case = CaseFactory(slug=f"bench-{count}")
    for prisoner in PrisonerFactory.create_batch(count, case=case, charges=articles):
        source = SourceFactory(prisoner=prisoner)
        TimelineEventFactory.create_batch(4, prisoner=prisoner, source=source)
    return case


def measure_import(count):
    pks = list(Prisoner.objects.order_by("pk").values_list("pk", flat=True)[:count])
    dataset = PrisonerResource().export(queryset=Prisoner.objects.filter(pk__in=pks))
    start = time.perf_counter()
    result = PrisonerResource().import_data(dataset, dry_run=True)
    assert not result.has_errors()
    return (time.perf_counter() - start) / count


def main():
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
