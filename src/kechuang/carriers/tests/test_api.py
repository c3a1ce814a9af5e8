"""The API: platforms with their recognitions, scoped to the host; the bureau grades."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.carriers.models import Campaign, Evaluation
from kechuang.carriers.tests.conftest import make_platform

pytestmark = pytest.mark.django_db


def test_platforms_scoped_and_filtered(client_for, users, enterprise_a, enterprise_b):
    bureau = users["city_staff"]
    make_platform(bureau, enterprise_a, name="甲实验室", level="provincial",
                  on=dt.date(2023, 1, 1))
    make_platform(bureau, enterprise_b, name="乙中心", level="city", on=dt.date(2023, 1, 1))
    data = client_for(bureau).get("/api/v1/platforms/", {"level": "provincial_up"}).json()
    assert [p["name"] for p in data["results"]] == ["甲实验室"]
    assert data["results"][0]["recognitions"][0]["level"] == "provincial"
    data = client_for(users["enterprise_b_user"]).get("/api/v1/platforms/").json()
    assert [p["name"] for p in data["results"]] == ["乙中心"]
    resp = client_for(bureau).get("/api/v1/platforms/", {"county": "x"})
    assert resp.status_code == 400


def test_bureau_grades_through_the_api(client_for, users, enterprise_a):
    bureau = users["city_staff"]
    p = make_platform(bureau, enterprise_a, name="甲实验室")
    campaign = Campaign.objects.create(year=2024, title="评价", due_on=dt.date(2025, 3, 31),
                                       submitted_by=bureau)
    ev = Evaluation.objects.create(campaign=campaign, platform=p, status="submitted")
    client = client_for(users["city_admin"])
    resp = client.post(f"/api/v1/platform-evaluations/{ev.pk}/grade/",
                       {"grade": "good", "score": "80.0"}, content_type="application/json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["grade"] == "good"
    resp = client_for(users["enterprise_a_user"]).post(
        f"/api/v1/platform-evaluations/{ev.pk}/grade/", {"grade": "excellent"},
        content_type="application/json")
    assert resp.status_code == 403
