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


def test_gdp_statistics_and_candidates_api(client_for, users, office, enterprise_a,
                                           enterprise_b, county_a, regions):
    import datetime as dt
    from decimal import Decimal

    from conftest import make_enterprise, make_report
    from kechuang.techmarket.tests.conftest import apply, register

    register(apply(office, enterprise_a, enterprise_b, turnover="20000000",
                   applied_on=dt.date(2025, 3, 1)), office, dt.date(2025, 3, 10))
    city = client_for(users["city_staff"])
    resp = city.post("/api/v1/county-gdp/", {"county": county_a.pk, "year": 2024,
                                             "gdp_yi": "40.00", "source": "统计公报"},
                     content_type="application/json")
    assert resp.status_code == 201, resp.content
    county = client_for(users["county_a_staff"])
    assert county.post("/api/v1/county-gdp/", {"county": county_a.pk, "year": 2024,
                                               "gdp_yi": "41.00", "source": "x"},
                       content_type="application/json").status_code == 403
    assert county.get("/api/v1/county-gdp/").json()["count"] == 1
    stats = county.get("/api/v1/tech-market-statistics/",
                       {"year": 2025, "as_of": "2025-12-31"}).json()
    row = next(r for r in stats["counties"] if r["county_id"] == enterprise_a.county_id)
    assert Decimal(row["turnover"]) == Decimal("0.2") and Decimal(row["share"]) == Decimal("0.5")
    # an as-of date outside the year is kept inside it (as on the KPI dashboard), not refused:
    # every query parameter the schema allows is accepted (test_api_live)
    clamped = county.get("/api/v1/tech-market-statistics/", {"year": 2025, "as_of": "2024-01-01"})
    assert clamped.status_code == 200 and clamped.json()["as_of"] == "2025-01-01"
    assert county.get("/api/v1/tech-market-statistics/",
                      {"as_of": "2025-06-30"}).json()["year"] == 2025
    for bad in ({"as_of": "2025-13-01"}, {"as_of": ""}, {"year": "1999"}, {"year": "x"},
                {"year": ""}):
        assert county.get("/api/v1/tech-market-statistics/", bad).status_code == 400, bad
    ent = make_enterprise(regions["140403"], "诚尔信工程检测", 94, industry_code="M74")
    make_report(ent, 2024, revenue_yuan=Decimal("7400000"))
    got = city.get("/api/v1/tech-service-candidates/").json()["results"]
    assert [(r["name"], Decimal(r["gap_yuan"])) for r in got] == [
        ("诚尔信工程检测", Decimal("2600000"))]
    assert client_for(users["enterprise_a_user"]).get(
        "/api/v1/tech-service-candidates/").status_code == 403
