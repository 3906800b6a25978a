"""Redis blips while a worker holds a task: the worker survives and takes new work.

The worker runs as deployed (prefork, concurrency 1, acks late, mingle, gossip and
heartbeats on), against a Redis of the test's own that is shut down (everything in it
lost) and started again on the same port, or that drops every client connection."""

import re
import time

import pytest

from .servers import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

HOLD_SECONDS = 6
# kombu's restore_unacked can fail this way after a lost connection (seen with older
# versions, and with retry_on_timeout on).
RESTORE_BUG = "'NoneType' object has no attribute 'hostname'"


def traces(path):
    return path.read_text().split("\n") if path.exists() else []


def started(path):
    return any(line.startswith("start") for line in traces(path))


def run_blip(stack, worker, tmp_path, blip, label):
    held = tmp_path / f"held-{label}.txt"
    stack.celery.send("tests.faults.tasks.hold", str(held), HOLD_SECONDS)
    assert wait_until(lambda: started(held), 30), "the worker never started the task"
    pid_before = worker.process.pid
    children_before = worker.children()
    blip_at = time.monotonic()
    outcome = blip()

    after = tmp_path / f"after-{label}.txt"
    # Published once Redis answers again: the test's client is not what is under test.
    assert wait_until(stack.redis.ping, 10)
    stack.celery.send("tests.faults.tasks.touch", str(after))
    took_new_work = wait_until(after.exists, 60, 0.1)
    recovered_in = time.monotonic() - blip_at
    time.sleep(max(0, HOLD_SECONDS + 1 - (time.monotonic() - blip_at)))
    held_lines = [line.split()[0] for line in traces(held) if line]
    return {
        f"{label}_outcome": outcome,
        f"{label}_worker_alive": worker.alive() and worker.process.pid == pid_before,
        f"{label}_pool_replaced": sorted(worker.children()) != sorted(children_before),
        f"{label}_new_task_done": took_new_work,
        f"{label}_seconds_to_new_task_done": round(recovered_in, 1),
        # "start done": finished; "start": cancelled on connection loss (acks late keeps
        # it for redelivery unless Redis lost it); "start start ...": delivered again.
        f"{label}_held_task_trace": " ".join(held_lines),
    }


def test_worker_survives_redis_restarting_and_dropping_connections_mid_task(
    stack, redis_server, tmp_path, figures
):
    worker = stack.worker(concurrency=1, fast_start=False)

    def restart():
        redis_server.shutdown()
        time.sleep(3)
        redis_server.restart()
        return "shutdown nosave, 3 s down, started again"

    def drop_connections():
        normal = redis_server.kill_clients("normal")
        pubsub = redis_server.kill_clients("pubsub")
        return f"CLIENT KILL TYPE normal: {normal}, TYPE pubsub: {pubsub}"

    numbers = run_blip(stack, worker, tmp_path, restart, "restart")
    numbers |= run_blip(stack, worker, tmp_path, drop_connections, "client_kill")

    # A warm shutdown after the blips (what systemd does on restart): the worker must get
    # through restoring unacknowledged messages without the known crash.
    worker.stop(timeout=20)
    log = worker.log()
    numbers["shutdown_exit_code"] = worker.process.returncode
    numbers["restore_unacked_crash"] = RESTORE_BUG in log
    numbers["worker_errors_logged"] = len(re.findall(r"ERROR/", log))
    figures(**numbers)

    for label in ("restart", "client_kill"):
        assert numbers[f"{label}_worker_alive"], worker.log()[-4000:]
        assert numbers[f"{label}_new_task_done"], worker.log()[-4000:]
    assert not numbers["restore_unacked_crash"], log[-4000:]
    assert "Traceback" not in log.split("Warm shutdown")[-1], log[-4000:]
