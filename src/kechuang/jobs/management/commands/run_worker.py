"""``manage.py run_worker`` — the background-job worker under a supervisor that restarts it.

``db_worker`` is a single process: if it dies (killed by the kernel for memory, a crash in a
C extension, SIGKILL), nothing runs jobs any more. This command runs it as a child process —
never with the autoreloader — and, whenever the child exits without being asked to, recovers
the jobs that child had claimed at once (``jobs.recovery.reap`` with its worker id) and starts
a new one (with a growing pause if it keeps dying straight away); every minute it also runs the
reaper for jobs whose heartbeat went stale. SIGTERM/SIGINT stop the
child and the supervisor. systemd's ``Restart=always`` (docs/deploy.md) restarts the
supervisor itself.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connections
from django.utils.crypto import get_random_string

from kechuang.jobs.recovery import reap


def _django() -> list[str]:
    """How this process was started: ``manage.py`` (it puts src/ on the path) or ``-m django``."""
    script = Path(sys.argv[0])
    if script.name == "manage.py" and script.exists():
        return [sys.executable, str(script.resolve())]
    return [sys.executable, "-m", "django"]


class Command(BaseCommand):
    help = "运行后台任务进程并在其意外退出时自动重启（不使用自动重载）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0,
                            help="队列为空时的轮询间隔秒数（默认 1）")
        parser.add_argument("--max-restarts", type=int, default=0,
                            help="最多重启次数，0 表示不限（供测试使用）")

    def handle(self, *args: Any, **opts: Any) -> None:
        stopping = False
        child: subprocess.Popen[bytes] | None = None

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True
            if child is not None and child.poll() is None:
                child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self._reap()  # jobs left over by a worker that died before this one started
        restarts, pause = 0, 1.0
        while not stopping:
            worker_id = f"kc-{get_random_string(20)}"
            child = subprocess.Popen([  # noqa: S603 — our own interpreter and command
                *_django(), "db_worker", "--no-reload", "--no-startup-delay",
                "--interval", str(opts["interval"]), "--worker-id", worker_id])
            self.stdout.write(f"worker {worker_id} pid {child.pid} started")
            self.stdout.flush()
            began = time.monotonic()
            while True:  # every minute: jobs whose heartbeat stopped (a hung handler)
                try:
                    code = child.wait(timeout=60)
                    break
                except subprocess.TimeoutExpired:
                    self._reap()
            if stopping:
                break
            self.stderr.write(f"worker {worker_id} pid {child.pid} exited ({code}); restarting")
            self._reap(dead=[worker_id])
            restarts += 1
            if opts["max_restarts"] and restarts > opts["max_restarts"]:
                break
            # dying straight away again and again (a broken deploy): back off up to 30 s
            pause = 1.0 if time.monotonic() - began > 60 else min(30.0, pause * 2)
            time.sleep(pause)
        if child is not None and child.poll() is None:
            child.wait(timeout=30)

    def _reap(self, dead: list[str] | None = None) -> None:
        try:
            out = reap(dead_workers=dead or ())
        except Exception as exc:  # noqa: BLE001 — the worker must start even if this fails
            self.stderr.write(f"reaper failed: {exc!r}")
        else:
            self.stdout.write(f"reaper: {out}")
        finally:
            connections.close_all()  # hold no database connection while the child works
        self.stdout.flush()
