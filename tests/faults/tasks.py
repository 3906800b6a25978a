"""Tasks that only the fault tests' workers load (`celery worker --include
tests.faults.tasks`): one that holds the worker for a while, and one that proves the worker
still takes work. Each leaves a trace in a file, so that no result backend is involved."""

import os
import time
from pathlib import Path

from celery import shared_task


def _trace(path, line):
    with Path(path).open("a") as file:
        file.write(f"{line} {os.getpid()} {time.time():.3f}\n")


@shared_task(ignore_result=True)
def hold(path, seconds):
    _trace(path, "start")
    time.sleep(seconds)
    _trace(path, "done")


@shared_task(ignore_result=True)
def touch(path):
    _trace(path, "touched")
