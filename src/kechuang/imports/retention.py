"""Residual information (GB/T 22239 level 3): uploaded workbooks are not kept for ever.

An uploaded workbook and its error report hold a copy of enterprise data; once the run is
over, a daily scheduler check deletes both files from private storage
``IMPORT_FILE_RETENTION_DAYS`` (default 30) days after the run's last step and clears the
fields. The run row stays (it is the record of who loaded which file, and
``ImportRun.delete()`` refuses); its counts, errors and preview stay on the page, which says
the file was removed.

Only finished runs: committed, cancelled, failed, invalid. A run being checked, committed or
undone, a checked run that can still be committed or retried ("valid"), a committed run whose
held-back change records are still being written (chunk rows), and a run whose job is still
queued or running are never touched.

The boundary: files are removed once the run's last step (upload, check or commit, whichever
is latest) is at least N whole days old (``<= now - N days``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from kechuang.core.scheduler import daily
from kechuang.imports.models import ImportRun, file_retention_days
from kechuang.jobs.models import Job

log = logging.getLogger(__name__)
S = ImportRun.Status

FINISHED = (S.COMMITTED, S.CANCELLED, S.FAILED, S.INVALID)


def purge_run_files(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Delete the files of runs finished at least the retention ago.

    Returns (runs cleared, files deleted). The bytes go first, then the fields are cleared
    (only if the run is still in the state it was read in): a crash in between leaves fields
    pointing at nothing (the next run clears them), never bytes nobody points at. Idempotent.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=file_retention_days())
    expired = (ImportRun.objects.filter(status__in=FINISHED)
               .exclude(file="")
               .exclude(chunks__isnull=False)
               .exclude(job__status__in=(Job.Status.QUEUED, Job.Status.RUNNING))
               .annotate(last_step=Greatest("created_at",
                                            Coalesce("validated_at", "created_at"),
                                            Coalesce("committed_at", "created_at")))
               .filter(last_step__lte=cutoff)
               .only("pk", "status", "file", "error_file", "checked_file").distinct())
    runs = files = 0
    for run in expired.iterator():
        names = [f.name for f in (run.file, run.error_file, run.checked_file) if f]
        for name in names:
            run.file.storage.delete(name)  # a file already gone is not an error
        if ImportRun.objects.filter(Q(pk=run.pk, status=run.status)).update(
                file="", error_file="", checked_file=""):
            runs += 1
            files += len(names)
    return runs, files


@daily("imports.purge_files")
def _scheduled_purge(today: dt.date) -> str:
    runs, files = purge_run_files()
    log.info("import file retention: %d file(s) of %d run(s) older than %d days deleted",
             files, runs, file_retention_days())
    return f"删除过期导入文件 {files} 个（{runs} 次导入）"
