"""Demo vouchers: a 2025 policy, providers, vouchers and claims in every state; the plan's
vouchers_redeemed indicator counted; the ledger sound."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.vouchers import ledger
from kechuang.vouchers.demo import seed_demo_vouchers
from kechuang.vouchers.models import Claim, Provider, Voucher

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_orgs(regions):
    from kechuang.orgs.demo import load_demo

    load_demo(seed=2025, enterprises=300)


@pytest.fixture
def plan(regions):
    from kechuang.plans.services import load_plan

    return load_plan()["plan"]


def test_demo_vouchers_cover_every_state_and_feed_the_indicator(demo_orgs, plan):
    from kechuang.kpi.selectors import build_dashboard

    stats = seed_demo_vouchers(seed=2025)
    assert stats["vouchers"] > 20 and stats["claims"] > 20
    assert set(Claim.objects.values_list("status", flat=True)) == set(Claim.Status.values)
    assert set(Voucher.objects.values_list("status", flat=True)) == set(Voucher.Status.values)
    assert set(Provider.objects.values_list("status", flat=True)) >= {
        "listed", "delisted", "applied"}
    assert ledger.verify() == []
    # the budget is allocated to every county but one; some allocations are drawn on
    from kechuang.regions.selectors import counties
    from kechuang.vouchers.models import CountyAllocation
    from kechuang.vouchers.selectors import unallocated_fen, with_balances

    allocations = with_balances(CountyAllocation.objects.select_related("policy"))
    assert len(allocations) == counties().count() - 1
    assert any(a.issued_fen > a.opening_fen for a in allocations)
    assert all(0 <= a.remaining_fen <= a.amount_fen for a in allocations)
    policy = allocations[0].policy
    assert 0 < unallocated_fen(policy) < policy.budget_fen - sum(a.amount_fen for a in allocations)
    assert seed_demo_vouchers(seed=2025) == {}  # idempotent
    dash = build_dashboard(plan=plan, as_of=dt.date(2025, 12, 31), keys=["vouchers_redeemed"])
    row = dash.cards[0].rows[0]
    assert row.metric_key == "vouchers_redeemed"
    assert row.progress.value > 0
    assert sum(f.value for f in row.counties) == row.progress.value
