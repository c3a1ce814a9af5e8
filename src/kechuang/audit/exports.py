"""Excel exports of the audit trail, run as background jobs (imported in AuditConfig.ready).

Each handler re-reads its rows through the same selector as the list page, with the action
``export`` and the filters the user had on screen, so the workbook holds exactly the rows the
list showed. XlsxWriter in constant-memory mode writes row by row.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.audit import selectors
from kechuang.core.excel import Column
from kechuang.core.excel import local as _local
from kechuang.core.listexport import list_export, register


def change_columns() -> list[Column]:
    """The columns of the change-record workbook; related names and job titles are read once
    per export (caches shared by all rows), not once per row."""
    related: dict[tuple[str, str], str] = {}
    sources: dict[str, str] = {}

    def source(r: Any) -> str:
        if r.source not in sources:
            sources.update(selectors.source_labels([r.source]))
        return sources[r.source]

    return [
        Column(_("时间"), lambda r: _local(r.at), width=19, kind="datetime"),
        Column(_("操作人"), lambda r: r.actor_name, width=14),
        Column(_("操作人编号"), lambda r: r.actor_id or "", width=10),
        Column(_("来源"), source, width=24),
        Column(_("请求编号"), lambda r: r.request_id, width=34),
        Column(_("操作"), lambda r: r.get_action_display(), width=8),
        Column(_("对象类型"), lambda r: selectors.event_label(r)[0], width=14),
        Column(_("对象编号"), lambda r: r.object_id, width=10),
        Column(_("对象"), lambda r: selectors.event_label(r)[1], width=30),
        Column(_("变更内容"), lambda r: selectors.changes_text(r, related), width=60,
               kind="wrap"),
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


CHANGE_EXPORT = list_export("audit.change_export", _l("导出数据变更记录"), _l("数据变更记录"),
                            change_columns, selectors.change_list)
AUTHEVENT_EXPORT = list_export("audit.authevent_export", _l("导出登录日志"), _l("登录日志"),
                               authevent_columns, selectors.authevent_list)

export_changes = register(CHANGE_EXPORT)
export_authevents = register(AUTHEVENT_EXPORT)
