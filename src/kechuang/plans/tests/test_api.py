"""/api/v1/plans/ and /api/v1/plan-allocations/: read-only, through restrict()."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from kechuang.plans.services import set_allocations


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def shares(users, high_tech, county_a, county_b):
    return set_allocations(indicator=high_tech, actor=users["city_staff"],
                           shares={county_a.pk: Decimal(60), county_b.pk: Decimal(34)})


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status", "n"), [
    ("city_staff", 200, 1), ("county_a_staff", 200, 1), ("enterprise_a_user", 403, 0),
    ("auditor", 403, 0), ("expert", 403, 0),
])
def test_plans_by_role(users, plan, role, status, n):
    resp = api(users[role]).get("/api/v1/plans/")
    assert resp.status_code == status
    if status == 200:
        data = resp.json()
        assert data["count"] == n
        got = data["results"][0]
        assert got["year"] == 2025 and len(got["actions"]) == 8
        ht = [i for a in got["actions"] for i in a["indicators"]
              if i["key"] == "high_tech_recognized"][0]
        assert Decimal(ht["target"]) == 94


@pytest.mark.django_db
def test_plans_are_read_only(users, plan):
    client = api(users["city_admin"])
    assert client.post("/api/v1/plans/", {}, format="json").status_code == 405
    assert client.patch(f"/api/v1/plans/{plan.pk}/", {"title": "x"},
                        format="json").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "counties"), [
    ("city_admin", {"140403", "140423"}), ("county_a_staff", {"140403"}),
    ("county_b_staff", {"140423"}),
])
def test_allocations_by_role(users, shares, role, counties, regions):
    resp = api(users[role]).get("/api/v1/plan-allocations/")
    assert resp.status_code == 200
    rows = resp.json()["results"]
    assert {r["county"] for r in rows} == {regions[code].pk for code in counties}
    assert all(r["indicator_key"] == "high_tech_recognized" for r in rows)


@pytest.mark.django_db
def test_other_countys_allocation_is_404(users, shares, county_b):
    other = next(s for s in shares if s.county_id == county_b.pk)
    resp = api(users["county_a_staff"]).get(f"/api/v1/plan-allocations/{other.pk}/")
    assert resp.status_code == 404
    assert api(users["enterprise_a_user"]).get("/api/v1/plan-allocations/").status_code == 403
