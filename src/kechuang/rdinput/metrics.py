"""Plan indicators of 行动一/行动八 counted from this module's records.

* ``county_fiscal_st_spending`` (县区财政科技投入, 万元, by county): the approved reports' actual
  (决算/执行) 科学技术支出 of the plan year; the city figure is the sum of the counties.
* ``chain_enterprises_with_rd_reserve``: chain-leader and chain-core enterprises (orgs chain
  memberships) with a reserve fund registered for the plan year with 计提金额 > 0.
* ``rd_intensity`` and ``rd_intensity_vs_province``: the city's R&D intensity of the plan
  year — the official figure when one is recorded, else the platform estimate (labelled);
  the second indicator compares it with the province average (the indicator's reference,
  set from the recorded figure).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.metrics import (
    SCOPE_CITY,
    Attribution,
    Column,
    Figures,
    Metric,
    RecordMetric,
    enterprise_columns,
    register,
)
from kechuang.orgs.models import Organisation
from kechuang.rdinput.models import FiscalReport, IntensityFigure, RdReserveFund
from kechuang.rdinput.selectors import anchors, evaluate_figure

ZERO = Decimal(0)


def _approved_reports(year: int) -> QuerySet:
    return FiscalReport.objects.filter(year=year, status=FiscalReport.Status.APPROVED,
                                       actual_wan__isnull=False)


def _anchor_funds(year: int) -> QuerySet:
    return RdReserveFund.objects.filter(
        year=year, provision_yuan__gt=0, enterprise__kind=Organisation.Kind.ENTERPRISE,
        enterprise_id__in=anchors())


COUNTY_FISCAL = RecordMetric(
    key="county_fiscal_st_spending",
    name=_("县区财政科技投入"),
    unit="万元",
    model=FiscalReport,
    rows=_approved_reports,
    county_field="county",
    aggregate="sum",
    value_field="actual_wan",
    places=2,
    no_rows_is_no_data=True,
    no_data_text=_("本年度尚无审核通过的县区财政科技投入报告"),
    description=_("各县区本年度科学技术支出决算（执行）数之和（万元），以市局审核通过、"
                  "附财政部门文件的县区报告为准；只填预算数的报告不计。"),
    columns=(Column(_("县区"), "county.name"), Column(_("年度"), "year"),
             Column(_("预算数（万元）"), "budget_wan"),
             Column(_("执行数（万元）"), "actual_wan"), Column(_("财政部门文件"), "document")),
)

CHAIN_RD_RESERVE = RecordMetric(
    key="chain_enterprises_with_rd_reserve",
    name=_("建立研发准备金制度的链主链核企业"),
    unit="家",
    model=RdReserveFund,
    rows=_anchor_funds,
    county_field="enterprise__county",
    aggregate="count",
    distinct="enterprise",
    places=0,
    description=_("重点产业链链主、链核企业中，本年度在研发准备金台账登记且计提金额大于 0 "
                  "的企业家数（附企业制度文件和审批日期）。"),
    columns=(*enterprise_columns(), Column(_("年度"), "year"),
             Column(_("计提金额（元）"), "provision_yuan"),
             Column(_("使用金额（元）"), "used_yuan"),
             Column(_("制度文件"), "system_document"), Column(_("审批日期"), "approved_on")),
)


@dataclass(eq=False)
class IntensityMetric(Metric):
    """The city's R&D intensity of the plan year from :class:`IntensityFigure`: the official
    figure when recorded, else the platform's estimate (R&D 经费 ÷ GDP); a city figure only
    (``scope``): no county has a figure, so none is shown as 0 nor allocated a target."""

    key: str = ""
    name: str = ""
    unit: str = "%"
    description: str = ""
    no_data_text: str = ""
    scope: str = SCOPE_CITY

    def __post_init__(self) -> None:
        self.model = IntensityFigure
        self.dated = False
        self.columns = (Column(_("年度"), "year"), Column(_("官方公布强度（%）"), "official_pct"),
                        Column(_("官方数据来源"), "official_source"),
                        Column(_("全省平均强度（%）"), "province_pct"),
                        Column(_("全省数据来源"), "province_source"))

    def city(self, year: int) -> Decimal | None:
        figure = IntensityFigure.objects.filter(year=year).first()
        if figure is None:
            return None
        return evaluate_figure(figure).intensity_pct

    def value(self, *, year: int, as_of: dt.date, county_id: int | None = None,
              attribution: Attribution | None = None) -> Decimal:
        if county_id is not None:  # no county figure exists; pages check ``city_only``
            return ZERO
        return self.city(year) or ZERO

    def by_county(self, *, year: int, as_of: dt.date,
                  attribution: Attribution | None = None) -> dict[int, Decimal]:
        return {}

    def figures(self, *, year: int, as_of: dt.date, full_curve: bool = False,
                attribution: Attribution | None = None) -> Figures:
        city = self.city(year)
        return Figures(counties={}, city=city, curve=None, has_rows=city is not None)

    def records(self, *, year: int, as_of: dt.date, county_id: int | None = None,
                base: QuerySet | None = None,
                attribution: Attribution | None = None) -> QuerySet:
        qs = base if base is not None else IntensityFigure.objects.all()
        if county_id is not None:
            return qs.none()
        return qs.filter(year=year)


RD_INTENSITY = IntensityMetric(
    key="rd_intensity",
    name=_("全市R&D投入强度"),
    description=_("全市研究与试验发展（R&D）经费内部支出与地区生产总值之比（%）：有统计部门"
                  "公布数时为官方数据（注明来源）；尚未公布时为平台估算（企业年报研发费用合计 ÷ "
                  "地区生产总值，只含填报企业），不是官方统计数据。"),
    no_data_text=_("尚未登记本年度的R&D投入强度（官方公布数或估算数据）"),
)
RD_INTENSITY_VS_PROVINCE = IntensityMetric(
    key="rd_intensity_vs_province",
    name=_("全市R&D投入强度（与全省平均比较）"),
    description=_("全市R&D投入强度（官方公布数优先，未公布时为平台估算），与全省平均水平"
                  "（登记的全省公布数）比较。"),
    no_data_text=_("尚未登记本年度的R&D投入强度（官方公布数或估算数据）"),
)

METRICS = (COUNTY_FISCAL, CHAIN_RD_RESERVE, RD_INTENSITY, RD_INTENSITY_VS_PROVINCE)


def register_all() -> None:
    for metric in METRICS:
        register(metric)


register_all()
