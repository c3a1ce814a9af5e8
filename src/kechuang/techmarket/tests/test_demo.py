"""Demo contracts: a year across counties, every kind of step, the action-6 figure counted."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.techmarket.demo import seed_demo_contracts
from kechuang.techmarket.models import ContractEvent, TechContract

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_orgs(regions):
    from kechuang.orgs.demo import load_demo

    load_demo(seed=2025, enterprises=300)


def test_demo_contracts_feed_the_turnover_indicator(demo_orgs, plan):
    from kechuang.kpi.selectors import build_dashboard

    stats = seed_demo_contracts(seed=2025)
    assert stats["contracts"] == 160
    for kind in ("registered", "refused", "changed", "cancelled", "pending"):
        assert stats[kind] > 0, kind
    assert TechContract.objects.values("registrant__county").distinct().count() >= 10
    for c in TechContract.objects.order_by("?")[:20]:
        c.full_clean()
    dash = build_dashboard(plan=plan, as_of=dt.date(2025, 12, 31),
                           keys=["tech_contract_turnover"])
    row = dash.cards[0].rows[0]
    assert row.metric_key == "tech_contract_turnover"
    value = row.progress.value
    assert 4 < value < 9  # 亿元: a counted figure, short of the 9亿 target
    assert sum(f.value for f in row.counties) == value  # amounts in whole 万元: exact
    from kechuang import metrics

    tech = metrics.get("tech_contract_transaction_amount").figures(
        year=2025, as_of=dt.date(2025, 12, 31))
    assert tech.city == sum(tech.counties.values())
    assert 0 < tech.city < value  # non-technical costs deducted from some contracts
    events = sum(e.turnover_delta for e in ContractEvent.objects.filter(year=2025))
    assert abs(events / 10**8 - value) < 0.0001
    assert seed_demo_contracts(seed=2025) == {}  # idempotent
