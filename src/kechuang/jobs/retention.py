"""Residual information (GB/T 22239 level 3): job result files are not kept for ever.

An export's result file holds a copy of the data it was made from; once its owner has had
``JOB_RESULT_RETENTION_DAYS`` (default 7) to download it, a daily scheduler check deletes the
bytes from storage and clears ``Job.result_file``. The job row stays (it is the record of who
exported what, and ``Job.delete()`` refuses); ``result_name`` stays so the pages can say the
file was removed instead of offering a broken link.

The boundary: a file is removed once its job finished at least N whole days ago
(``finished_at <= now - N days``). Jobs still queued or running are never touched.
"""

from __future__ import annotations

import datetime as dt
import logging
import os

from django.db.models.functions import Coalesce
from django.utils import timezone

from kechuang.core.scheduler import daily
from kechuang.jobs.models import Job
from kechuang.jobs.models import result_retention_days as retention_days

log = logging.getLogger(__name__)

FINISHED = (Job.Status.SUCCEEDED, Job.Status.FAILED)


def purge_result_files(*, now: dt.datetime | None = None) -> int:
    """Delete the result files of jobs finished at least the retention ago; returns how many.

    The bytes go first, then the field is cleared: a crash in between leaves a field pointing
    at nothing (the next run clears it), never bytes nobody points at. Idempotent.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days())
    expired = (Job.objects.filter(status__in=FINISHED)
               .annotate(ended=Coalesce("finished_at", "created_at"))
               .filter(ended__lte=cutoff).exclude(result_file="")
               .only("pk", "result_file", "result_name"))
    removed = 0
    for job in expired.iterator():
        name = job.result_file.name
        job.result_file.storage.delete(name)  # a file already gone is not an error
        removed += Job.objects.filter(pk=job.pk, result_file=name).update(
            result_file="", result_name=job.result_name or os.path.basename(name))
    return removed


@daily("jobs.purge_result_files")
def _scheduled_purge(today: dt.date) -> str:
    removed = purge_result_files()
    log.info("job result retention: %d file(s) older than %d days deleted",
             removed, retention_days())
    return f"删除过期任务结果文件 {removed} 个"
