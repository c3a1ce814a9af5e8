"""Background jobs: the innovation-points batch run and the Excel exports of the lists."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.core.errors import DomainError
from kechuang.core.listexport import list_export, register
from kechuang.jobs.registry import JobOutput, Progress, job_handler
from kechuang.rdinput import selectors, services, tables
from kechuang.rdinput.models import PointsRun


@job_handler(services.POINTS_JOB)
def points_batch(job: Any, progress: Progress) -> JobOutput:
    with translation.override(settings.LANGUAGE_CODE):
        run = PointsRun.objects.select_related("model").filter(pk=job.params.get("run")).first()
        if run is None:
            raise DomainError(_("测算记录不存在"))
        return JobOutput(summary=services.run_points(run=run, progress=progress))


FISCAL_EXPORT = list_export("rdinput.fiscal_export", _l("导出县区财政科技投入"),
                                     _l("县区财政科技投入"), tables.FISCAL.excel_columns,
                                     selectors.fiscal_list)
RESERVE_EXPORT = list_export("rdinput.reserve_export", _l("导出企业研发准备金"),
                                      _l("企业研发准备金"), tables.RESERVES.excel_columns,
                                      selectors.reserve_list)
RESULT_EXPORT = list_export("rdinput.points_export", _l("导出创新积分"),
                                     _l("企业创新积分"), tables.RESULTS.excel_columns,
                                     selectors.result_list)
INTENSITY_EXPORT = list_export("rdinput.intensity_export", _l("导出R&D投入强度"),
                                        _l("R&D投入强度"), tables.INTENSITY.excel_columns,
                                        selectors.intensity_list)

for _spec in (FISCAL_EXPORT, RESERVE_EXPORT, RESULT_EXPORT, INTENSITY_EXPORT):
    register(_spec)
