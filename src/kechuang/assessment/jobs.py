"""Background jobs: the batch evaluation and the Excel export of the results list."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.assessment import selectors, services, tables
from kechuang.assessment.models import EvaluationRun
from kechuang.core.errors import DomainError
from kechuang.core.listexport import list_export, register
from kechuang.jobs.registry import JobOutput, Progress, job_handler

EXPORT_JOB = "assessment.result_export"


@job_handler(services.BATCH_JOB)
def batch_evaluate(job: Any, progress: Progress) -> JobOutput:
    with translation.override(settings.LANGUAGE_CODE):
        run = EvaluationRun.objects.filter(pk=job.params.get("run")).first()
        if run is None:
            raise DomainError(_("批量测评记录不存在"))
        summary = services.run_batch(run=run, actor=job.owner, progress=progress)
        return JobOutput(summary=summary)


RESULT_EXPORT = list_export(EXPORT_JOB, _l("导出测评结果"), _l("测评结果"),
                            tables.RESULTS.excel_columns, selectors.result_list)

export_results = register(RESULT_EXPORT)
