"""Action 6's figures, counted from the registration events and the enterprise register.

Contract figures (``tech_contract_turnover`` — the plan's 9亿 — and
``tech_contract_transaction_amount``): each :class:`ContractEvent` carries the change it makes
to 成交额 / 技术交易额 and the date it takes effect, so the registry's sum "up to as_of" is
each contract's state on that date: registered → counted, changed → the new amount from the
change date, cancelled → out from the cancellation date. A year's figures are the contracts
registered in that year (``ContractEvent.year``); the county is the registrant's (seller's,
buyer's for an import), split by the registry like every record metric. The drill-down lists
the contracts (once each, with what they count as of the date), not the events.

``tech_contract_turnover_gdp_share``: 成交额 over the GDP the bureau entered as the official
statistic (:class:`CountyGdp`, with its source) — the plan year's GDP, or the latest earlier
year's until it is published.

``above_scale_service_county_coverage``: counties with a 规上 enterprise of a 科技服务业
division (``industries.tech_service_codes()``, the bureau's configurable list).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.utils.translation import gettext_lazy as _

from kechuang.metrics import (
    Attribution,
    Column,
    Figures,
    Metric,
    RecordMetric,
    enterprise_columns,
    get_attribution,
    register,
)
from kechuang.orgs.models import Organisation
from kechuang.techmarket.industries import default_codes
from kechuang.techmarket.models import (
    FIGURE_EVENTS,
    FIGURE_KINDS,
    ContractEvent,
    CountyGdp,
    TechContract,
    TechServiceIndustry,
)

COUNTY_FIELD = "contract__registrant__county"
YI = Decimal("1e-8")  # 元 → 亿元
ZERO = Decimal(0)


def _events(year: int) -> QuerySet[ContractEvent]:
    return ContractEvent.objects.filter(FIGURE_EVENTS, year=year)


def counted_subquery(field: str, year: int, as_of: dt.date) -> Subquery:
    """What one contract counts in ``year`` as of ``as_of`` (the sum of its events)."""
    return Subquery(
        ContractEvent.objects.filter(
            contract=OuterRef("pk"), kind__in=FIGURE_KINDS, year=year,
            effective_on__gte=dt.date(year, 1, 1), effective_on__lte=as_of)
        .order_by().values("contract").annotate(s=Sum(field)).values("s"),
        output_field=DecimalField(max_digits=16, decimal_places=2))


@dataclass(eq=False)
class ContractFigure(RecordMetric):
    """A sum over the registration events whose drill-down lists contracts, each once."""

    def records(self, *, year: int, as_of: dt.date, county_id: int | None = None,
                base: QuerySet | None = None,
                attribution: Attribution | None = None) -> QuerySet:
        events = self._rows(year, as_of, county_id, att=attribution)
        qs = TechContract.objects.filter(pk__in=events.values("contract_id"))
        if base is not None:
            qs = qs.filter(pk__in=base.values("pk"))
        return qs.annotate(counted_yuan=counted_subquery(self.value_field, year, as_of))


COLUMNS = (
    Column(_("登记编号"), "registration_no"),
    Column(_("合同名称"), "subject"),
    Column(_("合同类型"), "get_contract_type_display"),
    Column(_("卖方"), "seller.name"),
    Column(_("买方"), "buyer.name"),
    Column(_("计入县区"), "registrant.county.name"),
    Column(_("状态"), "get_status_display"),
    Column(_("登记日期"), "registered_on"),
    Column(_("截至日期计入（元）"), "counted_yuan"),
)

TURNOVER = ContractFigure(
    key="tech_contract_turnover",
    name=_("技术合同成交额"),
    unit="亿元",
    model=TechContract,
    rows=_events,
    county_field=COUNTY_FIELD,
    date_field="effective_on",
    aggregate="sum",
    value_field="turnover_delta",
    scale=YI,
    places=4,
    description=_("本年度认定登记的技术合同成交额（合同交易总额），按登记日期计入；"
                  "变更登记自变更日期起按新金额计，注销登记的合同自注销日期起不计。"
                  "按卖方（技术进口合同为境内买方）所在县区统计。明细列出合同，"
                  "每份一行，含截至日期计入的金额（已注销的为 0）。"),
    columns=COLUMNS,
)

TECH_TRANSACTION = ContractFigure(
    key="tech_contract_transaction_amount",
    name=_("技术合同技术交易额"),
    unit="亿元",
    model=TechContract,
    rows=_events,
    county_field=COUNTY_FIELD,
    date_field="effective_on",
    aggregate="sum",
    value_field="tech_transaction_delta",
    scale=YI,
    places=4,
    description=_("成交额扣除非技术性费用（合理数量标的物的直接成本不扣除）后的技术交易额"
                  "（技术性收入），口径同技术合同成交额；用于税收优惠，不用于成交额考核。"),
    columns=COLUMNS,
)


# -- GDP share -----------------------------------------------------------------------------

def gdp_for(year: int) -> dict[int | None, CountyGdp]:
    """Region id (None: the city) → the GDP row used for ``year``: that year's, or the
    latest earlier one until the year's statistic is published (one query)."""
    out: dict[int | None, CountyGdp] = {}
    for row in CountyGdp.objects.filter(year__lte=year).order_by("-year", "pk"):
        out.setdefault(row.county_id, row)
    return out


class GdpShare(Metric):
    """技术合同成交额占GDP比重 (%): the turnover metric over the entered GDP."""

    key = "tech_contract_turnover_gdp_share"
    name = _("技术合同成交额占GDP比重")
    unit = "%"
    description = _("技术合同成交额（亿元）÷ 地区生产总值（亿元）× 100。GDP 为统计部门公布数，"
                    "由市科技局在“技术市场统计 → 地区生产总值”录入并注明来源；本年度数据公布前"
                    "使用最近一年的公布数。县区按各自的 GDP 计算；未录入 GDP 的县区不显示。")
    dated = False
    model = TechContract
    columns = COLUMNS
    places = 2

    def _share(self, turnover_yi: Decimal, gdp: CountyGdp | None) -> Decimal | None:
        if gdp is None or not gdp.gdp_yi:
            return None
        return (turnover_yi * 100 / gdp.gdp_yi).quantize(Decimal("0.01"))

    def _city_gdp(self, year: int, att: Attribution,
                  table: dict[int | None, CountyGdp]) -> CountyGdp | None:
        if None in table:
            return table[None]
        if att.units and all(u in table for u in att.units):  # the counties add up
            return CountyGdp(year=max(table[u].year for u in att.units),
                             gdp_yi=sum((table[u].gdp_yi for u in att.units), ZERO))
        return None

    def _both(self, year: int, as_of: dt.date, att: Attribution
              ) -> tuple[dict[int, Decimal], dict[int | None, CountyGdp]]:
        """Each county unit's 成交额 (亿元, rounded to add up like the turnover figure's) and
        the GDP rows used for ``year`` — in one query (a UNION of the two), so the share
        costs the dashboard what any other metric does."""
        turnover = (TURNOVER._by_unit(TURNOVER._rows(year, as_of, None), att)
                    .annotate(n=Sum("turnover_delta"), k=Value(0, output_field=IntegerField()))
                    .values_list("_u", "n", "k"))
        gdp = (CountyGdp.objects.filter(year__lte=year).order_by()
               .values_list("county_id", "gdp_yi", "year"))
        sums: dict[int, Decimal] = {}
        table: dict[int | None, CountyGdp] = {}
        for unit, amount, tag in turnover.union(gdp, all=True):
            if tag == 0:
                sums[unit] = Decimal(amount or 0) * YI
            elif unit not in table or table[unit].year < tag:
                table[unit] = CountyGdp(county_id=unit, year=tag, gdp_yi=Decimal(amount))
        return TURNOVER._apportioned(sums), table

    def value(self, *, year: int, as_of: dt.date, county_id: int | None = None,
              attribution: Attribution | None = None) -> Decimal:
        att = attribution or get_attribution(year)
        if county_id is not None:
            return self.by_county(year=year, as_of=as_of, attribution=att).get(county_id, ZERO)
        fig = self.figures(year=year, as_of=as_of, attribution=att)
        return fig.city if fig.city is not None else ZERO

    def by_county(self, *, year: int, as_of: dt.date,
                  attribution: Attribution | None = None) -> dict[int, Decimal]:
        att = attribution or get_attribution(year)
        return self.figures(year=year, as_of=as_of, attribution=att).counties

    def figures(self, *, year: int, as_of: dt.date, full_curve: bool = False,
                attribution: Attribution | None = None) -> Figures:
        att = attribution or get_attribution(year)
        turnover, table = self._both(year, as_of, att)
        counties = {}
        for unit in att.units:
            share = self._share(turnover.get(unit, ZERO), table.get(unit))
            if share is not None:
                counties[unit] = share
        city = self._share(sum(turnover.values(), ZERO), self._city_gdp(year, att, table))
        return Figures(counties=counties, city=city, curve=None, has_rows=city is not None)

    def records(self, *, year: int, as_of: dt.date, county_id: int | None = None,
                base: QuerySet | None = None,
                attribution: Attribution | None = None) -> QuerySet:
        return TURNOVER.records(year=year, as_of=as_of, county_id=county_id, base=base,
                                attribution=attribution)


GDP_SHARE = GdpShare()


# -- tech-service enterprises --------------------------------------------------------------

def tech_service_q(prefix: str = "") -> Q:
    """The 科技服务业 divisions as one condition (the file's defaults, the bureau's rows over
    them as sub-queries): no query of its own, so a metric costs no more than before."""
    rows = TechServiceIndustry.objects.order_by()
    included = rows.filter(included=True).values("code")
    excluded = rows.filter(included=False).values("code")
    field = f"{prefix}industry_code"
    return ((Q(**{f"{field}__in": default_codes()}) & ~Q(**{f"{field}__in": excluded}))
            | Q(**{f"{field}__in": included}))


def _above_scale_tech_service(year: int) -> QuerySet[Organisation]:
    return Organisation.objects.filter(tech_service_q(), kind=Organisation.Kind.ENTERPRISE,
                                       above_scale=True)


ABOVE_SCALE_SERVICE_COVERAGE = RecordMetric(
    key="above_scale_service_county_coverage",
    name=_("规上科技服务业企业县域覆盖"),
    unit="个",
    model=Organisation,
    rows=_above_scale_tech_service,
    county_field="county",
    aggregate="counties",
    places=0,
    description=_("有规模以上科技服务业企业的县区个数。科技服务业按国民经济行业分类"
                  "（GB/T 4754）大类认定，默认 M73–M75，市科技局可在“科技服务业企业 → 行业范围”"
                  "增减；按企业库当前的规上标识计算；长治高新区企业按本年度工作要点的设置计入"
                  "潞州区或单列。"),
    columns=(*enterprise_columns(prefix=""), Column(_("所属行业"), "get_industry_code_display")),
)

METRICS: tuple[Any, ...] = (TURNOVER, TECH_TRANSACTION, GDP_SHARE, ABOVE_SCALE_SERVICE_COVERAGE)


def register_all() -> None:
    """(Re-)register the metrics (tests that stub a key call this to restore them)."""
    for metric in METRICS:
        register(metric)


register_all()
