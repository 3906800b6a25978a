"""`make backup` and `make restore` on the kind of database the suite runs on (PostgreSQL in
CI, SQLite locally). The round trip runs in a scratch database of that kind, seeded from the
test database, so that the test database other tests use is only ever read."""

import os
import secrets
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.factories import PrisonerFactory
from tests.support import database_url

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)


class Scratch:
    """An empty database beside the test database, of the same kind, read with plain SQL."""

    def __init__(self, tmp_path):
        settings_dict = connection.settings_dict
        if connection.vendor == "sqlite":
            self.path = tmp_path / "scratch.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.name = f"scratch_{secrets.token_hex(6)}"
            self.url = database_url({**settings_dict, "NAME": self.name})
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.name}"')

    def connect(self):
        if connection.vendor == "sqlite":
            return sqlite3.connect(self.path)
        return psycopg.connect(self.url)

    def query(self, sql):
        with closing(self.connect()) as database:
            rows = database.execute(sql).fetchall()
        return [tuple(row) for row in rows]

    def execute(self, sql):
        with closing(self.connect()) as database:
            database.execute(sql)
            database.commit()

    def drop(self):
        if connection.vendor != "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def scratch(tmp_path):
    database = Scratch(tmp_path)
    yield database
    database.drop()


def run(command, *, url, tmp_path):
    """A command as an operator runs it, against the database at url."""
    env = {**os.environ, "DATABASE_URL": url, "VAR_DIR": str(tmp_path)}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)


def make(*arguments, url, tmp_path):
    # The targets as they are, with this interpreter's venv and without reinstalling it.
    venv_bin = Path(sys.executable).parent
    command = ["make", "-s", "-o", ".venv/.installed-stamp", f"BIN={venv_bin}", *arguments]
    return run(command, url=url, tmp_path=tmp_path)


def manage(*arguments, url, tmp_path):
    return run([sys.executable, "manage.py", *arguments], url=url, tmp_path=tmp_path)


def query_test_database(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


PRISONERS = "SELECT id, slug, given_name, publication FROM prisoners_prisoner ORDER BY id"


def test_restore_brings_back_the_rows_of_the_backup(scratch, tmp_path):
    PrisonerFactory(slug="kept", given_name="Duman")
    PrisonerFactory(slug="deleted-later")
    seed = tmp_path / "seed.backup"
    test_database = database_url(connection.settings_dict)
    done = make("backup", f"FILE={seed}", url=test_database, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(seed)
    done = manage("restore", str(seed), url=scratch.url, tmp_path=tmp_path)  # empty: no --yes
    assert done.returncode == 0, done.stderr
    before = scratch.query(PRISONERS)
    assert [row[1] for row in before] == ["kept", "deleted-later"] and before[0][2] == "Duman"

    done = make("backup", url=scratch.url, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    backup = Path(done.stdout.strip())
    assert backup.parent == tmp_path / "backups" and backup.is_file()
    assert backup.stat().st_mode & 0o077 == 0  # supporters' data: for its owner only

    scratch.execute("UPDATE prisoners_prisoner SET given_name = 'Changed' WHERE slug = 'kept'")
    scratch.execute("DELETE FROM prisoners_prisoner WHERE slug = 'deleted-later'")
    changed = scratch.query(PRISONERS)
    assert [row[1:3] for row in changed] == [("kept", "Changed")]

    refused = make("restore", url=scratch.url, tmp_path=tmp_path)
    assert refused.returncode != 0 and "make restore FILE=" in refused.stderr
    refused = manage("restore", str(backup), url=scratch.url, tmp_path=tmp_path)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    assert scratch.query(PRISONERS) == changed  # refusing touched nothing

    done = make("restore", f"FILE={backup}", url=scratch.url, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert scratch.query(PRISONERS) == before
    migrations = "SELECT app, name FROM django_migrations ORDER BY id"
    assert scratch.query(migrations) == query_test_database(migrations)


def test_a_file_that_is_not_a_backup_is_refused_before_anything_is_touched(tmp_path):
    PrisonerFactory(slug="kept")
    wrong = tmp_path / "wrong.backup"
    wrong.write_bytes(b"not a backup at all")
    url = database_url(connection.settings_dict)
    done = manage("restore", "--yes", str(wrong), url=url, tmp_path=tmp_path)
    assert done.returncode != 0 and "is not a" in done.stderr
    assert query_test_database("SELECT slug FROM prisoners_prisoner") == [("kept",)]
