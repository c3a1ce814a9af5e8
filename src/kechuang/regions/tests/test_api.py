"""/api/v1/regions/: reference data every signed-in role reads; nobody writes through the API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

ROLES = ["city_admin", "city_staff", "county_a_staff", "county_b_staff", "enterprise_a_user",
         "enterprise_b_user", "expert", "provider", "auditor"]


@pytest.fixture
def api():
    def for_user(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return for_user


def codes(resp) -> set[str]:
    return {row["code"] for row in resp.json()["results"]}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_role_reads_all_regions(api, users, regions, role):
    resp = api(users[role]).get("/api/v1/regions/", {"page_size": 100})
    assert resp.status_code == 200
    assert resp.json()["count"] == len(regions) == 15
    assert codes(resp) == set(regions)


@pytest.mark.django_db
def test_anonymous_is_401(api, regions):
    resp = api().get("/api/v1/regions/")
    assert resp.status_code == 401
    assert resp.json() == {"code": "not_authenticated", "message": "身份认证信息未提供。",
                           "errors": []}


@pytest.mark.django_db
def test_filter_by_level_and_parent(api, users, regions):
    client = api(users["county_a_staff"])
    counties = client.get("/api/v1/regions/", {"level": "county", "page_size": 100})
    assert len(codes(counties)) == 13 and "140403" in codes(counties)
    assert "140400" not in codes(counties)
    city = regions["140400"]
    children = client.get("/api/v1/regions/", {"parent": city.pk, "page_size": 100})
    assert codes(children) == codes(counties)
    zones = client.get("/api/v1/regions/", {"kind": "zone"})
    assert codes(zones) == {"140471"}
    province = client.get("/api/v1/regions/", {"level": "province"}).json()["results"]
    assert province[0]["level_display"] == "省" and province[0]["parent"] is None


@pytest.mark.django_db
def test_bad_filter_is_400_in_chinese(api, users, regions):
    resp = api(users["city_staff"]).get("/api/v1/regions/", {"level": "galaxy", "parent": "x"})
    assert resp.status_code == 400
    errors = {e["field"]: e["message"] for e in resp.json()["errors"]}
    assert set(errors) == {"level", "parent"}
    assert errors["level"] == "选择一个有效的选项。 galaxy 不在可用的选项中。"


@pytest.mark.django_db
def test_detail_and_unknown_region(api, users, regions):
    client = api(users["enterprise_b_user"])
    a = regions["140403"]
    body = client.get(f"/api/v1/regions/{a.pk}/").json()
    assert body["name"] == "潞州区" and body["parent"] == regions["140400"].pk
    resp = client.get("/api/v1/regions/999999/")
    assert resp.status_code == 404 and resp.json()["message"] == "记录不存在或无权查看"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_regions_are_read_only(api, users, regions, method):
    a = regions["140403"]
    url = "/api/v1/regions/" if method == "post" else f"/api/v1/regions/{a.pk}/"
    resp = getattr(api(users["city_admin"]), method)(url, {"name": "x"}, format="json")
    assert resp.status_code in (403, 405)
    assert set(resp.json()) == {"code", "message", "errors"}
    a.refresh_from_db()
    assert a.name == "潞州区"


@pytest.mark.django_db
def test_region_list_uses_constant_queries(users, regions, django_assert_max_num_queries):
    client = APIClient()
    client.force_authenticate(users["city_staff"])
    with django_assert_max_num_queries(2):
        resp = client.get("/api/v1/regions/", {"page_size": 100})
    assert resp.json()["count"] == 15
