"""Mapping annual reports to the engine's inputs, and the stored summary of a result."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.assessment.engine import RuleOutcome, assess, summarise
from kechuang.assessment.inputs import (
    WHAT_IF_FIELDS,
    EnterpriseFacts,
    application_date_for,
    figures_from_report,
    high_tech_input,
    parse_changes,
    person_message,
    rd_deduction_input,
    tech_sme_input,
)
from kechuang.assessment.tests.helpers import DOCS_EXAMPLE, docs_report
from kechuang.policy.inputs import ANNUAL_FIELDS

AS_OF = dt.date(2025, 6, 1)


@pytest.mark.django_db
def test_report_maps_field_by_field_to_annual_figures(enterprise_a):
    report = docs_report(enterprise_a, rd_reserve_fund_yuan=Decimal("5000"),
                         net_assets_yuan=Decimal("-100"), achievements_converted=2,
                         has_rd_activity=True)
    f = figures_from_report(report)
    for name in ANNUAL_FIELDS:
        assert getattr(f, name) == getattr(report, name), name
    assert f.year == 2024 and f.net_assets_yuan == Decimal("-100")


@pytest.mark.django_db
def test_enterprise_facts_feed_every_rule(enterprise_a):
    enterprise_a.tier = "high_tech"
    facts = EnterpriseFacts.of(enterprise_a)
    f = figures_from_report(docs_report(enterprise_a))
    sme = tech_sme_input(facts, f)
    assert sme.industry_code == "C26" and sme.established_on == dt.date(2015, 5, 1)
    assert sme.has_valid_high_tech_certificate is True  # 直通车 from the tier
    rd = rd_deduction_input(facts, f)
    assert rd.is_high_tech and not rd.is_tech_sme and rd.figures is f
    assert rd_deduction_input(EnterpriseFacts(1, "C26", dt.date(2015, 5, 1), "tech_sme"),
                              f).is_tech_sme


def test_high_tech_uses_the_three_years_before_the_application_year():
    facts = EnterpriseFacts(1, "C39", dt.date(2015, 5, 1))
    from kechuang.policy.inputs import AnnualFigures

    years = [AnnualFigures(year=y, employees=10) for y in (2020, 2022, 2023, 2024, 2025)]
    inp = high_tech_input(facts, years, application_date=dt.date(2025, 6, 1))
    assert [f.year for f in inp.years] == [2022, 2023, 2024]
    assert inp.application_date == dt.date(2025, 6, 1)
    assert inp.established_on == dt.date(2015, 5, 1) and inp.industry_code == "C39"


@pytest.mark.parametrize(("year", "as_of", "expected"), [
    (2024, dt.date(2025, 6, 1), dt.date(2025, 6, 1)),   # the usual case: today
    (2022, dt.date(2025, 6, 1), dt.date(2023, 12, 31)),  # an old report
    (2025, dt.date(2025, 6, 1), dt.date(2026, 1, 1)),    # this year's report: a forecast
])
def test_application_date(year, as_of, expected):
    assert application_date_for(year, as_of) == expected


def test_parse_changes_checks_every_field_in_chinese():
    changes, errors = parse_changes({"rd_expense_yuan": "1,200,000", "employees": "一百",
                                     "st_staff": "-1", "revenue_yuan": "", "bogus": 1})
    assert changes == {"rd_expense_yuan": Decimal("1200000")}
    messages = {e.field: e.message for e in errors}
    assert messages["employees"] == "职工总数（employees）：“一百”不是有效的数字"
    assert "不能为负数" in messages["st_staff"]
    assert "不是可调整的年报字段" in messages["bogus"]
    assert set(WHAT_IF_FIELDS) <= set(ANNUAL_FIELDS)


def test_person_message_keeps_the_label_and_drops_the_key():
    _, errors = parse_changes({"employees": "一百", "rd_expense_yuan": "-5"})
    shown = {e.field: person_message(e.field, e.message) for e in errors}
    assert shown == {"employees": "职工总数：“一百”不是有效的数字",
                     "rd_expense_yuan": "研发费用总额：不能为负数（-5）"}
    # a message without a known field (or a key that is no field) is left as it is
    assert person_message("", "无法测评") == "无法测评"
    assert person_message("bogus", "bogus：不是可调整的年报字段") == "bogus：不是可调整的年报字段"


def _facts():
    return EnterpriseFacts(1, "C26", dt.date(2015, 5, 1))


def test_assess_runs_three_rules_and_a_what_if_changes_only_the_year():
    from kechuang.policy.inputs import AnnualFigures

    f = AnnualFigures(year=2024, **DOCS_EXAMPLE)
    stored = assess(_facts(), {2024: f}, year=2024, as_of=AS_OF)
    assert list(stored.outcomes) == ["tech_sme", "high_tech", "rd_deduction"]
    sme = stored.outcomes["tech_sme"].result
    assert (sme.eligible, sme.total) == (False, 54)
    # one year of data for an enterprise founded in 2015: the engine says what is missing
    assert "缺少 2022、2023 年度的数据" in stored.outcomes["high_tech"].error
    assert stored.outcomes["rd_deduction"].result.eligible is True
    gap = sme.gaps[0]
    after = assess(_facts(), {2024: f}, year=2024, as_of=AS_OF, changes=gap.changes)
    assert after.outcomes["tech_sme"].result.eligible is True
    assert f.rd_expense_yuan == Decimal("1076600")  # the input is not mutated
    assert after.to_dict()["results"]["tech_sme"]["result"]["eligible"] is True


def test_summary_of_a_failing_tech_sme_keeps_gap_and_points_missing():
    from kechuang.policy.inputs import AnnualFigures

    out = assess(_facts(), {2024: AnnualFigures(year=2024, **DOCS_EXAMPLE)}, year=2024,
                 as_of=AS_OF)
    s = summarise(out.outcomes["tech_sme"])
    assert (s.outcome, s.eligible, s.score, s.gap_points) == ("ineligible", False, 54, 6)
    assert s.rule_version == "tech_sme/2017-115" and s.failed_conditions == ["c5_total"]
    assert s.gap_text.startswith("研发费用需增加 ¥123,400.00")
    rd = summarise(out.outcomes["rd_deduction"])
    assert rd.eligible and rd.rd_deduction_amount_yuan == \
        out.outcomes["rd_deduction"].result.extra_deduction_yuan > 0
    err = summarise(out.outcomes["high_tech"], rule_version="high_tech/2016-32")
    assert (err.outcome, err.eligible, err.rule_version) == ("error", False, "high_tech/2016-32")
    assert "缺少" in err.error


def test_summary_of_high_tech_short_only_of_points():
    """gap_points = 71 − best-case total when the score is the only failing condition."""
    from kechuang.policy.high_tech import evaluate_high_tech
    from kechuang.policy.inputs import AnnualFigures

    years = [AnnualFigures(year=y, employees=100, st_staff=20, revenue_yuan=Decimal("30000000"),
                           total_income_yuan=Decimal("30000000"),
                           high_tech_revenue_yuan=Decimal("20000000"),
                           net_assets_yuan=Decimal("10000000"),
                           rd_expense_yuan=Decimal("1800000"),
                           rd_domestic_yuan=Decimal("1800000"), ip_class_2_count=1)
             for y in (2022, 2023, 2024)]
    inp = high_tech_input(_facts(), years, application_date=dt.date(2025, 6, 1))
    res = evaluate_high_tech(inp)
    assert res.status == "unlikely"
    assert [c.code for c in res.conditions if c.passed is False] == ["c7_innovation"]
    s = summarise(RuleOutcome("high_tech", res))
    assert s.gap_points == Decimal(71) - res.score_max
    assert s.score == res.score_min and s.score_max == res.score_max and not s.eligible
