"""The production settings, plus the ceiling views and the no-op task the load benchmark
compares against. Used only by `make bench`; never deployed."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
CELERY_IMPORTS = ["bench.tasks"]
