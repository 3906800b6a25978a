"""Fixtures for the fault tests: their own Redis, SMTP server, Celery workers and gunicorn,
all pointed at the test database, all stopped when the test ends (before the database is
flushed). A service that cannot be started fails the test; nothing here skips."""

import pytest
from django.conf import settings

from tests.support import database_url

from .servers import (
    CeleryClient,
    Gunicorn,
    RedisServer,
    Worker,
    record_figures,
    service_env,
)
from .smtp import SMTPSink


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def smtp_sink():
    sink = SMTPSink().start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def smtp(settings, smtp_sink):
    """Django's SMTP backend in this process, pointed at the sink (as a worker's is)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_sink.host
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return smtp_sink


@pytest.fixture(autouse=True)
def no_hand_over_from_the_test_process(monkeypatch):
    """This process's broker is the shared one (CI's Redis on 6379, or var/celery): what
    these tests write to the outbox in-process is left to the sweep, as when the broker is
    down. The processes the tests start (gunicorn, workers) hand over to the test's own
    Redis as in production."""
    from outbox import handover

    monkeypatch.setattr(handover, "hand_over", lambda email_id: False)


class Stack:
    """Starts gunicorn and Celery workers against the test database and the test's own
    Redis and SMTP server; remembers them so that all are stopped at the end."""

    def __init__(self, db_url, redis, sink, workdir):
        self.db_url = db_url
        self.redis = redis
        self.sink = sink
        self.workdir = workdir
        self.processes = []
        self._client = None

    def env(self, **extra):
        return service_env(
            database_url=self.db_url,
            redis_url=self.redis.url,
            email_url=self.sink.url,
            **extra,
        )

    def worker(self, *, concurrency=1, fast_start=True, **env):
        worker = Worker(
            self.env(**env), self.workdir, concurrency=concurrency, fast_start=fast_start
        )
        self.processes.append(worker)
        return worker.start()

    def gunicorn(self, *, workers=2, threads=4, **env):
        server = Gunicorn(self.env(**env), self.workdir, workers=workers, threads=threads)
        self.processes.append(server)
        return server.start()

    @property
    def celery(self):
        if self._client is None:
            self._client = CeleryClient(self.redis.url)
        return self._client

    def close(self):
        for process in reversed(self.processes):
            process.stop()
        if self._client is not None:
            self._client.close()


@pytest.fixture
def db_url(transactional_db):
    from django.db import connection

    return database_url(connection.settings_dict)


@pytest.fixture
def stack(transactional_db, db_url, redis_server, smtp_sink, tmp_path):
    stack = Stack(db_url, redis_server, smtp_sink, tmp_path)
    try:
        yield stack
    finally:
        stack.close()


@pytest.fixture
def figures(request):
    """figures(**numbers): print them and append them to var/fault-figures.jsonl."""

    def record(**numbers):
        return record_figures(settings.VAR_DIR, request.node.name, **numbers)

    return record
