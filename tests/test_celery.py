"""Celery through a real broker and a real worker: Redis when REDIS_URL is set (CI), else
the folder transport that `make run` uses. If the broker cannot be reached this fails."""

import os

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from config.celery import app
from config.tasks import ping


def test_broker_is_redis_when_configured():
    if os.environ.get("REDIS_URL"):
        assert os.environ["REDIS_URL"] == settings.CELERY_BROKER_URL
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"
    assert not settings.CELERY_TASK_ALWAYS_EAGER


@pytest.mark.django_db(transaction=True)
def test_task_round_trip_through_a_worker():
    app.conf.broker_connection_retry_on_startup = False
    with start_worker(
        app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10
    ):
        assert ping.delay().get(timeout=20) == "pong"


@pytest.mark.django_db(transaction=True)  # inside a transaction, close() closes nothing
def test_a_worker_keeps_its_database_connection_between_tasks():
    """Celery's Django fixup closes the connection after each task unless told to reuse
    it; reconnecting cost a quarter of a worker's time."""
    from celery.fixups.django import DjangoWorkerFixup
    from django.db import connection

    fixup = DjangoWorkerFixup(app)
    connection.ensure_connection()
    opened = connection.connection
    for _ in range(10):
        fixup.close_database()
    assert connection.connection is opened
