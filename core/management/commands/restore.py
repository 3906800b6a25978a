import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from .backup import database_kind, libpq_environment, postgresql_program

# The first bytes of each kind of backup, so that a file of the wrong kind is refused
# before anything is touched.
MAGIC = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}


class Command(BaseCommand):
    help = (
        "Replace the database with a backup made by `manage.py backup`. Stop the web server, "
        "the worker and beat first. A database that holds tables is replaced only with --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup made by `manage.py backup`.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace the database even though it is not empty.",
        )

    def handle(self, *args, file, yes=False, **options):
        connection = connections["default"]
        kind = database_kind(connection)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such backup: {path}")
        with path.open("rb") as backup:
            if backup.read(len(MAGIC[kind])) != MAGIC[kind]:
                raise CommandError(f"{path} is not a {kind} backup made by `manage.py backup`.")
        tables = connection.introspection.table_names()
        if tables and not yes:
            raise CommandError(
                f"The database {connection.settings_dict['NAME']} holds {len(tables)} tables; "
                "restoring replaces everything in them. Run again with --yes to do so."
            )
        connection.close()
        if kind == "postgresql":
            self.restore_postgresql(connection.settings_dict, path)
        else:
            self.restore_sqlite(path, connection.settings_dict["NAME"])
        self.stdout.write(f"Restored {path} into {connection.settings_dict['NAME']}.")

    def restore_postgresql(self, settings_dict, path):
        # One transaction: if anything fails, the database is left as it was.
        result = subprocess.run(
            [
                postgresql_program("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={settings_dict['NAME']}",
                str(path),
            ],
            capture_output=True,
            env=libpq_environment(settings_dict),
            text=True,
        )
        if result.returncode:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")

    def restore_sqlite(self, path, name):
        # The backup API replaces the database in one locked step, through SQLite's own
        # locking (and write-ahead log), which copying the file over would bypass.
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        with closing(source), closing(sqlite3.connect(name, timeout=20)) as target:
            source.backup(target)
