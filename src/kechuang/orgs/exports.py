"""Excel exports of the enterprise list and the annual reports (``core.listexport``): the
tables' columns and the list pages' selectors with the action ``export``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.core.listexport import ListExport, register
from kechuang.orgs import selectors, tables

ENTERPRISE_EXPORT = ListExport(
    kind="orgs.enterprise_export", title=_l("导出企业名单"), sheet=lambda p: _("企业名单"),
    columns=lambda p: tables.ENTERPRISES.excel_columns(),
    rows=lambda owner, p: selectors.with_chains(
        selectors.enterprise_list(user=owner, action="export", filters=p)))
REPORT_EXPORT = ListExport(
    kind="orgs.report_export", title=_l("导出企业年度报表"), sheet=lambda p: _("企业年度报表"),
    columns=lambda p: tables.REPORTS.excel_columns(),
    rows=lambda owner, p: selectors.report_list(user=owner, action="export", filters=p))

export_enterprises = register(ENTERPRISE_EXPORT)
export_reports = register(REPORT_EXPORT)
