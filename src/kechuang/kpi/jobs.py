"""Background job: the monthly report 科技工作进展月报 as .docx, .pdf or .xlsx.

Start it with::

    start_job(owner=user, kind="kpi.monthly_report", title="科技工作进展月报",
              params={"plan_id": plan.pk, "as_of": "2025-10-31", "format": "pdf"})

The plan is re-read through ``restrict(owner, "view")``: whoever may see the plan's
dashboard may take it away as a report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from kechuang.core.errors import DomainError
from kechuang.jobs.registry import JobOutput, Progress, job_handler
from kechuang.kpi import monthly_report

KIND = "kpi.monthly_report"
FORMATS = tuple(monthly_report.RENDERERS)
REPORT_ACTION = "view"


def dashboard_for(*, plan: Any, as_of: dt.date) -> Any:
    """The snapshot of that date when one was taken (figures as reported), else live."""
    from kechuang.kpi import selectors

    return selectors.dashboard_for_report(plan=plan, as_of=as_of)


def _params(params: dict[str, Any]) -> tuple[int, dt.date, str]:
    file_format = str(params.get("format") or "docx").lower()
    if file_format not in FORMATS:
        raise DomainError(_("不支持的报告格式“%(format)s”，可选：%(formats)s")
                          % {"format": file_format, "formats": "、".join(FORMATS)},
                          field="format")
    try:
        plan_id = int(params["plan_id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DomainError(_("请选择工作要点"), field="plan_id") from exc
    try:
        as_of = dt.date.fromisoformat(str(params["as_of"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise DomainError(_("统计截止日期无效，应为 YYYY-MM-DD"), field="as_of") from exc
    return plan_id, as_of, file_format


@job_handler(KIND)
def monthly_report_job(job: Any, progress: Progress) -> JobOutput:
    from kechuang.plans.models import Plan

    with translation.override(settings.LANGUAGE_CODE):
        plan_id, as_of, file_format = _params(job.params or {})
        progress(0, 3, "读取工作要点")
        plan = Plan.objects.restrict(job.owner, REPORT_ACTION).filter(pk=plan_id).first()
        if plan is None:
            raise DomainError(_("工作要点不存在或无权查看"), field="plan_id")
        progress(1, 3, "汇总指标进展")
        dashboard = dashboard_for(plan=plan, as_of=as_of)
        progress(2, 3, "生成报告文件")
        content = monthly_report.render(dashboard, file_format)
        progress(3, 3, "完成")
        return JobOutput(content=content,
                         filename=monthly_report.report_filename(dashboard, file_format),
                         summary={"plan_id": plan.pk, "as_of": as_of.isoformat(),
                                  "format": file_format,
                                  "indicators": len(dashboard.rows)})
