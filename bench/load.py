"""`make bench`: the site under load on this machine, each path against a ceiling measured
in the same run, so that the ratios mean something on a noisy machine.

It starts gunicorn (2 sync workers, DEBUG off), a Celery worker and a local SMTP sink,
against a throwaway PostgreSQL database (`bench`, or BENCH_DATABASE) and Redis database 7
(BENCH_REDIS_URL), all on loopback, and stops them at the end. BENCH_QUICK=1 uses smaller
counts. Results are printed and written to var/bench/latest.json. `make bench` runs
bench/growth.py next.
"""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUICK = os.environ.get("BENCH_QUICK") == "1"
SECONDS = 4 if QUICK else 8
EMAILS = 1000 if QUICK else 10_000
IMPORT_ROWS = 1000 if QUICK else 10_000
PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DATABASE", "bench")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
PY = sys.executable


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(smtp_port, var_dir, database=DATABASE, redis_url=REDIS):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"{PG}/{database}",
        "REDIS_URL": redis_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "TRUSTED_PROXIES": "127.0.0.1/32",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "VAR_DIR": str(var_dir),
        "PYTHONPATH": str(ROOT),
    }


def run(args, env, **kwargs):
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)


# Load ------------------------------------------------------------------------------------


def load(port, clients, seconds, request):
    """`clients` threads, each on its own keep-alive connection, calling
    request(connection, n) until time is up. Returns (ok per second, p50, p99, errors)."""
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(index):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            started = time.perf_counter()
            try:
                ok = request(conn, index * 1_000_000 + n)
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                if ok:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors[0] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        return 0.0, None, None, errors[0]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return len(latencies) / elapsed, statistics.median(latencies), p99, errors[0]


def get(path):
    def request(conn, n):
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status == 200

    return request


def post(path, fields, count_as_ok=(302,)):
    def request(conn, n):
        body = urllib.parse.urlencode(fields(n))
        address = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
        conn.request(
            "POST",
            path,
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Forwarded-For": address,
                "Origin": "http://127.0.0.1",
                "Host": "127.0.0.1",
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status in count_as_ok

    return request


def both(first, second):
    def request(conn, n):
        return first(conn, n) and second(conn, n)

    return request


def sign_fields(n):
    return {"name": f"Supporter {n}", "email": f"s{n}@bench.example.org", "country": "FR"}


# The run ---------------------------------------------------------------------------------


def main():
    var_dir = Path(tempfile.mkdtemp(prefix="bench-"))
    smtp_record = var_dir / "smtp.jsonl"
    processes = []
    try:
        sink = subprocess.Popen(
            [PY, "-m", "tests.faults.smtp", "--mode", "accept", "--record", str(smtp_record)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        processes.append(sink)
        smtp_port = int(sink.stdout.readline().split()[1])
        env = environment(smtp_port, var_dir)
        prepare(env)
        web, port = serve(env, var_dir)
        processes.append(web)
        results = {"cores": os.cpu_count(), "quick": QUICK, "rows": []}
        results["rows"] += pages(port)
        results["rows"] += signing(port, env)
        web.terminate()
        results["rows"] += mail(env, smtp_record, processes)
        results["rows"] += import_rows(env)
        report(results)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def prepare(env, database=DATABASE):
    admin_env = {**env, "DATABASE_URL": f"{PG}/postgres"}
    for sql in (f"DROP DATABASE IF EXISTS {database} WITH (FORCE)", f"CREATE DATABASE {database}"):
        run([PY, "-c", _psql(sql)], admin_env)
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PY, "manage.py", "load_demo"], env, stdout=subprocess.DEVNULL)
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    sql = "CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, value text)"
    run([PY, "-c", _psql(sql)], env)
    run(
        [PY, "-c", "import redis, os; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()"], env
    )


def _psql(sql):
    return (
        "import os, psycopg; c = psycopg.connect(os.environ['DATABASE_URL'].replace("
        f"'postgres://', 'postgresql://'), autocommit=True); c.execute({sql!r})"
    )


def serve(env, var_dir):
    """gunicorn as deployed (2 sync workers) on a free loopback port: (process, port)."""
    port = free_port()
    gunicorn = [PY, "-m", "gunicorn", "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"]
    logs = ["--access-logfile", "/dev/null", "--error-logfile", str(var_dir / "web.log")]
    web = subprocess.Popen([*gunicorn, *logs], cwd=ROOT, env=env)
    try:
        wait_for(port)
    except BaseException:
        web.kill()
        raise
    return web, port


def wait_for(port):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def demo_paths(port):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/prisoners/")
    html = conn.getresponse().read().decode()
    static = next(p for p in _links(html, "href") if p.endswith(".css"))
    profile = next(p for p in _links(html) if p.startswith("/prisoners/") and p.count("/") == 3)
    conn.request("GET", "/campaigns/")
    html = conn.getresponse().read().decode()
    campaign = next(p for p in _links(html) if p.startswith("/campaigns/") and p != "/campaigns/")
    conn.request("GET", campaign)
    html = conn.getresponse().read().decode()
    petition = next(p for p in _links(html) if p.startswith("/petitions/"))
    conn.request("GET", "/declarations/")
    html = conn.getresponse().read().decode()
    declaration = next(p for p in _links(html) if p.startswith("/declarations/") and p[14:15])
    return profile, petition, declaration, static


def _links(html, attribute="href"):
    import re

    return re.findall(rf'{attribute}="([^"#?]+)"', html)


def pages(port):
    profile, petition, declaration, static = demo_paths(port)
    ceiling = load(port, 20, SECONDS, get(static))
    rows = []
    for name, path in [
        ("list", "/prisoners/"),
        ("profile", profile),
        ("petition", petition),
        ("declaration", declaration),
    ]:
        measured = load(port, 20, SECONDS, get(path))
        rows.append(row(f"Public page: {name}", "static file", ceiling, measured, goal=0.5))
    return rows


def signing(port, env):
    _, petition, _, _ = demo_paths(port)
    bare_post = post("/bench/insert/", lambda n: {"v": str(n)})
    sign = post(petition, sign_fields)
    ceiling_post = load(port, 50, SECONDS, bare_post)
    post_alone = load(port, 50, SECONDS, sign)
    ceiling_pair = load(port, 50, SECONDS, both(get("/bench/bare/"), bare_post))
    pair = load(port, 50, SECONDS, both(get(petition), sign))
    return [
        row("Signing POST alone, 50 clients", "one-INSERT POST", ceiling_post, post_alone, 0.7),
        row("Signing: GET then POST, 50 clients", "bare GET + one INSERT", ceiling_pair, pair, 0.5),
    ]


def mail(env, smtp_record, processes):
    worker = subprocess.Popen(
        [PY, "-m", "celery", "-A", "config", "worker", "--concurrency=2", "-l", "WARNING"],
        cwd=ROOT,
        env=env,
    )
    processes.append(worker)
    code = f"""
import django, time, redis, os
django.setup()
from django.db import connection
from outbox.models import OutgoingEmail
from outbox.tasks import send_outgoing_email
from bench.tasks import noop
r = redis.Redis.from_url(os.environ["REDIS_URL"])
time.sleep(5)  # the worker starts
started = time.perf_counter()
for _ in range({EMAILS}):
    noop.delay()
deadline = time.perf_counter() + 600
while int(r.get("bench:noop") or 0) < {EMAILS}:
    if time.perf_counter() > deadline:
        raise SystemExit("The no-op tasks did not all run within 600 s.")
    time.sleep(0.05)
ceiling = {EMAILS} / (time.perf_counter() - started)
OutgoingEmail.objects.all().delete()
OutgoingEmail.objects.bulk_create(
    [OutgoingEmail(key=f"bench-{{n}}", to=f"r{{n}}@bench.example.org",
                   template="declarations/email/threshold_met",
                   context={{"title": "T", "assembly": "PACE", "signatures": 20,
                             "delegations": 4, "groups": 2}})
     for n in range({EMAILS})], batch_size=1000)
ids = list(OutgoingEmail.objects.values_list("pk", flat=True))
started = time.perf_counter()
for pk in ids:
    send_outgoing_email.delay(pk)
deadline = time.perf_counter() + 600
while time.perf_counter() < deadline:
    if OutgoingEmail.objects.filter(status="sent").count() >= {EMAILS}:
        break
    time.sleep(0.2)
print(ceiling, {EMAILS} / (time.perf_counter() - started))
"""
    out = run([PY, "-c", code], env, stdout=subprocess.PIPE, text=True).stdout.split()
    ceiling, measured = float(out[-2]), float(out[-1])
    delivered = sum(1 for _ in smtp_record.open()) if smtp_record.exists() else 0
    worker.terminate()
    result = row(f"{EMAILS:,} emails through Celery to SMTP", "no-op tasks", None, None, 0.5)
    result.update(ceiling=round(ceiling, 1), measured=round(measured, 1), unit="/s")
    result["ratio"] = round(measured / ceiling, 3)
    result["delivered"] = delivered
    return [result]


def import_rows(env):
    code = f"""
import django, time, resource, tablib
django.setup()
from django.db import connection
from prisoners.resources import PrisonerResource
from prisoners.models import Prisoner
first_pk = Prisoner.objects.order_by("pk").values("pk")[:1]
template = PrisonerResource().export(queryset=Prisoner.objects.filter(pk__in=first_pk))
headers = template.headers
first = dict(zip(headers, template[0]))
data = tablib.Dataset(headers=headers)
for n in range({IMPORT_ROWS}):
    values = dict(first, slug=f"bench-{{n}}", given_name=f"Given{{n}}", family_name=f"Family{{n}}")
    values["alternative_names"] = ""
    data.append([values[h] for h in headers])
queries = [0]
def count(execute, sql, params, many, context):
    queries[0] += 1
    return execute(sql, params, many, context)
started = time.perf_counter()
with connection.execute_wrapper(count):
    result = PrisonerResource().import_data(data, dry_run=False, use_transactions=True)
seconds = time.perf_counter() - started
assert not result.has_errors() and not result.has_validation_errors(), result.row_errors()[:3]
print({IMPORT_ROWS} / seconds, queries[0] / {IMPORT_ROWS},
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""
    out = run([PY, "-c", code], env, stdout=subprocess.PIPE, text=True).stdout.split()
    rate, per_row, megabytes = (float(x) for x in out[-3:])
    result = row(
        f"Import of {IMPORT_ROWS:,} prisoners", "2,000 rows/s (published)", None, None, 1.25
    )
    result.update(ceiling=2000.0, measured=round(rate, 1), unit=" rows/s")
    result.update(ratio=round(rate / 2000, 3), queries_per_row=round(per_row, 1))
    result["peak_mb"] = round(megabytes)
    return [result]


def row(path, ceiling_name, ceiling, measured, goal):
    result = {"path": path, "ceiling_is": ceiling_name, "goal_ratio": goal, "unit": "/s"}
    if ceiling and measured:
        result.update(
            ceiling=round(ceiling[0], 1),
            measured=round(measured[0], 1),
            ratio=round(measured[0] / ceiling[0], 3) if ceiling[0] else None,
            p50_ms=round(measured[1] * 1000, 1) if measured[1] else None,
            p99_ms=round(measured[2] * 1000, 1) if measured[2] else None,
            errors=measured[3],
        )
    return result


def report(results):
    print(f"\nMachine: {results['cores']} cores. Quick: {results['quick']}.\n")
    print(f"{'path':44} {'ceiling':>12} {'measured':>12} {'ratio':>7} {'goal':>6}  notes")
    for r in results["rows"]:
        notes = []
        if r.get("p99_ms") is not None:
            notes.append(f"p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms")
        if r.get("errors"):
            notes.append(f"{r['errors']} not accepted")
        if "queries_per_row" in r:
            notes.append(f"{r['queries_per_row']} queries/row, {r['peak_mb']} MB peak")
        if "delivered" in r:
            notes.append(f"{r['delivered']} at the SMTP sink, signing confirmations included")
        print(
            f"{r['path']:44} {r.get('ceiling', 0):>10.1f}/s {r.get('measured', 0):>10.1f}/s "
            f"{r.get('ratio') or 0:>7.3f} {r['goal_ratio']:>6}  {'; '.join(notes)}"
        )
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))
    print(f"\nWritten to {out / 'latest.json'}")


if __name__ == "__main__":
    main()
