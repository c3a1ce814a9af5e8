"""KPI fixtures: the 2025 plan loaded, and a dated test metric standing in for the
registrations the cultivation module will bring (registered for the test, removed after)."""

from __future__ import annotations

import pytest

from kechuang import metrics
from kechuang.metrics import RecordMetric, enterprise_columns
from kechuang.reported.tests.conftest import (  # noqa: F401 - fixtures
    reform_reported,
    uncounted,
    vouchers_reported,
)


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
