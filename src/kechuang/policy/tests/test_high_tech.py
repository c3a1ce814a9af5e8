"""高新技术企业认定 (国科发火〔2016〕32号 / 195号): the eight conditions and the score bands."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

import pytest

from kechuang.policy.high_tech import (
    HIGH_TECH_2016,
    HighTechInput,
    conversion_band,
    evaluate_high_tech,
    growth_band,
    growth_rate,
    ip_count_band,
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
