"""R&D投入强度 (policy-rules.md §i): regional vs enterprise, half-up display, figure labels."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.policy.inputs import PolicyInputError
from kechuang.policy.rd_intensity import (
    EnterpriseRdInput,
    RegionalRdInput,
    evaluate_rd_intensity,
    half_up_pct,
    parse_rd_intensity,
)

D = Decimal
YI = D(100_000_000)


def test_national_2021_official_with_estimate_beside_it() -> None:
    # 2021 公报: R&D 27956.3 亿元, 强度 2.44%; GDP 1143670 亿元 (2021 统计公报 initial figure)
    res = evaluate_rd_intensity(RegionalRdInput(
        region="全国", year=2021, rd_expenditure_yuan=D("27956.3") * YI,
        gdp_yuan=D(1143670) * YI, official_intensity_pct=D("2.44"),
        official_source="2021年全国科技经费投入统计公报"))
    assert res.figure_kind == "official" and res.figure_label == "官方统计数据"
    assert res.intensity_pct == D("2.44") and res.display == "2.44%"
    assert res.intensity_exact == Fraction(244, 10000)
    assert res.estimate_pct == D("2.44")  # 2.4444…% rounds to 2.44
    assert res.estimate_exact == Fraction(279563, 11436700)
    assert "平台估算 2.44%（平台估算（非官方统计数据））" in res.message
    d = res.to_dict()
    json.dumps(d, ensure_ascii=False)
    assert d["intensity_exact"] == {"fraction": "61/2500", "decimal": "0.0244"}
    assert d["estimate_exact"]["fraction"] == "279563/11436700"
    assert d["estimate_exact"]["decimal"] is None  # 1/11436700 does not terminate


def test_estimate_alone_is_labelled_as_not_a_statistic() -> None:
    res = evaluate_rd_intensity(RegionalRdInput(region="长治市", year=2024,
                                                rd_expenditure_yuan=D("3000000000"),
                                                gdp_yuan=D("200000000000")))
    assert res.figure_kind == "estimate"
    assert res.figure_label == "平台估算（非官方统计数据）"
    assert res.intensity_pct == D("1.50")
    assert "不得作为统计数据" in res.notes[0]


def test_official_without_source_asks_for_it() -> None:
    res = evaluate_rd_intensity(RegionalRdInput(region="X", year=2024,
                                                official_intensity_pct=D("1.8")))
    assert res.figure_kind == "official" and res.estimate_pct is None
    assert any("未注明来源" in n for n in res.notes)


@pytest.mark.parametrize(("rd", "gdp", "shown"), [
    ("2445", "100000", "2.45"),  # exactly 2.445 % → half up
    ("2444.99", "100000", "2.44"),  # just below the half
    ("2445.01", "100000", "2.45"),  # just above
    ("2435", "100000", "2.44"),  # 2.435 → 2.44
    ("2425", "100000", "2.43"),  # banker's rounding would give 2.42
    ("0", "100000", "0.00"),
])
def test_display_rounds_half_up_at_the_boundary(rd: str, gdp: str, shown: str) -> None:
    res = evaluate_rd_intensity(RegionalRdInput("R", 2024, D(rd), D(gdp)))
    assert res.intensity_pct == D(shown)
    assert res.intensity_exact == Fraction(D(rd)) / Fraction(D(gdp))


def test_half_up_is_exact_where_28_digits_would_tip_it() -> None:
    just_below = Fraction(2445, 100000) - Fraction(1, 10 ** 40)
    assert half_up_pct(just_below) == D("2.44")
    assert half_up_pct(Fraction(2445, 100000)) == D("2.45")


@pytest.mark.parametrize("gdp", [None, D(0)])
def test_regional_without_gdp_is_not_computable(gdp: Decimal | None) -> None:
    res = evaluate_rd_intensity(RegionalRdInput("R", 2024, D(100), gdp))
    assert res.figure_kind is None and res.intensity_pct is None and res.display == "—"
    assert res.conditions[0].passed is False
    assert res.reasons


@pytest.mark.parametrize(("scope", "label"), [
    ("deduction", "加计扣除口径"), ("high_tech", "高新技术企业认定口径"),
    ("accounting", "会计核算口径"),
])
def test_enterprise_names_its_scope(scope: str, label: str) -> None:
    res = evaluate_rd_intensity(EnterpriseRdInput("甲公司", 2024, D("1500000"), D("30000000"),
                                                  scope))
    assert res.level == "enterprise" and res.figure_kind == "convention"
    assert res.intensity_pct == D("5.00") and res.intensity_exact == Fraction(1, 20)
    assert label in res.scope_label and label in res.message
    assert "平台口径" in res.figure_label


def test_enterprise_default_scope_is_deduction_and_revenue_zero_is_not_computable() -> None:
    res = evaluate_rd_intensity(parse_rd_intensity({"year": 2024, "rd_expense_yuan": "10",
                                                    "revenue_yuan": "0"}))
    assert res.scope == "deduction"
    assert res.intensity_pct is None and res.conditions[0].passed is False
    assert "不可计算" in res.message


def test_enterprise_above_100_percent_is_flagged() -> None:
    res = evaluate_rd_intensity(EnterpriseRdInput("", 2024, D(200), D(100)))
    assert res.intensity_pct == D("200.00")
    assert any("超过 100%" in n for n in res.notes)


@pytest.mark.parametrize(("data", "field"), [
    ({"level": "enterprise", "year": 2024, "revenue_yuan": 1}, "rd_expense_yuan"),
    ({"level": "enterprise", "year": 2024, "rd_expense_yuan": 1}, "revenue_yuan"),
    ({"level": "enterprise", "year": 2024, "rd_expense_yuan": 1, "revenue_yuan": 1,
      "scope": "tax"}, "scope"),
    ({"level": "regional", "region": "R"}, "year"),
    ({"level": "regional", "year": 2024, "gdp": 1}, "gdp"),
    ({"level": "county", "year": 2024}, "level"),
    ({"level": "regional", "year": 2024, "gdp_yuan": "-1"}, "gdp_yuan"),
])
def test_input_errors_name_the_field(data: dict, field: str) -> None:
    with pytest.raises(PolicyInputError) as exc:
        parse_rd_intensity(data)
    assert exc.value.field == field


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10 ** 12), st.integers(1, 10 ** 14))
def test_display_is_the_exact_ratio_rounded_half_up(rd: int, gdp: int) -> None:
    res = evaluate_rd_intensity(RegionalRdInput("R", 2024, D(rd), D(gdp)))
    exact_pct = Fraction(rd * 100, gdp)
    shown = Fraction(res.intensity_pct)
    assert abs(shown - exact_pct) <= Fraction(1, 200)  # within half a unit of the last place
    if abs(shown - exact_pct) == Fraction(1, 200):
        assert shown > exact_pct  # a tie goes up


# -- an enterprise's years (enterprise page) and the estimate from annual reports ------------

def test_series_names_its_scope_and_keeps_years_in_order() -> None:
    from kechuang.policy.rd_intensity import enterprise_intensity_series

    s = enterprise_intensity_series("甲公司", [
        {"year": 2025, "rd_expense_yuan": D("300"), "revenue_yuan": D("10000")},
        {"year": 2023, "rd_expense_yuan": "1,000", "revenue_yuan": "40000"}])
    assert s.heading == "企业研发投入强度 = 研发费用 ÷ 营业收入，口径：企业年报（未经审计）"
    assert [r.year for r in s.years] == [2023, 2025]
    assert [r.intensity_pct for r in s.years] == [D("2.50"), D("3.00")]
    assert s.years[0].intensity_exact == Fraction(1, 40)
    assert all("企业年报（未经审计）" in r.message for r in s.years)
    assert s.missing_years == [2024]  # no report that year: named, not shown as 0


def test_series_zero_revenue_year_has_no_figure_and_the_others_do() -> None:
    from kechuang.policy.rd_intensity import enterprise_intensity_series

    s = enterprise_intensity_series("乙", [
        {"year": 2024, "rd_expense_yuan": 0, "revenue_yuan": 0},
        {"year": 2025, "rd_expense_yuan": 0, "revenue_yuan": 1}])
    assert s.years[0].intensity_pct is None and "不可计算" in s.years[0].message
    assert s.years[1].intensity_pct == D("0.00")  # no R&D, revenue > 0: 0 %, computable
    assert s.missing_years == []
    assert enterprise_intensity_series("丙", []).years == []


@pytest.mark.parametrize(("rows", "field"), [
    ([{"year": 2024, "rd_expense_yuan": "-1", "revenue_yuan": 10}], "reports[0].rd_expense_yuan"),
    ([{"year": 2024, "rd_expense_yuan": 1, "revenue_yuan": D("-0.01")}],
     "reports[0].revenue_yuan"),
    ([{"year": 2024, "revenue_yuan": 10}], "reports[0].rd_expense_yuan"),
    ([{"rd_expense_yuan": 1, "revenue_yuan": 10}], "reports[0].year"),
    ([{"year": 2024, "rd_expense_yuan": 1, "revenue_yuan": 10},
      {"year": 2024, "rd_expense_yuan": 2, "revenue_yuan": 10}], "reports[1].year"),
])
def test_series_refuses_negative_missing_and_duplicate(rows: list, field: str) -> None:
    from kechuang.policy.rd_intensity import enterprise_intensity_series

    with pytest.raises(PolicyInputError) as exc:
        enterprise_intensity_series("甲", rows)
    assert exc.value.field == field


def test_series_refuses_an_unknown_scope() -> None:
    from kechuang.policy.rd_intensity import enterprise_intensity_series

    with pytest.raises(PolicyInputError) as exc:
        enterprise_intensity_series("甲", [], scope="tax")
    assert exc.value.field == "scope"


@pytest.mark.parametrize("field", ["rd_expense_yuan", "revenue_yuan"])
def test_enterprise_input_refuses_negative_amounts(field: str) -> None:
    values = {"rd_expense_yuan": D(1), "revenue_yuan": D(10), field: D(-1)}
    with pytest.raises(PolicyInputError) as exc:
        EnterpriseRdInput("甲", 2024, **values)
    assert exc.value.field == field


@pytest.mark.parametrize("field", ["rd_expenditure_yuan", "gdp_yuan", "official_intensity_pct"])
def test_regional_input_refuses_negative_amounts(field: str) -> None:
    with pytest.raises(PolicyInputError) as exc:
        RegionalRdInput("R", 2024, **{field: D(-1)})
    assert exc.value.field == field


def test_estimate_from_annual_reports_names_its_coverage_and_official_still_wins() -> None:
    summed = {"rd_expenditure_yuan": D("3000000000"), "gdp_yuan": D("200000000000"),
              "rd_source": "企业年报研发费用合计", "rd_coverage": 1234}
    res = evaluate_rd_intensity(RegionalRdInput("长治市", 2024, **summed))
    assert res.figure_kind == "estimate" and res.intensity_pct == D("1.50")
    assert "覆盖 1234 家填报企业" in res.message and "企业年报研发费用合计" in res.message
    assert res.rd_coverage == 1234 and res.scope_label == "企业年报研发费用合计"
    assert any("1234 家企业填报" in n and "不含未填报企业" in n for n in res.notes)
    official = evaluate_rd_intensity(RegionalRdInput(
        "长治市", 2024, **summed, official_intensity_pct=D("2.18"), official_source="公报"))
    assert official.figure_kind == "official" and official.intensity_pct == D("2.18")
    assert official.estimate_pct == D("1.50")
    zero = evaluate_rd_intensity(RegionalRdInput("长治市", 2024, **{**summed, "rd_coverage": 0,
                                                                     "rd_expenditure_yuan": D(0)}))
    assert zero.intensity_pct is None and zero.figure_kind is None  # no report: no data, not 0
    assert "没有企业填报年报" in zero.conditions[0].message
