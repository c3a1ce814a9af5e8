"""Applying, deadlines (holidays, large and disputed contracts, correction restart), registering,
refusing, changing and cancelling, and who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from kechuang.core.errors import DomainError
from kechuang.techmarket import services
from kechuang.techmarket.models import ContractEvent, TechContract
from kechuang.techmarket.tests.conftest import apply, register

D = dt.date
pytestmark = pytest.mark.django_db


def test_tech_transaction_amount_deducts_non_technical_costs(office, enterprise_a,
                                                             enterprise_b):
    c = apply(office, enterprise_a, enterprise_b, turnover="2000000", costs=[
        {"description": "试验设备", "kind": "equipment", "amount_yuan": Decimal("300000")},
        {"description": "样机", "kind": "equipment_set", "amount_yuan": Decimal("100000"),
         "reasonable_quantity": True, "quantity": 1}])
    assert c.turnover_yuan == Decimal("2000000")
    assert c.non_technical_yuan == Decimal("300000")
    assert c.tech_transaction_yuan == Decimal("1700000")  # the 合理数量 item is not deducted
    assert c.needs_review is True
    assert c.registrant == enterprise_a  # the seller registers
    assert set(c.parties.all()) == {enterprise_a, enterprise_b}
    assert c.costs.count() == 2
    assert [e.kind for e in c.events.all()] == ["applied"]


def test_costs_above_the_turnover_are_refused(office, enterprise_a, enterprise_b):
    with pytest.raises(DomainError) as err:
        apply(office, enterprise_a, enterprise_b, turnover="100000", costs=[
            {"description": "设备", "kind": "equipment", "amount_yuan": Decimal("200000")}])
    assert "超过成交额" in err.value.message
    assert not TechContract.objects.exists()


def test_import_contract_registers_at_the_buyer(office, enterprise_a, enterprise_b):
    c = apply(office, enterprise_a, enterprise_b, import_contract=True)
    assert c.registrant == enterprise_b


def test_deadline_2026_fifteen_working_days_over_national_day(office, enterprise_a,
                                                              enterprise_b):
    # Monday 21 Sept 2026: 中秋 25–27 Sept, 国庆 1–7 Oct, Saturday 10 Oct worked (调休)
    c = apply(office, enterprise_a, enterprise_b, applied_on=D(2026, 9, 21))
    assert c.deadline_on == D(2026, 10, 19)


def test_deadline_large_or_disputed_is_thirty_working_days(office, enterprise_a,
                                                           enterprise_b):
    large = apply(office, enterprise_a, enterprise_b, turnover="5000000",
                  applied_on=D(2026, 9, 21))
    disputed = apply(office, enterprise_a, enterprise_b, disputed=True,
                     applied_on=D(2026, 9, 21))
    # day 15 is 19 Oct (see above), then 15 more working days
    assert large.deadline_on == disputed.deadline_on == D(2026, 11, 9)
    small = apply(office, enterprise_a, enterprise_b, turnover="5000000", applied_on=D(
        2026, 9, 21), costs=[{"description": "设备", "kind": "equipment",
                              "amount_yuan": Decimal("1")}])
    assert small.tech_transaction_yuan == Decimal("4999999")  # below 500万 after the costs
    assert small.deadline_on == D(2026, 10, 19)


def test_deadline_2025_regime_thirty_days_rolled_past_national_day(office, enterprise_a,
                                                                   enterprise_b):
    # 2000 办法: 30 (calendar) days; 8 Sept + 30 = 8 Oct, a holiday → 9 Oct
    c = apply(office, enterprise_a, enterprise_b, applied_on=D(2025, 9, 8))
    assert c.deadline_on == D(2025, 10, 9)


def test_correction_restarts_the_deadline(office, enterprise_a, enterprise_b):
    c = apply(office, enterprise_a, enterprise_b, applied_on=D(2026, 9, 21))
    c = services.correct_contract(contract=c, actor=office, corrected_on=D(2026, 10, 9),
                                  data={"subject": "补正后的合同名称", "version": c.version})
    # from Friday 9 Oct: 10 Oct (Sat, worked) is day 1 … 15 working days → 29 Oct
    assert c.corrected_on == D(2026, 10, 9)
    assert c.deadline_on == D(2026, 10, 29)
    assert c.subject == "补正后的合同名称"
    assert [e.kind for e in c.events.order_by("id")] == ["applied", "corrected"]


def test_only_pending_contracts_are_corrected(office, enterprise_a, enterprise_b):
    c = register(apply(office, enterprise_a, enterprise_b), office, D(2025, 3, 10))
    with pytest.raises(DomainError):
        services.correct_contract(contract=c, actor=office, data={"subject": "x"})


def test_register_change_cancel_events(office, enterprise_a, enterprise_b):
    c = apply(office, enterprise_a, enterprise_b, turnover="1000000")
    c = register(c, office, D(2025, 3, 10))
    assert c.status == TechContract.Status.REGISTERED and c.registered_on == D(2025, 3, 10)
    c = services.change_contract(contract=c, actor=office, reason="补充协议",
                                 turnover_yuan=Decimal("1500000"), changed_on=D(2025, 6, 1))
    assert c.status == TechContract.Status.CHANGED
    c = services.cancel_contract(contract=c, actor=office, reason="合同解除",
                                 cancelled_on=D(2025, 9, 1))
    assert c.status == TechContract.Status.CANCELLED and c.closed_on == D(2025, 9, 1)
    rows = list(c.events.order_by("id").values_list("kind", "turnover_delta", "year"))
    assert rows == [("applied", 0, None), ("registered", Decimal("1000000"), 2025),
                    ("changed", Decimal("500000"), 2025),
                    ("cancelled", Decimal("-1500000"), 2025)]
    assert sum(e.turnover_delta for e in c.events.all()) == 0


def test_dates_cannot_go_backwards(office, enterprise_a, enterprise_b):
    c = register(apply(office, enterprise_a, enterprise_b), office, D(2025, 3, 10))
    with pytest.raises(DomainError):
        services.cancel_contract(contract=c, actor=office, reason="x",
                                 cancelled_on=D(2025, 3, 1))
    with pytest.raises(DomainError):
        register(apply(office, enterprise_a, enterprise_b, applied_on=D(2025, 5, 5)), office,
                 D(2025, 5, 1))


def test_refuse_needs_a_reason_and_records_it(office, enterprise_a, enterprise_b):
    c = apply(office, enterprise_a, enterprise_b)
    with pytest.raises(DomainError):
        services.refuse_contract(contract=c, actor=office, reason=" ")
    c = services.refuse_contract(contract=c, actor=office, reason="价款约定不明确",
                                 refused_on=D(2025, 3, 20))
    assert c.status == TechContract.Status.REFUSED and c.decision_note == "价款约定不明确"
    assert c.events.get(kind=ContractEvent.Kind.REFUSED).turnover_delta == 0
    with pytest.raises(DomainError):  # a refused contract is not registered afterwards
        register(c, office, D(2025, 3, 25))


def test_registration_number_is_unique(office, enterprise_a, enterprise_b):
    a = apply(office, enterprise_a, enterprise_b)
    b = apply(office, enterprise_a, enterprise_b)
    services.register_contract(contract=a, actor=office, registration_no="N1",
                               registered_on=D(2025, 3, 5))
    with pytest.raises(DomainError):
        services.register_contract(contract=b, actor=office, registration_no="N1",
                                   registered_on=D(2025, 3, 5))


def test_enterprise_applies_only_for_its_own_contracts(users, enterprise_a, enterprise_b,
                                                       enterprise_a2):
    ent_b = users["enterprise_b_user"]
    c = apply(ent_b, enterprise_a, enterprise_b)  # enterprise B buys: it may apply
    assert c.submitted_by == ent_b
    with pytest.raises(DomainError):
        apply(ent_b, enterprise_a, enterprise_a2)
    with pytest.raises(PermissionDenied):
        services.register_contract(contract=c, actor=ent_b, registration_no="X",
                                   registered_on=D(2025, 3, 5))
    with pytest.raises(PermissionDenied):
        apply(users["county_a_staff"], enterprise_a, enterprise_b)


def test_scope_seller_buyer_county(users, office, enterprise_a, enterprise_b, enterprise_a2):
    sold_by_a = apply(office, enterprise_a, enterprise_a2)
    bought_by_b = apply(office, enterprise_a2, enterprise_b)

    def seen(user):
        return set(TechContract.objects.restrict(user, "view"))

    assert seen(users["enterprise_a_user"]) == {sold_by_a}
    assert seen(users["enterprise_b_user"]) == {bought_by_b}  # as buyer
    assert seen(users["county_a_staff"]) == {sold_by_a, bought_by_b}  # both sellers in A
    assert seen(users["county_b_staff"]) == set()
    assert seen(users["city_admin"]) == {sold_by_a, bought_by_b}
    assert seen(users["provider"]) == set()


def test_deadline_warnings_to_the_office_once_per_state(users, office, enterprise_a,
                                                        enterprise_b):
    from kechuang.notices.models import Notice

    c = apply(office, enterprise_a, enterprise_b, applied_on=D(2026, 9, 21))  # due 19 Oct
    register(apply(office, enterprise_a, enterprise_b, applied_on=D(2026, 9, 21)), office,
             D(2026, 9, 30))  # decided: never warned
    assert services.send_deadline_reminders(today=D(2026, 10, 12)) == 0
    assert services.send_deadline_reminders(today=D(2026, 10, 16)) == 2  # city admin + staff
    assert services.send_deadline_reminders(today=D(2026, 10, 17)) == 0  # already told
    assert services.send_deadline_reminders(today=D(2026, 10, 20)) == 2  # now overdue
    notices = Notice.objects.filter(recipient=users["city_staff"]).order_by("pk")
    assert [n.title.split("：")[0] for n in notices] == ["技术合同认定即将到期",
                                                         "技术合同认定已超期"]
    assert not Notice.objects.filter(recipient__in=[users["county_a_staff"],
                                                    users["enterprise_a_user"]]).exists()
    services.correct_contract(contract=c, actor=office, data={}, corrected_on=D(2026, 10, 20))
    assert services.send_deadline_reminders(today=D(2026, 10, 21)) == 0  # restarted: not due
