import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

EXTENSIONS = {"postgresql": "pgdump", "sqlite": "sqlite3"}


def database_kind(connection):
    if connection.vendor not in EXTENSIONS:
        raise CommandError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def libpq_environment(settings_dict):
    """pg_dump and pg_restore read the connection from libpq's variables, so that the
    password never appears on a command line."""
    options = settings_dict.get("OPTIONS") or {}
    variables = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
    }
    return {**os.environ, **{name: str(value) for name, value in variables.items() if value}}


def postgresql_program(name):
    path = shutil.which(name)
    if not path:
        raise CommandError(f"{name} was not found: install PostgreSQL's client programs.")
    return path


class Command(BaseCommand):
    help = (
        "Back up the database to VAR_DIR/backups/<time>.pgdump (PostgreSQL, pg_dump's custom "
        "format) or .sqlite3 (SQLite), or to --output, and print the file's path. The file "
        "holds supporters' personal data: only its owner may read it. Uploads in MEDIA_ROOT "
        "are not included."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="FILE", help="Write the backup here instead.")

    def handle(self, *args, output=None, **options):
        connection = connections["default"]
        kind = database_kind(connection)
        if output:
            path = Path(output)
        else:
            folder = Path(settings.VAR_DIR) / "backups"
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            path = folder / f"{stamp}.{EXTENSIONS[kind]}"
        # Written beside its final name and renamed once complete, so that a backup cut short
        # never looks like a good one.
        partial = path.with_name(path.name + ".partial")
        try:
            with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb"):
                pass
            if kind == "postgresql":
                self.dump_postgresql(connection.settings_dict, partial)
            else:
                self.copy_sqlite(connection.settings_dict["NAME"], partial)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(str(path))

    def dump_postgresql(self, settings_dict, path):
        with open(path, "wb") as out:
            result = subprocess.run(
                [postgresql_program("pg_dump"), "--format=custom"],
                stdout=out,
                stderr=subprocess.PIPE,
                env=libpq_environment(settings_dict),
                text=True,
            )
        if result.returncode:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")

    def copy_sqlite(self, name, path):
        if not Path(name).is_file():
            raise CommandError(f"There is no database at {name}.")
        # SQLite's backup API copies a consistent snapshot while the site keeps writing.
        source = sqlite3.connect(f"file:{name}?mode=ro", uri=True)
        with closing(source), closing(sqlite3.connect(path)) as target:
            source.backup(target)
