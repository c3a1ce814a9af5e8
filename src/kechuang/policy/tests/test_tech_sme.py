"""科技型中小企业评价 (国科发政〔2017〕115号): every band at, just below and just above its edge."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from kechuang.policy.inputs import AnnualFigures, PolicyInputError, RuleNotFound
from kechuang.policy.tech_sme import (
    TECH_SME_2017,
    TechSmeInput,
    evaluate_tech_sme,
    ip_points,
    rd_points,
    st_points,
)
from kechuang.policy.tests.factories import sme

D = Decimal
R = TECH_SME_2017

# -- 科技人员: ratio bands (1000 employees so "just below/above" is one person) --------------

ST_CASES = [
    # (st_staff of 1000, points)
    (300, 20), (299, 16), (301, 20),
    (250, 16), (249, 12), (251, 16),
    (200, 12), (199, 8), (201, 12),
    (150, 8), (149, 4), (151, 8),
    (100, 4), (99, 0), (101, 4),
    (0, 0), (1000, 20),
]


@pytest.mark.parametrize(("st", "points"), ST_CASES)
def test_st_staff_bands(st: int, points: int) -> None:
    assert st_points(R, st, 1000) == points
    res = evaluate_tech_sme(sme(employees=1000, st_staff=st), gaps=False)
    assert res.score("st_staff").points == points


# -- 研发投入: both ratios, one fen either side of each threshold ---------------------------

REV = D("100000000.00")  # 1亿: 1% = ¥1,000,000.00
FEN = D("0.01")
REV_BANDS = [(6, 50), (5, 40), (4, 30), (3, 20), (2, 10)]
COST_BANDS = [(30, 50), (25, 40), (20, 30), (15, 20), (10, 10)]


def _below(points: int, table: list[tuple[int, int]]) -> int:
    lower = [p for _, p in table if p < points]
    return max(lower, default=0)


@pytest.mark.parametrize(("pct", "points"), REV_BANDS)
@pytest.mark.parametrize("offset", ["at", "below", "above"])
def test_rd_revenue_bands(pct: int, points: int, offset: str) -> None:
    rd = REV * pct / 100 + {"at": 0, "below": -FEN, "above": FEN}[offset]
    expected = _below(points, REV_BANDS) if offset == "below" else points
    # costs 0 → only ratio (1) counts
    assert rd_points(R, rd, REV, D(0)) == expected
    res = evaluate_tech_sme(sme(revenue_yuan=REV, total_costs_yuan=0, rd_expense_yuan=rd,
                                total_assets_yuan=REV), gaps=False)
    assert res.score("rd").points == expected
    assert res.score("rd_costs").points == 0


@pytest.mark.parametrize(("pct", "points"), COST_BANDS)
@pytest.mark.parametrize("offset", ["at", "below", "above"])
def test_rd_costs_bands(pct: int, points: int, offset: str) -> None:
    costs = D("10000000.00")
    rd = costs * pct / 100 + {"at": 0, "below": -FEN, "above": FEN}[offset]
    expected = _below(points, COST_BANDS) if offset == "below" else points
    # revenue 0 → ratio (1) not computable, ratio (2) still used (CONVENTION)
    assert rd_points(R, rd, D(0), costs) == expected
    res = evaluate_tech_sme(sme(revenue_yuan=0, total_costs_yuan=costs, rd_expense_yuan=rd),
                            gaps=False)
    assert res.score("rd").points == expected
    assert res.score("rd_revenue").points == 0
    assert res.score("rd_revenue").band_label == "不可计算"


def test_rd_uses_the_higher_ratio_and_shows_both() -> None:
    # 4% of revenue (30 pts) vs 24% of costs (30 pts) → tie; 3% of revenue vs 20% of costs
    res = evaluate_tech_sme(sme(revenue_yuan=D("10000000"), total_costs_yuan=D("1500000"),
                                rd_expense_yuan=D("300000")), gaps=False)
    rd = res.score("rd")
    rev, costs = rd.parts
    assert (rev.points, costs.points) == (20, 30)
    assert rd.points == 30 and costs.used and not rev.used
    assert "取较高者" in rd.message


def test_ratios_are_compared_unrounded() -> None:
    # 1,999,999.99 / 100,000,000 = 1.9999999% → shows "2.00%" but scores 0
    res = evaluate_tech_sme(sme(revenue_yuan=REV, total_costs_yuan=0,
                                rd_expense_yuan=D("1999999.99"), total_assets_yuan=REV),
                            gaps=False)
    part = res.score("rd_revenue")
    assert part.points == 0
    assert "2.00%" in part.message


# -- 科技成果 (IP), top-down ------------------------------------------------------------------

IP_CASES = [
    ((1, 0), 30), ((2, 9), 30), ((0, 4), 24), ((0, 9), 24), ((0, 3), 18), ((0, 2), 12),
    ((0, 1), 6), ((0, 0), 0),
]


@pytest.mark.parametrize(("counts", "points"), IP_CASES)
def test_ip_bands(counts: tuple[int, int], points: int) -> None:
    assert ip_points(R, *counts)[0] == points


# -- eligibility (第六条) ---------------------------------------------------------------------

LIMIT = D("200000000")


@pytest.mark.parametrize(("field", "value", "ok"), [
    ("employees", 500, True), ("employees", 501, False), ("employees", 499, True),
    ("revenue_yuan", LIMIT, True), ("revenue_yuan", LIMIT + FEN, False),
    ("revenue_yuan", LIMIT - FEN, True),
    ("total_assets_yuan", LIMIT, True), ("total_assets_yuan", LIMIT + FEN, False),
    ("total_assets_yuan", LIMIT - FEN, True),
])
def test_size_limits_are_inclusive(field: str, value, ok: bool) -> None:
    kw = {field: value}
    if field == "employees":
        kw["st_staff"] = value // 4 + 1  # keep the S&T band
    if field == "revenue_yuan":
        kw["rd_expense_yuan"] = value * D("0.05")
    res = evaluate_tech_sme(sme(**kw))
    code = {"employees": "c2_employees", "revenue_yuan": "c2_revenue",
            "total_assets_yuan": "c2_assets"}[field]
    assert res.condition(code).passed is ok
    assert res.eligible is ok


@pytest.mark.parametrize(("st", "rd", "ip2", "total", "eligible"), [
    # 60 exactly passes, 59-ish fails; st score 0 fails even with total ≥ 60
    (20, D("1500000"), 0, 12 + 40 + 0, False),  # 52
    (25, D("1500000"), 1, 16 + 40 + 6, True),  # 62
    (15, D("1500000"), 2, 8 + 40 + 12, True),  # 60 exactly
    (14, D("1500000"), 2, 4 + 40 + 12, False),  # 56
    (9, D("1800000"), 4, 0 + 50 + 24, False),  # 74 but st score 0
])
def test_pass_needs_60_and_nonzero_st_score(st, rd, ip2, total, eligible) -> None:
    res = evaluate_tech_sme(sme(st_staff=st, rd_expense_yuan=rd, ip_class_1_count=0,
                                ip_class_2_count=ip2))
    assert res.total == total
    assert res.eligible is eligible
    assert res.path == ("score" if eligible else None)
    if st == 9:
        assert res.condition("c5_st_staff").passed is False
        assert res.condition("c5_total").passed is True


@pytest.mark.parametrize("flag", ["resident_enterprise", "products_not_restricted",
                                  "no_major_incident"])
def test_declarations_fail_the_evaluation(flag: str) -> None:
    res = evaluate_tech_sme(sme(**{flag: False}))
    assert not res.eligible
    assert any(g.lever == flag and not g.fixable for g in res.gaps)


# -- 直通车 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["has_valid_high_tech_certificate", "national_sci_award_top3",
                                  "has_provincial_rd_institution", "led_standard_drafting"])
def test_direct_path_skips_scoring(flag: str) -> None:
    res = evaluate_tech_sme(sme(st_staff=0, rd_expense_yuan=0, ip_class_1_count=0, **{flag: True}))
    assert res.total == 0
    assert res.eligible and res.path == "direct"
    assert res.condition("c5_total").passed is None
    assert res.condition("c5_st_staff").passed is None
    assert res.gaps == []


def test_direct_path_still_needs_conditions_1_to_4() -> None:
    res = evaluate_tech_sme(sme(employees=600, st_staff=200,
                                has_valid_high_tech_certificate=True))
    assert not res.eligible
    assert res.condition("direct_path").passed is False
    assert "未全部满足" in res.condition("direct_path").message


# -- degenerate inputs (platform conventions) -------------------------------------------------


def test_zero_employees_is_an_input_error() -> None:
    with pytest.raises(PolicyInputError) as err:
        evaluate_tech_sme(sme(employees=0, st_staff=0))
    assert err.value.field == "employees"
    assert "职工总数" in err.value.message


def test_st_staff_above_employees_is_an_input_error() -> None:
    with pytest.raises(PolicyInputError) as err:
        evaluate_tech_sme(sme(employees=10, st_staff=11))
    assert err.value.field == "st_staff"


def test_zero_revenue_and_costs_score_zero_for_rd() -> None:
    res = evaluate_tech_sme(sme(revenue_yuan=0, total_costs_yuan=0, rd_expense_yuan=D("5")))
    assert res.score("rd").points == 0
    assert any(not g.fixable and "均为 0" in g.message for g in res.gaps)


# -- versions ---------------------------------------------------------------------------------


def test_rule_version_and_years() -> None:
    res = evaluate_tech_sme(sme(year=2024), gaps=False)
    assert res.rule_version == "tech_sme/2017-115"
    assert (res.data_year, res.evaluation_year) == (2024, 2025)
    assert evaluate_tech_sme(sme(year=2016), gaps=False).rule_version == "tech_sme/2017-115"
    with pytest.raises(RuleNotFound):
        evaluate_tech_sme(sme(year=2015))


# -- worked example and output shape ----------------------------------------------------------


def test_worked_example() -> None:
    """120 staff, 30 S&T (25% → 16); R&D 150万 of revenue 3000万 (5% → 40) and of costs 2500万
    (6% → 0); 1 invention patent (30) → 86 分, eligible."""
    f = AnnualFigures(year=2024, employees=120, st_staff=30, revenue_yuan=D("30000000"),
                      total_costs_yuan=D("25000000"), total_assets_yuan=D("40000000"),
                      rd_expense_yuan=D("1500000"), ip_class_1_count=1)
    res = evaluate_tech_sme(TechSmeInput(f, industry_code="C26",
                                         established_on=dt.date(2015, 5, 1)))
    assert [int(s.points_min) for s in res.scores] == [16, 40, 30]
    assert res.total == 86 and res.eligible and res.path == "score"
    assert res.reasons == [
        "综合得分 86 分（不低于 60 分），科技人员指标得分 16 分（不为 0），符合评价条件"]
    d = res.to_dict()
    json.dumps(d, ensure_ascii=False)
    assert d["rule_version"] == "tech_sme/2017-115"
    assert d["scores"][1]["parts"][0]["value"] == "0.050000"
    assert d["conditions"][2]["value"] == "30000000"


def test_gap_message_example() -> None:
    """R&D 3.5887% of revenue (20 分): ¥123,400.00 more reaches 4.00% (30 分) and passes."""
    res = evaluate_tech_sme(sme(st_staff=25, revenue_yuan=D("30000000"),
                                rd_expense_yuan=D("1076600"), total_costs_yuan=D("90000000"),
                                ip_class_1_count=0, ip_class_2_count=3))
    assert res.total == 16 + 20 + 18 and not res.eligible
    gap = next(g for g in res.gaps if g.lever == "rd_expense_yuan")
    assert gap.change == D("123400.00")
    assert gap.sufficient_alone
    assert gap.message.startswith("研发费用需增加 ¥123,400.00（由 ¥1,076,600.00 增至 "
                                  "¥1,200,000.00），达到销售收入的 4.00%")
    assert "总分 54 → 64" in gap.score_effect
    inp = sme(st_staff=25, revenue_yuan=D("30000000"), rd_expense_yuan=D("1076600"),
              total_costs_yuan=D("90000000"), ip_class_1_count=0, ip_class_2_count=3)
    assert evaluate_tech_sme(inp.with_changes(gap.changes)).eligible
    # one fen less is not enough
    short = inp.with_changes({"rd_expense_yuan": gap.target - FEN})
    assert not evaluate_tech_sme(short).eligible


def test_gap_for_st_staff_score_zero() -> None:
    inp = sme(st_staff=9)  # 9% → 0 分; R&D 40 + IP 30 = 70
    res = evaluate_tech_sme(inp)
    gap = next(g for g in res.gaps if g.lever == "st_staff")
    assert (gap.current, gap.target, gap.change) == (9, 10, 1)
    assert gap.sufficient_alone and gap.fixes == ["c5_st_staff"]
    assert evaluate_tech_sme(inp.with_changes(gap.changes)).eligible
    rd_gap = next(g for g in res.gaps if g.lever == "rd_expense_yuan")
    assert not rd_gap.sufficient_alone
    assert "科技人员指标得分为 0" in rd_gap.message


def test_combination_when_no_lever_alone_is_enough() -> None:
    inp = sme(st_staff=10, rd_expense_yuan=0, ip_class_1_count=0, ip_class_2_count=0)  # 4 分
    res = evaluate_tech_sme(inp)
    assert not any(g.sufficient_alone for g in res.gaps)
    assert res.combinations
    for combo in res.combinations:
        assert evaluate_tech_sme(inp.with_changes(combo.changes)).eligible
        assert len(combo.changes) == len(res.combinations[0].changes)
        assert combo.message.startswith("单项调整均不能通过")


def test_size_limit_gap_is_explained_as_unfixable() -> None:
    res = evaluate_tech_sme(sme(revenue_yuan=D("250000000"), rd_expense_yuan=D("15000000")))
    unfixable = [g for g in res.gaps if not g.fixable]
    assert unfixable and "不属于科技型中小企业范围" in unfixable[0].message
    assert not any(g.sufficient_alone for g in res.gaps)


def test_from_dict_and_flags() -> None:
    inp = TechSmeInput.from_dict({
        "year": "2024", "employees": "100", "st_staff": 25, "revenue_yuan": "30,000,000",
        "rd_expense_yuan": 1500000.0, "total_costs_yuan": "25000000", "ip_class_1_count": "1",
        "total_assets_yuan": "4e7", "industry_code": "c26", "established_on": "2015/05/01",
        "has_valid_high_tech_certificate": "否", "resident_enterprise": "是",
        "evaluation_year": 2025, "unknown": "ignored"})
    assert inp.figures.revenue_yuan == D("30000000")
    assert inp.figures.rd_expense_yuan == D("1500000.0")
    assert inp.industry_code == "C26" and inp.established_on == dt.date(2015, 5, 1)
    assert inp.has_valid_high_tech_certificate is False
    assert evaluate_tech_sme(inp).total == 86
