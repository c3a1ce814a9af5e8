"""Fixtures of the plan tests: the 2025 plan loaded, and a metric registered for a test."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from kechuang import metrics
from kechuang.audit.models import ChangeRecord


@pytest.fixture
def plan(regions):
    from kechuang.plans.services import load_plan

    return load_plan()["plan"]


@pytest.fixture
def high_tech(plan):
    return plan.actions.get(number=4).indicators.get(key="high_tech_recognized")  # 94 家


class StubMetric(metrics.Metric):
    """A metric whose per-county results the test sets."""

    def __init__(self, key: str, values: dict[int, Decimal], name: str = "测试口径") -> None:
        self.key, self.name, self.unit = key, name, "家"
        self.values = values
        self.calls: list[tuple[int, object]] = []

    def value(self, *, year, as_of, county_id=None, attribution=None):
        return sum(self.values.values(), Decimal(0))

    def by_county(self, *, year, as_of, attribution=None):
        self.calls.append((year, as_of))
        return dict(self.values)


@pytest.fixture
def stub_metric():
    """stub_metric(key, {county_id: value}) registers a metric; unregistered afterwards."""
    replaced: dict[str, Any] = {}

    def make(key: str, values: dict[int, Decimal]) -> StubMetric:
        replaced.setdefault(key, metrics.get(key))
        return metrics.register(StubMetric(key, values))

    yield make
    for key, previous in replaced.items():  # put back the real metric a stub stood in for
        metrics.unregister(key)
        if previous is not None:
            metrics.register(previous)


def records_for(obj):
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return ChangeRecord.objects.filter(content_type=ct, object_id=str(obj.pk))
