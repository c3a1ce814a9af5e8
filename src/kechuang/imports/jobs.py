"""Background jobs of an import run: the check and the commit, each with a progress bar."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from kechuang.audit.context import audit_context
from kechuang.core.errors import DomainError
from kechuang.imports import services
from kechuang.imports.models import ImportRun
from kechuang.jobs.registry import JobOutput, Progress, job_handler


def _summary(outcome: Any) -> dict[str, int]:
    return {"rows": outcome.total, "created": outcome.created, "updated": outcome.updated,
            "unchanged": outcome.unchanged, "errors": len(outcome.errors)}


def _run(job: Any, step: Any, progress: Progress) -> JobOutput:
    run = ImportRun.objects.select_related("owner").get(pk=job.params["run"])
    try:
        # messages are stored as text: write them in the site language, not the worker's
        with translation.override(settings.LANGUAGE_CODE), audit_context(
                source=f"import:{run.kind}"[:40], request_id=f"import-{run.pk}"):
            outcome = step(run=run, progress=progress)
    except DomainError as exc:
        services.mark_failed(run_id=run.pk, reason=exc.message)
        raise
    except Exception:
        services.mark_failed(run_id=run.pk, reason=str(_(
            "处理过程中发生系统错误，未写入任何数据；请联系系统管理员并告知导入编号 %(pk)s。")
            % {"pk": run.pk}))
        raise
    return JobOutput(summary=_summary(outcome))


@job_handler("imports.validate")
def validate_import(job: Any, progress: Progress) -> JobOutput:
    return _run(job, services.validate_run, progress)


@job_handler("imports.commit")
def commit_import(job: Any, progress: Progress) -> JobOutput:
    return _run(job, services.commit_run, progress)
