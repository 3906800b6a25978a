"""Helpers for tests that start processes of their own (servers, workers, commands)."""

import shutil
from urllib.parse import quote

import pytest


def database_url(settings_dict):
    """DATABASE_URL of a database Django is connected to: in a test, the test database, so
    that the processes a test starts see the rows it made."""
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    if engine.endswith("postgresql"):
        user = quote(settings_dict.get("USER") or "")
        password = settings_dict.get("PASSWORD") or ""
        credentials = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"
    raise AssertionError(f"No DATABASE_URL for {engine}")


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def launch_chromium(playwright):
    """Debian's Chromium, headless, quiet and offline: never a downloaded browser."""
    if not shutil.which(CHROMIUM):
        pytest.fail("This test drives Debian's Chromium: apt-get install chromium")
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )
