"""A year without a plan tells a clerk what to do in the app, never to run a shell command."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_city_staff_are_sent_to_the_plan_import(users, client_for, plan):
    html = client_for(users["city_staff"]).get("/kpi/?year=2024").content.decode()
    assert "2024年还没有工作要点。" in html
    assert "manage.py" not in html
    assert 'href="/plan/import/"' in html
    assert f'href="?year={plan.year}"' in html  # the years that do have a plan


def test_county_staff_are_told_who_sets_up_the_plan(users, client_for, plan):
    html = client_for(users["county_a_staff"]).get("/kpi/?year=2024").content.decode()
    assert "工作要点由市科技局录入" in html
    assert "manage.py" not in html and 'href="/plan/import/"' not in html
