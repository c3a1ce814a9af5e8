"""GET/POST /api/v1/assessment/enterprises/{id}/: results, what-if, scoping, error format."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from kechuang.assessment.tests.helpers import docs_report
from kechuang.audit.models import ChangeRecord
from kechuang.orgs.models import EnterpriseAnnualReport

pytestmark = pytest.mark.django_db


def api(enterprise, query: str = "") -> str:
    return f"/api/v1/assessment/enterprises/{enterprise.pk}/{query}"


@pytest.fixture
def docs_a(enterprise_a):
    return docs_report(enterprise_a)


def test_get_returns_every_rule_of_the_latest_report(client, users, enterprise_a, docs_a):
    client.force_login(users["enterprise_a_user"])
    resp = client.get(api(enterprise_a))
    assert resp.status_code == 200
    body = resp.json()
    assert body["year"] == 2024 and body["years"] == [2024] and body["changes"] == {}
    assert body["disclaimer"] == "自评结果仅供参考，以主管部门认定为准"
    sme = body["results"]["tech_sme"]["result"]
    assert sme["rule_version"] == "tech_sme/2017-115"
    assert (sme["eligible"], sme["total"]) == (False, 54)
    assert sme["gaps"][0]["changes"] == {"rd_expense_yuan": "1200000.00"}
    hnte = body["results"]["high_tech"]
    assert hnte["result"] is None and "缺少" in hnte["error"] and hnte["error_field"] == "year"
    assert body["results"]["rd_deduction"]["result"]["eligible"] is True


def test_post_is_a_what_if_and_saves_nothing(client, users, enterprise_a, docs_a):
    client.force_login(users["county_a_staff"])
    before = model_to_dict(EnterpriseAnnualReport.objects.get(pk=docs_a.pk))
    records = ChangeRecord.objects.count()
    resp = client.post(api(enterprise_a, "?year=2024"), {"rd_expense_yuan": 1200000},
                       content_type="application/json")
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["changes"] == {"rd_expense_yuan": "1200000"}
    assert body["results"]["tech_sme"]["result"]["eligible"] is True
    assert model_to_dict(EnterpriseAnnualReport.objects.get(pk=docs_a.pk)) == before
    assert ChangeRecord.objects.count() == records


def test_post_errors_use_the_project_format(client, users, enterprise_a, docs_a):
    client.force_login(users["enterprise_a_user"])
    resp = client.post(api(enterprise_a), {"employees": "一百", "nope": 1},
                       content_type="application/json")
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == "invalid"
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert fields["employees"] == "职工总数（employees）：“一百”不是有效的数字"
    assert "nope" in fields
    # figures the engine refuses
    resp = client.post(api(enterprise_a), {"st_staff": 150}, content_type="application/json")
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["field"] == "st_staff"
    # not an object
    resp = client.post(api(enterprise_a), [1, 2], content_type="application/json")
    assert resp.status_code == 400 and resp.json()["code"] == "invalid"


def test_scoping_and_roles(client, users, enterprise_a, enterprise_b, docs_a, report_b):
    client.force_login(users["enterprise_a_user"])
    resp = client.get(api(enterprise_b))
    assert resp.status_code == 404 and resp.json()["code"] == "not_found"
    assert client.post(api(enterprise_b), {}, content_type="application/json").status_code == 404
    client.force_login(users["county_b_staff"])
    assert client.get(api(enterprise_a)).status_code == 404
    assert client.get(api(enterprise_b)).status_code == 200
    client.force_login(users["city_staff"])
    assert client.get(api(enterprise_a)).status_code == 200
    client.force_login(users["auditor"])
    assert client.get(api(enterprise_a)).status_code == 403
    client.logout()
    assert client.get(api(enterprise_a)).status_code == 401


def test_unknown_year_and_no_reports(client, users, enterprise_a, enterprise_b, docs_a):
    client.force_login(users["city_staff"])
    resp = client.get(api(enterprise_a, "?year=2020"))
    assert resp.status_code == 404 and "没有该年度" in resp.json()["message"]
    resp = client.get(api(enterprise_b))
    assert resp.status_code == 404 and "还没有年度报表" in resp.json()["message"]
    resp = client.get(api(enterprise_a, "?year=abc"))
    assert resp.status_code == 400 and resp.json()["errors"][0]["field"] == "year"
