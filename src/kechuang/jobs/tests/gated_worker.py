"""``manage.py db_worker`` with gates, for test_killed_worker (run as a script, not collected).

argv: gates folder, "import" or "batch", import chunk size, batch chunk size, worker id. At a
gate the worker touches ``<gate>.reached`` and waits for ``<gate>.go`` — the test kills it
there, so the kill lands at a known point of the commit instead of a guessed moment.
"""

import sys
import time
from pathlib import Path

import django

django.setup()

from django.core.management import call_command  # noqa: E402

gates, kind = Path(sys.argv[1]), sys.argv[2]
import_chunk, batch_chunk, worker_id = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]


def wait(name: str) -> None:
    (gates / f"{name}.reached").touch()
    while not (gates / f"{name}.go").exists():
        time.sleep(0.05)


if kind == "import":
    from kechuang.imports import engine, services

    engine.CHUNK = import_chunk
    real_write, real_commit, writes = engine.bulk_write, services.commit_run, []

    def bulk_write(spec, ctx, rows):
        real_write(spec, ctx, rows)
        writes.append(len(rows))
        if len(writes) == 3:
            wait("inside")  # chunk 3 written, its transaction still open

    def commit_run(*, run, progress):
        def gated(done, total=None, message=""):
            progress(done, total, message)
            if done == 2 * engine.CHUNK:
                wait("between")  # two chunks committed and reported
        return real_commit(run=run, progress=gated)

    engine.bulk_write, services.commit_run = bulk_write, commit_run
else:
    from kechuang.assessment import services

    services.CHUNK = batch_chunk
    real_batch = services.run_batch

    def run_batch(*, run, actor, progress):
        def gated(done, total=None, message=""):
            progress(done, total, message)
            if done == 2 * services.CHUNK:
                wait("inside")  # two chunks of results written, the run unfinished
        return real_batch(run=run, actor=actor, progress=gated)

    services.run_batch = run_batch

call_command("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1",
             "--worker-id", worker_id)
