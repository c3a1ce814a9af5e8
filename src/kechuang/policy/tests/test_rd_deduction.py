"""研发费用加计扣除 (policy-rules.md §c): rates by year, the caps, entrusted R&D, refusals."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest

from kechuang.policy.amounts import round_fen, round_fen_exact
from kechuang.policy.inputs import PolicyInputError, RuleNotFound
from kechuang.policy.rd_deduction import (
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
