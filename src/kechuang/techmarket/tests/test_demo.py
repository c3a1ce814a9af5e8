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


def test_demo_fills_action_6_screens(demo_orgs, plan, users, client_for):
    from django.urls import reverse

    from kechuang import metrics
    from kechuang.techmarket.demo import seed_demo_service_data
    from kechuang.techmarket.models import CountyGdp, EntityConversion

    seed_demo_contracts(seed=2025)
    out = seed_demo_service_data()
    assert out["candidates"] == 3 and out["gdp"] == 12 and out["allocated"] >= 12
    assert EntityConversion.objects.count() == 1 and CountyGdp.objects.count() == 13
    share = metrics.get("tech_contract_turnover_gdp_share").figures(
        year=2025, as_of=dt.date(2025, 12, 31))
    assert share.city is not None and share.city > 0 and len(share.counties) == 12
    client = client_for(users["city_staff"])
    page = client.get(reverse("techmarket:statistics"), {"year": 2025,
                                                        "as_of": "2025-12-31"})
    html = page.content.decode()
    assert page.status_code == 200 and html.count('data-testid="county-row"') == 12
    assert html.count('data-testid="top-row"') == 10
    cands = client.get(reverse("techmarket:candidate_list")).content.decode()
    for name in ("致奕环保", "万鼎煜电力工程", "诚尔信工程检测"):
        assert name in cands
    assert seed_demo_service_data() == {"candidates": 0, "gdp": 0, "allocated": 0,
                                        "conversions": 0}
