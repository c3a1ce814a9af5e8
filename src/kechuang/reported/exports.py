"""Excel export of reported values, run as a background job through the list's selector."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from kechuang.core.excel import CHUNK, Column, write_workbook
from kechuang.core.excel import local as _local
from kechuang.core.excel import stamp as _stamp
from kechuang.jobs.registry import JobOutput, Progress, job_handler
from kechuang.reported import selectors


def _user_name(u: Any) -> str:
    return (u.get_full_name() or u.username) if u is not None else ""


def value_columns() -> list[Column]:
    return [
        Column(_("指标"), lambda v: v.indicator.name, width=30),
        Column(_("单位"), lambda v: v.indicator.unit, width=8),
        Column(_("县区"), lambda v: v.county.name if v.county_id else _("全市"), width=12),
        Column(_("截至日期"), lambda v: v.period_end, kind="date", width=12),
        Column(_("数值"), lambda v: v.value, kind="money", width=14),
        Column(_("状态"), lambda v: v.get_status_display(), width=9),
        Column(_("说明"), lambda v: v.note, kind="wrap", width=30),
        Column(_("填报人"), lambda v: _user_name(v.submitted_by), width=10),
        Column(_("填报时间"), lambda v: _local(v.submitted_at), kind="datetime", width=17),
        Column(_("审核人"), lambda v: _user_name(v.reviewed_by), width=10),
        Column(_("审核时间"), lambda v: _local(v.reviewed_at), kind="datetime", width=17),
        Column(_("审核意见"), lambda v: v.review_note, kind="wrap", width=30),
    ]


@job_handler("reported.value_export")
def export_values(job: Any, progress: Progress) -> JobOutput:
    with translation.override(settings.LANGUAGE_CODE):
        qs = selectors.value_list(user=job.owner, action="export", filters=job.params)
        total = qs.count()
        content, rows = write_workbook(sheet_name=_("上报数值"), columns=value_columns(),
                                       rows=qs.iterator(chunk_size=CHUNK), total=total,
                                       progress=progress)
        return JobOutput(content=content, filename=f"{_('上报数值')}-{_stamp()}.xlsx",
                         summary={"rows": rows})
