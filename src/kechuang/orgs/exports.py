"""Excel exports of the enterprise list and the annual reports (``core.listexport``): the
tables' columns and the list pages' selectors with the action ``export``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from kechuang.core.listexport import list_export, register
from kechuang.orgs import selectors, tables

ENTERPRISE_EXPORT = list_export(
    "orgs.enterprise_export", _l("导出企业名单"), _l("企业名单"), tables.ENTERPRISES.excel_columns,
    lambda **kw: selectors.with_chains(selectors.enterprise_list(**kw)))
REPORT_EXPORT = list_export("orgs.report_export", _l("导出企业年度报表"), _l("企业年度报表"),
                            tables.REPORTS.excel_columns, selectors.report_list)

export_enterprises = register(ENTERPRISE_EXPORT)
export_reports = register(REPORT_EXPORT)
