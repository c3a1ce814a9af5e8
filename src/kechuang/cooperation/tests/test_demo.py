"""The demo step: the plan's named projects, some behind schedule, and all four indicators."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang import metrics
from kechuang.cooperation.demo import PROJECTS, seed_demo_cooperation
from kechuang.cooperation.models import CooperationProject
from kechuang.cooperation.selectors import project_list

pytestmark = pytest.mark.django_db


def test_demo_fills_every_screen_and_indicator(users, enterprise_a, enterprise_a2,
                                               enterprise_b, settings, tmp_path):
    from conftest import make_enterprise
    from kechuang.plans.services import load_plan

    load_plan()
    make_enterprise(enterprise_b.county, "襄垣丁科技有限公司", 44)
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    stats = seed_demo_cooperation(seed=7, today=dt.date(2026, 6, 1))
    assert stats["projects"] == len(PROJECTS) and stats["talents"] and stats["achievements"]
    assert seed_demo_cooperation(seed=7) == {}  # idempotent
    assert CooperationProject.objects.filter(provincial=True).count() == 5
    rows = list(project_list(user=users["city_staff"]))
    assert any(r.overdue_n for r in rows) and any(not r.overdue_n for r in rows)
    for key in ("university_cooperation_projects", "talent_teams_introduced", "young_talents",
                "achievements_transferred"):
        assert metrics.get(key).value(year=2025, as_of=dt.date(2025, 12, 31)) > 0, key
