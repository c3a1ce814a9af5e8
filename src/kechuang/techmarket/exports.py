"""Excel export of the contract list (``core.listexport``) through the list's selector."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from kechuang.core.listexport import list_export, register
from kechuang.techmarket import selectors, tables

CONTRACT_EXPORT = list_export("techmarket.contract_export", _l("导出技术合同"), _l("技术合同"),
                              tables.CONTRACTS.excel_columns, selectors.contract_list)

export_contracts = register(CONTRACT_EXPORT)

GDP_EXPORT = list_export("techmarket.gdp_export", _l("导出地区生产总值"), _l("地区生产总值"),
                         tables.GDP.excel_columns, selectors.gdp_list)
export_gdp = register(GDP_EXPORT)

CANDIDATE_EXPORT = list_export("techmarket.candidate_export", _l("导出升规入统培育企业"),
                               _l("升规入统培育企业"), tables.CANDIDATES.excel_columns,
                               selectors.candidate_list)
export_candidates = register(CANDIDATE_EXPORT)

CONVERSION_EXPORT = list_export("techmarket.conversion_export", _l("导出平台转制法人"),
                                _l("平台转制法人"), tables.CONVERSIONS.excel_columns,
                                selectors.conversion_list)
export_conversions = register(CONVERSION_EXPORT)
