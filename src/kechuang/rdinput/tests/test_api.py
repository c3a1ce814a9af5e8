"""The read-only API: the same scoped rows as the pages, the filters checked strictly."""

from __future__ import annotations

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

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


# -- writes: the same services as the pages ----------------------------------------------------

def _post_report(client, county, year=2025, *, files=True, **extra):
    from kechuang.rdinput.tests.conftest import pdf

    body = {"county": county.pk, "year": year, "budget_wan": "1200.50",
            "actual_wan": "1300", "document": f"{county.name}{year}年财政预算报告", **extra}
    if files:
        body["files"] = [pdf()]
    return client.post("/api/v1/fiscal-st-reports/", body)  # multipart


def test_a_county_files_its_report_with_the_finance_document(users, county_a, county_b,
                                                             client_for):
    from decimal import Decimal

    from kechuang.audit.models import ChangeRecord
    from kechuang.rdinput.models import FiscalReport

    client = client_for(users["county_a_staff"])
    resp = _post_report(client, county_a)
    assert resp.status_code == 201, resp.json()
    body = resp.json()
    assert body["status"] == "submitted" and body["evidence_count"] == 1
    report = FiscalReport.objects.get(pk=body["id"])
    assert report.budget_wan == Decimal("1200.50") and report.evidence.count() == 1
    assert ChangeRecord.objects.filter(object_id=str(report.pk),
                                       action=ChangeRecord.Action.CREATE).exists()
    # the same county and year again: the service's Chinese message
    again = _post_report(client, county_a)
    assert again.status_code == 400 and "已填报" in again.json()["message"]
    # another county: not among the counties it may file for
    other = _post_report(client, county_b)
    assert other.status_code == 400 and other.json()["errors"][0]["field"] == "county"
    # no document file: refused in Chinese, nothing saved
    bare = _post_report(client, county_a, year=2024, files=False)
    assert bare.status_code == 400 and "财政部门文件" in bare.json()["message"]
    assert not FiscalReport.objects.filter(year=2024).exists()


def test_enterprises_may_not_file_fiscal_reports(users, county_a, client_for):
    resp = _post_report(client_for(users["enterprise_a_user"]), county_a)
    assert resp.status_code == 403


def test_correction_and_review(users, county_a, county_b, client_for):
    from kechuang.rdinput.models import FiscalReport
    from kechuang.rdinput.tests.conftest import pdf

    mine = file_report(users["county_a_staff"], county_a, 2025)
    theirs = file_report(users["county_b_staff"], county_b, 2025)
    county = client_for(users["county_a_staff"])
    url = f"/api/v1/fiscal-st-reports/{mine.pk}/"
    ok = county.patch(url, {"actual_wan": "1500.00", "version": mine.version},
                      content_type="application/json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["actual_wan"] == "1500.00" and ok.json()["version"] == mine.version + 1
    stale = county.patch(url, {"actual_wan": "1.00", "version": mine.version},
                         content_type="application/json")
    assert stale.status_code == 409
    moved = county.patch(url, {"year": 2024}, content_type="application/json")
    assert moved.status_code == 400 and "年度" in moved.json()["message"]
    # another county's report: not found; the county may not review
    assert county.patch(f"/api/v1/fiscal-st-reports/{theirs.pk}/", {"note": "x"},
                        content_type="application/json").status_code == 404
    assert county.post(f"{url}approve/", {}, content_type="application/json"
                       ).status_code == 403
    # the city returns it (reason required), the county corrects with a new file: resubmitted
    city = client_for(users["city_staff"])
    no_reason = city.post(f"{url}reject/", {}, content_type="application/json")
    assert no_reason.status_code == 400 and "原因" in no_reason.json()["message"]
    back = city.post(f"{url}reject/", {"reason": "决算数与文件不一致"},
                     content_type="application/json")
    assert back.status_code == 200 and back.json()["status"] == "rejected"
    county = client_for(users["county_a_staff"])
    fixed = county.patch(url, encode_multipart(BOUNDARY, {
        "actual_wan": "1400", "files": [pdf("更正.pdf")]}), content_type=MULTIPART_CONTENT)
    assert fixed.status_code == 200, fixed.json()
    assert fixed.json()["status"] == "submitted" and fixed.json()["evidence_count"] == 2
    city = client_for(users["city_staff"])
    done = city.post(f"{url}approve/", {"reason": "同意"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "approved"
    county = client_for(users["county_a_staff"])
    late = county.patch(url, {"note": "再改"}, content_type="application/json")
    assert late.status_code == 400 and "已审核通过" in late.json()["message"]
    assert FiscalReport.objects.get(pk=mine.pk).note == ""
    # PUT is not offered (a correction names only what it changes)
    assert county.put(url, {}, content_type="application/json").status_code == 405


def test_the_city_does_not_approve_its_own_report(users, county_a, client_for):
    from kechuang.rdinput.tests.conftest import pdf

    client = client_for(users["city_staff"])
    resp = _post_report(client, county_a)
    assert resp.status_code == 201
    rid = resp.json()["id"]
    own = client.post(f"/api/v1/fiscal-st-reports/{rid}/approve/", {},
                      content_type="application/json")
    assert own.status_code == 403 and "本人" in own.json()["message"]
    assert pdf  # (the file came with the report)


def _fund_body(enterprise, **extra):
    return {"enterprise": enterprise.pk, "year": 2025, "provision_yuan": "300000.00",
            "used_yuan": "120000.50", "system_document": "研发准备金管理办法",
            "approved_on": "2025-03-01", **extra}


def test_an_enterprise_registers_its_own_reserve_fund(users, enterprise_a, enterprise_b,
                                                      client_for):
    from decimal import Decimal

    from kechuang.rdinput.models import RdReserveFund

    client = client_for(users["enterprise_a_user"])
    resp = client.post("/api/v1/rd-reserve-funds/", _fund_body(enterprise_a),
                       content_type="application/json")
    assert resp.status_code == 201, resp.json()
    fund = RdReserveFund.objects.get(pk=resp.json()["id"])
    assert fund.used_yuan == Decimal("120000.50") and fund.recorded_by == users["enterprise_a_user"]
    dup = client.post("/api/v1/rd-reserve-funds/", _fund_body(enterprise_a),
                      content_type="application/json")
    assert dup.status_code == 400 and "已登记" in dup.json()["message"]
    other = client.post("/api/v1/rd-reserve-funds/", _fund_body(enterprise_b),
                        content_type="application/json")
    assert other.status_code == 400 and other.json()["errors"][0]["field"] == "enterprise"
    late = client.post("/api/v1/rd-reserve-funds/", _fund_body(
        enterprise_a, year=2024, approved_on="2025-01-01"), content_type="application/json")
    assert late.status_code == 400 and "不能晚于" in late.json()["message"]
    money = client.post("/api/v1/rd-reserve-funds/", _fund_body(
        enterprise_a, year=2023, provision_yuan=1.5), content_type="application/json")
    assert money.status_code == 400  # a float is refused: a decimal string or an integer
    upd = client.patch(f"/api/v1/rd-reserve-funds/{fund.pk}/", {"used_yuan": "130000"},
                       content_type="application/json")
    assert upd.status_code == 200 and upd.json()["used_yuan"] == "130000.00"
    moved = client.patch(f"/api/v1/rd-reserve-funds/{fund.pk}/",
                         {"enterprise": enterprise_b.pk}, content_type="application/json")
    assert moved.status_code == 400


def test_reserve_fund_scope(users, enterprise_a, enterprise_b, client_for):
    from kechuang.rdinput import services

    fund_b = services.save_reserve(actor=users["city_staff"], data={
        **_fund_body(enterprise_b), "enterprise": enterprise_b, "approved_on":
        __import__("datetime").date(2025, 3, 1)})
    url = f"/api/v1/rd-reserve-funds/{fund_b.pk}/"
    for who in ("enterprise_a_user", "county_a_staff"):
        assert client_for(users[who]).patch(url, {"note": "x"}, content_type="application/json"
                                            ).status_code == 404, who
    assert client_for(users["county_b_staff"]).patch(
        url, {"note": "县区核实"}, content_type="application/json").status_code == 200
    for who in ("expert", "provider"):
        assert client_for(users[who]).post("/api/v1/rd-reserve-funds/", _fund_body(enterprise_a),
                                           content_type="application/json"
                                           ).status_code == 403, who
    # the county registers for the enterprises of its county only
    county = client_for(users["county_a_staff"])
    assert county.post("/api/v1/rd-reserve-funds/", _fund_body(enterprise_a),
                       content_type="application/json").status_code == 201
