"""The contract figures as of a date, by county and month (kechuang.metrics)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang import metrics
from kechuang.techmarket import services
from kechuang.techmarket.models import TechContract
from kechuang.techmarket.tests.conftest import apply, register

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def book(office, enterprise_a, enterprise_a2, enterprise_b):
    """County A sells 1.0M (Mar) and 1.0M→1.2M (Feb, changed Jul); county B sells 2.0M (Apr,
    cancelled 1 Aug) and imports 0.5M (May, counted at the buyer B); one refused, one pending,
    one 2024 contract cancelled in 2025."""
    register(apply(office, enterprise_a, enterprise_b, turnover="1000000",
                   applied_on=D(2025, 3, 1)), office, D(2025, 3, 10))
    a2 = register(apply(office, enterprise_a2, enterprise_b, turnover="1000000",
                        applied_on=D(2025, 1, 20)), office, D(2025, 2, 1))
    services.change_contract(contract=a2, actor=office, reason="补充协议",
                             turnover_yuan=Decimal("1200000"), changed_on=D(2025, 7, 1))
    b1 = register(apply(office, enterprise_b, enterprise_a, turnover="2000000",
                        applied_on=D(2025, 3, 20)), office, D(2025, 4, 1))
    services.cancel_contract(contract=b1, actor=office, reason="解除",
                             cancelled_on=D(2025, 8, 1))
    register(apply(office, enterprise_a, enterprise_b, turnover="500000", import_contract=True,
                   applied_on=D(2025, 4, 20)), office, D(2025, 5, 1))
    services.refuse_contract(contract=apply(office, enterprise_a, enterprise_b,
                                            turnover="9000000"), actor=office, reason="不明确")
    apply(office, enterprise_a, enterprise_b, turnover="7000000", applied_on=D(2025, 6, 1))
    old = register(apply(office, enterprise_a, enterprise_b, turnover="300000",
                         applied_on=D(2024, 12, 1)), office, D(2024, 12, 20))
    services.cancel_contract(contract=old, actor=office, reason="解除",
                             cancelled_on=D(2025, 2, 1))


def _yuan(value: Decimal) -> Decimal:
    return (value * Decimal(10**8)).quantize(Decimal(1))


def test_turnover_follows_each_contract_state_on_the_date(book, county_a, county_b):
    m = metrics.get("tech_contract_turnover")
    assert m.unit == "亿元"

    def at(day, county=None):
        return _yuan(m.value(year=2025, as_of=day, county_id=county))

    assert at(D(2025, 6, 30), county_a.pk) == 2_000_000
    assert at(D(2025, 7, 31), county_a.pk) == 2_200_000  # the change counts from 1 July
    assert at(D(2025, 7, 31), county_b.pk) == 2_500_000  # B's sale + the import bought by B
    assert at(D(2025, 7, 31)) == 4_700_000
    assert at(D(2025, 8, 1), county_b.pk) == 500_000  # cancelled: out from 1 August
    assert at(D(2025, 8, 1)) == 2_700_000
    assert at(D(2025, 1, 31)) == 0  # the 2024 contract's cancellation is not 2025's
    assert _yuan(m.value(year=2024, as_of=D(2024, 12, 31))) == 300_000


def test_county_totals_add_up_to_the_city_total(book, county_a, county_b):
    for key in ("tech_contract_turnover", "tech_contract_transaction_amount"):
        m = metrics.get(key)
        for day in (D(2025, 3, 31), D(2025, 7, 31), D(2025, 12, 31)):
            fig = m.figures(year=2025, as_of=day)
            assert fig.city == sum(fig.counties.values())
            assert fig.city == m.value(year=2025, as_of=day)
            assert set(fig.counties) <= {county_a.pk, county_b.pk}
    fig = metrics.get("tech_contract_turnover").figures(year=2025, as_of=D(2025, 12, 31))
    # the city figure is the contracts counted now: registered/changed, not cancelled
    counted = sum(c.turnover_yuan for c in TechContract.objects.filter(
        registered_on__year=2025, status__in=("registered", "changed")))
    assert _yuan(fig.city) == counted == 2_700_000
    curve = [_yuan(v) for v in fig.curve]
    assert curve[1] == 1_000_000 and curve[6] == 4_700_000 and curve[11] == 2_700_000


def test_drill_down_lists_each_contract_once_with_what_it_counts(book, county_b):
    """A cancelled contract is one row (counting 0 after its cancellation), not two events."""
    m = metrics.get("tech_contract_turnover")
    rows = m.records(year=2025, as_of=D(2025, 12, 31), county_id=county_b.pk)
    got = sorted((r.status, r.counted_yuan) for r in rows)
    assert got == [("cancelled", Decimal("0")), ("registered", Decimal("500000"))]
    before = m.records(year=2025, as_of=D(2025, 7, 31), county_id=county_b.pk)
    assert sorted(r.counted_yuan for r in before) == [Decimal("500000"), Decimal("2000000")]
    # the rows add up to the figure
    city = m.records(year=2025, as_of=D(2025, 12, 31))
    total = sum((r.counted_yuan for r in city), Decimal(0))
    assert total * Decimal("1e-8") == m.value(year=2025, as_of=D(2025, 12, 31))
