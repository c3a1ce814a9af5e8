"""Excel exports of the audit trail, run as background jobs (imported in AuditConfig.ready).

Each handler re-reads its rows through the same selector as the list page, with the action
``export`` and the filters the user had on screen, so the workbook holds exactly the rows the
list showed. XlsxWriter in constant-memory mode writes row by row.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kechuang.audit import selectors
from kechuang.core.errors import DomainError
from kechuang.jobs.registry import JobOutput, Progress, job_handler

CHUNK = 2000
PROGRESS_EVERY = 500
MAX_ROWS = 1_000_000  # an .xlsx sheet holds 1,048,576 rows


@dataclass(frozen=True)
class Column:
    header: Any
    value: Callable[[Any], Any]
    width: int = 14
    kind: str = "text"  # text | datetime | wrap


def _local(value: Any) -> Any:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _write(*, sheet: str, columns: list[Column], rows: Iterable[Any], total: int,
           progress: Progress) -> tuple[bytes, int]:
    if total > MAX_ROWS:
        raise DomainError(_("符合条件的记录有 %(n)s 条，超过 Excel 单表上限，"
                            "请缩小日期范围后再导出。") % {"n": total})
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(sheet)
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    fmts = {"text": wb.add_format({"num_format": "@"}),
            "wrap": wb.add_format({"num_format": "@", "text_wrap": True, "valign": "top"}),
            "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})}
    for c, col in enumerate(columns):
        ws.set_column(c, c, col.width)
        ws.write_string(0, c, str(col.header), head)
    ws.freeze_panes(1, 0)
    done = 0
    progress(0, total)
    for obj in rows:
        done += 1
        for c, col in enumerate(columns):
            value = col.value(obj)
            if value is None or value == "":
                ws.write_blank(done, c, None, fmts[col.kind])
            elif col.kind == "datetime":
                ws.write_datetime(done, c, value, fmts["datetime"])
            else:
                ws.write_string(done, c, str(value), fmts[col.kind])
        if done % PROGRESS_EVERY == 0:
            progress(done, total)
    if done:
        ws.autofilter(0, 0, done, len(columns) - 1)
    wb.close()
    progress(done, max(total, done))
    return out.getvalue(), done


def change_columns() -> list[Column]:
    return [
        Column(_("时间"), lambda r: _local(r.at), width=19, kind="datetime"),
        Column(_("操作人"), lambda r: r.actor_name, width=14),
        Column(_("操作人编号"), lambda r: r.actor_id or "", width=10),
        Column(_("来源"), lambda r: r.source, width=14),
        Column(_("请求编号"), lambda r: r.request_id, width=34),
        Column(_("操作"), lambda r: r.get_action_display(), width=8),
        Column(_("对象类型"), lambda r: selectors.type_label(r.content_type), width=14),
        Column(_("对象编号"), lambda r: r.object_id, width=10),
        Column(_("对象"), lambda r: r.object_repr, width=30),
        Column(_("变更内容"), selectors.changes_text, width=60, kind="wrap"),
        Column(_("原因"), lambda r: r.reason, width=24),
    ]


def authevent_columns() -> list[Column]:
    return [
        Column(_("时间"), lambda e: _local(e.at), width=19, kind="datetime"),
        Column(_("事件"), lambda e: e.get_kind_display(), width=10),
        Column(_("用户名"), lambda e: e.username, width=18),
        Column(_("用户编号"), lambda e: e.user_id or "", width=10),
        Column(_("IP 地址"), lambda e: e.ip, width=16),
        Column(_("浏览器"), lambda e: e.user_agent, width=50),
    ]


def _stamp() -> str:
    return timezone.localdate().strftime("%Y%m%d")


@job_handler("audit.change_export")
def export_changes(job: Any, progress: Progress) -> JobOutput:
    with translation.override(settings.LANGUAGE_CODE):
        qs = selectors.change_list(user=job.owner, action="export", filters=job.params)
        content, rows = _write(sheet=_("数据变更记录"), columns=change_columns(),
                               rows=qs.iterator(chunk_size=CHUNK), total=qs.count(),
                               progress=progress)
        return JobOutput(content=content, filename=f"{_('数据变更记录')}-{_stamp()}.xlsx",
                         summary={"rows": rows})


@job_handler("audit.authevent_export")
def export_authevents(job: Any, progress: Progress) -> JobOutput:
    with translation.override(settings.LANGUAGE_CODE):
        qs = selectors.authevent_list(user=job.owner, action="export", filters=job.params)
        content, rows = _write(sheet=_("登录日志"), columns=authevent_columns(),
                               rows=qs.iterator(chunk_size=CHUNK), total=qs.count(),
                               progress=progress)
        return JobOutput(content=content, filename=f"{_('登录日志')}-{_stamp()}.xlsx",
                         summary={"rows": rows})
