"""Excel export of the contract list (``core.listexport``) through the list's selector."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from kechuang.core.listexport import list_export, register
from kechuang.techmarket import selectors, tables

CONTRACT_EXPORT = list_export("techmarket.contract_export", _l("导出技术合同"), _l("技术合同"),
                              tables.CONTRACTS.excel_columns, selectors.contract_list)

export_contracts = register(CONTRACT_EXPORT)
