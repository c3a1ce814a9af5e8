"""The API: lists scoped and filtered, creation through the services, names masked to readers."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.cooperation.tests.conftest import project, talent

pytestmark = pytest.mark.django_db


def test_projects_and_talents(client_for, users, county_a, county_b, enterprise_a,
                              enterprise_b):
    project(users["city_staff"], county_a, [enterprise_a], name="甲")
    project(users["city_staff"], county_b, [enterprise_b], name="乙")
    talent(users["city_staff"], enterprise_a, name="诸葛亮")
    client = client_for(users["county_a_staff"])
    body = client.get("/api/v1/cooperation-projects/").json()
    assert [r["name"] for r in body["results"]] == ["甲"]
    assert body["results"][0]["on_schedule"] is True
    body = client.get("/api/v1/talents/").json()
    assert body["results"][0]["name"] == "诸**"
    client = client_for(users["city_staff"])
    assert client.get("/api/v1/talents/").json()["results"][0]["name"] == "诸葛亮"
    resp = client.post("/api/v1/achievements/", {
        "title": "成果", "source": "山西大学", "receiver": enterprise_b.pk, "mode": "equity",
        "amount_yuan": "10.50", "transferred_on": dt.date(2025, 5, 1).isoformat()},
        content_type="application/json")
    assert resp.status_code == 201, resp.content
    resp = client.post("/api/v1/cooperation-projects/", {
        "name": "丙", "kind": "pilot", "partner_name": "武汉理工大学",
        "local_partners": [enterprise_a.pk], "county": county_a.pk,
        "agreement_on": "2025-01-01", "status": "building"}, content_type="application/json")
    assert resp.status_code == 201, resp.content
    assert client.get("/api/v1/cooperation-projects/?schedule=behind").json()["count"] == 0
    # provincial is a boolean: DRF's spellings are read, anything else is a 400 naming it
    assert client.get("/api/v1/cooperation-projects/?provincial=true").status_code == 200
    assert client.get("/api/v1/cooperation-projects/?provincial=false").status_code == 200
    assert client.get("/api/v1/cooperation-projects/?provincial=maybe").status_code == 400
