"""The API: an enterprise applies, the office registers and cancels; errors in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from kechuang.techmarket.models import TechContract

pytestmark = pytest.mark.django_db
URL = "/api/v1/tech-contracts/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_apply_register_cancel_through_the_api(users, enterprise_a, enterprise_b):
    ent = api(users["enterprise_a_user"])
    resp = ent.post(URL, {
        "contract_type": "transfer", "subject": "专利转让", "seller": enterprise_a.credit_code,
        "buyer": enterprise_b.credit_code, "turnover_yuan": "6000000",
        "signed_on": "2026-09-01", "applied_on": "2026-09-21",
        "costs": [{"description": "技术资料", "kind": "documents", "amount_yuan": "500000",
                   "reasonable_quantity": True}]}, format="json")
    assert resp.status_code == 201, resp.json()
    body = resp.json()
    assert body["tech_transaction_yuan"] == "6000000.00"  # 合理数量: not deducted
    assert body["needs_review"] is True
    assert body["deadline_on"] == "2026-11-09"  # ≥ 500万: 30 working days
    pk = body["id"]
    assert ent.post(f"{URL}{pk}/register/", {"registration_no": "X"},
                    format="json").status_code == 403
    office = api(users["city_staff"])
    resp = office.post(f"{URL}{pk}/register/", {"registration_no": "2026140400000009",
                                                "registered_on": "2026-10-20"}, format="json")
    assert resp.status_code == 200, resp.json()
    assert resp.json()["status"] == "registered"
    resp = office.post(f"{URL}{pk}/cancel/", {"reason": "解除", "on": "2026-10-01"},
                       format="json")
    assert resp.status_code == 400  # before the registration date
    assert "不能早于" in str(resp.json())
    resp = office.post(f"{URL}{pk}/cancel/", {"reason": "解除", "on": "2026-11-20"},
                       format="json")
    assert resp.json()["status"] == "cancelled"
    assert [e["kind"] for e in resp.json()["events"]] == ["applied", "registered", "cancelled"]
    listed = api(users["enterprise_b_user"]).get(URL).json()
    assert [c["id"] for c in listed["results"]] == [pk]  # the buyer sees it
    assert api(users["county_b_staff"]).get(URL).json()["results"] == []
    assert TechContract.objects.get(pk=pk).closed_on == dt.date(2026, 11, 20)


def test_unknown_party_is_a_field_error(users, enterprise_a):
    resp = api(users["city_staff"]).post(URL, {
        "contract_type": "service", "subject": "x", "seller": enterprise_a.credit_code,
        "buyer": "91140400MA00000000", "turnover_yuan": "100", "signed_on": "2026-09-01",
        "applied_on": "2026-09-01"}, format="json")
    assert resp.status_code == 400
    assert "找不到" in str(resp.json())
