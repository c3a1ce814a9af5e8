"""The read-only API: the same scoped rows as the pages, the filters checked strictly."""

from __future__ import annotations

import pytest

from kechuang.rdinput.tests.conftest import file_report

pytestmark = pytest.mark.django_db


def test_counties_see_their_own_reports(users, county_a, county_b, client_for):
    file_report(users["county_a_staff"], county_a, 2025)
    file_report(users["county_b_staff"], county_b, 2025)
    data = client_for(users["county_a_staff"]).get("/api/v1/fiscal-st-reports/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [r["county"] for r in rows] == [county_a.pk]
    city = client_for(users["city_staff"]).get("/api/v1/fiscal-st-reports/",
                                                {"year": 2025}).json()
    assert len(city["results"] if isinstance(city, dict) else city) == 2
    bad = client_for(users["city_staff"]).get("/api/v1/fiscal-st-reports/", {"year": "x"})
    assert bad.status_code == 400


def test_enterprises_have_no_fiscal_reports(users, client_for):
    assert client_for(users["enterprise_a_user"]).get(
        "/api/v1/fiscal-st-reports/").status_code == 403
