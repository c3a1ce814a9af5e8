"""Excel exports of the supervision lists (``core.listexport``) through the lists' selectors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from kechuang.core.listexport import list_export, register
from kechuang.supervision import selectors, tables

ITEM_EXPORT = list_export("supervision.item_export", _l("导出督查事项"), _l("督查事项"),
                          tables.ITEMS.excel_columns, selectors.item_list)
UNIT_EXPORT = list_export("supervision.unit_export", _l("导出责任单位"), _l("责任单位"),
                          tables.UNITS.excel_columns, selectors.unit_list)
NOTICE_EXPORT = list_export("supervision.notice_export", _l("导出督办通知"), _l("督办通知"),
                            tables.NOTICES.excel_columns, selectors.notice_list)

export_items = register(ITEM_EXPORT)
export_units = register(UNIT_EXPORT)
export_notices = register(NOTICE_EXPORT)
