"""研发费用加计扣除 (policy-rules.md §c): rates by year, the caps, entrusted R&D, refusals."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.policy.amounts import round_fen, round_fen_exact
from kechuang.policy.inputs import PolicyInputError, RuleNotFound
from kechuang.policy.rd_deduction import (
    CapitalisedProject,
    IntangibleAsset,
    ProjectExpenses,
    RdDeductionInput,
    compute_rd_deduction,
)
from kechuang.policy.tests.factories import ded

D = Decimal


def test_worked_example_line_by_line() -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D("900000"),
                                   rd_direct_input_yuan=D("500000"), rd_other_yuan=D("200000"),
                                   rd_entrusted_domestic_yuan=D("100000"),
                                   rd_entrusted_overseas_yuan=D("2000000")))
    lines = {x.code: x.amount for x in res.lines}
    assert lines["sum_1_5"] == D("1400000.00")
    assert lines["other_cap"] == D("155555.56")  # 1,400,000 × 10% / 90%
    assert lines["other_allowed"] == D("155555.56")
    assert lines["entrusted_domestic"] == D("80000.00")
    assert lines["domestic_base"] == D("1635555.56")
    assert lines["entrusted_overseas"] == D("1600000.00")
    assert lines["overseas_cap"] == D("1090370.37")  # 2/3 of the domestic base
    assert lines["overseas_allowed"] == D("1090370.37")
    assert res.eligible_base_yuan == D("2725925.93")
    assert res.rate == D(1) and res.rule_version == "rd_deduction/2023-7"
    assert res.extra_deduction_yuan == D("2725925.93")
    assert res.tax_rate == D("0.25") and res.tax_saved_yuan == D("681481.48")
    d = res.to_dict()
    json.dumps(d, ensure_ascii=False)
    assert d["extra_deduction_yuan"] == "2725925.93"
    assert d["lines"][0] == {"code": "personnel", "label": "一、人员人工费用",
                             "amount": "900000.00", "note": ""}


@pytest.mark.parametrize(("year", "industry", "opts", "rate", "version"), [
    (2016, "I65", {}, "0.5", "rd_deduction/2016-119"),
    (2017, "I65", {}, "0.5", "rd_deduction/2017-34"),
    (2017, "I65", {"is_tech_sme": True}, "0.75", "rd_deduction/2017-34"),
    (2018, "I65", {}, "0.75", "rd_deduction/2018-99"),
    (2020, "C26", {}, "0.75", "rd_deduction/2018-99"),
    (2021, "C26", {}, "1", "rd_deduction/2021-13"),
    (2021, "I65", {}, "0.75", "rd_deduction/2021-13"),
    (2021, "I65", {"is_manufacturing": True}, "1", "rd_deduction/2021-13"),
    (2021, "C26", {"is_manufacturing": False}, "0.75", "rd_deduction/2021-13"),
    (2021, "I65", {"is_tech_sme": True}, "0.75", "rd_deduction/2021-13"),
    (2022, "C26", {}, "1", "rd_deduction/2022-16"),
    (2022, "I65", {"is_tech_sme": True}, "1", "rd_deduction/2022-16"),
    (2022, "I65", {}, "0.75", "rd_deduction/2022-16"),
    (2022, "I65", {"q4_2022_share": D("0.25")}, "0.8125", "rd_deduction/2022-16"),
    (2023, "I65", {}, "1", "rd_deduction/2023-7"),
    (2023, "C39", {"ic_or_machine_tool_list": True}, "1.2", "rd_deduction/2023-7"),
    (2027, "C34", {"ic_or_machine_tool_list": True}, "1.2", "rd_deduction/2023-7"),
    (2028, "C34", {"ic_or_machine_tool_list": True}, "1", "rd_deduction/2023-7"),
    (2030, "I65", {}, "1", "rd_deduction/2023-7"),
])
def test_rate_by_year(year, industry, opts, rate, version) -> None:
    res = compute_rd_deduction(ded(year, industry, rd_personnel_yuan=D("1000000"), **opts))
    assert res.rate == D(rate)
    assert res.rule_version == version
    assert res.extra_deduction_yuan == round_fen(D("1000000") * D(rate))


def test_ic_rate_records_its_document() -> None:
    res = compute_rd_deduction(ded(2024, "C39", rd_personnel_yuan=D(100),
                                   ic_or_machine_tool_list=True))
    assert "2023年第44号" in res.rate_basis


def test_no_rules_before_2016() -> None:
    with pytest.raises(RuleNotFound):
        compute_rd_deduction(ded(2015, rd_personnel_yuan=D(1)))


def test_2022_q4_note_when_share_missing() -> None:
    res = compute_rd_deduction(ded(2022, "I65", rd_personnel_yuan=D(100)))
    assert any("q4_2022_share" in n for n in res.notes)


# -- 其他相关费用 cap ---------------------------------------------------------------------------


@pytest.mark.parametrize(("sum_1_5", "other", "allowed"), [
    (D("900000"), D("100000"), D("100000.00")),  # exactly at the cap
    (D("900000"), D("100000.01"), D("100000.00")),  # one fen over
    (D("900000"), D("99999.99"), D("99999.99")),
    (D("1000000"), D("500000"), D("111111.11")),
    (D("1000000.05"), D("500000"), D("111111.12")),  # 111,111.116… half up
    (D("0"), D("5000"), D("0.00")),
])
def test_other_cost_cap(sum_1_5, other, allowed) -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=sum_1_5, rd_other_yuan=other))
    assert res.line("other_allowed").amount == allowed
    assert res.line("other_allowed").amount <= res.line("other_cap").amount


def _two_projects() -> tuple[ProjectExpenses, ...]:
    return (ProjectExpenses("甲", rd_personnel_yuan=D("900000"), rd_other_yuan=D("200000")),
            ProjectExpenses("乙", rd_personnel_yuan=D("900000"), rd_other_yuan=D("0")))


def test_cap_per_project_before_2021_and_in_total_from_2021() -> None:
    before = compute_rd_deduction(ded(2020, projects=_two_projects()))
    assert before.line("other_cap").amount == D("200000.00")
    assert before.line("other_allowed").amount == D("100000.00")  # 甲 capped at its own 100,000
    after = compute_rd_deduction(ded(2021, projects=_two_projects()))
    assert after.line("other_allowed").amount == D("200000.00")  # one cap for all projects
    assert after.line("sum_1_5").amount == D("1800000.00")


def test_before_2021_without_projects_is_one_project_with_a_note() -> None:
    res = compute_rd_deduction(ded(2020, rd_personnel_yuan=D("1800000"),
                                   rd_other_yuan=D("200000")))
    assert res.line("other_allowed").amount == D("200000.00")
    assert any("按单一项目计算" in n for n in res.notes)


# -- entrusted R&D -----------------------------------------------------------------------------


def test_entrusted_overseas_individuals_are_excluded() -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D("900000"),
                                   rd_entrusted_overseas_yuan=D("1000000"),
                                   entrusted_overseas_individuals_yuan=D("400000")))
    assert res.line("entrusted_overseas").amount == D("480000.00")
    assert res.line("overseas_cap").amount == D("600000.00")
    assert res.line("overseas_allowed").amount == D("480000.00")


def test_entrusted_overseas_capped_at_two_thirds_of_domestic() -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D("300000"),
                                   rd_entrusted_overseas_yuan=D("1000000")))
    assert res.line("overseas_allowed").amount == D("200000.00")
    assert res.eligible_base_yuan == D("500000.00")


def test_entrusted_overseas_not_deductible_before_2018() -> None:
    res = compute_rd_deduction(ded(2017, rd_personnel_yuan=D("300000"),
                                   rd_entrusted_overseas_yuan=D("1000000")))
    assert res.line("overseas_allowed").amount == D("0")


def test_individuals_above_overseas_total_is_an_error() -> None:
    with pytest.raises(PolicyInputError) as err:
        compute_rd_deduction(ded(2024, rd_entrusted_overseas_yuan=D("10"),
                                 entrusted_overseas_individuals_yuan=D("11")))
    assert err.value.field == "entrusted_overseas_individuals_yuan"


# -- who may claim -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["C16", "F51", "F52", "H61", "H62", "K70", "L71", "L72", "R90"])
def test_negative_list_by_industry_code(code: str) -> None:
    res = compute_rd_deduction(ded(2024, code, rd_personnel_yuan=D("100000")))
    assert not res.eligible
    assert res.extra_deduction_yuan == 0 and res.tax_saved_yuan == 0
    assert "负面清单" in res.reasons[0]


@pytest.mark.parametrize(("share", "eligible"), [
    (D("0.5"), True), (D("0.5000001"), False), (D("0.4999999"), True), (D("1"), False),
    (D("0"), True)])
def test_negative_list_by_income_share_exactly_half_is_not_excluded(share, eligible) -> None:
    res = compute_rd_deduction(ded(2024, "F51", rd_personnel_yuan=D("100000"),
                                   negative_list_income_share=share))
    assert res.eligible is eligible


@pytest.mark.parametrize(("neg", "investment", "eligible"), [
    (D("15000000"), D(0), True), (D("15000000.01"), D(0), False),
    (D("14500000"), D("1000000"), True), (D("14500000.01"), D("1000000"), False),
])
def test_negative_list_by_income_amounts(neg, investment, eligible) -> None:
    # total income 3000万 − investment income, > 50% (不含) excluded
    res = compute_rd_deduction(ded(2024, "C26", rd_personnel_yuan=D("100000"),
                                   negative_list_income_yuan=neg,
                                   investment_income_yuan=investment))
    assert res.eligible is eligible
    assert res.condition("c_negative_list").passed is eligible


def test_deemed_collection_cannot_claim() -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D("100000"), deemed_collection=True))
    assert not res.eligible and res.extra_deduction_yuan == 0
    assert "核定征收" in res.reasons[0]


def test_no_categorised_expenses_is_refused_with_reason() -> None:
    res = compute_rd_deduction(ded(2024, rd_expense_yuan=D("100000")))
    assert not res.eligible
    assert res.condition("c_rd_expenses").passed is False


# -- tax rate, rounding, adjustments -----------------------------------------------------------


@pytest.mark.parametrize(("opts", "rate", "saved"), [
    ({}, "0.25", "25000.00"), ({"is_high_tech": True}, "0.15", "15000.00"),
    ({"tax_rate": D("0.2")}, "0.2", "20000.00"),
])
def test_tax_saved_at_the_enterprise_rate(opts, rate, saved) -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D("100000"), **opts))
    assert res.tax_rate == D(rate) and res.tax_saved_yuan == D(saved)


def test_bad_tax_rate() -> None:
    with pytest.raises(PolicyInputError):
        compute_rd_deduction(ded(2024, rd_personnel_yuan=D(1), tax_rate=D("1.5")))


def test_rounding_is_half_up_to_the_fen() -> None:
    assert round_fen(D("0.005")) == D("0.01")
    assert round_fen(D("0.015")) == D("0.02")  # not banker's
    assert round_fen_exact(Fraction(1, 200)) == D("0.01")
    assert round_fen_exact(Fraction(-1, 200)) == D("-0.01")
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D("0.01"), tax_rate=D("0.5")))
    assert res.tax_saved_yuan == D("0.01")  # 0.005 → 0.01
    res = compute_rd_deduction(ded(2024, "C39", rd_personnel_yuan=D("100.01"),
                                   ic_or_machine_tool_list=True))
    assert res.extra_deduction_yuan == D("120.01")  # 120.012


def test_special_income_exceeding_expenses_gives_zero_without_carry_forward() -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D("1000000"),
                                   special_income_yuan=D("1200000")))
    assert res.eligible_base_yuan == 0 and res.material_carry_forward_yuan == 0


def test_material_of_sold_products_carries_forward() -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D("1000000"),
                                   sold_material_cost_yuan=D("1300000")))
    assert res.eligible_base_yuan == 0
    assert res.material_carry_forward_yuan == D("300000.00")


def test_intangible_asset_amortisation_multiplier() -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D(1),
                                   intangible_cost_yuan=D("1000000")))
    line = res.line("intangible_extra")
    assert line.amount == D("1000000.00") and "200.00%" in line.label


def test_from_dict() -> None:
    inp = RdDeductionInput.from_dict({
        "year": 2020, "industry_code": "c26", "is_high_tech": "true",
        "projects": [{"name": "甲", "rd_personnel_yuan": "900000", "rd_other_yuan": "200000"},
                     {"rd_personnel_yuan": 900000}],
        "negative_list_income_share": "", "tax_rate": None})
    assert inp.projects[1].name == "项目2"
    res = compute_rd_deduction(inp)
    assert res.line("other_allowed").amount == D("100000.00")
    assert res.tax_rate == D("0.15")
    with pytest.raises(PolicyInputError) as err:
        RdDeductionInput.from_dict({"year": 2024, "rd_personnel_yuan": "abc"})
    assert err.value.field == "rd_personnel_yuan"
    assert "人员人工费用" in err.value.message and "“abc”不是有效的数字" in err.value.message


# -- issue 13 item 3: old inputs unchanged -----------------------------------------------------

LEGACY_LINES = ["personnel", "direct_input", "depreciation", "amortization", "design", "sum_1_5",
                "other_actual", "other_cap", "other_allowed", "entrusted_domestic",
                "domestic_base", "entrusted_overseas", "overseas_cap", "overseas_allowed",
                "special_income", "sold_material", "eligible_base", "extra_deduction",
                "tax_saved"]


def test_old_inputs_give_the_old_lines_and_empty_new_parts() -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D("900000"),
                                   rd_other_yuan=D("200000")))
    assert [x.code for x in res.lines] == LEGACY_LINES
    assert all(x.note == "" for x in res.lines if x.code == "depreciation")
    assert res.capitalised == [] and res.intangibles == [] and res.prefiling is None
    assert res.other_allowed_ratio_exact is None
    assert res.other_cap_exact == Fraction(900000, 9)
    d = res.to_dict()
    assert d["other_cap_exact"] == {"fraction": "100000/1", "decimal": "100000"}
    assert d["overseas_cap_exact"]["fraction"] == "2000000/3"
    assert d["prefiling"] is None and d["capitalised"] == [] and d["intangibles"] == []


# -- 财政性资金 (2017年第40号; 执行指引2.0 四(三)3) ---------------------------------------------


@pytest.mark.parametrize(("subsidy", "taxable", "base"), [
    (D("500000"), False, D("1500000.00")),  # the guide's example: 200万 − 50万
    (D("500000"), True, D("2000000.00")),  # taxed and added back: the full amount
    (D("1999999.99"), False, D("0.01")),
    (D("2000000"), False, D("0.00")),
    (D("2000000.01"), False, D("0.00")),  # never negative
    (D("0"), False, D("2000000.00")),
])
def test_government_subsidy_netted_from_the_base(subsidy, taxable, base) -> None:
    res = compute_rd_deduction(ded(2023, rd_personnel_yuan=D("2000000"),
                                   government_subsidy_yuan=subsidy, subsidy_taxable=taxable))
    assert res.line("domestic_base").amount == base
    assert res.eligible is (base > 0)
    if subsidy:
        line = res.line("government_subsidy")
        assert line.amount == (0 if taxable else round_fen(subsidy))
        assert ("应税收入" in line.note) and any("[U]" in n for n in res.notes)
    else:
        assert "government_subsidy" not in [x.code for x in res.lines]
    if base == 0:
        assert "冲减财政性资金" in res.reasons[0]


def test_subsidy_lowers_the_overseas_cap() -> None:
    res = compute_rd_deduction(ded(2023, rd_personnel_yuan=D("900000"),
                                   rd_entrusted_overseas_yuan=D("1000000"),
                                   government_subsidy_yuan=D("300000")))
    assert res.line("overseas_cap").amount == D("400000.00")  # ⅔ × 600,000
    assert res.eligible_base_yuan == D("1000000.00")


def test_negative_subsidy_is_an_error() -> None:
    with pytest.raises(PolicyInputError) as err:
        compute_rd_deduction(ded(2023, rd_personnel_yuan=D(1),
                                 government_subsidy_yuan=D("-1")))
    assert err.value.field == "government_subsidy_yuan"


# -- depreciation: the tax figure counts (2017年第40号) ------------------------------------------


@pytest.mark.parametrize(("book", "tax", "counted"), [
    (D("1500000"), D("2000000"), D("2000000.00")),  # the guide's accelerated example
    (D("1500000"), D("1200000"), D("1200000.00")),  # tax below book: still the tax figure
    (D("1500000"), D("1500000"), D("1500000.00")),
    (D("1500000"), None, D("1500000.00")),
])
def test_depreciation_uses_the_tax_deductible_amount(book, tax, counted) -> None:
    res = compute_rd_deduction(ded(2023, rd_depreciation_yuan=book,
                                   rd_depreciation_tax_yuan=tax))
    assert res.line("depreciation").amount == counted
    assert res.extra_deduction_yuan == counted
    assert ("税前扣除折旧" in res.line("depreciation").note) is (tax is not None)


def test_tax_depreciation_raises_the_other_cost_cap() -> None:
    res = compute_rd_deduction(ded(2023, rd_depreciation_yuan=D("720000"),
                                   rd_depreciation_tax_yuan=D("900000"),
                                   rd_other_yuan=D("100000")))
    assert res.line("other_cap").amount == D("100000.00")
    assert res.line("other_allowed").amount == D("100000.00")


def test_tax_depreciation_per_project() -> None:
    projects = (ProjectExpenses("甲", rd_depreciation_yuan=D("100"),
                                rd_depreciation_tax_yuan=D("150")),
                ProjectExpenses("乙", rd_depreciation_yuan=D("100")))
    res = compute_rd_deduction(ded(2020, projects=projects))
    assert res.line("depreciation").amount == D("250.00")
    with pytest.raises(PolicyInputError) as err:
        compute_rd_deduction(ded(2020, projects=projects, rd_depreciation_tax_yuan=D(1)))
    assert err.value.field == "rd_depreciation_tax_yuan"


# -- capitalised projects share the 其他相关费用 cap (执行指引2.0 四(二)4) -------------------------


def _cap_case(cap_other: Decimal, *, finished: bool = True, year: int = 2023):
    return compute_rd_deduction(ded(
        year, rd_personnel_yuan=D("880000"), rd_other_yuan=D("120000"),
        capitalised_projects=(CapitalisedProject("资本化", rd_personnel_yuan=D("840000"),
                                                 rd_other_yuan=cap_other, finished=finished),)))


def test_capitalised_share_four_steps() -> None:
    res = _cap_case(D("80000"))
    # (1) cap over 88万 + 84万 → 191,111.11; (2) < 200,000 actual; (3) ratio; (4) shares
    assert res.line("other_cap").amount == D("191111.11")
    assert res.other_cap_exact == Fraction(1720000, 9)
    assert res.other_allowed_ratio_exact == Fraction(D("191111.11")) / 200000
    assert res.line("other_allowed").amount == D("114666.67")  # 120,000 × ratio
    share = res.capitalised[0]
    assert share.other_allowed_yuan == D("76444.44")  # 80,000 × ratio
    assert share.eligible_yuan == D("916444.44")
    assert res.line("capitalised_other_allowed").amount == D("76444.44")
    assert res.extra_deduction_yuan == D("994666.67")
    d = res.to_dict()
    assert d["other_allowed_ratio_exact"]["fraction"] == "19111111/20000000"
    assert d["capitalised"][0]["other_allowed_yuan"] == "76444.44"


@pytest.mark.parametrize(("cap_other", "ratio_one"), [
    (D("71111.11"), True),  # total 191,111.11 = the cap exactly
    (D("71111.10"), True),  # one fen below
    (D("71111.12"), False),  # one fen above: shared pro rata
])
def test_capitalised_share_at_the_cap(cap_other: Decimal, ratio_one: bool) -> None:
    res = _cap_case(cap_other)
    assert (res.other_allowed_ratio_exact == 1) is ratio_one
    assert res.line("other_allowed").amount == (D("120000.00") if ratio_one
                                                else D("119999.99"))
    assert res.capitalised[0].other_allowed_yuan <= cap_other


def test_unfinished_capitalised_projects_wait_for_their_year() -> None:
    res = _cap_case(D("80000"), finished=False)
    assert res.line("other_cap").amount == D("97777.78")  # 880,000 ÷ 9 only
    assert res.line("other_allowed").amount == D("97777.78")
    share = res.capitalised[0]
    assert share.other_allowed_yuan is None and "未结束" in share.message


def test_capitalised_before_2021_has_its_own_cap() -> None:
    res = _cap_case(D("100000"), year=2020)
    assert res.capitalised[0].other_allowed_yuan == D("93333.33")  # 840,000 ÷ 9
    assert res.other_allowed_ratio_exact is None
    assert res.line("other_allowed").amount == D("97777.78")


# -- intangible assets: tax base, schedule, minimum period -------------------------------------


@pytest.mark.parametrize(("year", "opts", "multiplier", "base"), [
    (2023, {}, "2", "2000000.00"),
    (2024, {"ic_or_machine_tool_list": True}, "2.2", "2200000.00"),
    (2027, {"ic_or_machine_tool_list": True}, "2.2", "2200000.00"),
    (2028, {"ic_or_machine_tool_list": True}, "2", "2000000.00"),
    (2020, {}, "1.75", "1750000.00"),
])
def test_intangible_tax_base(year, opts, multiplier, base) -> None:
    res = compute_rd_deduction(ded(year, "C39", rd_personnel_yuan=D(1), **opts,
                                   intangible_assets=(IntangibleAsset("专利", D("1000000")),)))
    it = res.intangibles[0]
    assert it.multiplier == D(multiplier) and it.tax_base_yuan == D(base)
    assert sum(y.amount_yuan for y in it.schedule) == it.tax_base_yuan
    assert sum(y.extra_yuan for y in it.schedule) == it.extra_yuan


def test_intangible_formed_earlier_uses_its_year_and_only_eligible_cost() -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D(1), intangible_assets=(
        IntangibleAsset("软件", D("1000000"), eligible_cost_yuan=D("600000"),
                        formed_year=2019),)))
    it = res.intangibles[0]
    assert it.rate == D("0.75") and it.tax_base_yuan == D("1450000.00")
    with pytest.raises(PolicyInputError):
        compute_rd_deduction(ded(2024, rd_personnel_yuan=D(1), intangible_assets=(
            IntangibleAsset("软件", D("100"), eligible_cost_yuan=D("100.01")),)))


@pytest.mark.parametrize(("years", "legal", "ok", "used"), [
    (10, None, True, 10), (9, None, False, 10), (11, None, True, 11), (1, None, False, 10),
    (5, 5, True, 5), (4, 5, False, 5), (6, 5, True, 6),
])
def test_minimum_amortisation_period(years, legal, ok, used) -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D(1), intangible_assets=(
        IntangibleAsset("专利", D("1200000"), amortisation_years=years, legal_years=legal),)))
    it = res.intangibles[0]
    assert it.period_check.passed is ok and it.years_used == used
    assert sum(y.months for y in it.schedule) == used * 12
    if not ok:
        assert f"短 {used - years} 年" in it.period_check.message


def test_amortisation_schedule_starts_in_the_month_available() -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D(1), intangible_assets=(
        IntangibleAsset("专利", D("1000000"), available_from=dt.date(2024, 10, 15)),)))
    it = res.intangibles[0]
    sched = [(y.year, y.months, y.amount_yuan) for y in it.schedule]
    assert sched[0] == (2024, 3, D("50000.00"))  # 2,000,000 ÷ 120 × 3
    assert sched[1] == (2025, 12, D("200000.00"))
    assert sched[-1] == (2034, 9, D("150000.00"))
    assert it.monthly_yuan_exact == Fraction(50000, 3)
    assert res.to_dict()["intangibles"][0]["monthly_yuan_exact"]["fraction"] == "50000/3"


def test_ineligible_enterprise_amortises_at_cost() -> None:
    res = compute_rd_deduction(ded(2024, "F51", rd_personnel_yuan=D(1), intangible_assets=(
        IntangibleAsset("专利", D("1000000")),)))
    assert res.intangibles[0].multiplier == 1
    assert res.intangibles[0].tax_base_yuan == D("1000000.00")


# -- 2023年第11号 pre-filing ----------------------------------------------------------------------


@pytest.mark.parametrize(("period", "filer", "month", "tax_period"), [
    ("H1", "quarterly", 7, "2024 年第 2 季度"), ("H1", "monthly", 7, "2024 年 6 月"),
    ("Q1-Q3", "quarterly", 10, "2024 年第 3 季度"), ("Q1-Q3", "monthly", 10, "2024 年 9 月"),
    ("FY", "quarterly", None, "2024 年度"),
])
def test_prefiling_periods(period, filer, month, tax_period) -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D("500000"),
                                   prefiling_period=period, filer=filer))
    p = res.prefiling
    assert res.eligible and res.extra_deduction_yuan == D("500000.00")
    assert p.declaration_month == month and p.tax_period == tax_period
    assert res.condition("c_prefiling_period").passed is True
    if period == "H1":
        assert "10 月份预缴申报或年度汇算清缴" in p.if_not_chosen
    if period == "Q1-Q3":
        assert p.if_not_chosen == "前三季度未选择享受的，可在年度汇算清缴时享受"
    assert "2023年第11号" in p.document


@pytest.mark.parametrize(("year", "period", "ok"), [
    (2022, "H1", False), (2022, "Q1-Q3", False), (2022, "FY", True), (2023, "H1", True)])
def test_prefiling_from_2023_only(year: int, period: str, ok: bool) -> None:
    res = compute_rd_deduction(ded(year, rd_personnel_yuan=D("100"), prefiling_period=period))
    assert res.condition("c_prefiling_period").passed is ok and res.eligible is ok
    if not ok:
        assert res.extra_deduction_yuan == 0 and "2023年第11号" in res.reasons[0]


def test_prefiling_needs_accurate_accounting_but_the_annual_filing_does_not() -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D("100"), prefiling_period="H1",
                                   accurate_accounting=False))
    assert not res.eligible and res.condition("c_prefiling_accounting").passed is False
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=D("100"), prefiling_period="FY",
                                   accurate_accounting=False))
    assert res.eligible


def test_new_options_from_dict() -> None:
    inp = RdDeductionInput.from_dict({
        "year": 2024, "industry_code": "C26", "rd_personnel_yuan": "880000",
        "rd_other_yuan": "120000", "rd_depreciation_tax_yuan": "", "government_subsidy_yuan": 0,
        "prefiling_period": "上半年", "filer": "按月",
        "capitalised_projects": [{"rd_personnel_yuan": "840000", "rd_other_yuan": "80000",
                                  "finished": "是"}],
        "intangible_assets": [{"name": "专利", "cost_yuan": "1000000",
                               "amortisation_years": "10", "available_from": "2024-07-01"}]})
    assert inp.prefiling_period == "H1" and inp.filer == "monthly"
    assert inp.capitalised_projects[0].name == "资本化项目1"
    res = compute_rd_deduction(inp)
    assert res.capitalised[0].other_allowed_yuan == D("76444.44")
    assert res.intangibles[0].schedule[0].months == 6
    json.dumps(res.to_dict(), ensure_ascii=False)
    for bad, field in (({"prefiling_period": "Q2"}, "prefiling_period"),
                       ({"filer": "yearly"}, "filer"),
                       ({"intangible_assets": [{"name": "x"}]}, "intangible_assets[0].cost_yuan"),
                       ({"capitalised_projects": "x"}, "capitalised_projects")):
        with pytest.raises(PolicyInputError) as err:
            RdDeductionInput.from_dict({"year": 2024, **bad})
        assert err.value.field == field


# -- properties ----------------------------------------------------------------------------------

AMOUNT = st.integers(0, 500_000_000).map(lambda n: D(n) / 100)


@settings(max_examples=150, deadline=None)
@given(AMOUNT, AMOUNT, AMOUNT, AMOUNT, st.booleans())
def test_shared_cap_never_exceeds_actual_or_cap(s15, other, cap_s15, cap_other, finished) -> None:
    res = compute_rd_deduction(ded(2024, rd_personnel_yuan=s15, rd_other_yuan=other,
                                   capitalised_projects=(CapitalisedProject(
                                       "c", rd_personnel_yuan=cap_s15, rd_other_yuan=cap_other,
                                       finished=finished),)))
    share = res.capitalised[0]
    expensed = res.line("other_allowed").amount
    assert expensed <= round_fen(other)
    if finished:
        assert share.other_allowed_yuan <= round_fen(cap_other)
        # rounded parts add up to the capped total within a fen
        assert expensed + share.other_allowed_yuan <= res.line("other_cap").amount + D("0.01")
    else:
        assert share.other_allowed_yuan is None


@settings(max_examples=150, deadline=None)
@given(AMOUNT, AMOUNT)
def test_subsidy_never_raises_the_base(rd: Decimal, subsidy: Decimal) -> None:
    without = compute_rd_deduction(ded(2024, rd_personnel_yuan=rd))
    netted = compute_rd_deduction(ded(2024, rd_personnel_yuan=rd, government_subsidy_yuan=subsidy))
    assert 0 <= netted.eligible_base_yuan <= without.eligible_base_yuan
    assert netted.eligible_base_yuan == max(D(0), without.eligible_base_yuan - round_fen(subsidy))


@settings(max_examples=150, deadline=None)
@given(AMOUNT, st.integers(1, 30), st.integers(1, 12), st.booleans())
def test_schedule_adds_up_to_the_tax_base(cost: Decimal, years: int, month: int, ic) -> None:
    res = compute_rd_deduction(ded(2024, "C39", rd_personnel_yuan=D(1),
                                   ic_or_machine_tool_list=ic, intangible_assets=(
        IntangibleAsset("x", cost, amortisation_years=years,
                        available_from=dt.date(2024, month, 1)),)))
    it = res.intangibles[0]
    assert sum(y.amount_yuan for y in it.schedule) == it.tax_base_yuan
    assert sum(y.extra_yuan for y in it.schedule) == it.extra_yuan
    assert sum(y.months for y in it.schedule) == max(years, 10) * 12
    assert all(0 < y.months <= 12 and y.amount_yuan >= 0 for y in it.schedule)
    c = round_fen(cost)
    assert it.tax_base_yuan == c + round_fen(c * (D("1.2") if ic else D(1)))


@settings(max_examples=100, deadline=None)
@given(AMOUNT, st.sampled_from(["H1", "Q1-Q3", "FY"]), st.sampled_from(["quarterly", "monthly"]))
def test_prefiling_period_does_not_change_the_amounts(rd, period, filer) -> None:
    base = compute_rd_deduction(ded(2024, rd_personnel_yuan=rd))
    pre = compute_rd_deduction(ded(2024, rd_personnel_yuan=rd, prefiling_period=period,
                                   filer=filer))
    assert pre.extra_deduction_yuan == base.extra_deduction_yuan
    assert [x.amount for x in pre.lines] == [x.amount for x in base.lines]
