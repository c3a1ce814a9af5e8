"""Plan indicator computed from the stored batch evaluation (行动八 研发投入提升行动).

``rd_super_deduction_amount`` (研发费用加计扣除额, 亿元): the sum of the super-deduction
amounts (加计扣除额 = eligible base × rate) of the plan year's stored batch results — data
year = tax year = the plan year. It is a state of the year as of the **last finished batch
run** (not dated: no month curve, the as-of date does not cut it); re-run the batch after the
annual reports change.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from kechuang.assessment.models import EvaluationResult, Rule
from kechuang.assessment.selectors import finished_results
from kechuang.metrics import Column, RecordMetric, enterprise_columns, register


def _deductions(year: int):
    return finished_results().filter(rule=Rule.RD_DEDUCTION, year=year)


RD_SUPER_DEDUCTION_AMOUNT = register(RecordMetric(
    key="rd_super_deduction_amount",
    name="研发费用加计扣除额",
    unit="亿元",
    model=EvaluationResult,
    rows=_deductions,
    county_field="county",  # stored by the run: no join with the organisations
    aggregate="sum",
    value_field="rd_deduction_amount_yuan",
    scale=Decimal("1e-8"),
    places=2,
    no_rows_is_no_data=True,
    no_data_text="尚未运行本年度的批量测评：在“批量测评”中运行后显示测算的加计扣除额",
    description="按企业年度报表（纳税年度 = 计划年度）测算的研发费用加计扣除额合计"
                "（财政部 税务总局公告2023年第7号等，按执行指引口径逐行计算），单位亿元；"
                "取自最近一次完成的批量测评结果，不随日期变化——年度报表更新后需重新批量测评。"
                "测算值仅供参考，以税务机关汇算清缴数据为准。",
    columns=(*enterprise_columns(county="county.name"), Column(_("年度"), "year"),
             Column(_("加计扣除额（元）"), "rd_deduction_amount_yuan"),
             Column(_("规则版本"), "rule_version"), Column(_("测评时间"), "computed_at")),
))

__all__ = ["RD_SUPER_DEDUCTION_AMOUNT"]
