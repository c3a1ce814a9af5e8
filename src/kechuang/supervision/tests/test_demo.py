"""The demo: units, the plan's tasks assigned, sixteen example measures (eleven finished in
2025, so 改革措施落实 reads 11), some late items, a 督办 notice answered and one open."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang import metrics
from kechuang.policy import supervision as rule
from kechuang.supervision import selectors
from kechuang.supervision.demo import demo_step
from kechuang.supervision.models import ReformMeasure, SupervisedItem, SupervisionNotice

pytestmark = pytest.mark.django_db


def test_demo(plan, users):
    out = demo_step(seed=1)
    assert "督查督办演示" in out
    tasks = sum(a.tasks.count() for a in plan.actions.all())
    assert SupervisedItem.objects.filter(kind="task").count() == tasks
    assert ReformMeasure.objects.filter(is_example=True).count() == 16
    statuses = {i.derived_status for i in selectors.item_list(user=users["city_admin"])}
    assert statuses == set(rule.STATUSES)
    metric = metrics.get("reform_measures_done")
    assert metric.value(year=2025, as_of=dt.date(2025, 12, 31)) == 11
    assert metric.value(year=2025, as_of=dt.date(2025, 6, 30)) == 7
    notices = list(SupervisionNotice.objects.all())
    assert sorted(n.answered_on is not None for n in notices) == [False, True]
    assert demo_step(seed=1) == ""  # idempotent
