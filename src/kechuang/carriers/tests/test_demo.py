"""Demo platforms: the named ones, ≥ 100 provincial-or-above by the year end (some promoted in
2025), carriers with occupants, the 2024 evaluation in every state; the three indicators."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from kechuang import metrics
from kechuang.carriers.demo import NAMED, seed_demo_platforms
from kechuang.carriers.models import Evaluation, Occupant, Platform

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_orgs(regions):
    from kechuang.orgs.demo import load_demo

    load_demo(seed=2025, enterprises=300)


def test_demo_platforms_feed_the_indicators(demo_orgs, plan):
    from kechuang.kpi.selectors import build_dashboard

    started = time.monotonic()
    stats = seed_demo_platforms(seed=2025)
    assert time.monotonic() - started < 60
    assert stats["promoted"] > 5 and stats["ended"] == 2
    names = set(Platform.objects.values_list("name", flat=True))
    assert {n[0] for n in NAMED} <= names
    assert Platform.objects.values("county").distinct().count() >= 10
    end, start = dt.date(2025, 12, 31), dt.date(2025, 1, 1)
    provincial = metrics.get("provincial_platforms")
    assert provincial.value(year=2025, as_of=end) >= 100
    assert provincial.value(year=2025, as_of=start) < provincial.value(year=2025, as_of=end)
    for key in ("incubators_and_pilot_bases", "startups_settled"):
        assert metrics.get(key).value(year=2025, as_of=end) > 0, key
    assert Occupant.objects.filter(graduated_on__isnull=False).exists()
    statuses = set(Evaluation.objects.values_list("status", flat=True))
    assert {"pending", "submitted", "graded"} <= statuses
    dash = build_dashboard(plan=plan, as_of=end, keys=["provincial_platforms"])
    row = dash.cards[0].rows[0]
    assert row.progress.value == provincial.value(year=2025, as_of=end)
    assert sum(f.value for f in row.counties) == row.progress.value
    assert seed_demo_platforms(seed=2025) == {}  # idempotent
