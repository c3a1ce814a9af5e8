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
