"""The reaper: jobs whose worker died are marked failed, and their apps clean up after them.

A worker killed with SIGKILL (out of memory, a deploy, a crash in a C library) leaves its job
"running" for ever and its task row in django-tasks-db "RUNNING". Three signs tell the reaper
that a job has lost its worker:

* its heartbeat (``Job.heartbeat_at``, written with every progress report and by a timer
  thread) is older than ``JOB_STALE_AFTER`` seconds;
* its task row says FAILED (the worker could not even start it);
* the supervisor (``manage.py run_worker``) saw the worker process die: every job that worker
  had claimed (``DBTaskResult.worker_ids``) is lost at once, no need to wait.

Each such job is marked failed with a reason in Chinese, then every app's registered recovery
(``registry.job_recovery``) returns its own rows to a state the user can act on. The reaper
is idempotent; it runs every minute under ``manage.py scheduler`` and whenever the supervisor
(re)starts a worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.scheduler import every_minute
from kechuang.jobs.models import Job, stale_after
from kechuang.jobs.registry import recoveries

log = logging.getLogger(__name__)

LOST = _("处理进程意外中止（进程被终止、重启或内存不足），任务未完成；"
         "未完成的写入已撤销，请重新发起。任务编号 %(pk)s。")
ACTIVE = (Job.Status.QUEUED, Job.Status.RUNNING)


def _lost_by_task_row(dead_workers: Iterable[str]) -> set[int]:
    """Active jobs whose django-tasks-db row failed, or ran on a worker known to be dead."""
    from django_tasks_db.models import DBTaskResult

    dead = set(dead_workers)
    jobs = {}
    for task_id, pk in Job.objects.filter(status__in=ACTIVE).exclude(task_id="").values_list(
            "task_id", "pk"):
        try:  # ids of the immediate backend (KECHUANG_TASKS_IMMEDIATE) are not the table's
            jobs[uuid.UUID(task_id)] = pk
        except ValueError:
            continue
    if not jobs:
        return set()
    lost = set()
    for task_id, status, workers in DBTaskResult.objects.filter(id__in=list(jobs)).values_list(
            "id", "status", "worker_ids"):
        if status == "FAILED" or (status == "RUNNING" and workers and workers[-1] in dead):
            lost.add(jobs[uuid.UUID(str(task_id))])
    return lost


def lost_jobs(*, now: dt.datetime | None = None, stale: int | None = None,
              dead_workers: Iterable[str] = ()) -> set[int]:
    """Ids of the queued or running jobs that no worker will ever finish."""
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=stale_after() if stale is None else stale)
    silent = set(Job.objects.filter(status=Job.Status.RUNNING)
                 .annotate(seen=Coalesce("heartbeat_at", "started_at", "created_at"))
                 .filter(seen__lt=limit).values_list("pk", flat=True))
    return silent | _lost_by_task_row(dead_workers)


def reap(*, now: dt.datetime | None = None, stale: int | None = None,
         dead_workers: Iterable[str] = ()) -> dict[str, Any]:
    """Mark lost jobs failed with a reason, then run every app's recovery."""
    now = now or timezone.now()
    failed = []
    for pk in sorted(lost_jobs(now=now, stale=stale, dead_workers=dead_workers)):
        # conditional: a job that finished meanwhile keeps its result
        if Job.objects.filter(pk=pk, status__in=ACTIVE).update(
                status=Job.Status.FAILED, error=str(LOST) % {"pk": pk}, finished_at=now):
            failed.append(pk)
            log.warning("job %s lost its worker: marked failed", pk)
    out: dict[str, Any] = {"failed": failed}
    for name, fn in sorted(recoveries().items()):
        try:
            out[name] = fn()
        except Exception as exc:  # noqa: BLE001 — one app's failure must not stop the others
            log.exception("job recovery %s failed", name)
            out[name] = exc
    return out


@every_minute("jobs.reap")
def _reap_check(today: dt.date) -> dict[str, Any]:
    return reap()
