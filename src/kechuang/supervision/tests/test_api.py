"""The supervision API: items with their derived status, a county clerk's update with evidence
(multipart) and answer to a 督办 notice; what another county's clerk gets."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from kechuang.supervision import services
from kechuang.supervision.tests.conftest import pdf_file

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_items_updates_and_answers(users, units, item):
    a, b = api(users["county_a_staff"]), api(users["county_b_staff"])
    rows = a.get("/api/v1/supervision-items/").json()["results"]
    assert [r["id"] for r in rows] == [item.pk]
    assert rows[0]["status"] in ("late", "not_started", "in_progress")
    assert len(rows[0]["milestones"]) == 2
    assert b.get("/api/v1/supervision-items/").json()["results"] == []
    assert b.get(f"/api/v1/supervision-items/{item.pk}/").status_code == 404

    resp = a.post(f"/api/v1/supervision-items/{item.pk}/updates/",
                  {"unit": units["a"].pk, "text": "已完成", "completes": True,
                   "files": [pdf_file()]}, format="multipart")
    assert resp.status_code == 201, resp.content
    assert a.get(f"/api/v1/supervision-items/{item.pk}/").json()["status"] == "done"
    resp = b.post(f"/api/v1/supervision-items/{item.pk}/updates/",
                  {"unit": units["a"].pk, "text": "x"}, format="json")
    assert resp.status_code == 404

    notice = services.issue_notice(actor=users["city_staff"], item=item, unit=units["a"],
                                   text="请答复", answer_due=dt.date(2030, 1, 1))
    resp = a.post(f"/api/v1/supervision-notices/{notice.pk}/answer/", {"answer": "已办结"},
                  format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["answer_state"] == "answered"
    resp = api(users["enterprise_a_user"]).get("/api/v1/supervision-notices/")
    assert resp.status_code == 403
