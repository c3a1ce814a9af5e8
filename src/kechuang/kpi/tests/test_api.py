"""GET /api/v1/kpi/dashboard/ — the same figures as the page, in JSON."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_enterprise

pytestmark = pytest.mark.django_db
URL = "/api/v1/kpi/dashboard/"


def test_dashboard_api_gives_the_live_figures(client_for, users, plan, regions, dated_metric,
                                              vouchers_reported):
    make_enterprise(regions["140423"], "襄垣新企业", 801, established_on=dt.date(2025, 3, 1))
    data = client_for(users["county_a_staff"]).get(URL, {"as_of": "2025-10-31"}).json()
    assert data["year"] == 2025 and data["as_of"] == "2025-10-31" and len(data["actions"]) == 8
    rows = {i["key"]: i for a in data["actions"] for i in a["indicators"]}
    sme = rows["tech_sme_registered"]
    assert sme["progress"]["value"] == "1.0000" and sme["source_kind"] == "metric"
    assert {c["county_name"]: c["value"] for c in sme["counties"]}["襄垣县"] == "1.0000"
    assert rows["vouchers_redeemed"]["progress"]["status"] == "no_data"
    assert rows["vouchers_redeemed"]["progress"]["value"] is None
    assert len(data["ranking"]) == 12


def test_dashboard_api_marks_each_figure_counted_or_reported(client_for, users, plan):
    """The same 计数/上报 mark as the page's hover and the monthly report."""
    from kechuang.reported.models import SourceOverride

    ind = plan.actions.get(number=4).indicators.get(key="high_tech_recognized")
    SourceOverride.objects.create(indicator=ind, reason="以市统计局公布数为准")
    data = client_for(users["city_staff"]).get(URL, {"as_of": "2025-10-31"}).json()
    rows = {i["key"]: i for a in data["actions"] for i in a["indicators"]}
    counted, official = rows["tech_sme_registered"], rows["high_tech_recognized"]
    assert counted["source"]["label"] == "计数" and "2025-10-31" in counted["source"]["text"]
    assert official["source_kind"] == "reported" and official["source"]["label"] == "上报"
    assert "尚无审核通过的上报数值" in official["source"]["text"]


def test_dashboard_api_errors_in_chinese(client_for, users, plan):
    client = client_for(users["city_staff"])
    bad = client.get(URL, {"as_of": "31/10/2025"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "as_of"
    missing = client.get(URL, {"year": "2030"})
    assert missing.status_code == 404 and "没有该年度的工作要点" in missing.json()["message"]


def test_dashboard_api_is_for_bureau_roles(client_for, users, plan):
    assert client_for(users["enterprise_a_user"]).get(URL).status_code == 403
    assert client_for(users["expert"]).get(URL).status_code == 403
