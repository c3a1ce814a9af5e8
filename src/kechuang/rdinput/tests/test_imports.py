"""Excel import of county fiscal reports and reserve funds: written through the service's bulk
hook (audited), row-by-row Chinese errors, all or nothing, a re-import changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.audit.models import ChangeRecord
from kechuang.imports.tests.helpers import workbook
from kechuang.rdinput.imports import FISCAL_KIND, FISCAL_SPEC, RESERVE_KIND, RESERVE_SPEC
from kechuang.rdinput.models import FiscalReport, RdReserveFund
from kechuang.rdinput.tests.conftest import file_report

pytestmark = pytest.mark.django_db


def _book(spec, rows):
    headers = [str(c.label) for c in spec.columns]
    fields = [c.field for c in spec.columns]
    return workbook(headers, [[r.get(f) for f in fields] for r in rows])


def _fiscal(county, year=2025, **extra):
    return {"county_name": county.name, "year": year, "budget_wan": Decimal("1000.5"),
            "actual_wan": Decimal("1100"), "document": f"{county.name}{year}年财政决算报告",
            **extra}


def test_fiscal_import_files_reports_once(client_for, users, county_a, county_b, do_upload,
                                          do_commit):
    client = client_for(users["city_staff"])
    content = _book(FISCAL_SPEC, [_fiscal(county_a), _fiscal(county_b, county_name=county_b.code)])
    run = do_commit(client, do_upload(client, content, FISCAL_KIND, "财政.xlsx"))
    assert run.status == "committed", (run.errors, run.message)
    assert run.create_count == 2
    a = FiscalReport.objects.get(county=county_a, year=2025)
    assert a.status == FiscalReport.Status.SUBMITTED and a.budget_wan == Decimal("1000.50")
    assert a.submitted_by == users["city_staff"] and not a.evidence.exists()
    assert ChangeRecord.objects.filter(object_id=str(a.pk),
                                       action=ChangeRecord.Action.CREATE).exists()
    again = do_commit(client, do_upload(client, content, FISCAL_KIND, "财政.xlsx"))
    assert again.create_count == 0 and again.update_count == 0 and again.unchanged_count == 2


def test_an_imported_report_needs_its_file_before_approval(users, county_a, client_for,
                                                           do_upload, do_commit):
    from kechuang.rdinput import services
    from kechuang.workflow.services import TransitionError

    client = client_for(users["county_a_staff"])
    run = do_commit(client, do_upload(client, _book(FISCAL_SPEC, [_fiscal(county_a)]),
                                      FISCAL_KIND, "财政.xlsx"))
    assert run.status == "committed", run.errors
    report = FiscalReport.objects.get(county=county_a)
    with pytest.raises(TransitionError, match="尚未上传财政部门文件"):
        services.approve_fiscal(report=report, actor=users["city_staff"])
    page = client_for(users["city_staff"]).get(f"/rdinput/fiscal/{report.pk}/").content.decode()
    assert 'data-testid="no-evidence"' in page and 'data-testid="approve"' not in page
    # the county uploads the document on the page's correction form: now it may be approved
    from kechuang.rdinput.tests.conftest import pdf

    services.correct_fiscal(report=report, actor=users["county_a_staff"], data={},
                            files=[pdf()])
    report.refresh_from_db()
    assert services.approve_fiscal(report=report, actor=users["city_staff"]).status == "approved"


def test_fiscal_row_errors_write_nothing(client_for, users, county_a, county_b, do_upload):
    approved = file_report(users["county_a_staff"], county_a, 2024,
                           approve_by=users["city_staff"])
    client = client_for(users["county_a_staff"])
    rows = [_fiscal(county_a),  # fine alone
            _fiscal(county_b),  # another county: not the clerk's
            _fiscal(county_a, 2024, actual_wan=Decimal("1"))]  # would change an approved one
    run = do_upload(client, _book(FISCAL_SPEC, rows), FISCAL_KIND, "财政.xlsx")
    assert run.error_count == 2, run.errors
    text = " ".join(str(e) for e in run.errors)
    assert "不在您可填报的范围内" in text and "已审核通过的报告不能修改" in text
    assert not FiscalReport.objects.filter(year=2025).exists()
    approved.refresh_from_db()
    assert approved.actual_wan == Decimal("1100.00")
    # the same approved figures again: unchanged, not an error
    same = do_upload(client, _book(FISCAL_SPEC, [_fiscal(
        county_a, 2024, budget_wan=Decimal("1000"), actual_wan=Decimal("1100"),
        document=approved.document)]), FISCAL_KIND, "财政.xlsx")
    assert same.error_count == 0 and same.unchanged_count == 1, same.errors


def test_a_corrected_returned_report_goes_back_for_review(client_for, users, county_a,
                                                          do_upload, do_commit):
    from kechuang.rdinput import services

    r = file_report(users["county_a_staff"], county_a, 2025)
    services.reject_fiscal(report=r, actor=users["city_staff"], reason="数字有误")
    client = client_for(users["county_a_staff"])
    run = do_commit(client, do_upload(client, _book(FISCAL_SPEC, [_fiscal(
        county_a, actual_wan=Decimal("1200"))]), FISCAL_KIND, "财政.xlsx"))
    assert run.status == "committed" and run.update_count == 1, run.errors
    r.refresh_from_db()
    assert r.status == FiscalReport.Status.SUBMITTED and r.actual_wan == Decimal("1200.00")
    assert r.reviewed_by is None and r.version == 2


def _fund(ent, year=2025, **extra):
    return {"credit_code": ent.credit_code, "year": year, "provision_yuan": Decimal("500000"),
            "used_yuan": Decimal("120000.5"), "system_document": "研发准备金管理办法",
            "approved_on": dt.date(2025, 1, 15), **extra}


def test_reserve_import(client_for, users, enterprise_a, enterprise_b, do_upload, do_commit):
    client = client_for(users["county_a_staff"])
    bad = do_upload(client, _book(RESERVE_SPEC, [
        _fund(enterprise_a), _fund(enterprise_b),
        _fund(enterprise_a, 2024, approved_on=dt.date(2025, 3, 1))]), RESERVE_KIND, "准备金.xlsx")
    assert bad.error_count == 2, bad.errors
    text = " ".join(str(e) for e in bad.errors)
    assert "不在您的管辖范围内" in text and "不能晚于所登记年度" in text
    assert not RdReserveFund.objects.exists()

    content = _book(RESERVE_SPEC, [_fund(enterprise_a), _fund(enterprise_a, 2024,
                                                              approved_on=dt.date(2024, 1, 2))])
    run = do_commit(client, do_upload(client, content, RESERVE_KIND, "准备金.xlsx"))
    assert run.status == "committed" and run.create_count == 2, run.errors
    fund = RdReserveFund.objects.get(enterprise=enterprise_a, year=2025)
    assert fund.used_yuan == Decimal("120000.50") and fund.recorded_by == users["county_a_staff"]
    again = do_commit(client, do_upload(client, content, RESERVE_KIND, "准备金.xlsx"))
    assert again.create_count == 0 and again.update_count == 0
    changed = do_commit(client, do_upload(client, _book(RESERVE_SPEC, [_fund(
        enterprise_a, used_yuan=Decimal("200000"))]), RESERVE_KIND, "准备金.xlsx"))
    assert changed.update_count == 1
    fund.refresh_from_db()
    assert fund.used_yuan == Decimal("200000.00") and fund.version == 2
    assert ChangeRecord.objects.filter(object_id=str(fund.pk),
                                       action=ChangeRecord.Action.UPDATE).count() == 1


def test_templates_download(client_for, users):
    client = client_for(users["city_staff"])
    for kind in (FISCAL_KIND, RESERVE_KIND):
        resp = client.get(f"/imports/template/{kind}/")
        assert resp.status_code == 200 and resp.content[:2] == b"PK", kind
    # enterprises do not import (the bureau's import roles)
    assert client_for(users["enterprise_a_user"]).get(
        f"/imports/template/{RESERVE_KIND}/").status_code in (403, 404)


def test_the_lists_offer_the_import(client_for, users):
    city = client_for(users["city_staff"])
    for url, kind in (("/rdinput/fiscal/", FISCAL_KIND), ("/rdinput/reserves/", RESERVE_KIND)):
        body = city.get(url).content.decode()
        assert f"/imports/new/{kind}/" in body, url
    ent = client_for(users["enterprise_a_user"]).get("/rdinput/reserves/").content.decode()
    assert "import-button" not in ent
