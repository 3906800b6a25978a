"""The production stack as deployed: DEBUG off, gunicorn, WhiteNoise with hashed files."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def listening_socket():
    """A socket on a port the system picked, already listening, for gunicorn to serve on
    (--bind fd://N): no other process can take the port between choosing and binding."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def fetch(url):
    # As behind the TLS-terminating proxy of a real deployment.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, dict(response.headers), response.read().decode()


def test_gunicorn_serves_pages_and_hashed_static_files(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECURE_SSL_REDIRECT": "0",
    }
    env.pop("STATIC_STORAGE", None)  # the production default: compressed, hashed names
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["load_demo"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, capture_output=True)

    sock = listening_socket()
    port = sock.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"fd://{sock.fileno()}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        pass_fds=[sock.fileno()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sock.close()  # gunicorn holds its own copy
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                status, headers, page = fetch(f"{base}/prisoners/")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not answer")
        assert status == 200
        assert "48 political prisoners" in page
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
        assert css, "stylesheet is not served under a hashed name"
        status, headers, _ = fetch(base + css.group(1))
        assert status == 200
        assert "immutable" in headers["Cache-Control"]
    finally:
        server.terminate()
        server.wait(timeout=10)
