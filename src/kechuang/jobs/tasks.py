"""The single background task: run a Job by id through its registered handler."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

try:  # Django 6 ships the task framework; 5.2 uses the backport
    from django.tasks import task  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on Django version
    from django_tasks import task

from kechuang.audit.context import audit_context
from kechuang.core.errors import DomainError
from kechuang.jobs.models import Job, heartbeat_every
from kechuang.jobs.registry import get_handler

log = logging.getLogger(__name__)

SYSTEM_ERROR = _("处理过程中发生系统错误（%(kind)s），请稍后重试；"
                 "如仍失败，请联系系统管理员并告知任务编号 %(pk)s。")


class _Heartbeat(threading.Thread):
    """Stamps ``heartbeat_at`` every few seconds while a handler works without reporting
    progress (reading a large workbook), on its own connection; stops with the job."""

    def __init__(self, job_id: int, every: float) -> None:
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id, self.every, self.done = job_id, every, threading.Event()

    def run(self) -> None:
        try:
            while not self.done.wait(self.every):
                try:
                    Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(
                        heartbeat_at=timezone.now())
                except Exception:  # noqa: BLE001 — a missed beat is retried; never kill the job
                    log.warning("heartbeat of job %s failed", self.job_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=5)


def _in_worker() -> bool:
    """True under a real worker (database backend): the immediate backend of the tests and
    of KECHUANG_TASKS_IMMEDIATE runs the job inside the request, which nothing can lose."""
    from django_tasks import task_backends

    return type(task_backends[run_job.backend]).__name__ != "ImmediateBackend"


@task()
def run_job(job_id: int) -> str:
    job = Job.objects.select_related("owner").get(pk=job_id)
    now = timezone.now()
    started = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now)
    if not started:  # reaped (its task row failed) or run already: never run twice
        log.warning("job %s is %s, not queued: not run", job.pk, job.status)
        return "skipped"
    last = [0.0]
    every = float(getattr(settings, "JOB_PROGRESS_MIN_INTERVAL", 0.3))

    def progress(done: int, total: int | None = None, message: str = "") -> None:
        now = time.monotonic()
        if now - last[0] < every and (total is None or done < total):
            return  # at most a few writes a second
        last[0] = now
        fields = {"progress_done": done, "message": message[:300],
                  "heartbeat_at": timezone.now()}
        if total is not None:
            fields["progress_total"] = total
        Job.objects.filter(pk=job.pk).update(**fields)

    beat = _Heartbeat(job.pk, heartbeat_every()) if heartbeat_every() > 0 and _in_worker() \
        else None
    if beat is not None:
        beat.start()
    try:
        with audit_context(source=f"job:{job.kind}:{job.pk}"):
            output = get_handler(job.kind)(job, progress)
    except Exception as exc:  # the reason is shown to the user who started it
        if isinstance(exc, DomainError):
            reason = exc.message
        else:  # details go to the log, not to the page: the user gets a reason in Chinese
            log.exception("job %s failed", job.pk)
            reason = str(SYSTEM_ERROR) % {"kind": type(exc).__name__, "pk": job.pk}
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED, error=reason[:5000], finished_at=timezone.now())
        return "failed"
    finally:
        if beat is not None:
            beat.stop()
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status != Job.Status.RUNNING:  # the reaper gave up on it meanwhile
            return "failed"
        if output.content is not None:
            job.result_file.save(output.filename or f"job-{job.pk}.bin",
                                 ContentFile(output.content), save=False)
            job.result_name = output.filename
        job.result = output.summary
        job.status = Job.Status.SUCCEEDED
        job.progress_done = max(job.progress_done, job.progress_total)
        job.finished_at = timezone.now()
        job.save()
    return "succeeded"
