"""Plan indicators the foundation's data already counts (issue #4, item 9).

Registered with the KPI metric registry when the app loads; the cultivation, project,
contract … apps register theirs the same way.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.metrics import Column, RecordMetric, enterprise_columns, register
from kechuang.orgs.models import EnterpriseAnnualReport, Organisation

# 科学研究和技术服务业 (GB/T 4754-2017 section M: divisions 73, 74, 75)
TECH_SERVICE_CODES = ("M73", "M74", "M75")
# 工业 in official statistics: mining, manufacturing, utilities
INDUSTRIAL_SECTIONS = ("B", "C", "D")


def _above_scale_tech_service(year: int):
    return Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE, above_scale=True,
                                       industry_code__in=TECH_SERVICE_CODES)


def _above_scale_industrial_reports(year: int):
    industrial = Q()
    for section in INDUSTRIAL_SECTIONS:
        industrial |= Q(enterprise__industry_code__startswith=section)
    return EnterpriseAnnualReport.objects.filter(
        industrial, year=year, enterprise__kind=Organisation.Kind.ENTERPRISE,
        enterprise__above_scale=True)


ABOVE_SCALE_SERVICE_COVERAGE = register(RecordMetric(
    key="above_scale_service_county_coverage",
    name="规上科技服务业企业县域覆盖",
    unit="个",
    model=Organisation,
    rows=_above_scale_tech_service,
    county_field="county",
    aggregate="counties",
    places=0,
    description="有规模以上科学研究和技术服务业企业（国民经济行业 M73–M75）的县区个数；"
                "按企业库当前的规上标识计算；长治高新区企业按本年度工作要点的设置计入潞州区"
                "或单列。",
    columns=(*enterprise_columns(prefix=""),
             Column(_("所属行业"), "get_industry_code_display")),
))

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

__all__ = ["ABOVE_SCALE_INDUSTRIAL_RD_SHARE", "ABOVE_SCALE_SERVICE_COVERAGE"]
