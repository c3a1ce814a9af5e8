"""KPI fixtures: the 2025 plan loaded, and a dated test metric standing in for the
registrations the cultivation module will bring (registered for the test, removed after)."""

from __future__ import annotations

import pytest

from kechuang import metrics
from kechuang.metrics import RecordMetric, enterprise_columns


@pytest.fixture
def plan(regions):
    from kechuang.plans.services import load_plan

    return load_plan()["plan"]


@pytest.fixture
def dated_metric():
    """Counts enterprises by their founding date under the key of the tech-SME indicator."""
    from kechuang.orgs.models import Organisation

    metric = RecordMetric(
        key="tech_sme_registered", name="测试：按成立日期计数的企业", unit="家",
        model=Organisation, rows=lambda year: Organisation.objects.filter(kind="enterprise"),
        county_field="county", date_field="established_on", aggregate="count", places=0,
        columns=enterprise_columns(prefix=""))
    previous = metrics.get(metric.key)  # the cultivation app's real metric, put back after
    metrics.register(metric)
    yield metric
    metrics.unregister(metric.key)
    if previous is not None:
        metrics.register(previous)


@pytest.fixture
def reform_reported():
    """改革措施落实 is counted from the supervision module's records (supervision.metrics);
    these tests use it as the city-level indicator without a module, taking reported values,
    so its metric is set aside for the test and put back after."""
    from kechuang import metrics

    previous = metrics.get("reform_measures_done")
    metrics.unregister("reform_measures_done")
    yield
    if previous is not None:
        metrics.register(previous)
