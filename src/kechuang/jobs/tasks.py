"""The single background task: run a Job by id through its registered handler."""

from __future__ import annotations

import logging
import time

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

try:  # Django 6 ships the task framework; 5.2 uses the backport
    from django.tasks import task  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on Django version
    from django_tasks import task

from kechuang.audit.context import audit_context
from kechuang.core.errors import DomainError
from kechuang.jobs.models import Job
from kechuang.jobs.registry import get_handler

log = logging.getLogger(__name__)

SYSTEM_ERROR = _("处理过程中发生系统错误（%(kind)s），请稍后重试；"
                 "如仍失败，请联系系统管理员并告知任务编号 %(pk)s。")


@task()
def run_job(job_id: int) -> str:
    job = Job.objects.select_related("owner").get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
    last = [0.0]

    def progress(done: int, total: int | None = None, message: str = "") -> None:
        now = time.monotonic()
        if now - last[0] < 0.3 and (total is None or done < total):
            return  # at most a few writes a second
        last[0] = now
        fields = {"progress_done": done, "message": message[:300]}
        if total is not None:
            fields["progress_total"] = total
        Job.objects.filter(pk=job.pk).update(**fields)

    try:
        with audit_context(source=f"job:{job.kind}:{job.pk}"):
            output = get_handler(job.kind)(job, progress)
    except Exception as exc:  # the reason is shown to the user who started it
        if isinstance(exc, DomainError):
            reason = exc.message
        else:  # details go to the log, not to the page: the user gets a reason in Chinese
            log.exception("job %s failed", job.pk)
            reason = str(SYSTEM_ERROR) % {"kind": type(exc).__name__, "pk": job.pk}
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=reason[:5000],
                                             finished_at=timezone.now())
        return "failed"
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
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
