"""Property tests: monotonic in R&D, scores within maxima, suggested gaps really close the gap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.policy.high_tech import (
    HIGH_TECH_2016,
    Headcount,
    HighTechInput,
    Incident,
    RdCosts,
    conversion_band,
    evaluate_high_tech,
    ip_count_band,
    rd_scope,
)
from kechuang.policy.inputs import AnnualFigures
from kechuang.policy.rd_deduction import RdDeductionInput, compute_rd_deduction
from kechuang.policy.results import exact_json, terminating_decimal
from kechuang.policy.tech_sme import TECH_SME_2017, Award, Standard, TechSmeInput, evaluate_tech_sme

D = Decimal
SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def money(max_yuan: int) -> st.SearchStrategy[Decimal]:
    """Amounts to the fen, with extra weight on round numbers near thresholds."""
    return st.one_of(
        st.integers(0, max_yuan * 100).map(lambda n: D(n) / 100),
        st.integers(0, max_yuan // 10_000).map(lambda n: D(n) * 10_000),
    )


@st.composite
def sme_inputs(draw) -> TechSmeInput:
    employees = draw(st.integers(1, 600))
    f = AnnualFigures(
        year=2024, employees=employees, st_staff=draw(st.integers(0, employees)),
        revenue_yuan=draw(money(250_000_000)), total_costs_yuan=draw(money(250_000_000)),
        total_assets_yuan=draw(money(250_000_000)), rd_expense_yuan=draw(money(30_000_000)),
        ip_class_1_count=draw(st.integers(0, 2)), ip_class_2_count=draw(st.integers(0, 6)))
    return TechSmeInput(f, has_valid_high_tech_certificate=draw(st.booleans()) and
                        draw(st.booleans()))


@SETTINGS
@given(sme_inputs(), money(10_000_000))
def test_sme_more_rd_never_lowers_the_score(inp: TechSmeInput, extra: Decimal) -> None:
    before = evaluate_tech_sme(inp, gaps=False)
    after = evaluate_tech_sme(inp.with_changes(
        {"rd_expense_yuan": inp.figures.rd_expense_yuan + extra}), gaps=False)
    assert after.total >= before.total
    assert after.score("rd").points_min >= before.score("rd").points_min


@SETTINGS
@given(sme_inputs())
def test_sme_scores_stay_within_maxima(inp: TechSmeInput) -> None:
    res = evaluate_tech_sme(inp, gaps=False)
    for s in res.scores:
        assert 0 <= s.points_min <= s.max_points
    assert 0 <= res.total <= 100
    assert res.total == sum(int(s.points_min) for s in res.scores)


@SETTINGS
@given(sme_inputs())
def test_sme_suggested_gaps_pass_when_applied(inp: TechSmeInput) -> None:
    res = evaluate_tech_sme(inp)
    if res.eligible:
        assert not res.gaps
        return
    for gap in res.gaps:
        if gap.sufficient_alone:
            assert evaluate_tech_sme(inp.with_changes(gap.changes), gaps=False).eligible
    for combo in res.combinations:
        assert evaluate_tech_sme(inp.with_changes(combo.changes), gaps=False).eligible
    # the suggested rd change is the smallest: one fen less does not pass
    for gap in res.gaps:
        if gap.sufficient_alone and gap.lever == "rd_expense_yuan":
            less = inp.with_changes({"rd_expense_yuan": gap.target - D("0.01")})
            assert not evaluate_tech_sme(less, gaps=False).eligible
        if gap.sufficient_alone and gap.lever == "st_staff":
            less = inp.with_changes({"st_staff": gap.target - 1})
            assert not evaluate_tech_sme(less, gaps=False).eligible


@st.composite
def ht_inputs(draw) -> HighTechInput:
    years = []
    for y in (2022, 2023, 2024):
        employees = draw(st.integers(1, 500))
        rd = draw(money(5_000_000))
        income = draw(money(80_000_000))
        years.append(AnnualFigures(
            year=y, employees=employees, st_staff=draw(st.integers(0, employees)),
            revenue_yuan=draw(money(80_000_000)), total_income_yuan=income,
            high_tech_revenue_yuan=min(income, draw(money(80_000_000))),
            net_assets_yuan=draw(money(50_000_000)) - draw(st.sampled_from([D(0), D(10**6)])),
            rd_expense_yuan=rd, rd_domestic_yuan=min(rd, draw(money(5_000_000))),
            ip_class_1_count=draw(st.integers(0, 1)), ip_class_2_count=draw(st.integers(0, 6)),
            achievements_converted=draw(st.integers(0, 6))))
    expert = draw(st.dictionaries(
        st.sampled_from(["ip_advancement", "ip_core_support", "rd_mgmt_system",
                         "rd_mgmt_institution", "rd_mgmt_incentive", "rd_mgmt_talent"]),
        st.integers(0, 4).map(D), max_size=6))
    if years[-1].ip_class_1_count + years[-1].ip_class_2_count == 0:
        expert = {k: v for k, v in expert.items() if not k.startswith("ip_")}
    if draw(st.booleans()):  # experts confirm the computed bands (a lever must reset them)
        last = years[-1]
        expert["ip_count"] = ip_count_band(HIGH_TECH_2016, last.ip_class_1_count,
                                           last.ip_class_2_count).letter
        total = sum(y.achievements_converted for y in years)
        expert["conversion"] = conversion_band(HIGH_TECH_2016, total, 3).letter
    return HighTechInput(years=tuple(years), application_date=dt.date(2025, 6, 1),
                         established_on=draw(st.sampled_from([dt.date(2015, 1, 1),
                                                              dt.date(2024, 9, 1)])),
                         expert_scores=expert,
                         ip_self_developed=draw(st.sampled_from([None, True, False])))


@SETTINGS
@given(ht_inputs())
def test_ht_scores_stay_within_maxima(inp: HighTechInput) -> None:
    res = evaluate_high_tech(inp, gaps=False)
    for s in res.scores:
        assert 0 <= s.points_min <= s.points_max <= s.max_points
        for p in s.parts:
            assert 0 <= p.points_min <= p.points_max <= p.max_points
    assert 0 <= res.score_min <= res.score_max <= 100


@SETTINGS
@given(ht_inputs(), money(5_000_000))
def test_ht_more_domestic_rd_never_hurts(inp: HighTechInput, extra: Decimal) -> None:
    last = inp.latest
    more = inp.with_changes({"rd_expense_yuan": last.rd_expense_yuan + extra,
                             "rd_domestic_yuan": last.rd_domestic_yuan + extra})
    before, after = evaluate_high_tech(inp, gaps=False), evaluate_high_tech(more, gaps=False)
    for code in ("c5_rd_ratio", "c5_rd_domestic"):
        if before.condition(code).passed:
            assert after.condition(code).passed
    assert (after.score_min, after.score_max) == (before.score_min, before.score_max)


@SETTINGS
@given(ht_inputs())
def test_ht_suggested_gaps_reach_their_goal(inp: HighTechInput) -> None:
    res = evaluate_high_tech(inp)
    goal_ok = ((lambda r: r.status == "likely") if res.status == "possible"
               else (lambda r: r.status != "unlikely"))
    for gap in res.gaps:
        if gap.sufficient_alone:
            assert goal_ok(evaluate_high_tech(inp.with_changes(gap.changes, gap.year),
                                              gaps=False))
        if gap.fixable and gap.changes and gap.lever in ("st_staff", "high_tech_revenue_yuan"):
            after = evaluate_high_tech(inp.with_changes(gap.changes, gap.year), gaps=False)
            assert all(after.condition(c).passed for c in gap.fixes)
    for combo in res.combinations:
        assert goal_ok(evaluate_high_tech(inp.with_changes(combo.changes, combo.year),
                                          gaps=False))


@st.composite
def ded_inputs(draw) -> RdDeductionInput:
    f = AnnualFigures(
        year=draw(st.integers(2016, 2030)), total_income_yuan=draw(money(100_000_000)),
        rd_personnel_yuan=draw(money(5_000_000)), rd_direct_input_yuan=draw(money(5_000_000)),
        rd_depreciation_yuan=draw(money(1_000_000)), rd_design_yuan=draw(money(1_000_000)),
        rd_other_yuan=draw(money(2_000_000)), rd_entrusted_domestic_yuan=draw(money(2_000_000)),
        rd_entrusted_overseas_yuan=draw(money(5_000_000)))
    return RdDeductionInput(
        f, industry_code=draw(st.sampled_from(["C26", "I65", "F51", "M73"])),
        is_tech_sme=draw(st.booleans()), ic_or_machine_tool_list=draw(st.booleans()),
        special_income_yuan=draw(st.sampled_from([D(0), D(0), D(50_000)])))


@SETTINGS
@given(ded_inputs(), money(1_000_000))
def test_deduction_bounds_and_monotonic(inp: RdDeductionInput, extra: Decimal) -> None:
    res = compute_rd_deduction(inp)
    line = {x.code: x.amount for x in res.lines}
    assert line["other_allowed"] <= min(line["other_cap"], line["other_actual"])
    assert line["overseas_allowed"] <= line["overseas_cap"]
    assert line["overseas_allowed"] <= line["entrusted_overseas"]
    assert res.extra_deduction_yuan >= 0 and res.tax_saved_yuan >= 0
    assert res.extra_deduction_yuan == res.extra_deduction_yuan.quantize(D("0.01"))
    more = compute_rd_deduction(inp.with_changes(
        {"rd_personnel_yuan": inp.figures.rd_personnel_yuan + extra}))
    assert more.extra_deduction_yuan >= res.extra_deduction_yuan


# -- issue 13: facts instead of flags, exact values ------------------------------------------


@SETTINGS
@given(st.fractions(max_denominator=10_000))
def test_exact_json_round_trips(f: Fraction) -> None:
    out = exact_json(f)
    assert Fraction(out["fraction"]) == f
    d = terminating_decimal(f)
    assert (out["decimal"] is None) == (d is None)
    if d is not None:
        assert Fraction(D(out["decimal"])) == f


@st.composite
def rd_costs(draw) -> RdCosts:
    return RdCosts(**{k: draw(money(3_000_000)) for k in (
        "personnel_yuan", "direct_input_yuan", "depreciation_yuan", "design_yuan",
        "entrusted_domestic_yuan", "entrusted_overseas_yuan", "other_yuan")})


@SETTINGS
@given(rd_costs(), money(1_000_000))
def test_rd_scope_caps_and_parts(c: RdCosts, extra: Decimal) -> None:
    sc = rd_scope(HIGH_TECH_2016, 2024, c)
    assert sc.other_allowed_yuan <= c.other_yuan
    assert sc.other_allowed_yuan * 100 <= sc.total_yuan * 20  # ≤ 20 % of the total, exactly
    assert sc.other_allowed_yuan + sc.other_excess_yuan == c.other_yuan
    assert sc.domestic_yuan + sc.overseas_yuan == sc.total_yuan
    paid = sum((getattr(c, k) for k in c.__dataclass_fields__), D(0))
    assert sc.total_yuan <= paid
    more = rd_scope(HIGH_TECH_2016, 2024, RdCosts(
        **{**{k: getattr(c, k) for k in c.__dataclass_fields__},
           "personnel_yuan": c.personnel_yuan + extra}))
    assert more.total_yuan >= sc.total_yuan and more.domestic_yuan >= sc.domestic_yuan


@SETTINGS
@given(st.lists(st.tuples(st.integers(1, 400), st.integers(0, 400)), min_size=1, max_size=12),
       st.randoms())
def test_staff_average_between_months_and_order_free(months, rnd) -> None:
    emp = [D(max(e, s)) for e, s in months]
    stf = [D(min(e, s)) for e, s in months]
    hc = Headcount(employees_months=tuple(emp), st_staff_months=tuple(stf))
    avg, _ = hc.average("st_staff")
    assert min(stf) <= avg <= max(stf)
    shuffled = list(zip(emp, stf, strict=True))
    rnd.shuffle(shuffled)
    hc2 = Headcount(employees_months=tuple(e for e, _ in shuffled),
                    st_staff_months=tuple(s for _, s in shuffled))
    assert hc2.average("st_staff")[0] == avg and hc2.average("employees")[0] == \
        hc.average("employees")[0]
    years = [AnnualFigures(year=2024, employees=1, total_income_yuan=D(1))]
    res = evaluate_high_tech(HighTechInput(years=tuple(years), application_date=dt.date(2025, 6, 1),
                                           established_on=dt.date(2024, 3, 1),
                                           headcount={2024: hc}), gaps=False)
    eavg = hc.average("employees")[0]
    assert res.condition("c4_st_staff").passed is (avg * 10 >= eavg)


@SETTINGS
@given(st.lists(st.integers(-30, 800), max_size=5))
def test_incident_window_is_365_days_inclusive(days: list[int]) -> None:
    app = dt.date(2025, 6, 1)
    inc = tuple(Incident(app - dt.timedelta(days=n), "safety") for n in days)
    years = [AnnualFigures(year=y, employees=10, st_staff=5) for y in (2022, 2023, 2024)]
    res = evaluate_high_tech(HighTechInput(years=tuple(years), application_date=app,
                                           established_on=dt.date(2015, 1, 1), incidents=inc),
                             gaps=False)
    assert res.condition("c8_no_incident").passed is (not any(0 <= n <= 365 for n in days))


@SETTINGS
@given(st.lists(st.integers(0, 100), min_size=1, max_size=9))
def test_group_average_decides_condition_7(totals: list[int]) -> None:
    res = evaluate_high_tech(HighTechInput(
        years=(AnnualFigures(year=2024, employees=10, st_staff=5),),
        application_date=dt.date(2025, 6, 1), established_on=dt.date(2024, 1, 1),
        expert_totals=tuple(D(t) for t in totals)), gaps=False)
    assert res.score_exact == Fraction(sum(totals), len(totals))
    assert min(totals) <= res.score_exact <= max(totals)
    assert res.condition("c7_innovation").passed is (sum(totals) > 70 * len(totals))


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["national", "provincial"]), st.integers(1, 8),
                          st.integers(2015, 2030)), max_size=4),
       st.lists(st.tuples(st.sampled_from(["national", "industry", "group"]),
                          st.integers(1, 8), st.integers(2015, 2030)), max_size=4))
def test_sme_direct_path_from_facts(awards, standards) -> None:
    inp = TechSmeInput(AnnualFigures(year=2025, employees=10), evaluation_year=2026,
                       awards=tuple(Award(*a) for a in awards),
                       standards=tuple(Standard(*s) for s in standards))
    res = evaluate_tech_sme(inp, gaps=False)
    award_ok = any(lv == "national" and r <= 3 and 2022 <= y <= 2026 for lv, r, y in awards)
    std_ok = any(lv != "group" and r <= 5 and 2022 <= y <= 2026 for lv, r, y in standards)
    assert res.eligible is (award_ok or std_ok)
    assert (res.path == "direct") is (award_ok or std_ok)
    assert TECH_SME_2017.recent_years == 5
