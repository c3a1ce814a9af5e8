"""Independent review of the engines against policy-rules.md §a–§c (spec text, not the code).

Every expected value below is computed by hand from the spec wording; the builders here are
deliberately separate from ``factories.py`` so a mistake shared by the engine and its own
tests does not hide. Amounts are yuan; "one fen below" = −0.01, "one person below" = −1.
"""

from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kechuang.policy import registry
from kechuang.policy.high_tech import HighTechInput, evaluate_high_tech
from kechuang.policy.inputs import AnnualFigures, PolicyInputError, RuleNotFound
from kechuang.policy.rd_deduction import ProjectExpenses, RdDeductionInput, compute_rd_deduction
from kechuang.policy.tech_sme import TechSmeInput, evaluate_tech_sme

D = Decimal
FEN = D("0.01")


# =============================================================================================
# §a 科技型中小企业
# =============================================================================================


def sme(**kw: Any) -> TechSmeInput:
    """Neutral enterprise: inside every size limit, scoring nothing unless a test says so."""
    opts = {k: kw.pop(k) for k in list(kw) if k not in AnnualFigures.__dataclass_fields__}
    base: dict[str, Any] = dict(year=2024, employees=100, st_staff=0, revenue_yuan=D(0),
                                total_costs_yuan=D(0), total_assets_yuan=D(1_000_000),
                                rd_expense_yuan=D(0))
    base.update(kw)
    return TechSmeInput(AnnualFigures(**base), **opts)


# 科技人员 ÷ 职工总数 (500 staff, the largest allowed): ≥30% 20; [25,30) 16; [20,25) 12;
# [15,20) 8; [10,15) 4; <10% 0
@pytest.mark.parametrize(("st", "points"), [
    (500, 20), (151, 20), (150, 20), (149, 16), (125, 16), (124, 12), (100, 12), (99, 8),
    (75, 8), (74, 4), (50, 4), (49, 0), (0, 0)])
def test_sme_st_staff_bands(st, points):
    res = evaluate_tech_sme(sme(employees=500, st_staff=st), gaps=False)
    assert res.score("st_staff").points == points


# 研发费用 ÷ 销售收入 (10,000,000): ≥6% 50; [5,6) 40; [4,5) 30; [3,4) 20; [2,3) 10; <2% 0
@pytest.mark.parametrize(("rd", "points"), [
    ("600000.01", 50), ("600000", 50), ("599999.99", 40), ("500000", 40), ("499999.99", 30),
    ("400000", 30), ("399999.99", 20), ("300000", 20), ("299999.99", 10), ("200000", 10),
    ("199999.99", 0), ("0", 0)])
def test_sme_rd_revenue_bands(rd, points):
    # costs 0: ratio (2) not computable → 0, so ratio (1) alone decides (platform convention)
    res = evaluate_tech_sme(sme(revenue_yuan=D(10_000_000), rd_expense_yuan=D(rd)), gaps=False)
    assert res.score("rd_revenue").points == points
    assert res.score("rd_costs").points == 0
    assert res.score("rd").points == points


# 研发费用 ÷ 成本费用支出总额 (10,000,000): ≥30% 50; [25,30) 40; [20,25) 30; [15,20) 20; [10,15) 10
@pytest.mark.parametrize(("rd", "points"), [
    ("3000000.01", 50), ("3000000", 50), ("2999999.99", 40), ("2500000", 40),
    ("2499999.99", 30), ("2000000", 30), ("1999999.99", 20), ("1500000", 20),
    ("1499999.99", 10), ("1000000", 10), ("999999.99", 0)])
def test_sme_rd_costs_bands(rd, points):
    # revenue 0: ratio (1) not computable → 0, ratio (2) still used (platform convention)
    res = evaluate_tech_sme(sme(total_costs_yuan=D(10_000_000), rd_expense_yuan=D(rd)),
                            gaps=False)
    assert res.score("rd_revenue").points == 0
    assert res.score("rd_costs").points == points
    assert res.score("rd").points == points


@pytest.mark.parametrize(("revenue", "costs", "rd", "r1", "r2"), [
    # 4.5% of revenue (30) vs 30% of costs (50) → 50
    (10_000_000, 1_500_000, 450_000, 30, 50),
    # 6% of revenue (50) vs 1.5% of costs (0) → 50
    (10_000_000, 30_000_000, 600_000, 50, 0),
    # 2% (10) vs 10% (10) → 10
    (10_000_000, 2_000_000, 200_000, 10, 10),
])
def test_sme_rd_higher_of_two(revenue, costs, rd, r1, r2):
    res = evaluate_tech_sme(sme(revenue_yuan=D(revenue), total_costs_yuan=D(costs),
                                rd_expense_yuan=D(rd)), gaps=False)
    assert res.score("rd_revenue").points == r1
    assert res.score("rd_costs").points == r2
    assert res.score("rd").points == max(r1, r2)


@pytest.mark.parametrize(("c1", "c2", "points"), [
    (1, 0, 30), (1, 10, 30), (3, 7, 30),  # any Ⅰ类 → 30, Ⅱ类 not added
    (0, 9, 24), (0, 4, 24), (0, 3, 18), (0, 2, 12), (0, 1, 6), (0, 0, 0)])
def test_sme_ip_top_down(c1, c2, points):
    res = evaluate_tech_sme(sme(ip_class_1_count=c1, ip_class_2_count=c2), gaps=False)
    assert res.score("ip").points == points


def _sme_scored(st: int, rd_points: int, ip2: int) -> TechSmeInput:
    """100 staff, st S&T staff; revenue 10M with R&D giving ``rd_points``; ip2 Ⅱ类 items."""
    rd = {0: 0, 10: 200_000, 20: 300_000, 30: 400_000, 40: 500_000, 50: 600_000}[rd_points]
    return sme(st_staff=st, revenue_yuan=D(10_000_000), rd_expense_yuan=D(rd),
               ip_class_2_count=ip2)


@pytest.mark.parametrize(("st", "rd", "ip2", "total", "eligible"), [
    (20, 30, 3, 60, True),    # 12 + 30 + 18 = 60 → passes (不低于 60)
    (10, 50, 1, 60, True),    # 4 + 50 + 6 = 60
    (25, 30, 2, 58, False),   # 16 + 30 + 12 = 58
    (9, 50, 4, 74, False),    # st 0 points → fails although total ≥ 60
    (0, 50, 9, 74, False),
    (30, 50, 0, 70, True),
])
def test_sme_total_and_staff_not_zero(st, rd, ip2, total, eligible):
    res = evaluate_tech_sme(_sme_scored(st, rd, ip2), gaps=False)
    assert res.total == total
    assert res.eligible is eligible
    assert res.path == ("score" if eligible else None)


_PASSING = dict(st=30, rd_points=50, ip2=4)  # 20 + 50 + 24 = 94


@pytest.mark.parametrize(("change", "eligible"), [
    ({"employees": 500, "st_staff": 150}, True),
    ({"employees": 501, "st_staff": 151}, False),
    ({"total_assets_yuan": D(200_000_000)}, True),
    ({"total_assets_yuan": D("200000000.01")}, False),
])
def test_sme_size_limits_inclusive(change, eligible):
    inp = _sme_scored(**_PASSING).with_changes(change)
    assert evaluate_tech_sme(inp, gaps=False).eligible is eligible


@pytest.mark.parametrize(("revenue", "eligible"), [
    (D(200_000_000), True), (D("200000000.01"), False)])
def test_sme_revenue_limit_inclusive(revenue, eligible):
    # R&D 6% of revenue keeps the score passing on both sides
    inp = sme(st_staff=30, revenue_yuan=revenue, rd_expense_yuan=revenue * D("0.06"),
              ip_class_2_count=4)
    res = evaluate_tech_sme(inp, gaps=False)
    assert res.condition("c2_revenue").passed is eligible
    assert res.eligible is eligible


@pytest.mark.parametrize("flag", ["has_valid_high_tech_certificate", "national_sci_award_top3",
                                  "has_provincial_rd_institution", "led_standard_drafting"])
def test_sme_direct_path_skips_scoring(flag):
    # total 0 and S&T score 0: condition 5 does not apply on the fast track
    res = evaluate_tech_sme(sme(**{flag: True}), gaps=False)
    assert res.total == 0
    assert res.eligible is True
    assert res.path == "direct"


@pytest.mark.parametrize("change", [
    {"employees": 501}, {"total_assets_yuan": D("200000000.01")},
    {"revenue_yuan": D("200000000.01")}, {"resident_enterprise": False},
    {"products_not_restricted": False}, {"no_major_incident": False}])
def test_sme_direct_path_needs_conditions_1_to_4(change):
    inp = sme(has_valid_high_tech_certificate=True).with_changes(change)
    res = evaluate_tech_sme(inp, gaps=False)
    assert res.eligible is False
    assert res.path is None


def test_sme_zero_employees_is_input_error():
    with pytest.raises(PolicyInputError) as exc:
        evaluate_tech_sme(sme(employees=0))
    assert exc.value.field == "employees"


def test_sme_zero_revenue_and_zero_costs():
    res = evaluate_tech_sme(sme(rd_expense_yuan=D(100_000)), gaps=False)
    assert res.score("rd_revenue").points == 0
    assert res.score("rd_costs").points == 0
    assert res.score("rd").points == 0


# =============================================================================================
# §b 高新技术企业
# =============================================================================================

APP = dt.date(2025, 6, 1)  # → fiscal years 2022, 2023, 2024


def year(y: int, **kw: Any) -> AnnualFigures:
    """A year passing every HNTE condition: revenue 30M, R&D 1.8M (6%) all domestic."""
    base: dict[str, Any] = dict(
        year=y, employees=100, st_staff=20, revenue_yuan=D(30_000_000),
        total_income_yuan=D(30_000_000), high_tech_revenue_yuan=D(24_000_000),
        net_assets_yuan=D(10_000_000), rd_expense_yuan=D(1_800_000),
        rd_domestic_yuan=D(1_800_000), ip_class_1_count=1, achievements_converted=5)
    base.update(kw)
    return AnnualFigures(**base)


def hnte(years: list[AnnualFigures] | None = None, **kw: Any) -> HighTechInput:
    if years is None:
        years = [year(2022), year(2023), year(2024)]
    kw.setdefault("application_date", APP)
    kw.setdefault("established_on", dt.date(2010, 1, 1))
    return HighTechInput(years=tuple(years), **kw)


def ht_eval(inp: HighTechInput):
    return evaluate_high_tech(inp, gaps=False)


@pytest.mark.parametrize(("latest_revenue", "limit"), [
    (D(1), D("0.05")), (D(50_000_000), D("0.05")), (D("50000000.01"), D("0.04")),
    (D(200_000_000), D("0.04")), (D("200000000.01"), D("0.03")), (D(900_000_000), D("0.03"))])
def test_hnte_tier_by_latest_year_revenue(latest_revenue, limit):
    res = ht_eval(hnte([year(2022), year(2023), year(2024, revenue_yuan=latest_revenue)]))
    assert res.rd_ratio_limit == limit


def test_hnte_tier_ignores_bigger_earlier_years():
    years = [year(2022, revenue_yuan=D(300_000_000)), year(2023, revenue_yuan=D(300_000_000)),
             year(2024, revenue_yuan=D(40_000_000))]
    assert ht_eval(hnte(years)).rd_ratio_limit == D("0.05")


def test_hnte_ratio_is_sum_over_sum_not_average_pass():
    # Σrd 4,000,000 ÷ Σrev 100,000,000 = 4% ≥ 4% (latest 80M → tier 4%); mean of ratios 1.67%
    years = [year(2022, revenue_yuan=D(10_000_000), rd_expense_yuan=D(0), rd_domestic_yuan=D(0)),
             year(2023, revenue_yuan=D(10_000_000), rd_expense_yuan=D(0), rd_domestic_yuan=D(0)),
             year(2024, revenue_yuan=D(80_000_000), rd_expense_yuan=D(4_000_000),
                  rd_domestic_yuan=D(4_000_000))]
    res = ht_eval(hnte(years))
    assert res.rd_ratio_limit == D("0.04")
    assert res.condition("c5_rd_ratio").passed is True


def test_hnte_ratio_is_sum_over_sum_not_average_fail():
    # Σrd 2,100,000 ÷ Σrev 50,000,000 = 4.2% < 5%; mean of ratios (10% + 10% + 3.96%) / 3 ≈ 8%
    years = [year(2022, revenue_yuan=D(1_000_000), rd_expense_yuan=D(100_000),
                  rd_domestic_yuan=D(100_000)),
             year(2023, revenue_yuan=D(1_000_000), rd_expense_yuan=D(100_000),
                  rd_domestic_yuan=D(100_000)),
             year(2024, revenue_yuan=D(48_000_000), rd_expense_yuan=D(1_900_000),
                  rd_domestic_yuan=D(1_900_000))]
    res = ht_eval(hnte(years))
    assert res.rd_ratio_limit == D("0.05")
    assert res.condition("c5_rd_ratio").passed is False


@pytest.mark.parametrize(("latest_rd", "passed"), [
    # Σrev 90,000,000 × 5% = 4,500,000; earlier years 1,500,000 each
    (D(1_500_000), True), (D("1499999.99"), False), (D("1500000.01"), True)])
def test_hnte_ratio_boundary(latest_rd, passed):
    years = [year(2022, rd_expense_yuan=D(1_500_000), rd_domestic_yuan=D(1_500_000)),
             year(2023, rd_expense_yuan=D(1_500_000), rd_domestic_yuan=D(1_500_000)),
             year(2024, rd_expense_yuan=latest_rd, rd_domestic_yuan=latest_rd)]
    assert ht_eval(hnte(years)).condition("c5_rd_ratio").passed is passed


def test_hnte_window_excludes_application_year_and_older_years():
    years = [year(2021, rd_expense_yuan=D(0), rd_domestic_yuan=D(0)), year(2022), year(2023),
             year(2024), year(2025, rd_expense_yuan=D(0), rd_domestic_yuan=D(0))]
    res = ht_eval(hnte(years))
    assert res.years_used == [2022, 2023, 2024]
    assert res.condition("c5_rd_ratio").passed is True


def test_hnte_fewer_years_when_operated_less():
    # established 2023-03-01: 2023 and 2024 only; Σ 1,000,000 ÷ 20,000,000 = 5% (tier 5%)
    years = [year(2023, revenue_yuan=D(5_000_000), rd_expense_yuan=D(0), rd_domestic_yuan=D(0)),
             year(2024, revenue_yuan=D(15_000_000), rd_expense_yuan=D(1_000_000),
                  rd_domestic_yuan=D(1_000_000))]
    res = ht_eval(hnte(years, established_on=dt.date(2023, 3, 1)))
    assert res.years_used == [2023, 2024]
    assert res.condition("c5_rd_ratio").passed is True
    years[1] = years[1].replace(rd_expense_yuan=D("999999.99"), rd_domestic_yuan=D("999999.99"))
    res = ht_eval(hnte(years, established_on=dt.date(2023, 3, 1)))
    assert res.condition("c5_rd_ratio").passed is False


@pytest.mark.parametrize(("latest_dom", "passed"), [
    # Σrd 5,400,000 × 60% = 3,240,000; earlier years 1,080,000 domestic each → latest 1,080,000
    (D(1_080_000), True), (D("1079999.99"), False), (D(1_800_000), True)])
def test_hnte_domestic_share_boundary(latest_dom, passed):
    years = [year(2022, rd_domestic_yuan=D(1_080_000)), year(2023, rd_domestic_yuan=D(1_080_000)),
             year(2024, rd_domestic_yuan=latest_dom)]
    assert ht_eval(hnte(years)).condition("c5_rd_domestic").passed is passed


@pytest.mark.parametrize(("ht_rev", "passed"), [
    # total income 31,000,000 × 60% = 18,600,000
    (D(18_600_000), True), (D("18599999.99"), False), (D(31_000_000), True)])
def test_hnte_high_tech_revenue_boundary(ht_rev, passed):
    years = [year(2022), year(2023),
             year(2024, total_income_yuan=D(31_000_000), high_tech_revenue_yuan=ht_rev)]
    assert ht_eval(hnte(years)).condition("c6_high_tech_revenue").passed is passed


def test_hnte_high_tech_revenue_uses_latest_year_only():
    years = [year(2022, high_tech_revenue_yuan=D(0)), year(2023, high_tech_revenue_yuan=D(0)),
             year(2024)]
    assert ht_eval(hnte(years)).condition("c6_high_tech_revenue").passed is True


@pytest.mark.parametrize(("employees", "st", "passed"), [
    (100, 10, True), (100, 9, False), (1000, 100, True), (1000, 99, False), (7, 1, True),
    (11, 1, False)])
def test_hnte_st_staff_boundary(employees, st, passed):
    years = [year(2022), year(2023), year(2024, employees=employees, st_staff=st)]
    assert ht_eval(hnte(years)).condition("c4_st_staff").passed is passed


@pytest.mark.parametrize(("established", "application", "days", "passed"), [
    (dt.date(2024, 6, 1), dt.date(2025, 6, 1), 365, True),
    (dt.date(2024, 6, 2), dt.date(2025, 6, 1), 364, False),
    (dt.date(2023, 6, 1), dt.date(2024, 5, 31), 365, True),  # leap year: 365 days < 1 year
    (dt.date(2023, 6, 2), dt.date(2024, 5, 31), 364, False),
])
def test_hnte_registration_365_days(established, application, days, passed):
    app_year = application.year
    years = [year(y) for y in range(max(app_year - 3, established.year), app_year)]
    res = ht_eval(hnte(years, application_date=application, established_on=established))
    cond = res.condition("c1_registered")
    assert cond.value == days
    assert cond.passed is passed


def _growth(values: list[str], **kw: Any):
    first = 2025 - len(values)
    years = [year(first + i, net_assets_yuan=D(v)) for i, v in enumerate(values)]
    kw.setdefault("established_on", dt.date(first, 1, 1))
    res = ht_eval(hnte(years, **kw))
    return res, res.score("growth_net_assets")


@pytest.mark.parametrize(("values", "rate", "band", "lo", "hi"), [
    (["100", "110", "121"], D("0.1"), "D", 3, 4),        # ½(1.1 + 1.1) − 1
    (["100", "200", "100"], D("0.25"), "B", 7, 8),       # ½(2 + 0.5) − 1 (not Y3/Y1 − 1 = 0)
    (["0", "100", "150"], D("0.5"), "A", 9, 10),         # first year 0 → Y3/Y2 − 1
    (["100", "0", "200"], None, "F", 0, 0),              # second year 0 → 0 points
    (["0", "0", "200"], None, "F", 0, 0),
    (["100", "140"], D("0.4"), "A", 9, 10),              # two years → Y2/Y1 − 1
    (["100", "90", "81"], D("-0.1"), "F", 0, 0),         # negative → 0 points
])
def test_hnte_growth_formulas(values, rate, band, lo, hi):
    _res, s = _growth(values)
    assert s.value == rate if rate is None else s.value == rate.quantize(D("0.000001"))
    assert (s.band, s.points_min, s.points_max) == (band, lo, hi)


def test_hnte_growth_negative_net_assets_flags_manual_review():
    res, s = _growth(["-100", "-200", "-400"])  # literal: ½(2 + 2) − 1 = +100%
    assert s.value == D("1")
    assert s.band == "A"
    assert res.needs_manual_review is True
    res, _s = _growth(["100", "200", "400"])
    assert res.needs_manual_review is False


@pytest.mark.parametrize(("y3", "band"), [
    # Y1 = Y2 = 10,000,000 → rate = ½(1 + Y3/Y2) − 1 = (Y3 − Y2) / (2·Y2)
    ("17000000", "A"), ("16999999.99", "B"),   # 35%
    ("15000000", "B"), ("14999999.99", "C"),   # 25%
    ("13000000", "C"), ("12999999.99", "D"),   # 15%
    ("11000000", "D"), ("10999999.99", "E"),   # 5%
    ("10000000.01", "E"), ("10000000", "F"),   # > 0 / ≤ 0
    ("9000000", "F")])
def test_hnte_growth_band_edges(y3, band):
    _res, s = _growth(["10000000", "10000000", y3])
    assert s.band == band
    expected = {"A": (9, 10), "B": (7, 8), "C": (5, 6), "D": (3, 4), "E": (1, 2), "F": (0, 0)}
    assert (s.points_min, s.points_max) == expected[band]


@pytest.mark.parametrize(("counts", "band"), [
    # yearly AVERAGE over the three years
    ((5, 5, 5), "A"), ((4, 5, 5), "B"), ((15, 0, 0), "A"), ((4, 4, 4), "B"), ((3, 4, 4), "C"),
    ((3, 3, 3), "C"), ((2, 3, 3), "D"), ((2, 2, 2), "D"), ((1, 2, 2), "E"), ((1, 1, 1), "E"),
    ((0, 0, 0), "F")])
def test_hnte_conversion_band_by_average(counts, band):
    years = [year(2022 + i, achievements_converted=n) for i, n in enumerate(counts)]
    assert ht_eval(hnte(years)).score("conversion").band == band


@pytest.mark.parametrize(("c1", "c2", "band"), [
    (1, 0, "A"), (2, 9, "A"), (0, 5, "B"), (0, 9, "B"), (0, 4, "C"), (0, 3, "C"), (0, 2, "D"),
    (0, 1, "D")])
def test_hnte_ip_count_bands(c1, c2, band):
    years = [year(2022), year(2023), year(2024, ip_class_1_count=c1, ip_class_2_count=c2)]
    s = ht_eval(hnte(years)).score("ip_count")
    assert s.band == band
    lo, hi = {"A": (7, 8), "B": (5, 6), "C": (3, 4), "D": (1, 2)}[band]
    assert (s.points_min, s.points_max) == (lo, hi)


def test_hnte_no_ip_fails_condition_2():
    years = [year(2022), year(2023), year(2024, ip_class_1_count=0, ip_class_2_count=0)]
    res = ht_eval(hnte(years))
    assert res.condition("c2_ip").passed is False
    assert res.score("ip_count").points == 0


@pytest.mark.parametrize(("score", "passed"), [
    (D(70), False), (D("70.01"), True), (D("70.4"), True), (D(71), True), (D("69.99"), False)])
def test_hnte_pass_is_strictly_above_70(score, passed):
    res = ht_eval(hnte(innovation_score=score))
    assert res.condition("c7_innovation").passed is passed
    assert res.status == ("likely" if passed else "unlikely")


def test_hnte_ip_total_capped_at_30_after_bonus():
    expert = {"ip_advancement": D(8), "ip_core_support": D(8), "ip_count": D(8),
              "ip_acquisition": D(6), "ip_standards_bonus": D(2)}
    res = ht_eval(hnte(expert_scores=expert))
    assert res.score("ip").points == 30


def test_hnte_certificate_three_years_15_percent():
    res = ht_eval(hnte(certificate_issue_date=dt.date(2025, 11, 20),
                       taxable_income_yuan=D(1_000_000)))
    cert = res.certificate
    assert cert.tax_years == [2025, 2026, 2027]
    assert cert.tax_rate == D("0.15")
    assert cert.tax_saved_per_year_yuan == D("100000.00")


# =============================================================================================
# §c 研发费用加计扣除
# =============================================================================================


def ded(year: int = 2024, industry: str = "I65", **kw: Any) -> RdDeductionInput:
    fig = {k: kw.pop(k) for k in list(kw) if k in AnnualFigures.__dataclass_fields__}
    base: dict[str, Any] = dict(year=year, total_income_yuan=D(10_000_000),
                                revenue_yuan=D(10_000_000))
    base.update(fig)
    return RdDeductionInput(AnnualFigures(**base), industry_code=industry, **kw)


def lines(res) -> dict[str, Decimal]:
    return {ln.code: ln.amount for ln in res.lines}


@pytest.mark.parametrize(("other", "allowed"), [
    # Σ1–5 900,000 → cap 900,000 × 10% / 90% = 100,000
    (D(100_000), D(100_000)), (D("100000.01"), D(100_000)), (D("99999.99"), D("99999.99")),
    (D(500_000), D(100_000))])
def test_ded_other_cap(other, allowed):
    res = compute_rd_deduction(ded(rd_personnel_yuan=D(600_000), rd_direct_input_yuan=D(300_000),
                                   rd_other_yuan=other))
    ln = lines(res)
    assert ln["other_cap"] == D(100_000)
    assert ln["other_allowed"] == allowed
    assert res.eligible_base_yuan == D(900_000) + allowed


def test_ded_other_cap_rounded_half_up():
    # 1,000,000 / 9 = 111,111.111… → 111,111.11; 5 / 9 = 0.555… → 0.56
    assert lines(compute_rd_deduction(ded(rd_personnel_yuan=D(1_000_000))))["other_cap"] == \
        D("111111.11")
    assert lines(compute_rd_deduction(ded(rd_personnel_yuan=D(5))))["other_cap"] == D("0.56")


_PROJECTS = (ProjectExpenses("甲", rd_personnel_yuan=D(900_000)),
             ProjectExpenses("乙", rd_personnel_yuan=D(90_000), rd_other_yuan=D(110_000)))


@pytest.mark.parametrize(("tax_year", "allowed"), [
    (2021, D(110_000)),  # once for all projects: 990,000 / 9 = 110,000
    (2024, D(110_000)),
    (2020, D(10_000)),   # per project: 甲 cap 100,000 (other 0), 乙 cap 10,000
    (2018, D(10_000)),
])
def test_ded_other_cap_scope_by_year(tax_year, allowed):
    res = compute_rd_deduction(ded(tax_year, projects=_PROJECTS))
    assert lines(res)["other_allowed"] == allowed


def test_ded_entrusted_domestic_80_percent():
    res = compute_rd_deduction(ded(rd_entrusted_domestic_yuan=D(100_000)))
    assert lines(res)["entrusted_domestic"] == D(80_000)
    assert res.eligible_base_yuan == D(80_000)


@pytest.mark.parametrize(("paid", "individuals", "allowed"), [
    # domestic base 900,000 → overseas cap 600,000
    (D(1_000_000), D(0), D(600_000)),       # 80% = 800,000 > cap
    (D(750_000), D(0), D(600_000)),         # 80% = 600,000 = cap
    (D(500_000), D(0), D(400_000)),
    (D(1_000_000), D(1_000_000), D(0)),     # 境外个人 not deductible
    (D(1_000_000), D(500_000), D(400_000)),
])
def test_ded_overseas(paid, individuals, allowed):
    res = compute_rd_deduction(ded(rd_personnel_yuan=D(900_000), rd_entrusted_overseas_yuan=paid,
                                   entrusted_overseas_individuals_yuan=individuals))
    ln = lines(res)
    assert ln["overseas_cap"] == D(600_000)
    assert ln["overseas_allowed"] == allowed
    assert res.eligible_base_yuan == D(900_000) + allowed


@pytest.mark.parametrize(("tax_year", "industry", "opts", "rate"), [
    (2016, "I65", {}, "0.5"),
    (2016, "C26", {}, "0.5"),
    (2017, "I65", {}, "0.5"),
    (2017, "I65", {"is_tech_sme": True}, "0.75"),
    (2018, "I65", {}, "0.75"), (2019, "C26", {}, "0.75"), (2020, "I65", {}, "0.75"),
    (2021, "C26", {}, "1"),                       # 制造业 100%
    (2021, "I65", {}, "0.75"),
    (2021, "I65", {"is_tech_sme": True}, "0.75"),  # 2021: no tech-SME rate in 表1
    (2021, "I65", {"is_manufacturing": True}, "1"),
    (2022, "C26", {}, "1"),
    (2022, "I65", {"is_tech_sme": True}, "1"),
    (2022, "I65", {}, "0.75"),
    (2023, "I65", {}, "1"), (2024, "C26", {}, "1"), (2030, "I65", {}, "1"),
    (2023, "C39", {"ic_or_machine_tool_list": True}, "1.2"),
    (2027, "C39", {"ic_or_machine_tool_list": True}, "1.2"),
    (2028, "C39", {"ic_or_machine_tool_list": True}, "1"),
    (2022, "I65", {"ic_or_machine_tool_list": True}, "0.75"),
])
def test_ded_rate_by_year(tax_year, industry, opts, rate):
    res = compute_rd_deduction(ded(tax_year, industry, rd_personnel_yuan=D(1_000_000), **opts))
    assert res.eligible is True
    assert res.rate == D(rate)
    assert res.extra_deduction_yuan == D(1_000_000) * D(rate)


def test_ded_2022_q4_share():
    # 25% of the year's expenses in Q4 at 100%, the rest at 75%: 0.25 + 0.5625 = 0.8125
    res = compute_rd_deduction(ded(2022, rd_personnel_yuan=D(1_000_000),
                                   q4_2022_share=D("0.25")))
    assert res.extra_deduction_yuan == D("812500.00")


@pytest.mark.parametrize(("industry", "excluded"), [
    ("C16", True), ("H61", True), ("H62", True), ("F51", True), ("F52", True), ("K70", True),
    ("L71", True), ("L72", True), ("R90", True),
    ("C26", False), ("I65", False), ("M73", False), ("R86", False), ("C15", False)])
def test_ded_negative_list_by_industry(industry, excluded):
    res = compute_rd_deduction(ded(industry=industry, rd_personnel_yuan=D(1_000_000)))
    assert res.eligible is not excluded
    assert res.extra_deduction_yuan == (D(0) if excluded else D(1_000_000))


@pytest.mark.parametrize(("industry", "excluded"), [
    # GB/T 4754 codes finer than the division, or the whole section, are the same industry
    ("F5121", True), ("H6210", True), ("K7010", True), ("C1610", True), ("R9011", True),
    ("F", True), ("H", True), ("K", True), ("L", True),
    ("C2611", False), ("R8610", False), ("C", False), ("R", False), ("I", False)])
def test_ded_negative_list_finer_or_section_codes(industry, excluded):
    res = compute_rd_deduction(ded(industry=industry, rd_personnel_yuan=D(1_000_000)))
    assert res.condition("c_negative_list").passed is not excluded


@pytest.mark.parametrize(("neg", "investment", "excluded"), [
    # base = 总收入 (收入总额 − 不征税收入) 10,000,000 − 投资收益
    (D(5_000_000), D(0), False),            # exactly 50% → NOT excluded
    (D("5000000.01"), D(0), True),
    (D(4_000_000), D(2_000_000), False),    # 4M ÷ 8M = 50%
    (D("4000000.01"), D(2_000_000), True),
    (D(0), D(0), False),
])
def test_ded_negative_list_income_rule(neg, investment, excluded):
    # industry on the list, but the income rule decides when the income is given
    res = compute_rd_deduction(ded(industry="F51", rd_personnel_yuan=D(1_000_000),
                                   negative_list_income_yuan=neg,
                                   investment_income_yuan=investment))
    assert res.condition("c_negative_list").passed is not excluded
    assert res.eligible is not excluded


@pytest.mark.parametrize(("share", "excluded"), [
    (D("0.5"), False), (D("0.500001"), True), (D("0.49"), False), (D(1), True)])
def test_ded_negative_list_share(share, excluded):
    res = compute_rd_deduction(ded(rd_personnel_yuan=D(1_000_000),
                                   negative_list_income_share=share))
    assert res.eligible is not excluded


def test_ded_deemed_collection_refused():
    res = compute_rd_deduction(ded(rd_personnel_yuan=D(1_000_000), deemed_collection=True))
    assert res.eligible is False
    assert res.extra_deduction_yuan == 0
    assert res.tax_saved_yuan == 0
    assert res.condition("c_audit_collection").passed is False


@pytest.mark.parametrize(("tax_year", "personnel", "opts", "extra", "saved"), [
    # 2019 75%: 100.01 × 0.75 = 75.0075 → 75.01; × 25% = 18.7525 → 18.75
    (2019, D("100.01"), {}, D("75.01"), D("18.75")),
    # 2024 100%: 1000.02 × 25% = 250.005 → 250.01 (half up, not half even)
    (2024, D("1000.02"), {}, D("1000.02"), D("250.01")),
    # HNTE 15%: 1,000,000 × 15%
    (2024, D(1_000_000), {"is_high_tech": True}, D(1_000_000), D(150_000)),
    (2024, D(1_000_000), {}, D(1_000_000), D(250_000)),
    # 2018 75%: 0.02 × 0.75 = 0.015 → 0.02; × 25% = 0.005 → 0.01
    (2018, D("0.02"), {}, D("0.02"), D("0.01")),
])
def test_ded_rounding_and_tax_saved(tax_year, personnel, opts, extra, saved):
    res = compute_rd_deduction(ded(tax_year, rd_personnel_yuan=personnel, **opts))
    assert res.extra_deduction_yuan == extra
    assert res.tax_saved_yuan == saved
    assert res.extra_deduction_yuan.as_tuple().exponent == -2


def test_ded_special_income_no_carry_forward():
    res = compute_rd_deduction(ded(rd_personnel_yuan=D(100_000), special_income_yuan=D(150_000)))
    assert res.eligible_base_yuan == 0
    assert res.extra_deduction_yuan == 0


# =============================================================================================
# gap analysis: applying a gap passes; one unit less does not
# =============================================================================================

_SME_FAILING = [
    dict(st_staff=20, revenue_yuan=D(30_000_000), total_costs_yuan=D(90_000_000),
         rd_expense_yuan=D("1076600"), ip_class_2_count=3),
    dict(st_staff=9, revenue_yuan=D(10_000_000), rd_expense_yuan=D(650_000), ip_class_1_count=1),
    dict(st_staff=12, revenue_yuan=D("12345678.91"), total_costs_yuan=D("9876543.21"),
         rd_expense_yuan=D("12345"), ip_class_2_count=1),
    dict(employees=333, st_staff=50, revenue_yuan=D(7_777_777), rd_expense_yuan=D(150_000),
         ip_class_2_count=2),
    # 3 staff: one S&T person is 33% → 20 points (not the 4 of the 10% band aimed at)
    dict(employees=3, st_staff=0, revenue_yuan=D(10_000_000), rd_expense_yuan=D(600_000),
         ip_class_2_count=1),
]

_UNIT = {"rd_expense_yuan": FEN, "st_staff": 1, "ip_class_1_count": 1, "ip_class_2_count": 1,
         "rd_domestic_yuan": FEN, "high_tech_revenue_yuan": FEN,
         "achievements_converted": 1}


def _less(changes: dict[str, Any], key: str) -> dict[str, Any]:
    out = dict(changes)
    if key == "application_date":
        out[key] = changes[key] - dt.timedelta(days=1)
    else:
        out[key] = changes[key] - _UNIT[key]
    return out


@pytest.mark.parametrize("kw", _SME_FAILING)
def test_sme_gaps_exact(kw):
    inp = sme(**kw)
    res = evaluate_tech_sme(inp)
    assert res.eligible is False
    checked = 0
    for g in res.gaps:
        if not g.sufficient_alone:
            continue
        after = evaluate_tech_sme(inp.with_changes(g.changes), gaps=False)
        assert after.eligible is True
        # the effect the gap announces is the effect of applying it
        assert g.score_effect.endswith(f"总分 {res.total} → {after.total}"), g.score_effect
        (key, _), = g.changes.items()
        assert evaluate_tech_sme(inp.with_changes(_less(g.changes, key)),
                                 gaps=False).eligible is False
        checked += 1
    for combo in res.combinations:
        after = evaluate_tech_sme(inp.with_changes(combo.changes), gaps=False)
        assert after.eligible is True
        assert combo.score_after == after.total
        checked += 1
    assert checked


def _ht_goal(res, goal: str) -> bool:
    return res.status == "likely" if goal == "likely" else res.status != "unlikely"


_HT_FAILING = [
    # S&T staff 9%
    [year(2022), year(2023), year(2024, st_staff=9)],
    # R&D 4.4% < 5% and domestic share low
    [year(2022, rd_expense_yuan=D(1_200_000), rd_domestic_yuan=D(700_000)),
     year(2023, rd_expense_yuan=D(1_300_000), rd_domestic_yuan=D(700_000)),
     year(2024, rd_expense_yuan=D("1460000.37"), rd_domestic_yuan=D(800_000))],
    # high-tech revenue 50%
    [year(2022), year(2023), year(2024, high_tech_revenue_yuan=D(15_000_000))],
    # domestic 55% only
    [year(2022, rd_domestic_yuan=D(990_000)), year(2023, rd_domestic_yuan=D(990_000)),
     year(2024, rd_domestic_yuan=D(990_000))],
]


@pytest.mark.parametrize("years", _HT_FAILING)
def test_hnte_gaps_exact(years):
    inp = hnte(years)
    res = evaluate_high_tech(inp)
    goal = "possible" if res.status == "unlikely" else "likely"
    checked = 0
    for g in res.gaps:
        if not (g.sufficient_alone and g.changes):
            continue
        after = evaluate_high_tech(inp.with_changes(g.changes, g.year), gaps=False)
        assert _ht_goal(after, goal), g.message
        # one unit less of the lever: extra domestic R&D lowers both fields together
        less = dict(g.changes)
        for key in g.changes:
            if key in _UNIT or key == "application_date":
                less = _less(less, key)
        before = evaluate_high_tech(inp.with_changes(less, g.year), gaps=False)
        assert not _ht_goal(before, goal), g.message
        checked += 1
    for combo in res.combinations:
        assert _ht_goal(evaluate_high_tech(inp.with_changes(combo.changes, combo.year),
                                           gaps=False), goal)
        checked += 1
    assert checked


def test_hnte_registration_gap_exact():
    inp = hnte([year(2024)], application_date=dt.date(2025, 3, 1),
               established_on=dt.date(2024, 6, 1))
    res = evaluate_high_tech(inp)
    g = next(g for g in res.gaps if g.lever == "application_date")
    assert g.changes["application_date"] == dt.date(2025, 6, 1)
    assert ht_eval(inp.with_changes(g.changes)).condition("c1_registered").passed is True
    assert ht_eval(inp.with_changes(_less(g.changes, "application_date"))).condition(
        "c1_registered").passed is False


# =============================================================================================
# purity and versioning
# =============================================================================================

ENGINE = Path(__file__).resolve().parent.parent
ENGINE_FILES = sorted(p for p in ENGINE.glob("*.py"))


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: p.name)
def test_engine_has_no_float_arithmetic_and_no_clock(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        # a float literal inside arithmetic would mean binary floats in a computation
        # (inputs.py may compare an incoming Excel float cell with 0.0/1.0 while parsing)
        if isinstance(node, ast.BinOp | ast.AugAssign):
            for side in ast.walk(node):
                assert not (isinstance(side, ast.Constant) and isinstance(side.value, float)), \
                    f"{path.name}:{node.lineno} float arithmetic"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "float", f"{path.name}:{node.lineno} float()"
        if isinstance(node, ast.Attribute):
            assert node.attr not in ("today", "now", "utcnow"), \
                f"{path.name}:{node.lineno} clock"
            assert not (node.attr == "time" and isinstance(node.value, ast.Name)
                        and node.value.id == "time"), f"{path.name}:{node.lineno} time.time"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr != "from_float", f"{path.name}:{node.lineno}"


@pytest.mark.parametrize(("rule", "year_", "version"), [
    ("tech_sme", 2017, "tech_sme/2017-115"), ("tech_sme", 2026, "tech_sme/2017-115"),
    ("high_tech", 2016, "high_tech/2016-32"),
    ("rd_deduction", 2016, "rd_deduction/2016-119"), ("rd_deduction", 2017, "rd_deduction/2017-34"),
    ("rd_deduction", 2018, "rd_deduction/2018-99"), ("rd_deduction", 2020, "rd_deduction/2018-99"),
    ("rd_deduction", 2021, "rd_deduction/2021-13"), ("rd_deduction", 2022, "rd_deduction/2022-16"),
    ("rd_deduction", 2023, "rd_deduction/2023-7"), ("rd_deduction", 2035, "rd_deduction/2023-7")])
def test_rule_versions_by_year(rule, year_, version):
    assert registry.select(rule, year_).version == version


@pytest.mark.parametrize(("rule", "year_"), [
    ("tech_sme", 2016), ("high_tech", 2015), ("rd_deduction", 2015)])
def test_no_rules_before_the_documents(rule, year_):
    with pytest.raises(RuleNotFound):
        registry.select(rule, year_)


def test_sme_data_year_selects_evaluation_year_rules():
    # data year 2016 → evaluation 2017 → 115号; data year 2015 → evaluation 2016 → no rules
    assert evaluate_tech_sme(sme(year=2016), gaps=False).rule_version == "tech_sme/2017-115"
    with pytest.raises(RuleNotFound):
        evaluate_tech_sme(sme(year=2015), gaps=False)
