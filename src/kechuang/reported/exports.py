"""Excel export of reported values (``core.listexport``) through the list's selector."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from kechuang.core.listexport import list_export, register
from kechuang.reported import selectors, tables

VALUE_EXPORT = list_export("reported.value_export", _l("导出上报数值"), _l("上报数值"),
                           tables.VALUES.excel_columns, selectors.value_list)

export_values = register(VALUE_EXPORT)
