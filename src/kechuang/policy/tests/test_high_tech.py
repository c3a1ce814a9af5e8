"""高新技术企业认定 (国科发火〔2016〕32号 / 195号): the eight conditions and the score bands."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

import pytest

from kechuang.policy.high_tech import (
    HIGH_TECH_2016,
    Headcount,
    HighTechInput,
    Incident,
    RdCosts,
    conversion_band,
    evaluate_high_tech,
    growth_band,
    growth_rate,
    ip_count_band,
    rd_scope,
    rd_threshold_pct,
)
from kechuang.policy.inputs import PolicyInputError, RuleNotFound
from kechuang.policy.tests.factories import ht, ht_year

D = Decimal
FEN = D("0.01")
R = HIGH_TECH_2016

# expert items given → IP 28, conversion 28, management 16, growth 0 = 72
EXPERT_72 = {"ip_advancement": 7, "ip_core_support": 7, "ip_count": 8, "ip_acquisition": 6,
             "ip_standards_bonus": 0, "conversion": 28, "rd_mgmt_system": 5,
             "rd_mgmt_institution": 5, "rd_mgmt_incentive": 3, "rd_mgmt_talent": 3,
             "growth_net_assets": 0, "growth_revenue": 0}


def _expert(**changes) -> dict:
    return {k: D(v) if not isinstance(v, str) else v for k, v in {**EXPERT_72, **changes}.items()}


# -- the default enterprise -------------------------------------------------------------------


def test_default_passes_hard_conditions_and_is_possible_without_expert_scores() -> None:
    res = evaluate_high_tech(ht())
    assert res.rule_version == "high_tech/2016-32"
    assert res.years_used == [2022, 2023, 2024]
    assert all(c.passed for c in res.conditions if c.code != "c7_innovation")
    # IP 8–30 (count A 7–8, acquisition 1–6, others 0–x), conversion 25–30, mgmt 0–20, growth 0
    assert (res.score_min, res.score_max) == (D(33), D(80))
    assert res.status == "possible" and res.eligible is None
    assert res.condition("c7_innovation").passed is None


def test_all_expert_items_given_gives_an_exact_total() -> None:
    res = evaluate_high_tech(ht(expert_scores=_expert()))
    assert res.score_min == res.score_max == D(72)
    assert res.status == "likely" and res.eligible is True
    assert res.gaps == []


# -- pass test: total > 70 (not ≥ 71) ---------------------------------------------------------


@pytest.mark.parametrize(("score", "passed"), [
    (D("70"), False), (D("70.4"), True), (D("71"), True), (D("69.99"), False),
    (D("70.01"), True), (D("100"), True), (D("0"), False),
])
def test_group_average_score_must_exceed_70(score: Decimal, passed: bool) -> None:
    res = evaluate_high_tech(ht(innovation_score=score))
    assert res.condition("c7_innovation").passed is passed
    assert res.status == ("likely" if passed else "unlikely")


@pytest.mark.parametrize(("talent", "total", "status"), [
    (1, 70, "unlikely"), (2, 71, "likely"), (3, 72, "likely"), (0, 69, "unlikely")])
def test_integer_self_assessment_70_fails_71_passes(talent, total, status) -> None:
    res = evaluate_high_tech(ht(expert_scores=_expert(rd_mgmt_talent=talent)))
    assert res.score_min == res.score_max == D(total)
    assert res.status == status
    assert res.condition("c7_innovation").passed is (status == "likely")


def test_innovation_score_out_of_range() -> None:
    with pytest.raises(PolicyInputError) as err:
        evaluate_high_tech(ht(innovation_score=D("101")))
    assert err.value.field == "innovation_score"


# -- condition 5: R&D ratio --------------------------------------------------------------------


@pytest.mark.parametrize(("revenue", "pct"), [
    (D("50000000"), 5), (D("50000000") + FEN, 4), (D("49999999.99"), 5),
    (D("200000000"), 4), (D("200000000") + FEN, 3), (D("199999999.99"), 4), (D(0), 5),
])
def test_rd_tier_by_latest_revenue(revenue: Decimal, pct: int) -> None:
    assert rd_threshold_pct(R, revenue) == pct
    years = [ht_year(2022), ht_year(2023),
             ht_year(2024, revenue_yuan=revenue, rd_expense_yuan=revenue * D("0.1"),
                     rd_domestic_yuan=revenue * D("0.1"))]
    assert evaluate_high_tech(ht(years)).rd_ratio_limit == D(pct) / 100


@pytest.mark.parametrize(("offset", "passed"), [(D(0), True), (-FEN, False), (FEN, True)])
def test_rd_ratio_boundary_sum_over_sum(offset: Decimal, passed: bool) -> None:
    # revenue 3 × 3000万 = 9000万; 5% = 450万 exactly
    years = [ht_year(2022, rd_expense_yuan=D("1500000"), rd_domestic_yuan=D("1500000")),
             ht_year(2023, rd_expense_yuan=D("1500000"), rd_domestic_yuan=D("1500000")),
             ht_year(2024, rd_expense_yuan=D("1500000") + offset,
                     rd_domestic_yuan=D("1500000") + offset)]
    res = evaluate_high_tech(ht(years))
    assert res.condition("c5_rd_ratio").passed is passed


def test_ratio_is_sum_over_sum_not_average_of_ratios() -> None:
    # yearly 10%, 3%, 3% → average 5.33% but 70万 / 2100万 = 3.33% < 5%
    years = [ht_year(2022, revenue_yuan=D("1000000"), rd_expense_yuan=D("100000"),
                     rd_domestic_yuan=D("100000")),
             ht_year(2023, revenue_yuan=D("10000000"), rd_expense_yuan=D("300000"),
                     rd_domestic_yuan=D("300000")),
             ht_year(2024, revenue_yuan=D("10000000"), rd_expense_yuan=D("300000"),
                     rd_domestic_yuan=D("300000"))]
    res = evaluate_high_tech(ht(years))
    assert res.condition("c5_rd_ratio").passed is False
    assert res.rd_ratio == D("0.033333")


def test_tier_uses_latest_year_even_if_earlier_years_were_bigger() -> None:
    years = [ht_year(2022, revenue_yuan=D("300000000"), total_income_yuan=D("300000000")),
             ht_year(2023, revenue_yuan=D("300000000"), total_income_yuan=D("300000000")),
             ht_year(2024, revenue_yuan=D("40000000"))]
    assert evaluate_high_tech(ht(years)).rd_ratio_limit == D("0.05")


@pytest.mark.parametrize(("domestic", "passed"), [
    (D("2700000"), True), (D("2699999.99"), False), (D("2700000.01"), True)])
def test_domestic_share_at_least_60_percent(domestic: Decimal, passed: bool) -> None:
    # R&D 3 × 150万 = 450万; 60% = 270万; put the domestic amounts in the last year
    years = [ht_year(2022, rd_expense_yuan=D("1500000"), rd_domestic_yuan=D(0)),
             ht_year(2023, rd_expense_yuan=D("1500000"), rd_domestic_yuan=D(0)),
             ht_year(2024, rd_expense_yuan=D("1500000"), rd_domestic_yuan=D("1500000"))]
    years[1] = ht_year(2023, rd_expense_yuan=D("1500000"), rd_domestic_yuan=domestic
                       - D("1500000"))
    res = evaluate_high_tech(ht(years))
    assert res.condition("c5_rd_domestic").passed is passed


def test_domestic_above_total_is_an_input_error() -> None:
    with pytest.raises(PolicyInputError) as err:
        evaluate_high_tech(ht([ht_year(2022), ht_year(2023),
                               ht_year(2024, rd_domestic_yuan=D("9000000"))]))
    assert err.value.field == "rd_domestic_yuan"


# -- fiscal-year window ------------------------------------------------------------------------


def test_young_enterprise_uses_the_years_it_operated() -> None:
    years = [ht_year(2023), ht_year(2024)]
    res = evaluate_high_tech(ht(years, established_on=dt.date(2023, 3, 1)))
    assert res.years_used == [2023, 2024]


def test_missing_year_is_an_error_for_an_older_enterprise() -> None:
    with pytest.raises(PolicyInputError) as err:
        evaluate_high_tech(ht([ht_year(2023), ht_year(2024)]))
    assert "缺少 2022 年度" in err.value.message


def test_latest_year_is_required() -> None:
    with pytest.raises(PolicyInputError) as err:
        evaluate_high_tech(ht([ht_year(2022), ht_year(2023)]))
    assert "2024 年" in err.value.message


def test_duplicate_year_is_an_error() -> None:
    with pytest.raises(PolicyInputError):
        evaluate_high_tech(ht([ht_year(2023), ht_year(2024), ht_year(2024)],
                              established_on=dt.date(2023, 1, 1)))


def test_years_outside_the_window_are_ignored() -> None:
    years = [ht_year(2020, revenue_yuan=D(1)), ht_year(2021), ht_year(2022), ht_year(2023),
             ht_year(2024)]
    res = evaluate_high_tech(ht(years))
    assert res.years_used == [2022, 2023, 2024]
    assert any("忽略" in n for n in res.notes)


def test_no_rules_before_2016() -> None:
    with pytest.raises(RuleNotFound):
        evaluate_high_tech(ht([ht_year(2012), ht_year(2013), ht_year(2014)],
                              application_date=dt.date(2015, 6, 1),
                              established_on=dt.date(2010, 1, 1)))


# -- conditions 1, 2, 4, 6 --------------------------------------------------------------------


@pytest.mark.parametrize(("app", "passed"), [
    (dt.date(2024, 5, 31), True),  # 365 days (2024 is a leap year)
    (dt.date(2024, 5, 30), False),  # 364 days
    (dt.date(2024, 6, 1), True),
])
def test_registered_365_calendar_days(app: dt.date, passed: bool) -> None:
    res = evaluate_high_tech(ht([ht_year(2023)], application_date=app,
                                established_on=dt.date(2023, 6, 1)))
    assert res.condition("c1_registered").passed is passed


def test_no_ip_fails_condition_2_and_scores_no_ip_points() -> None:
    years = [ht_year(y, ip_class_1_count=0, ip_class_2_count=0) for y in (2022, 2023, 2024)]
    res = evaluate_high_tech(ht(years))
    assert res.condition("c2_ip").passed is False
    ip = res.score("ip")
    assert ip.points_max == D(2)  # only the standards bonus remains possible


def test_core_ip_declaration() -> None:
    assert evaluate_high_tech(ht(core_ip_owned=False)).condition("c2_ip").passed is False


@pytest.mark.parametrize(("st", "passed"), [(100, True), (99, False), (101, True)])
def test_st_staff_at_least_10_percent(st: int, passed: bool) -> None:
    years = [ht_year(2022), ht_year(2023), ht_year(2024, employees=1000, st_staff=st)]
    assert evaluate_high_tech(ht(years)).condition("c4_st_staff").passed is passed


@pytest.mark.parametrize(("ht_rev", "passed"), [
    (D("6000000"), True), (D("5999999.99"), False), (D("6000000.01"), True)])
def test_high_tech_revenue_at_least_60_percent_of_total_income(ht_rev, passed) -> None:
    years = [ht_year(2022), ht_year(2023),
             ht_year(2024, total_income_yuan=D("10000000"), high_tech_revenue_yuan=ht_rev)]
    assert evaluate_high_tech(ht(years)).condition("c6_high_tech_revenue").passed is passed


def test_zero_total_income_fails_condition_6_with_a_reason() -> None:
    years = [ht_year(2022), ht_year(2023),
             ht_year(2024, total_income_yuan=D(0), high_tech_revenue_yuan=D(0))]
    res = evaluate_high_tech(ht(years))
    assert res.condition("c6_high_tech_revenue").passed is False
    assert any(not g.fixable and g.lever == "high_tech_revenue_yuan" for g in res.gaps)


@pytest.mark.parametrize("flag", ["in_supported_field", "no_major_incident"])
def test_declarations(flag: str) -> None:
    res = evaluate_high_tech(ht(**{flag: False}))
    assert res.status == "unlikely"
    assert any(not g.fixable for g in res.gaps)


def test_tech_field_is_checked() -> None:
    assert evaluate_high_tech(ht(tech_field="3")).condition("c3_field").value == "航空航天"
    with pytest.raises(PolicyInputError):
        evaluate_high_tech(ht(tech_field="高新技术改造传统产业"))  # 2008 list, obsolete


# -- score tables -----------------------------------------------------------------------------


@pytest.mark.parametrize(("counts", "band", "lo", "hi"), [
    ((1, 0), "A", 7, 8), ((3, 9), "A", 7, 8), ((0, 5), "B", 5, 6), ((0, 9), "B", 5, 6),
    ((0, 4), "C", 3, 4), ((0, 3), "C", 3, 4), ((0, 2), "D", 1, 2), ((0, 1), "D", 1, 2),
    ((0, 0), "E", 0, 0),
])
def test_ip_count_bands(counts, band, lo, hi) -> None:
    b = ip_count_band(R, *counts)
    assert (b.letter, b.lo, b.hi) == (band, lo, hi)


@pytest.mark.parametrize(("total", "years", "band"), [
    (15, 3, "A"), (14, 3, "B"), (12, 3, "B"), (11, 3, "C"), (9, 3, "C"), (8, 3, "D"),
    (6, 3, "D"), (5, 3, "E"), (3, 3, "E"), (2, 3, "F"), (0, 3, "F"),
    (10, 2, "A"), (9, 2, "B"), (1, 1, "E"), (0, 1, "F"),
])
def test_conversion_band_from_the_yearly_average(total, years, band) -> None:
    assert conversion_band(R, total, years).letter == band


def test_conversion_uses_the_average_over_the_years() -> None:
    years = [ht_year(2022, achievements_converted=9), ht_year(2023, achievements_converted=0),
             ht_year(2024, achievements_converted=0)]  # avg 3 → C 13–18
    s = evaluate_high_tech(ht(years)).score("conversion")
    assert (s.band, s.points_min, s.points_max) == ("C", D(13), D(18))


@pytest.mark.parametrize(("values", "expected", "how"), [
    ([100, 120, 150], Fraction(9, 40), "½"),  # ½(1.2 + 1.25) − 1 = 22.5%
    ([0, 100, 150], Fraction(1, 2), "后两年"),  # first year 0 → Y3/Y2 − 1
    ([100, 0, 150], None, "第二年为 0"),
    ([0, 0, 150], None, "第二年为 0"),
    ([100, 130], Fraction(3, 10), "两年"),  # 2 years → Y2/Y1 − 1
    ([0, 130], None, "第一年为 0"),
    ([100], None, "不足两个"),
    ([100, 90, 81], Fraction(-1, 10), "½"),
    ([-100, -200, -400], Fraction(1), "½"),  # literal formula on negative net assets
])
def test_growth_rate_formula_and_edge_cases(values, expected, how) -> None:
    rate, text = growth_rate([D(v) for v in values])
    assert rate == expected
    assert how in text


@pytest.mark.parametrize(("rate", "band"), [
    (Fraction(35, 100), "A"), (Fraction(3499, 10000), "B"), (Fraction(25, 100), "B"),
    (Fraction(2499, 10000), "C"), (Fraction(15, 100), "C"), (Fraction(1499, 10000), "D"),
    (Fraction(5, 100), "D"), (Fraction(499, 10000), "E"), (Fraction(1, 10**9), "E"),
    (Fraction(0), "F"), (Fraction(-1, 10), "F"), (None, "F"), (Fraction(3), "A"),
])
def test_growth_bands(rate, band) -> None:
    assert growth_band(R, rate).letter == band


def test_growth_scores_and_negative_net_assets_need_review() -> None:
    years = [ht_year(2022, net_assets_yuan=D("-100"), revenue_yuan=D("20000000")),
             ht_year(2023, net_assets_yuan=D("-200"), revenue_yuan=D("25000000")),
             ht_year(2024, net_assets_yuan=D("-400"), revenue_yuan=D("30000000"))]
    res = evaluate_high_tech(ht(years))
    na = res.score("growth_net_assets")
    assert na.band == "A"  # +100% literally
    assert res.needs_manual_review
    assert "人工复核" in na.message
    rev = res.score("growth_revenue")  # ½(1.25 + 1.2) − 1 = 22.5% → C
    assert (rev.band, rev.points_min, rev.points_max) == ("C", D(5), D(6))


def test_ip_indicator_is_capped_at_30() -> None:
    res = evaluate_high_tech(ht(expert_scores=_expert(ip_advancement=8, ip_core_support=8,
                                                      ip_standards_bonus=2),
                                participated_in_standards=True))
    assert sum(p.points_min for p in res.score("ip").parts) == D(32)
    assert res.score("ip").points == D(30)


def test_acquisition_mode_narrows_the_range() -> None:
    assert evaluate_high_tech(ht(ip_self_developed=False)).score("ip_acquisition").points_max == 3
    assert evaluate_high_tech(ht(ip_self_developed=True)).score("ip_acquisition").points_max == 6
    with pytest.raises(PolicyInputError) as err:
        evaluate_high_tech(ht(ip_self_developed=False, expert_scores={"ip_acquisition": D(5)}))
    assert "expert_scores.ip_acquisition" in err.value.message


@pytest.mark.parametrize(("item", "value", "fragment"), [
    ("ip_count", D(6), "超出允许范围"),  # computed band A is 7–8
    ("ip_count", "B", "档次“B”不可用"),
    ("conversion", D(31), "超出允许范围"),
    ("rd_mgmt_system", D(7), "超出允许范围"),
    ("growth_revenue", D(1), "超出允许范围"),  # band F is 0
    ("ip_advancement", D(-1), "超出允许范围"),
])
def test_expert_scores_are_validated_against_their_range(item, value, fragment) -> None:
    with pytest.raises(PolicyInputError) as err:
        evaluate_high_tech(ht(expert_scores={item: value}))
    assert fragment in err.value.message
    assert err.value.field == f"expert_scores.{item}"


def test_unknown_expert_item_is_rejected() -> None:
    with pytest.raises(PolicyInputError):
        HighTechInput.from_dict({"application_date": "2025-06-01", "established_on": "2015-01-01",
                                 "years": [{"year": 2024}], "expert_scores": {"foo": 1}})


def test_expert_band_letter_gives_its_range() -> None:
    res = evaluate_high_tech(ht(expert_scores={"ip_advancement": "B"}))
    s = res.score("ip_advancement")
    assert (s.band, s.points_min, s.points_max) == ("B", D(5), D(6))


def test_fractional_expert_average_is_allowed() -> None:
    res = evaluate_high_tech(ht(expert_scores=_expert(ip_advancement=D("6.5"))))
    assert res.score_min == D("71.5")


# -- certificate -------------------------------------------------------------------------------


def test_certificate_validity_and_tax() -> None:
    res = evaluate_high_tech(ht(certificate_issue_date=dt.date(2025, 11, 20),
                                taxable_income_yuan=D("1000000")))
    c = res.certificate
    assert c.valid_until == dt.date(2028, 11, 19)
    assert c.tax_years == [2025, 2026, 2027]
    assert c.tax_rate == D("0.15")
    assert c.tax_saved_per_year_yuan == D("100000.00")
    leap = evaluate_high_tech(ht(certificate_issue_date=dt.date(2024, 2, 29))).certificate
    assert leap.valid_until == dt.date(2027, 2, 28)


# -- gaps --------------------------------------------------------------------------------------


def _failing() -> HighTechInput:
    return ht([ht_year(2022, rd_expense_yuan=D("900000"), rd_domestic_yuan=D("900000")),
               ht_year(2023, rd_expense_yuan=D("1100000"), rd_domestic_yuan=D("1000000")),
               ht_year(2024, st_staff=9, rd_expense_yuan=D("1300000"),
                       rd_domestic_yuan=D("1200000"), high_tech_revenue_yuan=D("15000000"))])


def test_gaps_are_exact_and_need_a_combination() -> None:
    inp = _failing()
    res = evaluate_high_tech(inp)
    assert res.status == "unlikely"
    by = {g.lever: g for g in res.gaps}
    # R&D: 3300000 / 90,000,000 → 5% needs 4,500,000: +1,200,000.00 in 2024
    assert by["rd_expense_yuan"].change == D("1200000.00")
    assert by["rd_expense_yuan"].changes == {"rd_expense_yuan": D("2500000.00"),
                                             "rd_domestic_yuan": D("2400000.00")}
    assert by["st_staff"].changes == {"st_staff": 10}
    assert by["high_tech_revenue_yuan"].changes == {"high_tech_revenue_yuan": D("18600000.00")}
    assert not any(g.sufficient_alone for g in res.gaps)
    assert "仅调整此项仍不能通过" in by["st_staff"].message
    (combo,) = res.combinations
    after = evaluate_high_tech(inp.with_changes(combo.changes, combo.year))
    assert after.status != "unlikely"
    # each fix is the smallest: one fen / one person less fails that condition
    for lever, code in (("rd_expense_yuan", "c5_rd_ratio"),
                        ("high_tech_revenue_yuan", "c6_high_tech_revenue")):
        changes = {k: v - FEN for k, v in by[lever].changes.items()}
        assert evaluate_high_tech(inp.with_changes(changes)).condition(code).passed is False
        assert evaluate_high_tech(inp.with_changes(by[lever].changes)).condition(code).passed


def test_single_failure_gap_is_sufficient_alone() -> None:
    inp = ht([ht_year(2022), ht_year(2023), ht_year(2024, employees=1000, st_staff=95)])
    res = evaluate_high_tech(inp)
    (gap,) = res.gaps
    assert gap.sufficient_alone and gap.target == 100 and gap.fixes == ["c4_st_staff"]
    assert evaluate_high_tech(inp.with_changes(gap.changes)).status == "possible"


def test_domestic_share_gap_offers_both_ways() -> None:
    years = [ht_year(2022, rd_domestic_yuan=D("900000")), ht_year(2023, rd_domestic_yuan=D(0)),
             ht_year(2024, rd_domestic_yuan=D("1800000"))]  # 2.7M / 5.4M = 50%
    inp = ht(years)
    res = evaluate_high_tech(inp)
    assert res.condition("c5_rd_domestic").passed is False
    by = {g.lever: g for g in res.gaps}
    # reclassify: 60% of 5.4M = 3.24M → 2024 domestic 1.8M + 0.54M = 2.34M (≤ 1.8M total? no)
    assert not by["rd_domestic_yuan"].fixable
    # new domestic R&D x: (2.7M + x) / (5.4M + x) ≥ 0.6 → x ≥ 1.35M
    assert by["rd_expense_yuan"].change == D("1350000.00")
    assert by["rd_expense_yuan"].sufficient_alone


def test_registration_gap_moves_the_application_date() -> None:
    inp = ht([ht_year(2023)], application_date=dt.date(2024, 3, 1),
             established_on=dt.date(2023, 6, 1))
    res = evaluate_high_tech(inp)
    gap = next(g for g in res.gaps if g.lever == "application_date")
    assert gap.target == dt.date(2024, 5, 31)
    assert gap.sufficient_alone


def test_score_gap_to_likely_needs_experts_when_not_given() -> None:
    res = evaluate_high_tech(ht())
    assert res.status == "possible"
    assert any(g.lever == "expert_scores" and not g.fixable for g in res.gaps)


def test_score_gap_with_counts() -> None:
    # experts gave everything; IP count D (1–2 项 Ⅱ类) scored 2 → total 66; IP count to A fixes
    years = [ht_year(y, ip_class_1_count=0, ip_class_2_count=2) for y in (2022, 2023, 2024)]
    expert = _expert(ip_count="D")
    inp = ht(years, expert_scores=expert)
    res = evaluate_high_tech(inp)
    assert res.status == "unlikely"
    fixes = [g for g in res.gaps if g.sufficient_alone]
    assert fixes
    for g in fixes:
        assert evaluate_high_tech(inp.with_changes(g.changes, g.year)).status != "unlikely"


def test_from_dict_nested_and_flat_expert_keys() -> None:
    data = {
        "application_date": "2025-06-01", "established_on": "2015-05-01",
        "industry_code": "c39", "tech_field": "电子信息", "ip_self_developed": "是",
        "expert_scores": {"ip_advancement": "A"}, "expert_scores.rd_mgmt_system": "5",
        "innovation_score": "", "years": [ht_year(y).to_dict() for y in (2022, 2023, 2024)],
    }
    inp = HighTechInput.from_dict(data)
    assert inp.expert_scores == {"ip_advancement": "A", "rd_mgmt_system": D(5)}
    assert inp.ip_self_developed is True and inp.industry_code == "C39"
    res = evaluate_high_tech(inp)
    d = res.to_dict()
    json.dumps(d, ensure_ascii=False)
    assert d["application_date"] == "2025-06-01"
    assert d["conditions"][0]["code"] == "c1_registered"
    assert d["scores"][0]["parts"][0]["band"] == "A"


@pytest.mark.parametrize(("data", "field"), [
    ({"established_on": "2015-01-01", "years": [{"year": 2024}]}, "application_date"),
    ({"application_date": "2025-01-01", "years": [{"year": 2024}]}, "established_on"),
    ({"application_date": "2025-01-01", "established_on": "2015-01-01"}, "years"),
    ({"application_date": "2025-13-01", "established_on": "2015-01-01",
      "years": [{"year": 2024}]}, "application_date"),
])
def test_from_dict_errors_name_the_field(data, field) -> None:
    with pytest.raises(PolicyInputError) as err:
        HighTechInput.from_dict(data)
    assert err.value.field == field


# -- 条件四 from the 全年月平均数 (issue 13, item 2) ---------------------------------------------


def _hc(st_months, emp_months=None, **kw) -> dict:
    return {2024: Headcount(employees_months=tuple(D(x) for x in (emp_months or [100] * 12)),
                            st_staff_months=tuple(D(x) for x in st_months), **kw)}


@pytest.mark.parametrize(("st_months", "passed"), [
    ([10] * 12, True),  # average 10 of 100: exactly 10 %
    ([10] * 11 + [D("9.5")], False),  # 9.958333…: just below
    ([10] * 11 + [D("10.5")], True),  # 10.041666…: just above
    ([9] * 6 + [11] * 6, True),  # average of the months, not the year-end count
])
def test_staff_ratio_uses_the_yearly_average(st_months, passed) -> None:
    # year-end counts (st 0) would fail: the averages decide
    years = [ht_year(2022), ht_year(2023), ht_year(2024, st_staff=0)]
    res = evaluate_high_tech(ht(years, headcount=_hc(st_months)))
    c = res.condition("c4_st_staff")
    assert c.passed is passed
    assert c.exact == sum(Fraction(x) for x in st_months) / 12 / 100
    assert "全年月平均数" in c.message
    assert res.staff.st_staff_source == "monthly"
    assert not any("年末人数" in n for n in res.notes)


def test_monthly_start_and_end_figures() -> None:
    row = {**ht_year(2024).to_dict(), "employees_monthly": [[99, 101]] * 11 + [[100, 103]],
           "st_staff_monthly": [{"start": 9, "end": 10}] * 12}
    data = {"application_date": "2025-06-01", "established_on": "2015-05-01",
            "years": [ht_year(2022).to_dict(), ht_year(2023).to_dict(), row]}
    res = evaluate_high_tech(HighTechInput.from_dict(data))
    assert res.staff.employees_monthly[-1] == D("101.5")
    assert res.staff.employees_avg_exact == Fraction(D("1201.5")) / 12
    assert res.staff.st_staff_avg_exact == Fraction(19, 2)
    # 9.5 / 100.125 < 10 %
    assert res.condition("c4_st_staff").passed is False
    assert "差" in res.condition("c4_st_staff").message


def test_year_end_counts_are_a_noted_simplification() -> None:
    res = evaluate_high_tech(ht())
    assert res.staff.employees_source == "year_end"
    assert any("年末人数计算（简化）" in n for n in res.notes)


def test_fractional_yearly_average_given_directly() -> None:
    hc = {2024: Headcount(employees_avg=D("100.5"), st_staff_avg=D("10.05"))}
    res = evaluate_high_tech(ht(headcount=hc))
    assert res.condition("c4_st_staff").passed is True  # exactly 10 %
    hc = {2024: Headcount(employees_avg=D("100.5"), st_staff_avg=D("10.04"))}
    assert evaluate_high_tech(ht(headcount=hc)).condition("c4_st_staff").passed is False


def test_part_year_divides_by_the_months_of_operation() -> None:
    hc = _hc([10] * 6, [100] * 6)
    res = evaluate_high_tech(ht(headcount=hc))
    assert res.staff.st_staff_avg_exact == 10 and res.condition("c4_st_staff").passed
    assert any("6 个月" in n for n in res.notes)


def test_staff_average_gap_reaches_the_condition() -> None:
    years = [ht_year(2022), ht_year(2023), ht_year(2024, st_staff=0)]
    inp = ht(years, headcount=_hc([9] * 12, [101] * 12))
    res = evaluate_high_tech(inp)
    gap = next(g for g in res.gaps if g.lever == "st_staff_avg")
    assert gap.target == D("10.10")
    after = evaluate_high_tech(inp.with_changes(gap.changes, gap.year), gaps=False)
    assert after.condition("c4_st_staff").passed
    less = inp.with_changes({"st_staff_avg": D("10.09")}, gap.year)
    assert not evaluate_high_tech(less, gaps=False).condition("c4_st_staff").passed


@pytest.mark.parametrize(("row", "field"), [
    ({"employees_monthly": [100] * 13}, "employees_monthly"),
    ({"st_staff_monthly": [[1, 2, 3]]}, "st_staff_monthly[1]"),
    ({"employees_monthly": [100] * 12, "st_staff_monthly": [10] * 11}, "st_staff_monthly"),
    ({"employees_monthly": [10] * 12, "st_staff_monthly": [11] * 12}, "st_staff_monthly"),
])
def test_monthly_input_errors(row, field) -> None:
    data = {"application_date": "2025-06-01", "established_on": "2015-05-01",
            "years": [ht_year(2022).to_dict(), ht_year(2023).to_dict(),
                      {**ht_year(2024).to_dict(), **row}]}
    with pytest.raises(PolicyInputError) as err:
        evaluate_high_tech(HighTechInput.from_dict(data))
    assert err.value.field == field


# -- 条件八 from the incident dates ----------------------------------------------------------------

APP = dt.date(2025, 6, 1)


@pytest.mark.parametrize(("days_before", "passed"), [
    (365, False),  # 申请前 365 天之内: the 365th day counts
    (366, True),  # just outside
    (364, False),
    (0, False),  # on the application day
    (-1, True),  # after the application: not counted
])
def test_incident_window(days_before, passed) -> None:
    inc = Incident(APP - dt.timedelta(days=days_before), "quality")
    c = evaluate_high_tech(ht(incidents=(inc,))).condition("c8_no_incident")
    assert c.passed is passed
    if not passed:
        earliest = inc.date + dt.timedelta(days=366)
        assert f"最早可于 {earliest.isoformat()} 申请" in c.message


def test_no_incidents_stated_and_not_stated() -> None:
    assert "填报为无" in evaluate_high_tech(ht(incidents=())).condition("c8_no_incident").message
    c = evaluate_high_tech(ht()).condition("c8_no_incident")
    assert c.passed is True and c.message == "符合（企业声明，平台未核实）"


def test_declaration_overrides_the_incident_dates() -> None:
    inc = (Incident(APP - dt.timedelta(days=10), "environment"),)
    res = evaluate_high_tech(ht(incidents=inc, no_major_incident=True))
    c = res.condition("c8_no_incident")
    assert c.passed is True and "按填报的事故日期判断为不符合" in c.message
    assert any("覆盖按事故日期" in n for n in res.notes)
    assert evaluate_high_tech(ht(no_major_incident=False)).condition("c8_no_incident").passed \
        is False


def test_incidents_from_dict() -> None:
    data = {"application_date": "2025-06-01", "established_on": "2015-05-01",
            "years": [ht_year(y).to_dict() for y in (2022, 2023, 2024)],
            "incidents": [{"date": "2024-06-01", "kind": "安全", "description": "火灾"}]}
    inp = HighTechInput.from_dict(data)
    assert inp.incidents == (Incident(dt.date(2024, 6, 1), "safety", "火灾"),)
    res = evaluate_high_tech(inp)
    assert res.status == "unlikely" and "火灾" in res.condition("c8_no_incident").message
    gap = next(g for g in res.gaps if "c8_no_incident" in g.fixes)
    assert "2025-06-02" in gap.message and not gap.fixable
    with pytest.raises(PolicyInputError) as err:
        HighTechInput.from_dict({**data, "incidents": [{"date": "2024-06-01", "kind": "火"}]})
    assert err.value.field == "incidents[1].kind"


# -- innovation score from what experts produce ---------------------------------------------------


@pytest.mark.parametrize(("totals", "passed", "status"), [
    ((70, 70, 70), False, "unlikely"),  # average exactly 70: not "70 以上（不含）"
    ((71, 70, 70), True, "likely"),  # 70.333…
    ((71, 70), True, "likely"),  # 70.5
    ((70, 69, 72), True, "likely"),  # 70.333…
    ((69, 70, 71), False, "unlikely"),  # 70
    ((80,), True, "likely"),
])
def test_group_average_of_expert_totals(totals, passed, status) -> None:
    res = evaluate_high_tech(ht(expert_totals=tuple(D(t) for t in totals)))
    c = res.condition("c7_innovation")
    assert c.passed is passed and res.status == status
    assert res.score_exact == Fraction(sum(totals), len(totals)) == c.exact
    assert any("位专家总分" in n for n in res.notes)


@pytest.mark.parametrize(("totals", "fragment"), [
    ((D("70.5"), D(71)), "整数"), ((D(101),), "0–100")])
def test_expert_totals_are_whole_numbers_within_100(totals, fragment) -> None:
    with pytest.raises(PolicyInputError) as err:
        evaluate_high_tech(ht(expert_totals=totals))
    assert err.value.field.startswith("expert_totals[") and fragment in err.value.message


def test_innovation_score_given_wins_over_expert_totals() -> None:
    res = evaluate_high_tech(ht(innovation_score=D("70"), expert_totals=(D(75), D(76))))
    assert res.condition("c7_innovation").passed is False
    assert any("75.5" in n and "以填报的综合得分为准" in n for n in res.notes)


ALL_ITEMS = {"ip_count": 8, "conversion": 28}  # computed bands of the default enterprise


@pytest.mark.parametrize(("given", "smin", "smax", "status"), [
    # growth of the default enterprise is 0 (flat figures)
    ({"ip": 26, "rd_mgmt": 17}, 71, 71, "likely"),  # 26 + 28 + 17 + 0
    ({"ip": 26, "rd_mgmt": 16}, 70, 70, "unlikely"),  # exactly 70
    ({"ip": (20, 26), "rd_mgmt": 16}, 64, 70, "unlikely"),  # max 70: not above
    ({"ip": (20, 27), "rd_mgmt": 16}, 64, 71, "possible"),
    ({"ip": (27, 30), "rd_mgmt": (16, 20)}, 71, 78, "likely"),
])
def test_item_totals_and_ranges_give_the_outlook(given, smin, smax, status) -> None:
    expert = {k: (tuple(D(x) for x in v) if isinstance(v, tuple) else D(v))
              for k, v in {**ALL_ITEMS, **given}.items()}
    res = evaluate_high_tech(ht(expert_scores=expert))
    assert (res.score_min, res.score_max) == (smin, smax)
    assert res.status == status
    assert "覆盖各分项" in res.score("ip").message


@pytest.mark.parametrize(("scores", "field", "fragment"), [
    ({"ip": D(31)}, "expert_scores.ip", "0–30"),
    ({"rd_mgmt": (D(10), D(21))}, "expert_scores.rd_mgmt", "0–20"),
    ({"ip_advancement": (D(5), D(9))}, "expert_scores.ip_advancement", "超出允许范围"),
    ({"ip_count": (D(5), D(6))}, "expert_scores.ip_count", "超出允许范围"),  # band A: 7–8
])
def test_item_ranges_are_validated(scores, field, fragment) -> None:
    with pytest.raises(PolicyInputError) as err:
        evaluate_high_tech(ht(expert_scores=scores))
    assert err.value.field == field and fragment in err.value.message


def test_sub_item_range_across_bands() -> None:
    res = evaluate_high_tech(ht(expert_scores={"ip_advancement": (D(5), D(8))}))
    part = res.score("ip_advancement")
    assert (part.points_min, part.points_max, part.source) == (5, 8, "range")


@pytest.mark.parametrize(("value", "parsed"), [
    ("5-8", (D(5), D(8))), ("5–8", (D(5), D(8))), ([5, 8], (D(5), D(8))), ("B", "B"),
    ("6.5", D("6.5"))])
def test_expert_values_from_dict(value, parsed) -> None:
    data = {"application_date": "2025-06-01", "established_on": "2015-05-01",
            "years": [ht_year(y).to_dict() for y in (2022, 2023, 2024)],
            "expert_scores": {"ip_advancement": value}, "expert_totals": [71, "72"]}
    inp = HighTechInput.from_dict(data)
    assert inp.expert_scores["ip_advancement"] == parsed
    assert inp.expert_totals == (D(71), D(72))


def test_range_with_lower_above_upper_is_an_error() -> None:
    data = {"application_date": "2025-06-01", "established_on": "2015-05-01",
            "years": [ht_year(2024).to_dict()], "expert_scores": {"rd_mgmt": [9, 8]}}
    with pytest.raises(PolicyInputError) as err:
        HighTechInput.from_dict(data)
    assert err.value.field == "expert_scores.rd_mgmt"


# -- 195号 三(六): R&D costs by category -----------------------------------------------------------


@pytest.mark.parametrize(("other", "allowed", "excess"), [
    (D("200000"), D("200000"), D(0)),  # at the cap: 20 % of 1,000,000
    (D("199999.99"), D("199999.99"), D(0)),
    (D("200000.01"), D("200000"), D("0.01")),
])
def test_other_costs_capped_at_20_percent_of_the_total(other, allowed, excess) -> None:
    sc = rd_scope(R, 2024, RdCosts(personnel_yuan=D(800_000), other_yuan=other))
    assert sc.other_cap_yuan == D(200_000)
    assert (sc.other_allowed_yuan, sc.other_excess_yuan) == (allowed, excess)
    assert sc.total_yuan == D(800_000) + allowed
    assert sc.other_allowed_yuan * 100 <= sc.total_yuan * 20


def test_entrusted_counted_at_80_percent_domestic_vs_overseas() -> None:
    sc = rd_scope(R, 2024, RdCosts(personnel_yuan=D(600_000), entrusted_domestic_yuan=D(100_000),
                                   entrusted_overseas_yuan=D(500_000), other_yuan=D(1_000_000)))
    assert sc.entrusted_domestic_counted_yuan == D(80_000)
    assert sc.entrusted_overseas_counted_yuan == D(400_000) == sc.overseas_yuan
    assert sc.other_cap_yuan == D(270_000)  # (600,000 + 80,000 + 400,000) ÷ 4
    assert sc.total_yuan == D(1_350_000)
    assert sc.domestic_yuan == D(950_000)  # internal + other allowed + entrusted in China
    assert sc.domestic_share_exact == Fraction(950, 1350)
    assert "超出 ¥730,000.00 不计入" in sc.message


def test_rd_costs_decide_the_ratio_conditions() -> None:
    costs = {y: RdCosts(personnel_yuan=D(1_000_000), entrusted_overseas_yuan=D(1_000_000))
             for y in (2022, 2023, 2024)}
    res = evaluate_high_tech(ht(rd_costs=costs))
    # each year 1,000,000 + 800,000 = 1,800,000, of which 1,000,000 in China: 55.6 % < 60 %
    assert res.condition("c5_rd_domestic").passed is False
    assert res.condition("c5_rd_domestic").exact == Fraction(5, 9)
    assert res.rd_ratio_exact == Fraction(5_400_000, 90_000_000)
    assert [s.year for s in res.rd_scope] == [2022, 2023, 2024]
    assert any("195号 三(六)" in n for n in res.notes)
    # the reported total (1,800,000) equals the computed one: nothing to say
    assert "与本口径不同" not in res.rd_scope[0].message
    other = {2024: RdCosts(personnel_yuan=D(2_000_000))}
    res = evaluate_high_tech(ht(rd_costs=other))
    assert "与本口径不同" in res.rd_scope[0].message
    assert res.rd_scope[0].reported_total_yuan == D(1_800_000)


def test_rd_gap_on_a_year_given_by_categories_reruns() -> None:
    costs = {2024: RdCosts(personnel_yuan=D(100_000))}
    inp = ht(rd_costs=costs)
    res = evaluate_high_tech(inp)
    assert res.condition("c5_rd_ratio").passed is False
    gap = next(g for g in res.gaps if g.lever == "rd_expense_yuan")
    after = evaluate_high_tech(inp.with_changes(gap.changes, gap.year), gaps=False)
    assert after.condition("c5_rd_ratio").passed


def test_rd_costs_from_dict_nested_and_flat() -> None:
    row = {**ht_year(2024).to_dict(), "rd_costs": {"personnel_yuan": "1000000"},
           "rd_costs.other_yuan": "300000"}
    data = {"application_date": "2025-06-01", "established_on": "2015-05-01",
            "years": [ht_year(2022).to_dict(), ht_year(2023).to_dict(), row]}
    inp = HighTechInput.from_dict(data)
    assert inp.rd_costs[2024] == RdCosts(personnel_yuan=D(1_000_000), other_yuan=D(300_000))
    assert inp.latest.rd_expense_yuan == D(1_250_000)  # other capped at 250,000
    bad = {**data, "years": [{**row, "rd_costs": {"travel_yuan": 1}}]}
    with pytest.raises(PolicyInputError) as err:
        HighTechInput.from_dict(bad)
    assert err.value.field.endswith(".travel_yuan")


def test_rd_scope_rates_are_configurable() -> None:
    rules = dataclasses.replace(R, rd_entrusted_pct=D(100), rd_other_cap_pct=D(10))
    sc = rd_scope(rules, 2024, RdCosts(entrusted_domestic_yuan=D(90_000), other_yuan=D(50_000)))
    assert sc.entrusted_domestic_counted_yuan == D(90_000) and sc.other_cap_yuan == D(10_000)


# -- exact values ---------------------------------------------------------------------------------


def test_ratio_conditions_expose_exact_values() -> None:
    res = evaluate_high_tech(ht())
    d = res.to_dict()
    c5 = next(c for c in d["conditions"] if c["code"] == "c5_rd_ratio")
    assert c5["exact"] == {"fraction": "3/50", "decimal": "0.06"}  # 5.4M ÷ 90M
    assert d["rd_ratio_exact"] == c5["exact"]
    c6 = next(c for c in d["conditions"] if c["code"] == "c6_high_tech_revenue")
    assert Fraction(c6["exact"]["fraction"]) == Fraction(24, 31) and c6["exact"]["decimal"] is None
    conv = res.score("conversion")
    assert conv.exact == 5


def test_spreadsheet_cells_for_lists() -> None:
    row = {**ht_year(2024).to_dict(), "employees_monthly": "99/101; 100/100；100/102",
           "st_staff_monthly": "10, 10.5，11"}
    data = {"application_date": "2025-06-01", "established_on": "2015-05-01",
            "years": [ht_year(2022).to_dict(), ht_year(2023).to_dict(), row],
            "expert_totals": "72、70, 69"}
    inp = HighTechInput.from_dict(data)
    assert inp.headcount[2024].employees_months == (D(100), D(100), D(101))
    assert inp.headcount[2024].st_staff_months == (D(10), D("10.5"), D(11))
    assert inp.expert_totals == (D(72), D(70), D(69))


def test_cli_evaluates_the_new_shapes(tmp_path) -> None:
    from kechuang.policy.cli import evaluate

    row = {**ht_year(2024).to_dict(), "st_staff_monthly": [10] * 12,
           "employees_monthly": [[100, 100]] * 12,
           "rd_costs": {"personnel_yuan": "1800000"}}
    data = {"application_date": "2025-06-01", "established_on": "2015-05-01",
            "years": [ht_year(2022).to_dict(), ht_year(2023).to_dict(), row],
            "expert_totals": [71, 70, 70], "incidents": []}
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    rc, text = evaluate("high_tech", str(path))
    out = json.loads(text)
    assert rc == 0 and out["status"] == "likely"
    assert out["score_exact"] == {"fraction": "211/3", "decimal": None}
    assert out["staff"]["st_staff_source"] == "monthly"
    assert out["rd_scope"][0]["total_yuan"] == "1800000"
