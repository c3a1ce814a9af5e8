"""Fixtures: the 2025 plan, three units (a division, a department, county A's bureau) and a
task assigned through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.reported.tests.conftest import pdf_file  # noqa: F401 - shared helper

D = dt.date(2025, 6, 30)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan(regions):
    from kechuang.plans.services import load_plan

    return load_plan()["plan"]


@pytest.fixture
def units(users, county_a, county_b):
    from kechuang.supervision import services

    boss = users["city_admin"]
    division = services.save_unit(actor=boss, data={"name": "成果转化科", "kind": "division",
                                                    "supervisor": users["city_admin"]},
                                  members=[users["city_staff"]])
    department = services.save_unit(actor=boss, data={"name": "市财政局", "kind": "department"})
    bureau_a = services.save_unit(actor=boss, data={"name": "潞州区科技局",
                                                    "kind": "county_bureau", "county": county_a},
                                  members=[users["county_a_staff"]])
    bureau_b = services.save_unit(actor=boss, data={"name": "襄垣县科技局",
                                                    "kind": "county_bureau", "county": county_b},
                                  members=[users["county_b_staff"]])
    return {"division": division, "department": department, "a": bureau_a, "b": bureau_b}


@pytest.fixture
def task(plan):
    return plan.actions.get(number=1).tasks.order_by("sort_order").first()


@pytest.fixture
def item(users, units, task):
    from kechuang.supervision import services

    return services.assign_task(actor=users["city_staff"], task=task, lead_unit=units["a"],
                                cooperating_units=[units["division"]],
                                due_date=dt.date(2025, 12, 31),
                                milestones=[("制定方案", dt.date(2025, 3, 31)),
                                            ("印发实施", dt.date(2025, 6, 30))])
