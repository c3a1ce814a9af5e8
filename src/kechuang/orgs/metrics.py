"""Plan indicators the foundation's data already counts (issue #4, item 9).

Registered with the KPI metric registry when the app loads; the cultivation, project,
contract … apps register theirs the same way.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.metrics import Column, RecordMetric, enterprise_columns, register
from kechuang.orgs.models import EnterpriseAnnualReport, Organisation

# 工业 in official statistics: mining, manufacturing, utilities
INDUSTRIAL_SECTIONS = ("B", "C", "D")


def _above_scale_industrial_reports(year: int):
    industrial = Q()
    for section in INDUSTRIAL_SECTIONS:
        industrial |= Q(enterprise__industry_code__startswith=section)
    return EnterpriseAnnualReport.objects.filter(
        industrial, year=year, enterprise__kind=Organisation.Kind.ENTERPRISE,
        enterprise__above_scale=True)


ABOVE_SCALE_INDUSTRIAL_RD_SHARE = register(RecordMetric(
    key="above_scale_industrial_with_rd_share",
    name="规上工业企业有研发活动企业占比",
    unit="%",
    model=EnterpriseAnnualReport,
    rows=_above_scale_industrial_reports,
    county_field="enterprise__county",
    aggregate="share",
    numerator=Q(has_rd_activity=True),
    places=2,
    description="当年度报表中“有研发活动”的规模以上工业企业（采矿业、制造业、电力热力燃气及水）"
                "占全部已报送年度报表的规上工业企业的百分比；明细列出有研发活动的企业。",
    columns=(*enterprise_columns(), Column(_("年度"), "year"),
             Column(_("研发费用（元）"), "rd_expense_yuan")),
))



# -- the enterprise overview (企业概况): the enterprise register as it stands today -----------
# These count the register's current state (no date cuts them; ``year`` is not used), so a
# card, the list it links to and its Excel agree. Each name is the label the page shows.

def _enterprises(**filters):
    def rows(year: int):
        return Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE, **filters)
    return rows


def _register_state(key: str, name: Any, description: Any, **filters) -> RecordMetric:
    return register(RecordMetric(
        key=key, name=name, unit="家", model=Organisation, rows=_enterprises(**filters),
        county_field="county", aggregate="count", places=0,
        description=description, columns=enterprise_columns(prefix="")))


ENTERPRISES_TOTAL = _register_state(
    "enterprises_total", _("企业库企业"),
    _("企业库中登记的全部企业（不含高校、科研院所等其他机构），按当前状态统计。"))
ENTERPRISES_ABOVE_SCALE = _register_state(
    "enterprises_above_scale", _("规上企业"),
    _("企业库中标记为规模以上的企业，按当前状态统计。"), above_scale=True)
TIER_TECH_SME = _register_state(
    "enterprises_tier_tech_sme", _("当前梯次为科技型中小企业"),
    _("企业库中当前培育梯次为科技型中小企业的企业：本年或上年入库且未升为高新技术企业；"
      "梯次每日按入库、认定记录更新。"), tier="tech_sme")
TIER_HIGH_TECH = _register_state(
    "enterprises_tier_high_tech", _("当前梯次为高新技术企业（含领军）"),
    _("企业库中当前培育梯次为高新技术企业或高科技领军企业的企业；梯次每日按认定记录更新。"),
    tier__in=("high_tech", "leader"))
TIER_LEADER = _register_state(
    "enterprises_tier_leader", _("当前梯次为高科技领军企业"),
    _("企业库中当前培育梯次为高科技领军企业的企业（本年或上年认定）；梯次每日更新。"),
    tier="leader")
ENTERPRISES_IN_CHAIN = register(RecordMetric(
    key="enterprises_in_chain", name=_("加入重点产业链的企业"), unit="家", model=Organisation,
    rows=_enterprises(chain_memberships__isnull=False), county_field="county",
    aggregate="count", distinct="pk", places=0,
    description=_("企业库中至少加入一条重点产业链（链主、链核或成员）的企业，按当前状态统计。"),
    columns=enterprise_columns(prefix="")))


def _reports_of_last_year(year: int):
    return EnterpriseAnnualReport.objects.filter(
        year=year - 1, enterprise__kind=Organisation.Kind.ENTERPRISE)


ENTERPRISES_REPORTED_LAST_YEAR = register(RecordMetric(
    key="enterprises_reported_last_year",
    name=_("已报送上年度报表的企业"),
    unit="家",
    model=EnterpriseAnnualReport,
    rows=_reports_of_last_year,
    county_field="enterprise__county",
    aggregate="count",
    distinct="enterprise",
    places=0,
    description=_("已报送上一会计年度年度报表的企业（该年度测评、认定所用的数据）。"),
    columns=(*enterprise_columns(), Column(_("年度"), "year")),
))

OVERVIEW = (ENTERPRISES_TOTAL, ENTERPRISES_ABOVE_SCALE, TIER_TECH_SME, TIER_HIGH_TECH,
            TIER_LEADER, ENTERPRISES_IN_CHAIN, ENTERPRISES_REPORTED_LAST_YEAR)

__all__ = ["ABOVE_SCALE_INDUSTRIAL_RD_SHARE", "OVERVIEW"]
# above_scale_service_county_coverage lives in techmarket/metrics.py (the bureau's
# configurable 科技服务业 list is there)
