"""The scheduler runs every app's daily check; one failure does not stop the others."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from kechuang.core import scheduler


def test_apps_register_their_daily_checks():
    assert {"kpi.monthly_snapshot", "cultivation.daily_check"} <= set(scheduler.checks())


def test_a_failing_check_does_not_stop_the_others(monkeypatch):
    seen = []
    monkeypatch.setattr(scheduler, "_CHECKS", {
        "a": lambda today: 1 / 0, "b": lambda today: seen.append(today) or "ok"})
    out = scheduler.run_all(today=dt.date(2025, 11, 3))
    assert isinstance(out["a"], ZeroDivisionError) and out["b"] == "ok"
    assert seen == [dt.date(2025, 11, 3)]


@pytest.mark.django_db
def test_scheduler_once_takes_last_months_snapshot(regions, settings):
    from kechuang.kpi.models import IndicatorSnapshot
    from kechuang.plans.services import load_plan

    load_plan()
    settings.TIME_ZONE = "Asia/Shanghai"
    out, err = StringIO(), StringIO()
    call_command("scheduler", "--once", stdout=out, stderr=err)
    assert "kpi.monthly_snapshot" in out.getvalue() and "cultivation.daily_check" in out.getvalue()
    assert not err.getvalue()
    # today is after 2025: there is no plan of last month's year, so nothing is frozen
    assert IndicatorSnapshot.objects.count() == 0
