"""Excel exports of the lists (``core.listexport``) through the lists' own selectors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from kechuang.carriers import selectors, tables
from kechuang.core.listexport import list_export, register

PLATFORM_EXPORT = list_export("carriers.platform_export", _l("导出创新平台"), _l("创新平台"),
                              tables.PLATFORMS.excel_columns, selectors.platform_list)
OCCUPANT_EXPORT = list_export("carriers.occupant_export", _l("导出入驻主体"), _l("入驻主体"),
                              tables.OCCUPANTS.excel_columns, selectors.occupant_list)
EVALUATION_EXPORT = list_export("carriers.evaluation_export", _l("导出绩效评价结果"),
                                _l("绩效评价"), tables.EVALUATIONS.excel_columns,
                                selectors.evaluation_list)

export_platforms = register(PLATFORM_EXPORT)
export_occupants = register(OCCUPANT_EXPORT)
export_evaluations = register(EVALUATION_EXPORT)
