"""科技型中小企业评价 (国科发政〔2017〕115号): every band at, just below and just above its edge."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

import pytest

from kechuang.policy.inputs import AnnualFigures, PolicyInputError, RuleNotFound
from kechuang.policy.tech_sme import (
    TECH_SME_2017,
    Award,
    RdInstitution,
    Standard,
    TechSmeInput,
    certificate_valid_until,
    evaluate_tech_sme,
    ip_points,
    rd_points,
    recent_window,
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


# -- 第八条 from facts (issue 13, item 1) -------------------------------------------------------

# a failing enterprise on the score path: only a direct-path item can make it eligible
FAIL = dict(st_staff=0, rd_expense_yuan=0, ip_class_1_count=0, evaluation_year=2026)


def _check(res, code: str):
    return next(c for c in res.direct_path_checks if c.code == code)


@pytest.mark.parametrize(("evaluated", "ok", "fragment"), [
    (dt.date(2023, 7, 1), True, "有效期内"),  # the issue day
    (dt.date(2026, 6, 30), True, "还剩 0 天"),  # the last day: issue + 3 years − 1 day
    (dt.date(2026, 7, 1), False, "已过期 1 天"),  # one day after
    (dt.date(2023, 6, 30), False, "尚未取得"),  # the day before the issue
])
def test_certificate_valid_on_the_evaluation_date(evaluated, ok, fragment) -> None:
    res = evaluate_tech_sme(sme(**{**FAIL, "evaluation_year": evaluated.year},
                                evaluation_date=evaluated,
                                high_tech_certificate_issue_date=dt.date(2023, 7, 1)))
    check = _check(res, "has_valid_high_tech_certificate")
    assert check.passed is ok and fragment in check.message
    assert res.eligible is ok and res.path == ("direct" if ok else None)
    assert check.value == "facts"


def test_certificate_without_an_evaluation_date_cannot_count() -> None:
    res = evaluate_tech_sme(sme(**FAIL, high_tech_certificate_issue_date=dt.date(2025, 1, 1)))
    check = _check(res, "has_valid_high_tech_certificate")
    assert check.passed is False and "evaluation_date" in check.message


def test_certificate_issued_on_29_february() -> None:
    assert certificate_valid_until(R, dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)
    assert certificate_valid_until(R, dt.date(2023, 7, 1)) == dt.date(2026, 6, 30)


def test_evaluation_date_and_year_must_agree() -> None:
    with pytest.raises(PolicyInputError) as err:
        evaluate_tech_sme(sme(evaluation_year=2025, evaluation_date=dt.date(2026, 7, 1)))
    assert err.value.field == "evaluation_date"
    assert evaluate_tech_sme(sme(evaluation_date=dt.date(2026, 7, 1))).evaluation_year == 2026


# evaluation year 2026: "近五年内" = 2022–2026 by default ([U], configurable)
@pytest.mark.parametrize(("level", "rank", "year", "ok", "fragment"), [
    ("national", 3, 2024, True, "符合"),  # rank at the limit
    ("national", 2, 2024, True, "符合"),
    ("national", 4, 2024, False, "差 1 名"),  # just above the limit
    ("provincial", 1, 2024, False, "不是国家级科技奖励"),
    ("national", 1, 2022, True, "符合"),  # first year of the window
    ("national", 1, 2021, False, "早 1 年"),  # just before it
    ("national", 1, 2026, True, "符合"),  # the evaluation year itself
    ("national", 1, 2027, False, "晚于评价年度"),
])
def test_award_rank_and_window(level, rank, year, ok, fragment) -> None:
    res = evaluate_tech_sme(sme(**FAIL, awards=(Award(level, rank, year),)))
    check = _check(res, "national_sci_award_top3")
    assert check.passed is ok and fragment in check.message
    assert res.eligible is ok


@pytest.mark.parametrize(("level", "rank", "year", "ok", "fragment"), [
    ("national", 5, 2023, True, "符合"),  # 起草单位前五名: at the limit
    ("industry", 4, 2023, True, "符合"),
    ("international", 1, 2023, True, "符合"),
    ("national", 6, 2023, False, "差 1 名"),
    ("group", 1, 2023, False, "不属于国际标准、国家标准或行业标准"),
    ("local", 1, 2023, False, "不属于"),
    ("enterprise", 1, 2023, False, "不属于"),
    ("national", 1, 2021, False, "不在近五年内"),
    ("national", 1, 2022, True, "符合"),
])
def test_standard_rank_level_and_window(level, rank, year, ok, fragment) -> None:
    res = evaluate_tech_sme(sme(**FAIL, standards=(Standard(level, rank, year),)))
    check = _check(res, "led_standard_drafting")
    assert check.passed is ok and fragment in check.message


@pytest.mark.parametrize(("inst", "ok"), [
    (RdInstitution("provincial", "工程技术研究中心"), True),
    (RdInstitution("ministerial", "重点实验室"), True),
    (RdInstitution("national", "企业技术中心"), True),
    (RdInstitution("municipal", "企业技术中心"), False),
    (RdInstitution("county"), False),
    (RdInstitution("provincial", recognised=False), False),
])
def test_rd_institution_level(inst, ok) -> None:
    res = evaluate_tech_sme(sme(**FAIL, rd_institutions=(inst,)))
    assert _check(res, "has_provincial_rd_institution").passed is ok
    assert res.eligible is ok


def test_any_one_qualifying_fact_is_enough() -> None:
    res = evaluate_tech_sme(sme(**FAIL, awards=(Award("national", 5, 2024),
                                                Award("national", 2, 2023))))
    assert res.eligible and "第 5 名" in _check(res, "national_sci_award_top3").message


def test_recent_window_is_configurable() -> None:
    before = dataclasses.replace(R, recent_includes_evaluation_year=False)
    assert recent_window(R, 2026) == (2022, 2026)
    assert recent_window(before, 2026) == (2021, 2025)
    inp = sme(**FAIL, awards=(Award("national", 1, 2021),))
    assert evaluate_tech_sme(inp, rules=before).eligible
    assert not evaluate_tech_sme(inp).eligible
    assert any("近五年内" in n and "[U]" in n for n in evaluate_tech_sme(inp).notes)


def test_declaration_overrides_the_facts_and_says_so() -> None:
    good = (Award("national", 1, 2024),)
    res = evaluate_tech_sme(sme(**FAIL, awards=good, national_sci_award_top3=False))
    check = _check(res, "national_sci_award_top3")
    assert check.passed is False and check.value == "declaration"
    assert "按所填事实判断为符合" in check.message
    assert any("企业声明" in n for n in res.notes)
    bad = (Award("national", 9, 2024),)
    res = evaluate_tech_sme(sme(**FAIL, awards=bad, national_sci_award_top3=True))
    assert res.eligible and res.path == "direct"


def test_old_flags_alone_work_unchanged() -> None:
    res = evaluate_tech_sme(sme(**FAIL, has_valid_high_tech_certificate=True))
    assert res.eligible and res.path == "direct"
    assert _check(res, "has_valid_high_tech_certificate").message == "企业声明：符合"


def test_direct_path_facts_from_dict() -> None:
    inp = TechSmeInput.from_dict({
        "year": 2025, "employees": 50, "st_staff": 0, "evaluation_date": "2026-07-01",
        "awards": [{"level": "国家级", "rank": "2", "year": 2023, "name": "国家科学技术进步奖"}],
        "standards": {"level": "行业标准", "rank": 6, "year": 2024},
        "rd_institutions": [{"level": "省级", "kind": "企业技术中心", "recognised": "是"}],
        "high_tech_certificate_issue_date": "2022-12-01", "first_evaluation": "否",
        "serious_dishonesty_years": [2020]})
    assert inp.awards == (Award("national", 2, 2023, "国家科学技术进步奖"),)
    assert inp.standards == (Standard("industry", 6, 2024),)
    assert inp.rd_institutions[0].level == "provincial"
    res = evaluate_tech_sme(inp)
    assert res.path == "direct"
    assert [c.passed for c in res.direct_path_checks] == [False, True, True, False]
    assert json.loads(json.dumps(res.to_dict()))["direct_path_checks"][1]["passed"] is True


@pytest.mark.parametrize(("data", "field"), [
    ({"awards": [{"level": "金奖", "rank": 1, "year": 2024}]}, "awards[1].level"),
    ({"awards": [{"level": "国家级", "rank": 0, "year": 2024}]}, "awards[1].rank"),
    ({"standards": [{"level": "national", "rank": 1}]}, "standards[1].year"),
    ({"rd_institutions": "省级"}, "rd_institutions"),
])
def test_direct_path_fact_errors_name_the_field(data, field) -> None:
    with pytest.raises(PolicyInputError) as err:
        TechSmeInput.from_dict({"year": 2025, "employees": 10, **data})
    assert err.value.field == field


# -- 2026 实地核查 --------------------------------------------------------------------------------

ONSITE_OK = dict(employees=100, ip_class_1_count=1, rd_expense_yuan=D("1500000"),
                 evaluation_year=2026, first_evaluation=False)


def test_no_onsite_check_before_2026() -> None:
    assert evaluate_tech_sme(sme(**{**ONSITE_OK, "evaluation_year": 2025})).onsite_check is None
    assert evaluate_tech_sme(sme(**ONSITE_OK)).onsite_check.required is False


@pytest.mark.parametrize(("changes", "required", "fragment"), [
    ({"employees": 5, "st_staff": 1}, True, "不超过 5 人"),  # at the limit
    ({"employees": 4, "st_staff": 1}, True, "不超过 5 人"),
    ({"employees": 6, "st_staff": 1}, False, ""),  # just above
    ({"rd_expense_yuan": D("99999.99")}, True, "差 ¥0.01"),
    ({"rd_expense_yuan": D("100000")}, False, ""),  # 10 万 itself is not "< 10 万"
    ({"rd_expense_yuan": D("100000.01")}, False, ""),
    ({"ip_class_1_count": 0, "ip_class_2_count": 0}, True, "知识产权数量为 0"),
    ({"ip_class_1_count": 0, "ip_class_2_count": 1}, False, ""),
    ({"first_evaluation": True}, True, "首次参评"),
    ({"first_evaluation": None}, None, "未填写是否首次参评"),
    ({"serious_dishonesty_years": (2024,)}, True, "严重违法失信"),  # 近三年 = 2024–2026
    ({"serious_dishonesty_years": (2023,)}, False, ""),
    ({"registration_revoked_years": (2026,)}, True, "被撤销"),
    ({"registration_revoked_years": (2023,)}, False, ""),
])
def test_onsite_check_conditions(changes, required, fragment) -> None:
    check = evaluate_tech_sme(sme(**{**ONSITE_OK, **changes})).onsite_check
    assert check.required is required
    assert fragment in check.message and "随机抽取" in check.message
    if required:
        assert check.reasons


def test_onsite_check_lists_every_reason() -> None:
    check = evaluate_tech_sme(sme(employees=3, st_staff=1, ip_class_1_count=0,
                                  rd_expense_yuan=0, evaluation_year=2026,
                                  first_evaluation=True)).onsite_check
    assert len(check.reasons) == 4 and "工企业函〔2026〕160号" in check.document


# -- exact values (issue 13, item 7) -----------------------------------------------------------


def test_scores_carry_the_exact_ratio() -> None:
    res = evaluate_tech_sme(sme(employees=3, st_staff=1, revenue_yuan=D("30000000"),
                                rd_expense_yuan=D("1000000")))
    st = res.score("st_staff")
    assert st.exact == Fraction(1, 3) and st.value == D("0.333333")
    assert st.to_dict()["exact"] == {"fraction": "1/3", "decimal": None}
    rd = res.score("rd_revenue")
    assert rd.exact == Fraction(1, 30)
    assert res.score("rd").exact == rd.exact  # the indicator takes the chosen part's ratio
    d = res.to_dict()["scores"][1]["parts"][1]
    assert d["exact"] == {"fraction": "1/25", "decimal": "0.04"}  # 100万 ÷ 2500万


def test_cli_evaluates_the_new_shapes(tmp_path) -> None:
    from kechuang.policy.cli import evaluate

    data = {"year": 2025, "employees": 50, "st_staff": 0, "evaluation_date": "2026-07-01",
            "standards": [{"level": "国家标准", "rank": 5, "year": 2022}],
            "first_evaluation": True}
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rc, text = evaluate("tech_sme", str(path))
    out = json.loads(text)
    assert rc == 0 and out["path"] == "direct"
    assert out["onsite_check"]["required"] is True and "首次参评" in out["onsite_check"]["reasons"]
    assert out["scores"][0]["exact"] == {"fraction": "0/1", "decimal": "0"}
