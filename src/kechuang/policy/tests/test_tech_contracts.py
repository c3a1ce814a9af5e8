"""技术合同认定登记 (policy-rules.md §e): registrability, amounts, deadlines, tax links."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.policy.inputs import PolicyInputError
from kechuang.policy.tech_contracts import (
    CN_CALENDAR,
    CostItem,
    TechContractInput,
    WorkCalendar,
    evaluate_tech_contract,
)

D = Decimal
day = dt.date
SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def contract(**kw: Any) -> TechContractInput:
    base: dict[str, Any] = dict(contract_type="transfer", seller="甲科技有限公司",
                                buyer="乙制造有限公司", subject="一种减速器专利的实施",
                                turnover_yuan=D(1_000_000), accepted_on=day(2026, 3, 2))
    base.update(kw)
    return TechContractInput(**base)


def run(**kw: Any):
    return evaluate_tech_contract(contract(**kw))


# -- 成交额 vs 技术交易额 -------------------------------------------------------------------------


def test_non_technical_costs_are_deducted_and_reasonable_quantity_is_flagged() -> None:
    res = run(turnover_yuan=D(6_000_000), non_technical_costs=(
        CostItem("设备", D(800_000), "equipment"),
        CostItem("原材料", D(100_000)),
        CostItem("试验装置", D(300_000), "equipment_set", reasonable_quantity=True, quantity=2)))
    assert res.turnover_yuan == D(6_000_000)
    assert res.non_technical_deducted_yuan == D(900_000)
    assert res.non_technical_exempt_yuan == D(300_000)
    assert res.tech_transaction_yuan == D(5_100_000)
    assert res.tech_transaction_share_exact == Fraction(17, 20)
    assert res.needs_review and len(res.review_items) == 1
    assert "合理数量" in res.review_items[0]
    d = res.to_dict()
    json.dumps(d, ensure_ascii=False)
    assert d["tech_transaction_yuan"] == "5100000"
    assert d["tech_transaction_share_exact"] == {"fraction": "17/20", "decimal": "0.85"}


@pytest.mark.parametrize(("sets", "items"), [(1, 1), (2, 1), (3, 2)])
def test_equipment_sets_beyond_two_get_an_extra_review_item(sets: int, items: int) -> None:
    res = run(non_technical_costs=(CostItem("装置", D(1), "equipment_set", True, sets),))
    assert len(res.review_items) == items


def test_no_costs_means_the_whole_turnover_is_technical() -> None:
    res = run()
    assert res.tech_transaction_yuan == res.turnover_yuan and not res.needs_review


@pytest.mark.parametrize(("costs", "tech"), [("999999.99", "0.01"), ("1000000", "0")])
def test_costs_up_to_the_turnover(costs: str, tech: str) -> None:
    res = run(non_technical_costs=(CostItem("设备", D(costs), "equipment"),))
    assert res.tech_transaction_yuan == D(tech)


def test_costs_above_the_turnover_are_an_input_error() -> None:
    with pytest.raises(PolicyInputError) as exc:
        run(non_technical_costs=(CostItem("设备", D("1000000.01"), "equipment"),))
    assert exc.value.field == "non_technical_costs"


# -- deadline -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("tech", "days"), [
    ("5000000", 30), ("4999999.99", 15), ("5000000.01", 30)])
def test_large_contract_threshold_on_the_technical_amount(tech: str, days: int) -> None:
    res = run(turnover_yuan=D(tech))
    assert res.large_contract is (days == 30)
    assert res.deadline is not None and res.deadline.days == days
    assert res.deadline.unit == "工作日"


def test_large_is_judged_on_the_technical_amount_not_the_turnover() -> None:
    res = run(turnover_yuan=D(6_000_000),
              non_technical_costs=(CostItem("设备", D("1000000.01"), "equipment"),))
    assert not res.large_contract and res.deadline.days == 15


def test_disputed_contract_gets_30_working_days() -> None:
    res = run(disputed=True)
    assert res.deadline.days == 30 and "存在争议" in res.deadline.reason


def test_fifteen_working_days_across_national_day_2026() -> None:
    # 9-29, 9-30, 10-8, 10-9, 10-10 (Saturday worked), 10-12 … 10-23
    res = run(accepted_on=day(2026, 9, 28))
    assert res.deadline.deadline_on == day(2026, 10, 23)
    assert res.deadline.calendar_complete
    assert res.deadline.message.endswith("即不晚于 2026-10-23")


def test_thirty_working_days_across_spring_festival_2026() -> None:
    res = run(accepted_on=day(2026, 2, 2), disputed=True)
    # 2-3…2-13 (9), 2-14 Saturday worked (10), 2-24…2-27 (14), 2-28 Saturday worked (15),
    # 3-2…3-6 (20), 3-9…3-13 (25), 3-16…3-20 (30)
    assert res.deadline.deadline_on == day(2026, 3, 20)


def test_correction_restarts_the_clock() -> None:
    res = run(accepted_on=day(2026, 3, 2),
              corrections_submitted_on=(day(2026, 3, 5), day(2026, 3, 10)))
    assert res.deadline.restarted_by_correction
    assert res.deadline.start_on == day(2026, 3, 10)
    assert res.deadline.deadline_on == day(2026, 3, 31)
    assert "补正材料提交之日" in res.deadline.message


def test_correction_before_acceptance_is_an_input_error() -> None:
    with pytest.raises(PolicyInputError) as exc:
        contract(accepted_on=day(2026, 3, 2), corrections_submitted_on=(day(2026, 3, 1),))
    assert exc.value.field == "corrections_submitted_on"


def test_old_regime_30_days_rolled_past_national_day_2025() -> None:
    res = run(accepted_on=day(2025, 9, 1), corrections_submitted_on=(day(2025, 9, 5),))
    assert res.rule_version == "tech_contracts/2000-063"
    assert (res.deadline.days, res.deadline.unit) == (30, "日")
    assert res.deadline.start_on == day(2025, 9, 1)  # no restart rule in the 2000 办法
    # 10-01 … 10-08 off; 10-09 is the first working day
    assert res.deadline.deadline_on == day(2025, 10, 9)
    assert "未规定补正重新起算" in res.deadline.message
    assert any("自然日" in n and "[U]" in n for n in res.notes)


def test_regime_boundary_by_acceptance_year() -> None:
    assert run(accepted_on=day(2025, 12, 31)).rule_version == "tech_contracts/2000-063"
    assert run(accepted_on=day(2026, 1, 1)).rule_version == "tech_contracts/2026-miit"


def test_years_outside_the_table_are_weekend_only_and_noted() -> None:
    res = run(accepted_on=day(2027, 9, 28))
    assert not res.deadline.calendar_complete
    assert any("不在节假日数据内" in n for n in res.notes)


def test_no_acceptance_date_no_deadline() -> None:
    res = run(accepted_on=None, year=2026)
    assert res.deadline is None and res.registrable
    with pytest.raises(PolicyInputError) as exc:
        run(accepted_on=None)
    assert exc.value.field == "accepted_on"


@pytest.mark.parametrize(("d", "working"), [
    (day(2026, 1, 1), False), (day(2026, 1, 4), True),  # Sunday worked
    (day(2026, 2, 14), True), (day(2026, 2, 16), False), (day(2026, 2, 24), True),
    (day(2025, 1, 26), True), (day(2025, 10, 8), False), (day(2024, 5, 11), True),
    (day(2024, 6, 10), False), (day(2026, 3, 7), False)])
def test_builtin_calendar(d: dt.date, working: bool) -> None:
    assert CN_CALENDAR.is_working_day(d) is working


def test_custom_calendar_from_data() -> None:
    inp = TechContractInput.from_dict({
        "contract_type": "service", "seller": "A", "buyer": "B", "subject": "检测",
        "turnover_yuan": "1000", "accepted_on": "2030-01-07",
        "calendar": {"holidays": ["2030-01-08"], "workdays": ["2030-01-12"], "years": [2030]}})
    res = evaluate_tech_contract(inp)
    # 01-08 off; 01-09 (1) 01-10 (2) 01-11 (3) 01-12 Sat worked (4) 01-14 … 01-25 (14),
    # 01-28 (15)
    assert res.deadline.deadline_on == day(2030, 1, 28)
    assert res.deadline.calendar_complete


# -- who registers, what is not registrable ----------------------------------------------------


@pytest.mark.parametrize(("kw", "role", "who"), [
    ({"contract_type": "development", "sub_type": "commissioned"}, "卖方：研究开发人",
     "甲科技有限公司"),
    ({"contract_type": "transfer"}, "卖方：让与人", "甲科技有限公司"),
    ({"contract_type": "licensing"}, "卖方：许可人", "甲科技有限公司"),
    ({"contract_type": "licence"}, "卖方：许可人", "甲科技有限公司"),
    ({"contract_type": "consulting"}, "卖方：受托人", "甲科技有限公司"),
    ({"contract_type": "service", "sub_type": "training"}, "卖方：培训人", "甲科技有限公司"),
    ({"contract_type": "service", "sub_type": "intermediary"}, "卖方：中介人", "甲科技有限公司"),
    ({"contract_type": "transfer", "import_contract": True}, "境内买方（技术进口合同）",
     "乙制造有限公司"),
])
def test_registrant(kw: dict, role: str, who: str) -> None:
    res = run(**kw)
    assert res.registrant_role == role and res.registrant == who


@pytest.mark.parametrize(("kw", "code"), [
    ({"form": "oral"}, "c_written"),
    ({"seller": ""}, "c_parties"), ({"buyer": ""}, "c_parties"),
    ({"subject": ""}, "c_subject"),
    ({"turnover_yuan": None}, "c_price"),
    ({"no_illegal_clauses": False}, "c_lawful"),
    ({"seal_matches_name": False}, "c_documents"),
    ({"documents_complete": False}, "c_documents"),
    ({"contract_type": "service", "sub_type": "training",
      "training_within_main_contract": True}, "c_training_separate"),
])
def test_not_registrable(kw: dict, code: str) -> None:
    res = run(**kw)
    assert not res.registrable and res.condition(code).passed is False
    assert res.reasons and res.vat_exempt is False


def test_electronic_contract_is_accepted() -> None:
    assert run(form="electronic").registrable


@pytest.mark.parametrize(("applied", "ok"), [
    (day(2026, 12, 31), True), (day(2027, 1, 1), False), (day(2026, 1, 1), True),
    (day(2025, 12, 31), False)])
def test_registration_window_2026(applied: dt.date, ok: bool) -> None:
    res = run(applied_on=applied, effective_on=day(2026, 1, 1), expires_on=day(2026, 12, 31),
              accepted_on=None, year=2026)
    assert res.condition("c_registration_window").passed is ok


def test_old_regime_only_needs_the_contract_formed() -> None:
    res = run(applied_on=day(2025, 6, 1), effective_on=day(2024, 1, 1),
              expires_on=day(2024, 12, 31), accepted_on=None)
    assert res.rule_version == "tech_contracts/2000-063"
    assert res.condition("c_registration_window").passed is True


# -- tax links -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("kw", "vat"), [
    ({"contract_type": "transfer"}, True),
    ({"contract_type": "development"}, True),
    ({"contract_type": "licensing"}, True),
    ({"contract_type": "consulting"}, None),
    ({"contract_type": "service", "related_to_transfer_or_development": True,
      "same_invoice": True}, True),
    ({"contract_type": "service", "related_to_transfer_or_development": True,
      "same_invoice": False}, False),
    ({"contract_type": "consulting", "related_to_transfer_or_development": False}, False),
    ({"contract_type": "transfer", "import_contract": True}, None),
    ({"contract_type": "transfer", "form": "oral"}, False),
])
def test_vat_exemption_by_type(kw: dict, vat: bool | None) -> None:
    assert run(**kw).vat_exempt is vat


@pytest.mark.parametrize(("income", "exempt", "halved", "tax", "tax_exact"), [
    ("5000000", "5000000", "0", "0.00", Fraction(0)),
    ("4999999.99", "4999999.99", "0", "0.00", Fraction(0)),
    ("5000000.01", "5000000", "0.01", "0.00", Fraction(1, 800)),
    ("5000000.04", "5000000", "0.04", "0.01", Fraction(1, 200)),  # 0.005 → half up
    ("8000000", "5000000", "3000000", "375000.00", Fraction(375000)),
    ("-100000", "0", "0", "0.00", Fraction(0)),
])
def test_transfer_income_500wan_rule(income, exempt, halved, tax, tax_exact) -> None:
    res = run(annual_transfer_income_yuan=D(income))
    assert res.cit is not None
    assert (res.cit.exempt_yuan, res.cit.halved_yuan, res.cit.tax_yuan) == (
        D(exempt), D(halved), D(tax))
    assert res.cit.tax_exact == tax_exact
    assert res.to_dict()["cit"]["tax_exact"]["fraction"] == (
        f"{tax_exact.numerator}/{tax_exact.denominator}")


def test_cit_rule_scope() -> None:
    assert run(contract_type="development", annual_transfer_income_yuan=D(1)).cit is None
    assert run(annual_transfer_income_yuan=D(1), form="oral").cit is None
    res = run()
    assert res.cit is None and "不是成交额" in res.cit_message
    res = run(annual_transfer_income_yuan=D(6_000_000), tax_rate=D("0.15"))
    assert res.cit.tax_yuan == D("75000.00") and any("[U]" in n for n in res.notes)


def test_from_dict_flat_row_for_batch() -> None:
    inp = TechContractInput.from_dict({
        "contract_type": "技术开发", "sub_type": "cooperative", "seller": "A", "buyer": "B",
        "subject": "联合研发", "turnover_yuan": "2,000,000", "non_technical_costs_yuan": "500000",
        "accepted_on": "2026-03-02", "corrections_submitted_on": "2026-03-04",
        "disputed": "否"})
    res = evaluate_tech_contract(inp)
    assert res.contract_type == "development" and "合作开发" in res.registrant_role
    assert res.tech_transaction_yuan == D(1_500_000)
    assert res.deadline.start_on == day(2026, 3, 4)
    row = res.to_row()
    assert row["result_registrable"] == "是" and row["result_tech_transaction_yuan"] == "1500000"


@pytest.mark.parametrize(("kw", "field"), [
    ({"contract_type": "lease"}, "contract_type"), ({"sub_type": "training"}, "sub_type"),
    ({"form": "fax"}, "form"), ({"tax_rate": D("1.5")}, "tax_rate")])
def test_input_errors(kw: dict, field: str) -> None:
    with pytest.raises(PolicyInputError) as exc:
        contract(**kw)
    assert exc.value.field == field


# -- properties ---------------------------------------------------------------------------------

amounts = st.integers(0, 10 ** 10).map(lambda n: D(n) / 100)


@SETTINGS
@given(amounts, st.lists(st.tuples(st.integers(0, 10 ** 9), st.booleans()), max_size=5))
def test_technical_amount_never_exceeds_the_turnover(turnover: Decimal, costs) -> None:
    items = tuple(CostItem(f"c{i}", D(c) / 100, "equipment", reasonable_quantity=r)
                  for i, (c, r) in enumerate(costs))
    if sum((c.amount_yuan for c in items), D(0)) > turnover:
        with pytest.raises(PolicyInputError):
            run(turnover_yuan=turnover, non_technical_costs=items)
        return
    res = run(turnover_yuan=turnover, non_technical_costs=items)
    assert D(0) <= res.tech_transaction_yuan <= res.turnover_yuan
    assert res.tech_transaction_yuan + res.non_technical_deducted_yuan == turnover
    assert res.needs_review == any(r for _, r in costs)


dates = st.dates(min_value=day(2023, 12, 1), max_value=day(2027, 3, 1))


@SETTINGS
@given(dates, st.booleans(), amounts)
def test_deadline_is_a_working_day_exactly_n_working_days_later(start: dt.date,
                                                                disputed: bool,
                                                                turnover: Decimal) -> None:
    res = run(accepted_on=start, disputed=disputed, turnover_yuan=turnover)
    dl = res.deadline
    assert CN_CALENDAR.is_working_day(dl.deadline_on)
    assert dl.deadline_on > start
    if dl.unit == "工作日":
        between = [start + dt.timedelta(days=i)
                   for i in range(1, (dl.deadline_on - start).days + 1)]
        assert sum(CN_CALENDAR.is_working_day(x) for x in between) == dl.days
    else:
        assert dl.deadline_on >= start + dt.timedelta(days=dl.days)
        gap = [start + dt.timedelta(days=dl.days + i)
               for i in range((dl.deadline_on - start).days - dl.days)]
        assert not any(CN_CALENDAR.is_working_day(x) for x in gap)


@SETTINGS
@given(dates, st.integers(1, 40))
def test_later_start_never_gives_an_earlier_deadline(start: dt.date, shift: int) -> None:
    cal = CN_CALENDAR
    later = start + dt.timedelta(days=shift)
    assert cal.add_working_days(later, 15) >= cal.add_working_days(start, 15)
    assert isinstance(cal, WorkCalendar)


# -- R&D super-deduction evidence ----------------------------------------------------------

from kechuang.policy.tech_contracts import rd_super_deduction_evidence  # noqa: E402

TYPES = st.sampled_from(["development", "transfer", "licensing", "consulting", "service"])
MONEY = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False,
                    allow_infinity=False)


@SETTINGS
@given(kind=TYPES, sub=st.sampled_from(["", "commissioned", "cooperative"]),
       registered=st.booleans(), imported=st.booleans(), paid=st.none() | MONEY)
def test_rd_evidence_needs_a_registered_development_contract(kind, sub, registered, imported,
                                                             paid) -> None:
    ev = rd_super_deduction_evidence(contract_type=kind, sub_type=sub, registered=registered,
                                     import_contract=imported, paid_yuan=paid)
    assert ev.usable == (kind == "development" and registered)
    assert ev.message
    if ev.base_yuan is not None:  # only domestic 委托开发 with a paid amount
        assert ev.usable and sub != "cooperative" and not imported and paid is not None
        assert ev.base_yuan <= paid
        assert abs(ev.base_yuan - paid * D("0.8")) <= D("0.005")


def test_rd_evidence_commissioned_counts_80_percent_for_the_buyer() -> None:
    ev = rd_super_deduction_evidence(contract_type="development", sub_type="commissioned",
                                     registered=True, paid_yuan=D("1000000"))
    assert ev.usable and ev.base_yuan == D("800000.00") and "委托方" in ev.who
    assert "受托方" in ev.message


def test_rd_evidence_overseas_is_capped_not_computed() -> None:
    ev = rd_super_deduction_evidence(contract_type="development", sub_type="commissioned",
                                     registered=True, import_contract=True,
                                     paid_yuan=D("1000000"))
    assert ev.usable and ev.base_yuan is None and "2/3" in ev.message


@SETTINGS
@given(income=st.decimals(min_value=-10**8, max_value=10**9, places=2, allow_nan=False,
                          allow_infinity=False))
def test_cit_relief_splits_income_at_500wan(income: Decimal) -> None:
    r = run(annual_transfer_income_yuan=income)
    assert r.cit is not None
    assert r.cit.exempt_yuan + r.cit.halved_yuan == max(income, D(0))
    assert r.cit.exempt_yuan <= D(5_000_000)
    assert r.cit.tax_yuan >= 0 and r.cit.tax_saved_yuan >= 0


@SETTINGS
@given(kind=TYPES, related=st.none() | st.booleans(), same=st.none() | st.booleans())
def test_vat_exemption_depends_on_type(kind, related, same) -> None:
    r = run(contract_type=kind, related_to_transfer_or_development=related, same_invoice=same)
    if kind in ("transfer", "development", "licensing"):
        assert r.vat_exempt is True
    elif related is False:
        assert r.vat_exempt is False
    elif related and same:
        assert r.vat_exempt is True
