"""An import of prisoners killed halfway (SIGKILL, as by the OOM killer or a lost SSH
session) leaves nothing behind, and run again it leaves exactly the rows of the file."""

import csv
import os
import signal
import sqlite3
import subprocess
import time

import pytest
from django.db import connection

from prisoners.models import Prisoner, Source, TimelineEvent
from prisoners.services import DEMO_FILE

from .servers import PYTHON, ROOT, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 2000


def write_file(path, rows):
    """`rows` profiles in the demo file's columns: the demo's own, then copies of them
    under new slugs and names."""
    with open(DEMO_FILE, encoding="utf-8-sig", newline="") as file:
        demo = list(csv.DictReader(file))
    out = []
    for n in range(rows):
        row = dict(demo[n % len(demo)])
        if n >= len(demo):
            row["slug"] = f"{row['slug']}-copy-{n}"
            row["family_name"] = f"{row['family_name']} {n}"
        out.append(row)
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(demo[0]))
        writer.writeheader()
        writer.writerows(out)
    return out


def lines(rows, column):
    return sum(1 for row in rows for line in row[column].splitlines() if line.strip())


def write_transaction_open():
    """Whether another connection holds an open transaction that writes (the import's)."""
    if connection.vendor == "sqlite":
        probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as error:
            return "locked" in str(error)
        finally:
            probe.close()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM pg_locks l
            JOIN pg_class r ON r.oid = l.relation
            JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE r.relname = 'prisoners_prisoner' AND l.mode = 'RowExclusiveLock'
              AND l.pid <> pg_backend_pid() AND a.datname = current_database()
              AND a.xact_start < now() - interval '200 milliseconds'
            """
        )
        return cursor.fetchone()[0] > 0


def load_demo(db_url, path, output):
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "REDIS_URL": "",
        "EMAIL_URL": "memorymail://",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    with open(output, "ab") as log:
        return subprocess.Popen(
            [PYTHON, "manage.py", "load_demo", "--prisoners", str(path)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def test_an_import_killed_halfway_and_run_again_leaves_exactly_the_file(db_url, tmp_path, figures):
    path = tmp_path / "prisoners.csv"
    rows = write_file(path, ROWS)
    slugs = {row["slug"] for row in rows}
    assert len(slugs) == ROWS
    in_file = Prisoner.objects.filter(slug__in=slugs)
    output = tmp_path / "load_demo.log"

    started = time.monotonic()
    process = load_demo(db_url, path, output)
    try:
        # Mid-import: the import's transaction is open and writing (or, were it not one
        # transaction, rows of the file have appeared).
        assert wait_until(lambda: write_transaction_open() or in_file.exists(), 60, 0.05), (
            output.read_text()
        )
        time.sleep(1.0)
        finished_early = process.poll() is not None or "Prisoners:" in output.read_text()
        assert not finished_early, "the import finished before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    killed_after = time.monotonic() - started
    left_by_the_kill = in_file.count()

    rerun_started = time.monotonic()
    process = load_demo(db_url, path, output)
    try:
        process.wait(300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    rerun_seconds = time.monotonic() - rerun_started
    assert process.returncode == 0, output.read_text()[-3000:]

    in_database = set(Prisoner.objects.values_list("slug", flat=True))
    numbers = {
        "rows_in_file": ROWS,
        "killed_after_seconds": round(killed_after, 1),
        "prisoners_left_by_the_kill": left_by_the_kill,
        "rerun_seconds": round(rerun_seconds, 1),
        "prisoners_after_rerun": len(in_database),
        "missing": len(slugs - in_database),
        "extra": len(in_database - slugs),
        "sources": Source.objects.count(),
        "sources_in_file": lines(rows, "sources"),
        "events": TimelineEvent.objects.count(),
        "events_in_file": lines(rows, "events"),
    }
    figures(**numbers)
    assert left_by_the_kill == 0, "the killed import left part of the file behind"
    assert in_database == slugs
    assert Prisoner.objects.count() == ROWS
    assert numbers["sources"] == numbers["sources_in_file"]
    assert numbers["events"] == numbers["events_in_file"]
