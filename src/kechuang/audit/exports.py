"""Excel exports of the audit trail, run as background jobs (imported in AuditConfig.ready).

Each handler re-reads its rows through the same selector as the list page, with the action
``export`` and the filters the user had on screen, so the workbook holds exactly the rows the
list showed. XlsxWriter in constant-memory mode writes row by row.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from kechuang.audit import selectors, tables
from kechuang.core.listexport import list_export, register

CHANGE_EXPORT = list_export("audit.change_export", _l("导出数据变更记录"), _l("数据变更记录"),
                            lambda: tables.change_table().excel_columns(), selectors.change_list)
AUTHEVENT_EXPORT = list_export("audit.authevent_export", _l("导出登录日志"), _l("登录日志"),
                               tables.AUTHEVENTS.excel_columns, selectors.authevent_list)

export_changes = register(CHANGE_EXPORT)
export_authevents = register(AUTHEVENT_EXPORT)
