"""Growth: what signing and the public pages cost at a small and at a large size, in one
run, and the ratio large/small (1.0 = flat). Part of `make bench`; alone:

    .venv/bin/python -m bench.growth

Signing and the petition page are measured with 1,000 and 1,000,000 confirmed signatures
(100,000 with BENCH_QUICK=1); the list, a search by name, a profile and the CSV export with
50 and 10,000 published prisoners. The small size is measured, grown into the large one
(bench/growth_data.py), and measured again, each time with the same two ceilings as
bench/load.py, so that a machine that got busier in between shows in the ceilings too.
Besides rates and latencies it reports the CPU time per request of the gunicorn workers
and their PostgreSQL backends (read from /proc): on a shared machine, the steadier sign
of a cost that grows with the data.

The page cache is off (PAGE_CACHE=0): every GET renders, which is what growth could slow
down. The cached fragments (headline counts, regions, country list) stay on, as they are
part of every render in production. The export is built at each request, and each
request comes from its own forwarded address, so that its per-address limit
(EXPORT_IP_LIMITS) never answers 429. No Celery worker runs: signing's hand-overs wait in
the broker, as in bench/load.py's signing rows.

It uses its own database (`bench_growth`, or BENCH_GROWTH_DATABASE; dropped and created)
and Redis database 8 (BENCH_GROWTH_REDIS_URL), so that it can run beside bench/load.py.
Results go to var/bench/growth.json.
"""

import http.client
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from bench.load import (
    PG,
    PY,
    QUICK,
    ROOT,
    SECONDS,
    demo_paths,
    environment,
    free_port,
    get,
    load,
    post,
    prepare,
    run,
    serve,
)

DATABASE = os.environ.get("BENCH_GROWTH_DATABASE", "bench_growth")
REDIS = os.environ.get("BENCH_GROWTH_REDIS_URL", "redis://127.0.0.1:6379/8")
SIGNATURES = (1_000, 100_000 if QUICK else 1_000_000)
PRISONERS = (50, 10_000)
ROUNDS = 3
ROUND_SECONDS = SECONDS / 2
EXPORT = "CSV export, whole list"
EXPORT_PATH = "/prisoners/export.csv"
SIGNING = "signing POST, 50 clients"


def main():
    started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="bench-growth-"))
    # No worker runs, so nothing is mailed: the SMTP port is a free one nobody listens on.
    env = environment(free_port(), var_dir, database=DATABASE, redis_url=REDIS)
    env["PAGE_CACHE"] = "0"
    prepare(env, database=DATABASE)
    web, port = serve(env, var_dir)
    try:
        static = demo_paths(port)[3]
        server = Server(web.pid)
        sizes = []
        for index, (signatures, prisoners) in enumerate(zip(SIGNATURES, PRISONERS, strict=True)):
            filled = fill(env, signatures, prisoners)
            sizes.append({**filled, "rows": measure(port, server, filled, static, index)})
        server.close()
    finally:
        web.terminate()
        try:
            web.wait(10)
        except subprocess.TimeoutExpired:
            web.kill()
    results = {
        "cores": os.cpu_count(),
        "quick": QUICK,
        "page_cache": False,
        "seconds": round(time.perf_counter() - started),
        "sizes": sizes,
    }
    report(results)


def fill(env, signatures, prisoners):
    args = ["--signatures", str(signatures), "--prisoners", str(prisoners)]
    out = run([PY, "-m", "bench.growth_data", *args], env, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.splitlines()[-1])


def get_from_many(path, first):
    """A GET from its own forwarded address each time, as many readers would send it; the
    addresses count up from `first`, in 10.0.0.0/8."""

    def request(conn, n):
        n += first
        address = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
        conn.request("GET", path, headers={"X-Forwarded-For": address})
        response = conn.getresponse()
        response.read()
        return response.status == 200

    return request


class Server:
    """CPU time used by the gunicorn workers and by their PostgreSQL backends. Less
    disturbed than rates by others' work on a shared machine: a query that reads more
    rows costs more CPU however busy the machine is."""

    def __init__(self, master):
        self.master = master
        self.db = psycopg.connect(f"{PG.replace('postgres://', 'postgresql://')}/{DATABASE}")
        self.db.autocommit = True
        self.tick = os.sysconf("SC_CLK_TCK")

    def close(self):
        self.db.close()

    def pids(self):
        workers = [int(name) for name in os.listdir("/proc") if name.isdigit()]
        workers = [pid for pid in workers if _stat(pid)[1] == self.master]
        backends = self.db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DATABASE],
        ).fetchall()
        return workers + [pid for (pid,) in backends]

    def cpu(self):
        """{pid: CPU seconds so far} of the workers and backends alive now."""
        return {pid: _stat(pid)[0] / self.tick for pid in self.pids() if _stat(pid)[0] >= 0}

    @staticmethod
    def used(before, after):
        """CPU seconds between two readings; a process started in between counts whole (one
        that ended in between is lost, which CONN_MAX_AGE makes rare)."""
        return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _stat(pid):
    """(user + system CPU ticks, parent pid) of a process, or (-1, -1) once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return -1, -1
    return int(fields[11]) + int(fields[12]), int(fields[1])


def measure(port, server, filled, static, size):
    """Each path in ROUNDS short rounds, the paths taking turns, so that a burst of other
    work on the machine lands on one round of every path rather than on all of one path.
    Each path keeps its best round (rate, p50, p99) and its refusals from every round."""
    petition, search = filled["petition_path"], f"/prisoners/?q={filled['search']}"
    for path in (petition, "/prisoners/", search, filled["profile_path"]):
        warm(port, path)
    paths = {
        "ceiling: static file": (20, lambda _: get(static)),
        "ceiling: one-INSERT POST": (50, lambda _: post("/bench/insert/", lambda n: {"v": n})),
        "petition page": (20, lambda _: get(petition)),
        "list page": (20, lambda _: get("/prisoners/")),
        f"search {filled['search']!r}": (20, lambda _: get(search)),
        "profile page": (20, lambda _: get(filled["profile_path"])),
        # One client per worker: a large export takes seconds, and queueing behind it
        # would measure the queue.
        # Addresses not used before in this run: their limits never refuse (n < 2,000,000
        # with two clients, see bench.load.load).
        EXPORT: (2, lambda r: get_from_many(EXPORT_PATH, (size * ROUNDS + r) * 2_000_000)),
        # A new supporter at every POST: their own email, in every round and size.
        SIGNING: (50, lambda r: post(petition, signer(f"g{size}-r{r}-"))),
    }
    rounds = {name: [] for name in paths}
    for r in range(ROUNDS):
        for name, (clients, request) in paths.items():
            before, started = server.cpu(), time.perf_counter()
            result = load(port, clients, ROUND_SECONDS, request(r))
            requests = result[0] * (time.perf_counter() - started) + result[3]
            cpu = server.used(before, server.cpu()) / requests if requests else None
            rounds[name].append((*result, cpu))
    rows = {}
    for name, results in rounds.items():
        rate, p50, p99, _, _ = max(results, key=lambda result: result[0])
        cpu = sorted(result[4] for result in results if result[4] is not None)
        rows[name] = {
            "rate": round(rate, 2),
            "p50_ms": round(p50 * 1000, 1) if p50 else None,
            "p99_ms": round(p99 * 1000, 1) if p99 else None,
            "errors": sum(result[3] for result in results),
            "cpu_ms": round(cpu[len(cpu) // 2] * 1000, 2) if cpu else None,
            "rounds": [round(result[0], 2) for result in results],
        }
    return rows


def signer(prefix):
    def fields(n):
        return {
            "name": f"Supporter {n}",
            "email": f"{prefix}{n}@bench.example.org",
            "country": "FR",
        }

    return fields


def warm(port, path):
    """One request first, so that fragments and connections are in place; and a check
    that the path answers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")


def report(results):
    small, large = results["sizes"]
    print(
        f"\nGrowth. Machine: {results['cores']} cores. Quick: {results['quick']}. Page cache "
        "off (PAGE_CACHE=0): every GET is rendered, every export built."
    )
    print(
        f"Small: {small['signatures']:,} signatures, {small['prisoners']:,} prisoners. "
        f"Large: {large['signatures']:,} signatures ({large['signature_rows']:,} rows in "
        f"all), {large['prisoners']:,} prisoners. The search matches "
        f"{small['search_matches']} and {large['search_matches']} prisoners."
    )
    print(
        f"Growing to the large size took {large['signatures_seconds']} s (signatures), "
        f"{large['prisoners_seconds']} s (prisoners), {large['vacuum_seconds']} s (VACUUM "
        f"ANALYZE). Best of {ROUNDS} rounds of {ROUND_SECONDS:g} s per path and size.\n"
    )
    print(
        f"{'':26} {'rate':>9} {'p50/p99':>11} {'rate':>9} {'p50/p99':>11} {'rate':>7} "
        f"{'CPU':>7} {'CPU':>7} {'CPU':>7}"
    )
    print(
        f"{'path':26} {'small/s':>9} {'small ms':>11} {'large/s':>9} {'large ms':>11} "
        f"{'L/S':>7} {'S ms':>7} {'L ms':>7} {'L/S':>7}  notes"
    )
    for name, before in small["rows"].items():
        after = large["rows"][name]
        notes = []
        if name == EXPORT and before["cpu_ms"] and after["cpu_ms"]:
            rows = small["prisoners"], large["prisoners"]
            notes.append(
                f"{before['rate'] * rows[0]:,.0f} and {after['rate'] * rows[1]:,.0f} rows/s; "
                f"CPU a row {before['cpu_ms'] / rows[0]:.2f} and "
                f"{after['cpu_ms'] / rows[1]:.2f} ms"
            )
        if before["errors"] or after["errors"]:
            notes.append(f"{before['errors']} and {after['errors']} not accepted")
        print(
            f"{name:26} {before['rate']:>9.1f} {latency(before):>11} {after['rate']:>9.1f} "
            f"{latency(after):>11} {ratio(after['rate'], before['rate']):>7} "
            f"{before['cpu_ms'] or 0:>7.2f} {after['cpu_ms'] or 0:>7.2f} "
            f"{ratio(after['cpu_ms'], before['cpu_ms']):>7}  {'; '.join(notes)}"
        )
    print(
        "\nrate L/S: the rate at the large size over the rate at the small size; 1.0 is flat, "
        "below 1 slower. The ceilings' own rate L/S is how much the machine changed in "
        "between.\nCPU: CPU time per request of the gunicorn workers and their PostgreSQL "
        "backends (median round); CPU L/S above 1 is a cost that grows with the data."
    )
    print(f"Growth run: {results['seconds']} s.")
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "growth.json").write_text(json.dumps(results, indent=2))
    print(f"Written to {out / 'growth.json'}")


def ratio(large, small):
    return f"{large / small:.3f}" if large and small else "-"


def latency(row):
    if row["p50_ms"] is None:
        return "-"
    return f"{row['p50_ms']:.0f}/{row['p99_ms']:.0f}"


if __name__ == "__main__":
    main()
