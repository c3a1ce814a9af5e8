"""Excel export of reported values (``core.listexport``) through the list's selector."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kechuang.core.listexport import ListExport, register
from kechuang.reported import selectors, tables

VALUE_EXPORT = ListExport(
    kind="reported.value_export", title=_l("导出上报数值"), sheet=lambda p: _("上报数值"),
    columns=lambda p: tables.VALUES.excel_columns(),
    rows=lambda owner, p: selectors.value_list(user=owner, action="export", filters=p))

export_values = register(VALUE_EXPORT)
