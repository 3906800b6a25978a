"""The production stack of deploy/: Debian's nginx, with the shipped deploy/nginx/app.conf,
in front of gunicorn on a unix socket. Through it, supporters are told apart by their real
addresses, forged X-Forwarded-For headers are not believed, uploads are served only while
public, and no version is given away.

Clients get addresses of their own by binding to 127.0.0.2, 127.0.0.3...: every 127/8
address is this machine's. One more signature from an address than SIGNING_ADDRESS_LIMITS
allows in a minute is held for staff."""

import getpass
import http.client
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

from campaigns.models import Signature
from prisoners.models import Prisoner
from tests.factories import PetitionFactory, PrisonerFactory
from tests.support import database_url

ROOT = Path(__file__).resolve().parent.parent
NGINX = "/usr/sbin/nginx"
APP_CONF = ROOT / "deploy" / "nginx" / "app.conf"
pytestmark = pytest.mark.django_db(transaction=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_conf(tmp_path, *, port, gunicorn_socket, var_dir):
    """The shipped app.conf with this run's paths, in a plain-HTTP server on port."""
    app = APP_CONF.read_text()
    paths = {
        "/run/prisoners/gunicorn.sock": str(gunicorn_socket),
        "/var/lib/prisoners/": f"{var_dir}/",
        "/var/log/nginx/": f"{tmp_path}/",
    }
    for shipped, here in paths.items():
        assert shipped in app, f"{shipped} is no longer in {APP_CONF}: update this test"
        app = app.replace(shipped, here)
    (tmp_path / "app.conf").write_text(app)
    temp = {name: tmp_path / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"""
        user {getpass.getuser()};
        worker_processes 1;
        pid {tmp_path}/nginx.pid;
        events {{ worker_connections 64; }}
        http {{
            include /etc/nginx/mime.types;
            default_type application/octet-stream;
            {"".join(f"{name}_temp_path {path}; " for name, path in temp.items())}
            server {{
                listen 127.0.0.1:{port};
                server_name 127.0.0.1;
                include {tmp_path}/app.conf;
            }}
        }}
        """
    )
    return conf


@contextmanager
def running(command, *, env=None, log):
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(port, path, *, source, form=None, headers=None):
    """(status, headers, body) of one request from the address source."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    try:
        headers = dict(headers or {})
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urlencode(form) if form is not None else None
        client.request("POST" if form is not None else "GET", path, body=body, headers=headers)
        response = client.getresponse()
        return response.status, response.headers, response.read()
    finally:
        client.close()


def wait_until_served(port, path, processes, logs):
    for _ in range(150):
        for process, log in zip(processes, logs, strict=True):
            assert process.poll() is None, f"{process.args[0]} stopped:\n{log.read_text()}"
        try:
            if request(port, path, source="127.0.0.1")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("\n".join(log.read_text() for log in logs))


def server_env(var_dir, **overrides):
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url(connection.settings_dict),
        "EMAIL_URL": "memorymail://",
        # Emails are not the subject here. Sent inline, they leave no task in the broker
        # (Redis in CI) for the worker of a later test to find.
        "CELERY_TASK_ALWAYS_EAGER": "1",
        **overrides,
    }


def gunicorn(bind):
    return [
        *(sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"),
        *("--bind", bind, "--workers", "1", "config.wsgi"),
    ]


def thanks(petition):
    """The one answer to every submission, whatever became of it."""
    return 302, f"/petitions/{petition.slug}/thanks/"


def sign(port, petition, email, *, source, forwarded=None):
    form = {"name": "Aigerim", "email": email, "country": "KZ"}
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    status, response_headers, _ = request(
        port, petition.get_absolute_url(), source=source, form=form, headers=headers
    )
    return status, response_headers["Location"]


def holds(emails):
    """(held, hold_reason) of each signature. The app must have seen an address for each:
    without one there is no network fingerprint."""
    signatures = [Signature.objects.get(supporter__email=email) for email in emails]
    assert all(signature.ip_hash for signature in signatures), "no client address seen"
    return [(signature.held, signature.hold_reason) for signature in signatures]


# Signatures a minute from one address; the next one is held for staff.
PER_ADDRESS = settings.SIGNING_ADDRESS_LIMITS[0][0]
ONLY_THE_LAST_HELD = [(False, "")] * PER_ADDRESS + [(True, "address")]


def sign_from_one_address(port, petition, name, *, source, forge=False):
    """One signature more than the limit from source, each claiming another address in
    X-Forwarded-For if forge. Returns their holds."""
    emails = [f"{name}{n}@example.org" for n in range(PER_ADDRESS + 1)]
    for n, email in enumerate(emails):
        forwarded = f"203.0.113.{n}" if forge else None
        assert sign(port, petition, email, source=source, forwarded=forwarded) == thanks(petition)
    return holds(emails)


@pytest.fixture
def var_dir(tmp_path):
    """VAR_DIR of the servers: a hashed static file, and two uploaded photos on disk."""
    var = tmp_path / "var"
    (var / "static" / "css").mkdir(parents=True)
    (var / "static" / "css" / "site.0123456789ab.css").write_text("body { color: black }")
    (var / "media" / "prisoners").mkdir(parents=True)
    for name in ("public.png", "draft.png"):
        (var / "media" / "prisoners" / name).write_bytes(b"\x89PNG " + name.encode())
    return var


@pytest.fixture
def behind_nginx(tmp_path, var_dir):
    """The port of nginx, in front of gunicorn on a unix socket, as deployed."""
    assert Path(NGINX).is_file(), "nginx is missing: apt-get install nginx-light (.ci/run does)"
    port, sock = free_port(), tmp_path / "web.sock"
    env = server_env(var_dir, TRUSTED_PROXIES="unix", MEDIA_ACCEL_REDIRECT="/protected-media/")
    conf = nginx_conf(tmp_path, port=port, gunicorn_socket=sock, var_dir=var_dir)
    logs = [tmp_path / "gunicorn.log", tmp_path / "nginx.log"]
    nginx = [NGINX, "-c", str(conf), "-p", f"{tmp_path}/", "-g", "daemon off;"]
    with (
        running(gunicorn(f"unix:{sock}"), env=env, log=logs[0]) as web,
        running(nginx, log=logs[1]) as proxy,
    ):
        wait_until_served(port, "/campaigns/", [web, proxy], logs)
        yield port


def test_through_nginx_each_supporter_is_counted_by_their_own_address(behind_nginx):
    port, petition = behind_nginx, PetitionFactory()
    assert sign_from_one_address(port, petition, "a", source="127.0.0.2") == ONLY_THE_LAST_HELD
    assert sign(port, petition, "b@example.org", source="127.0.0.3") == thanks(petition)
    assert holds(["b@example.org"]) == [(False, "")]
    # Each forged address stays left of the one nginx appends, where the app ignores it.
    forging = sign_from_one_address(port, petition, "c", source="127.0.0.4", forge=True)
    assert forging == ONLY_THE_LAST_HELD


def test_through_nginx_no_version_shows_and_uploads_stay_private(behind_nginx):
    port = behind_nginx
    PrisonerFactory(photo="prisoners/public.png")
    PrisonerFactory(photo="prisoners/draft.png", publication=Prisoner.Publication.DRAFT)

    status, headers, _ = request(port, "/prisoners/", source="127.0.0.6")
    assert status == 200
    assert headers.get_all("Server") in (None, ["nginx"])
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"

    status, headers, body = request(port, "/static/css/site.0123456789ab.css", source="127.0.0.6")
    assert (status, body) == (200, b"body { color: black }")
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"

    # Uploads go through Django, which hands public ones back with X-Accel-Redirect.
    status, headers, body = request(port, "/media/prisoners/public.png", source="127.0.0.6")
    assert (status, body) == (200, b"\x89PNG public.png")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["ETag"], "sent by nginx's /protected-media/, not by Django"
    for hidden in ("/media/prisoners/draft.png", "/protected-media/prisoners/draft.png"):
        status, headers, body = request(port, hidden, source="127.0.0.6")
        assert status == 404, hidden
        assert headers.get_all("Server") in (None, ["nginx"])
        assert b"PNG" not in body and b"nginx/" not in body


def test_gunicorn_reached_directly_believes_no_forwarded_header(tmp_path):
    petition, port = PetitionFactory(), free_port()
    env = server_env(tmp_path, TRUSTED_PROXIES="127.0.0.1")
    log = tmp_path / "gunicorn.log"
    with running(gunicorn(f"127.0.0.1:{port}"), env=env, log=log) as web:
        wait_until_served(port, petition.get_absolute_url(), [web], [log])
        forging = sign_from_one_address(port, petition, "d", source="127.0.0.5", forge=True)
        assert forging == ONLY_THE_LAST_HELD
