"""Action 6's contract figures, counted from the registration events (kechuang.metrics).

Each event carries the change it makes to 成交额 / 技术交易额 and the date it takes effect, so
the registry's sum "up to as_of" is each contract's state on that date: registered → counted,
changed → the new amount from the change date, cancelled → out from the cancellation date.
A year's figures are the contracts registered in that year (``ContractEvent.year``); the
county is the registrant's (seller's, buyer's for an import), split by the registry like every
record metric.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.metrics import Column, RecordMetric, register
from kechuang.techmarket.models import FIGURE_EVENTS, ContractEvent

COUNTY_FIELD = "contract__registrant__county"
YI = Decimal("1e-8")  # 元 → 亿元


def _events(year: int) -> QuerySet[ContractEvent]:
    return ContractEvent.objects.filter(FIGURE_EVENTS, year=year).select_related(
        "contract", "contract__seller", "contract__buyer", "contract__registrant__county")


COLUMNS = (
    Column(_("登记编号"), "contract.registration_no"),
    Column(_("合同名称"), "contract.subject"),
    Column(_("合同类型"), "contract.get_contract_type_display"),
    Column(_("卖方"), "contract.seller.name"),
    Column(_("买方"), "contract.buyer.name"),
    Column(_("计入县区"), "contract.registrant.county.name"),
    Column(_("登记事项"), "get_kind_display"),
    Column(_("生效日期"), "effective_on"),
    Column(_("成交额变动（元）"), "turnover_delta"),
    Column(_("技术交易额变动（元）"), "tech_transaction_delta"),
)

TURNOVER = RecordMetric(
    key="tech_contract_turnover",
    name="技术合同成交额",
    unit="亿元",
    model=ContractEvent,
    rows=_events,
    county_field=COUNTY_FIELD,
    date_field="effective_on",
    aggregate="sum",
    value_field="turnover_delta",
    scale=YI,
    places=4,
    description="本年度认定登记的技术合同成交额（合同交易总额），按登记日期计入；"
                "变更登记自变更日期起按新金额计，注销登记的合同自注销日期起不计。"
                "按卖方（技术进口合同为境内买方）所在县区统计。",
    columns=COLUMNS,
)

TECH_TRANSACTION = RecordMetric(
    key="tech_contract_transaction_amount",
    name="技术合同技术交易额",
    unit="亿元",
    model=ContractEvent,
    rows=_events,
    county_field=COUNTY_FIELD,
    date_field="effective_on",
    aggregate="sum",
    value_field="tech_transaction_delta",
    scale=YI,
    places=4,
    description="成交额扣除非技术性费用（合理数量标的物的直接成本不扣除）后的技术交易额"
                "（技术性收入），口径同技术合同成交额；用于税收优惠，不用于成交额考核。",
    columns=COLUMNS,
)

METRICS = (TURNOVER, TECH_TRANSACTION)


def register_all() -> None:
    """(Re-)register the metrics (tests that stub a key call this to restore them)."""
    for metric in METRICS:
        register(metric)


register_all()
