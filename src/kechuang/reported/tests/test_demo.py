"""Demo reported values: approved figures, one pending submission, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.reported.demo import demo_plan, seed_demo_reported_values
from kechuang.reported.models import ReportedValue
from kechuang.reported.selectors import approved_values

pytestmark = pytest.mark.django_db


def test_seed_demo_values(plan, indicators, reform_reported):
    assert seed_demo_reported_values(None) == 0
    assert demo_plan() == plan
    n = seed_demo_reported_values(plan)
    assert n == ReportedValue.objects.count() > 100
    assert ReportedValue.objects.filter(status="submitted").count() == 1
    reform = indicators["reform_measures_done"]
    got = approved_values(indicator_ids=[reform.pk], as_of=dt.date(2025, 10, 31))
    assert got[(reform.pk, None)].value == 11
    assert seed_demo_reported_values(plan) == 0
