"""Real services for the fault tests: a Redis of their own, Celery workers, gunicorn.

Each runs in a process group of its own, so that killing it (SIGKILL included) takes its
children with it. Nothing here touches the shared Redis on 6379: every Redis is started on
a port the OS chose, and every process started gets REDIS_URL, DATABASE_URL and EMAIL_URL
pointing at the test's own services and database.
"""

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _kill_group(process, sig):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


def _stop(process, timeout=10):
    """SIGTERM to the group, then SIGKILL to whatever is left."""
    if process is None:
        return
    if process.poll() is None:
        _kill_group(process, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout)
    _kill_group(process, signal.SIGKILL)  # children a dead parent left behind
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)


class RedisServer:
    """redis-server on 127.0.0.1, nothing saved to disk. It can be shut down and started
    again on the same port, frozen (SIGSTOP) and thawed, and have its clients dropped."""

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.port = None
        self.process = None
        self.log_path = self.workdir / "redis.log"

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout=10):
        fixed = self.port
        for _ in range(5):
            port = fixed or free_port()
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.workdir),
                    "--logfile",
                    str(self.log_path),
                ],
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.port = port
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.process.poll() is None:
                if self.ping():
                    return self
                time.sleep(0.02)
            if self.process.poll() is None or fixed:
                break
            self.process = None  # the port was taken between choosing and binding
        raise AssertionError(f"redis-server did not start on {self.port}: {self.log_tail()}")

    def restart(self):
        """Start again on the same port, after shutdown()."""
        assert self.process is None or self.process.poll() is not None
        self.process = None
        return self.start()

    def ping(self):
        try:
            return self.command("PING", timeout=0.5) == "+PONG"
        except OSError:
            return False

    def command(self, *words, timeout=2):
        """One command over a raw socket (RESP), so that no client library's pool or retry
        policy is involved. Returns the first line of the reply."""
        payload = f"*{len(words)}\r\n" + "".join(
            f"${len(str(word).encode())}\r\n{word}\r\n" for word in words
        )
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(payload.encode())
            reply = b""
            while not reply.endswith(b"\r\n"):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
        return reply.decode().split("\r\n")[0]

    def shutdown(self):
        """As `redis-cli -p PORT shutdown nosave`: everything in it is lost."""
        try:
            subprocess.run(
                ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
                capture_output=True,
                timeout=10,
            )
        except FileNotFoundError:  # no redis-tools: the same command, by hand
            with contextlib.suppress(OSError):
                self.command("SHUTDOWN", "NOSAVE")
        self.process.wait(10)

    def freeze(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def kill_clients(self, kind="normal"):
        """CLIENT KILL TYPE <kind>: every such connection is dropped. Returns how many."""
        reply = self.command("CLIENT", "KILL", "TYPE", kind)
        return int(reply.lstrip(":") or 0)

    def log_tail(self, lines=20):
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        return ""

    def close(self):
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGCONT)
            _stop(self.process)
            self.process = None


def service_env(*, database_url, redis_url, email_url, **extra):
    """The environment of a process the tests start: the test database, the test's own
    Redis (cache and broker) and mail server, and nothing of the shared ones."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EMAIL_URL": email_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "LOG_LEVEL": "INFO",
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    env.update({key: str(value) for key, value in extra.items()})
    return env


class Worker:
    """`celery -A config worker` as deployed (prefork, acks late as configured), plus the
    fault tests' own tasks."""

    count = 0

    def __init__(self, env, workdir, *, concurrency=1, pool="prefork", fast_start=True):
        Worker.count += 1
        self.name = f"faults{Worker.count}-{os.getpid()}@localhost"
        self.env = env
        self.log_path = Path(workdir) / f"worker-{Worker.count}.log"
        self.concurrency = concurrency
        self.pool = pool
        # Mingle and gossip are broadcasts between workers; production runs them (and the
        # Redis blip tests do), the others skip them to start in a second rather than three.
        self.fast_start = fast_start
        self.process = None

    def start(self, timeout=60):
        command = [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--pool",
            self.pool,
            "--concurrency",
            str(self.concurrency),
            "--hostname",
            self.name,
            "--include",
            "tests.faults.tasks",
        ]
        if self.fast_start:
            command += ["--without-mingle", "--without-gossip"]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log():
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"The Celery worker did not start:\n{self.log()[-3000:]}")

    def log(self):
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")
        return ""

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def children(self):
        """The pool's processes (prefork children), by /proc."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError):
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    if int(fields[1]) == self.process.pid:
                        found.append(int(entry.name))
        return found

    def kill(self):
        """SIGKILL to the whole group: the main process and its pool, at once."""
        _kill_group(self.process, signal.SIGKILL)
        self.process.wait(10)

    def stop(self, timeout=15):
        _stop(self.process, timeout)
        with contextlib.suppress(Exception):
            self._log.close()


class Gunicorn:
    """gunicorn serving config.wsgi on a port it chose (read back from its log)."""

    def __init__(self, env, workdir, *, workers=2, threads=4):
        self.env = env
        self.log_path = Path(workdir) / "gunicorn.log"
        self.workers = workers
        self.threads = threads
        self.process = None
        self.port = None

    def start(self, timeout=60):
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                "127.0.0.1:0",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--worker-class",
                "gthread",
                "--timeout",
                "60",
                "--log-level",
                "info",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            match = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", self.log())
            if match:
                self.port = int(match.group(1))
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"gunicorn did not start:\n{self.log()[-3000:]}")
        while time.monotonic() < deadline:  # every worker booted and answering
            booted = self.log().count("Booting worker")
            if booted >= self.workers:
                with contextlib.suppress(OSError):
                    if self.request("GET", "/")[0] < 500:
                        return self
            time.sleep(0.05)
        raise AssertionError(f"gunicorn did not answer:\n{self.log()[-3000:]}")

    def log(self):
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")
        return ""

    def request(self, method, path, form=None, timeout=30):
        """One request, redirects not followed. Returns (status, seconds)."""
        body = urllib.parse.urlencode(form or {}) if form is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            started = time.monotonic()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status, time.monotonic() - started
        finally:
            connection.close()

    def stop(self):
        _stop(self.process)
        with contextlib.suppress(Exception):
            self._log.close()


class CeleryClient:
    """Publishes tasks by name to the test's own Redis, as beat or the web would."""

    def __init__(self, redis_url):
        from celery import Celery

        self.app = Celery("faults-client", broker=redis_url, set_as_current=False)
        self.app.conf.update(
            task_serializer="json",
            accept_content=["json"],
            broker_connection_timeout=2,
            broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5},
        )

    def send(self, name, *args):
        self.app.send_task(name, args=args, ignore_result=True)

    def close(self):
        self.app.close()


def wait_until(predicate, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def record_figures(var_dir, test, **figures):
    """Print the figures a test measured and append them to var/fault-figures.jsonl."""
    from django.db import connection

    line = {
        "test": test,
        "database": connection.vendor,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        **figures,
    }
    text = json.dumps(line, sort_keys=False, default=str)
    print(f"\nFAULT FIGURES {text}")
    path = Path(var_dir) / "fault-figures.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as file:
        file.write(text + "\n")
    return line
