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


def test_the_run_filter_is_a_whole_number(users, client_for):
    """``run`` is declared an integer ≥ 1: a fraction, a word or a number no id reaches is a
    400 naming it (it was a decimal: 0.5 was accepted, a huge number reached the database)."""
    client = client_for(users["city_staff"])
    assert client.get("/api/v1/innovation-points/", {"run": 1}).status_code == 200
    for bad in ("0.5", "x", "0", "1e30", "99999999999999999999", ""):
        resp = client.get("/api/v1/innovation-points/", {"run": bad})
        assert resp.status_code == 400 and "run" in str(resp.json()["errors"]), bad
