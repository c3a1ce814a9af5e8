"""The job list's columns ("我的后台任务")."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.core.tables import (
    Column,
    RenderContext,
    Table,
    badge,
    datetime_text,
    esc,
    numbered_title,
)

STATUS_BADGE = {"succeeded": "text-bg-success", "failed": "text-bg-danger",
                "running": "text-bg-primary"}
BAR = {"failed": " bg-danger", "succeeded": " bg-success"}


def status_badge(job: Any) -> str:
    """As jobs/_status_badge.html."""
    return badge(STATUS_BADGE.get(job.status, "text-bg-secondary"), job.get_status_display(),
                 "job-status")


def _progress(job: Any, ctx: RenderContext) -> str:
    return (f'<div style="min-width:8rem"><div class="progress" role="progressbar" '
            f'aria-label="{esc(_("任务进度"))}" '
            f'aria-valuenow="{esc(job.percent)}" aria-valuemin="0" aria-valuemax="100" '
            f'style="height:.5rem"><div class="progress-bar{BAR.get(job.status, "")}" '
            f'style="width: {esc(job.percent)}%"></div></div></div>')


def _actions(job: Any, ctx: RenderContext) -> str:
    if job.status == "succeeded" and job.result_file:
        file = (f'<a class="btn btn-outline-success btn-sm" href="'
                f'{ctx.url("jobs:job_download", job.pk)}"><i class="bi bi-download me-1"></i>'
                f'{esc(_("下载"))}</a>')
    elif job.result_removed:
        file = (f'<span class="small text-body-secondary" data-testid="job-file-removed">'
                f'{esc(_("文件已过期删除"))}</span>')
    else:
        file = ""
    return (f'\n            {file}\n            <a class="btn btn-outline-primary btn-sm" '
            f'href="{ctx.url("jobs:job_detail", job.pk)}">{esc(_("详情"))}</a>\n          ')


JOBS = Table([
    Column(_l("任务"), lambda j: j.title, cell=numbered_title("jobs:job_detail")),
    Column(_l("状态"), lambda j: j.get_status_display(), cell=lambda j, ctx: status_badge(j)),
    Column(_l("进度"), lambda j: j.percent, cell=_progress),
    Column(_l("创建时间"), lambda j: j.created_at, th_class="text-nowrap",
           td_class="text-nowrap small", cell=lambda j, ctx: datetime_text(j.created_at)),
    Column(_l("结束时间"), lambda j: j.finished_at, th_class="text-nowrap",
           td_class="text-nowrap small",
           cell=lambda j, ctx: datetime_text(j.finished_at) or "—"),
    Column(_l("操作"), None, th_hidden=True, td_class="text-end text-nowrap", cell=_actions,
           export=False),
], row_attrs='data-testid="job-row"')
