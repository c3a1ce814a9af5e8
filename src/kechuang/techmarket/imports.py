"""Excel import of registered contracts as the national online registration system
(全国技术合同网上登记系统) exports them: the bureau loads the year's existing registrations.

* **Key: 登记编号** (the registration number). A row whose number is already recorded is that
  contract: a re-import of the same file changes nothing; descriptive fields (名称, 类型,
  签订日期, 登记机构) may be corrected, but amounts, parties and the registration date may
  not — that is a 变更登记 on the contract's page, which moves the figures with a date.
* **Parties** by 统一社会信用代码 (any organisation on record; one query per chunk); a party
  not on record is a row error (add the organisation first).
* **技术交易额 as registered**: the office's figure is taken from the export (its itemised
  non-technical costs are not in the export), and the difference to 成交额 is stored as the
  deducted non-technical costs. It may not exceed 成交额.
* New rows are registered contracts counted from their 登记日期 (the figure events are
  written with them); 申请日期 defaults to the registration date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.imports.spec import Column, ImportContext, ImportRow, ImportSpec, register
from kechuang.policy.credit_code import make_code
from kechuang.techmarket import selectors
from kechuang.techmarket.models import TechContract
from kechuang.techmarket.services import IMPORTS

KIND = "techmarket.contract"
FIRST_DAY = dt.date(2000, 1, 1)


def _label(name: str) -> Any:
    return TechContract._meta.get_field(name).verbose_name


def contract_columns() -> list[Column]:
    return [
        Column(gettext_lazy("合同登记编号"), "registration_no", "text", required=True, width=20,
               help=gettext_lazy("全国技术合同网上登记系统的登记编号；按此识别合同，重复导入不会重复计入")),
        Column(gettext_lazy("合同名称"), "subject", "text", required=True, width=30),
        Column(gettext_lazy("合同类别"), "contract_type", "choice", required=True,
               choices=TechContract.Type.choices),
        Column(gettext_lazy("技术进口"), "import_contract", "bool",
               help=gettext_lazy("是/否；技术进口合同计入境内买方所在县区")),
        Column(gettext_lazy("卖方统一社会信用代码"), "seller_code", "credit_code", required=True),
        Column(gettext_lazy("卖方名称"), "seller_name", "text"),
        Column(gettext_lazy("买方统一社会信用代码"), "buyer_code", "credit_code", required=True),
        Column(gettext_lazy("买方名称"), "buyer_name", "text"),
        Column(gettext_lazy("合同成交额（元）"), "turnover_yuan", "money", required=True,
               min_value=0),
        Column(gettext_lazy("技术交易额（元）"), "tech_transaction_yuan", "money", required=True,
               min_value=0, help=gettext_lazy("登记机构核定的技术交易额，不大于成交额")),
        Column(gettext_lazy("签订日期"), "signed_on", "date", required=True,
               min_value=FIRST_DAY),
        Column(gettext_lazy("申请日期"), "applied_on", "date", min_value=FIRST_DAY,
               help=gettext_lazy("选填，留空按登记日期")),
        Column(gettext_lazy("登记日期"), "registered_on", "date", required=True,
               min_value=FIRST_DAY),
        Column(gettext_lazy("登记机构"), "registration_office", "text"),
    ]


def resolve_contracts(ctx: ImportContext, rows: list[ImportRow]) -> None:
    """Two queries per chunk: the parties by credit code, the contracts by number."""
    if not rows:
        return
    codes = {r.data[k] for r in rows for k in ("seller_code", "buyer_code") if r.data.get(k)}
    orgs = selectors.organisations_by_code(codes)
    existing = selectors.contracts_by_number({r.data["registration_no"] for r in rows})
    mine = set(TechContract.objects.restrict(ctx.user, "change").filter(
        pk__in=[c.pk for c in existing.values()]).values_list("pk", flat=True))
    for row in rows:
        parties = {}
        for side, label in (("seller", _("卖方")), ("buyer", _("买方"))):
            code = row.data.get(f"{side}_code")
            if code is None:
                continue
            org = orgs.get(code)
            if org is None:
                row.add_error(f"{side}_code", _(
                    "%(side)s统一社会信用代码 %(code)s 不在系统中，请先登记该单位") % {
                    "side": label, "code": code})
            else:
                parties[side] = org
        if len(parties) < 2:
            continue
        contract = existing.get(row.data["registration_no"])
        if contract is not None and contract.pk not in mine:
            row.add_error("registration_no", _("该登记编号的合同不在您的管辖范围内"))
            continue
        if contract is None:
            contract = TechContract(registration_no=row.data["registration_no"],
                                    status=TechContract.Status.REGISTERED,
                                    submitted_by=ctx.user, decision_note=_("导入"))
        row.instance = contract
        row.values.update(parties)


CONTRACT_SPEC = register(ImportSpec(
    kind=KIND,
    title=gettext_lazy("技术合同登记（全国系统导出）"),
    model=TechContract,
    columns=contract_columns(),
    key=("registration_no",),
    resolve=resolve_contracts,
    service=IMPORTS,
    clean_exclude=("seller", "buyer", "registrant", "submitted_by"),
    field_labels={"seller": gettext_lazy("卖方统一社会信用代码"),
                  "buyer": gettext_lazy("买方统一社会信用代码")},
    example={"registration_no": "2025140400000123", "subject": "煤矸石综合利用工艺开发",
             "contract_type": "development", "import_contract": False,
             "seller_code": make_code("91140403MA0K12345"), "seller_name": "长治示例科技有限公司",
             "buyer_code": make_code("91140423MA0K54321"), "buyer_name": "襄垣示例化工有限公司",
             "turnover_yuan": 1200000, "tech_transaction_yuan": 1000000,
             "signed_on": dt.date(2025, 3, 1), "applied_on": dt.date(2025, 3, 5),
             "registered_on": dt.date(2025, 3, 12),
             "registration_office": "长治市技术合同认定登记机构"},
    notes=[gettext_lazy("按合同登记编号识别：已导入的合同再次导入不会重复计入成交额；"
                        "金额、当事方、登记日期的更改请在合同详情页办理变更登记。"),
           gettext_lazy("买卖双方须已在系统中登记（按统一社会信用代码识别）。")],
    describe=lambda c: f"{c.registration_no} · {c.subject}",
))
