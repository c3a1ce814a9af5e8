"""Excel exports of the voucher, claim and provider lists (``core.listexport``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l

from kechuang.core.listexport import list_export, register
from kechuang.vouchers import selectors, tables

VOUCHER_EXPORT = list_export("vouchers.voucher_export", _l("导出创新券"), _l("创新券"),
                             tables.VOUCHERS.excel_columns, selectors.voucher_list)
CLAIM_EXPORT = list_export("vouchers.claim_export", _l("导出兑付申请"), _l("兑付申请"),
                           tables.CLAIMS.excel_columns, selectors.claim_list)
PROVIDER_EXPORT = list_export("vouchers.provider_export", _l("导出服务机构名录"),
                              _l("服务机构名录"), tables.PROVIDERS.excel_columns,
                              selectors.provider_list)

export_vouchers = register(VOUCHER_EXPORT)
export_claims = register(CLAIM_EXPORT)
export_providers = register(PROVIDER_EXPORT)
