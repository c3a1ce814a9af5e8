"""Importing annual reports: check every row, preview, commit all or nothing, audit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import make_report
from kechuang.audit.models import ChangeRecord
from kechuang.imports.models import ImportRun
from kechuang.imports.tests.helpers import (
    LABELS,
    report_row,
    report_workbook,
    sheets,
    workbook,
)
from kechuang.orgs.imports import KIND
from kechuang.orgs.models import EnterpriseAnnualReport
from kechuang.policy.credit_code import check_character

pytestmark = pytest.mark.django_db


def reports():
    return EnterpriseAnnualReport.objects.order_by("enterprise_id", "year")


def errors_of(run: ImportRun) -> list[tuple[int, str, str]]:
    return [tuple(e) for e in run.errors]


def test_template_round_trip(client_for, users, enterprise_a, enterprise_a2, report_a,
                             do_upload, do_commit):
    """Download the template, fill rows under its headers, import, confirm → committed."""
    client = client_for(users["county_a_staff"])
    resp = client.get(reverse("imports:template_download", args=[KIND]))
    assert resp.status_code == 200
    assert "attachment" in resp["Content-Disposition"]
    template = sheets(resp.content)
    assert list(template) == ["数据", "示例", "填写说明"]
    headers = template["数据"][0]
    assert headers == list(LABELS.values()) and len(template["数据"]) == 1
    assert template["示例"][1][0].startswith("9114")  # the example row lives on its own sheet
    guide = "\n".join(str(c) for row in template["填写说明"] for c in row)
    assert all(label in guide for label in LABELS.values())

    fields = list(LABELS)
    filled = [
        report_row(enterprise_a2, 2024, revenue_yuan=Decimal("1234.56")),  # new report
        report_row(enterprise_a, 2024, employees=150),  # changes report_a
    ]
    content = workbook(headers, [[r.get(f) for f in fields] for r in filled],
                       extra={"示例": template["示例"], "填写说明": template["填写说明"]})
    run = do_upload(client, content)
    assert run.status == "valid", run.errors
    assert (run.total_rows, run.create_count, run.update_count, run.unchanged_count) == (
        2, 1, 1, 0)
    page = client.get(reverse("imports:run_detail", args=[run.pk])).content.decode()
    assert "确认导入" in page and "职工总数（人）" in page  # the preview shows what changes
    assert reports().count() == 1  # nothing written before the confirmation

    run = do_commit(client, run)
    assert run.status == "committed", run.message
    new = EnterpriseAnnualReport.objects.get(enterprise=enterprise_a2, year=2024)
    assert new.revenue_yuan == Decimal("1234.56") and new.has_rd_activity is True
    report_a.refresh_from_db()
    assert report_a.employees == 150
    assert report_a.revenue_yuan == Decimal("30000000.00")  # a filled cell: written
    records = ChangeRecord.objects.filter(request_id=f"import-{run.pk}").order_by("pk")
    assert [r.action for r in records] == ["create", "update"]
    assert records[1].before["employees"] == 100 and records[1].after["employees"] == 150
    assert records[0].actor == users["county_a_staff"]
    assert records[0].source == f"import:{KIND}"
    assert "第2行" in records[0].reason


def test_the_unfilled_template_imports_nothing(client_for, users, do_upload):
    client = client_for(users["city_staff"])
    template = client.get(reverse("imports:template_download", args=[KIND])).content
    run = do_upload(client, template)
    assert run.status == "invalid"
    assert "没有可导入的数据行" in run.errors[0][2]
    assert not reports().exists()


def test_same_workbook_twice_changes_nothing_the_second_time(client_for, users, enterprise_a,
                                                             enterprise_a2, report_a,
                                                             do_upload, do_commit):
    client = client_for(users["county_a_staff"])
    content = report_workbook([report_row(enterprise_a, 2024, employees=130),
                               report_row(enterprise_a2, 2023)])
    first = do_commit(client, do_upload(client, content))
    assert first.status == "committed"
    assert (first.create_count, first.update_count) == (1, 1)
    stamps = dict(reports().values_list("pk", "updated_at"))
    audit_rows = ChangeRecord.objects.count()

    second = do_upload(client, content)
    assert second.status == "valid"
    assert (second.create_count, second.update_count, second.unchanged_count) == (0, 0, 2)
    page = client.get(reverse("imports:run_detail", args=[second.pk])).content.decode()
    assert "没有需要写入的内容" in page
    second = do_commit(client, second)
    assert second.status == "committed"
    assert (second.create_count, second.update_count, second.unchanged_count) == (0, 0, 2)
    assert ChangeRecord.objects.count() == audit_rows
    assert dict(reports().values_list("pk", "updated_at")) == stamps


def test_one_bad_check_character_commits_nothing_and_names_the_row(
        client_for, users, enterprise_a, enterprise_a2, do_upload):
    client = client_for(users["county_a_staff"])
    code = enterprise_a2.credit_code
    wrong = next(c for c in "0123456789" if c != code[-1])
    rows = [report_row(enterprise_a, 2024), report_row(enterprise_a2, 2024),
            report_row(enterprise_a, 2023)]
    rows[1]["credit_code"] = code[:17] + wrong
    run = do_upload(client, report_workbook(rows))
    assert run.status == "invalid"
    expected = check_character(code[:17])
    assert errors_of(run) == [(3, "统一社会信用代码",
                               f"统一社会信用代码校验位错误：第18位应为“{expected}”，"
                               f"实际为“{wrong}”")]
    assert run.error_row_count == 1 and run.total_rows == 3
    assert not reports().exists()
    # nor can it be confirmed
    resp = client.post(reverse("imports:run_commit", args=[run.pk]))
    assert resp.status_code == 302 and not reports().exists()

    resp = client.get(reverse("imports:run_errors", args=[run.pk]))
    assert resp.status_code == 200
    report = sheets(b"".join(resp.streaming_content))
    data, listing = report["错误数据"], report["错误清单"]
    assert data[0][-1] == "错误原因"
    assert data[2][0] == code[:17] + wrong and f"应为“{expected}”" in data[2][-1]
    assert data[1][-1] == "" and data[3][-1] == ""
    assert listing[0] == ["行号", "列", "错误原因"]
    assert listing[1][:2] == [3.0, "统一社会信用代码"]


def test_unknown_enterprise(client_for, users, enterprise_a, do_upload):
    from kechuang.policy.credit_code import make_code

    row = report_row(enterprise_a, 2024, credit_code=make_code("91140403MA0000777"),
                     enterprise_name="")
    run = do_upload(client_for(users["city_staff"]), report_workbook([row]))
    assert run.status == "invalid"
    assert errors_of(run)[0][:2] == (2, "统一社会信用代码")
    assert "系统中没有统一社会信用代码为" in errors_of(run)[0][2]


def test_county_clerk_cannot_import_another_countys_enterprise(client_for, users, enterprise_a,
                                                               enterprise_b, do_upload):
    content = report_workbook([report_row(enterprise_a, 2024), report_row(enterprise_b, 2024)])
    run = do_upload(client_for(users["county_a_staff"]), content)
    assert run.status == "invalid"
    assert [e[:2] for e in errors_of(run)] == [(3, "统一社会信用代码")]
    assert "不在您的管辖范围内" in errors_of(run)[0][2]
    assert not reports().exists()
    # the city sees both
    run = do_upload(client_for(users["city_staff"]), content)
    assert run.status == "valid" and run.create_count == 2


def test_duplicate_rows_are_both_reported(client_for, users, enterprise_a, enterprise_a2,
                                          do_upload):
    rows = [report_row(enterprise_a, 2024), report_row(enterprise_a2, 2024),
            report_row(enterprise_a, 2024, employees=5, st_staff=1)]
    run = do_upload(client_for(users["county_a_staff"]), report_workbook(rows))
    assert run.status == "invalid"
    assert errors_of(run) == [
        (2, "统一社会信用代码", "与第 4 行重复（统一社会信用代码+年度相同）"),
        (4, "统一社会信用代码", "与第 2 行重复（统一社会信用代码+年度相同）"),
    ]


@pytest.mark.parametrize(("values", "column", "text"), [
    ({"employees": -5}, "职工总数（人）", "不能小于 0"),
    ({"year": 1999}, "年度", "不能小于 2000"),
    ({"employees": 10, "st_staff": 11}, "科技人员数（人）", "不能大于职工总数"),
    ({"rd_expense_yuan": Decimal("100"), "rd_domestic_yuan": Decimal("200")}, "境内研发费用（元）",
     "不能大于研发费用总额"),
    ({"revenue_yuan": Decimal("-1")}, "销售收入（元）", "不能小于 0"),
    ({"revenue_yuan": "12.345"}, "销售收入（元）", "2"),  # at most two decimals
    ({"revenue_yuan": "一百万"}, "销售收入（元）", "应为数字"),
    ({"employees": 12.5}, "职工总数（人）", "应为整数"),
    ({"has_rd_activity": "也许"}, "有研发活动", "应填“是”或“否”"),
    ({"enterprise_name": "别家公司"}, "企业名称", "企业名称与统一社会信用代码不符"),
    ({"year": None}, "年度", "必填"),
])
def test_a_bad_value_is_reported_under_its_column(client_for, users, enterprise_a, do_upload,
                                                  values, column, text):
    row = report_row(enterprise_a) | values
    run = do_upload(client_for(users["county_a_staff"]), report_workbook([row]))
    assert run.status == "invalid"
    assert [(row, col) for row, col, _m in errors_of(run)] == [(2, column)], run.errors
    assert text in run.errors[0][2]
    assert not reports().exists()


def test_missing_required_column(client_for, users, enterprise_a, do_upload):
    fields = [f for f in LABELS if f != "year"]
    run = do_upload(client_for(users["city_staff"]),
                    report_workbook([report_row(enterprise_a)], fields=fields))
    assert run.status == "invalid"
    assert errors_of(run) == [(1, "年度", "缺少必填列“年度”（表头须与模板一致）")]
    assert client_for(users["city_staff"]).get(
        reverse("imports:run_errors", args=[run.pk])).status_code == 200


def test_float_money_cells_become_exact_decimals(client_for, users, enterprise_a, do_upload,
                                                 do_commit):
    client = client_for(users["county_a_staff"])
    row = report_row(enterprise_a, 2024, revenue_yuan=1234567.89, rd_other_yuan=0.1 + 0.2,
                     total_assets_yuan="1,234.50", net_assets_yuan="¥1,000",
                     high_tech_revenue_yuan=" 88 元", rd_reserve_fund_yuan=12345678901.23)
    run = do_commit(client, do_upload(client, report_workbook([row])))
    assert run.status == "committed", run.errors
    r = EnterpriseAnnualReport.objects.get(enterprise=enterprise_a, year=2024)
    assert r.revenue_yuan == Decimal("1234567.89")
    assert r.rd_other_yuan == Decimal("0.30")
    assert r.total_assets_yuan == Decimal("1234.50")
    assert r.net_assets_yuan == Decimal("1000.00")
    assert r.high_tech_revenue_yuan == Decimal("88.00")
    assert r.rd_reserve_fund_yuan == Decimal("12345678901.23")
    after = ChangeRecord.objects.get(request_id=f"import-{run.pk}").after
    assert after["revenue_yuan"] == "1234567.89"


def test_headers_in_any_order_with_a_title_row_blank_rows_and_extra_columns(
        client_for, users, enterprise_a, report_a, do_upload):
    headers = [" 年 度 ", "备注", "职工总数(人)", "统一社会信用代码*"]  # half-width brackets too
    rows = [[2024, "随便写", 150, enterprise_a.credit_code.lower()], [None, None, None, None],
            [None, "只有备注的行", None, None]]
    content = workbook(headers, rows, header_row=2, title="2024年度企业年报汇总")
    run = do_upload(client_for(users["county_a_staff"]), content)
    assert run.status == "valid", run.errors
    assert (run.total_rows, run.update_count) == (1, 1)
    assert run.warnings == ["以下列未识别，已忽略：“备注”"]
    assert run.preview[0]["row"] == 4
    assert run.preview[0]["changes"] == [["职工总数（人）", "100", "150"]]


def test_blank_cells_keep_stored_values_on_update(client_for, users, enterprise_a, report_a,
                                                  do_upload, do_commit):
    client = client_for(users["county_a_staff"])
    row = {"credit_code": enterprise_a.credit_code, "year": 2024, "employees": 101}
    run = do_commit(client, do_upload(client, report_workbook([row])))
    assert (run.status, run.update_count) == ("committed", 1)
    report_a.refresh_from_db()
    assert report_a.employees == 101 and report_a.rd_expense_yuan == Decimal("1500000.00")


def test_commit_checks_again_and_writes_nothing_when_data_changed(
        client_for, users, enterprise_a, enterprise_a2, report_a, county_b, do_upload,
        do_commit):
    client = client_for(users["county_a_staff"])
    content = report_workbook([report_row(enterprise_a2, 2024),
                               report_row(enterprise_a, 2024, employees=120, st_staff=30)])
    run = do_upload(client, content)
    assert run.status == "valid"
    # meanwhile the enterprise moved to another county
    type(enterprise_a).objects.filter(pk=enterprise_a.pk).update(county=county_b)
    run = do_commit(client, run)
    assert run.status == "invalid"
    assert "复核" in run.message
    assert [e[0] for e in run.errors] == [3]
    assert reports().count() == 1  # report_a untouched, enterprise_a2's not created
    report_a.refresh_from_db()
    assert report_a.employees == 100
    assert not ChangeRecord.objects.filter(request_id=f"import-{run.pk}").exists()


def test_confirming_twice_commits_once(client_for, users, enterprise_a, do_upload, do_commit):
    client = client_for(users["county_a_staff"])
    run = do_upload(client, report_workbook([report_row(enterprise_a, 2024)]))
    run = do_commit(client, run)
    assert run.status == "committed"
    resp = client.post(reverse("imports:run_commit", args=[run.pk]), follow=True)
    assert "当前不能确认" in resp.content.decode()
    assert ChangeRecord.objects.filter(request_id=f"import-{run.pk}").count() == 1


def test_not_a_workbook_is_refused_at_upload(client_for, users):
    from kechuang.imports.tests.helpers import upload_file

    client = client_for(users["city_staff"])
    resp = client.post(reverse("imports:run_new", args=[KIND]),
                       {"file": upload_file(b"%PDF-1.4 nope", "年报.xlsx")})
    assert resp.status_code == 200
    assert "内容与扩展名 .xlsx 不符" in resp.content.decode()
    assert not ImportRun.objects.exists()


def test_enterprise_users_use_the_form_not_the_import(client_for, users):
    client = client_for(users["enterprise_a_user"])
    assert client.get(reverse("imports:run_new", args=[KIND])).status_code == 403
    assert client.get(reverse("imports:template_download", args=[KIND])).status_code == 403
    assert client.get(reverse("imports:run_list")).status_code == 403
    staff = client_for(users["county_a_staff"])
    assert staff.get(reverse("imports:run_new", args=["no.such_kind"])).status_code == 404


def test_report_list_shows_the_import_button_to_bureau_roles_only(client_for, users):
    page = client_for(users["county_a_staff"]).get(reverse("orgs:report_list")).content.decode()
    assert reverse("imports:run_new", args=[KIND]) in page
    page = client_for(users["enterprise_a_user"]).get(reverse("orgs:report_list")).content
    assert reverse("imports:run_new", args=[KIND]).encode() not in page


def test_run_list_shows_only_own_runs(client_for, users, enterprise_a, do_upload):
    mine = do_upload(client_for(users["county_a_staff"]),
                     report_workbook([report_row(enterprise_a, 2024)]), name="我的.xlsx")
    page = client_for(users["county_b_staff"]).get(reverse("imports:run_list")).content.decode()
    assert "我的.xlsx" not in page
    page = client_for(users["county_a_staff"]).get(reverse("imports:run_list")).content.decode()
    assert "我的.xlsx" in page
    assert client_for(users["county_b_staff"]).get(
        reverse("imports:run_detail", args=[mine.pk])).status_code == 404


def test_existing_report_of_other_year_is_not_touched(client_for, users, enterprise_a,
                                                      do_upload, do_commit):
    old = make_report(enterprise_a, 2022)
    client = client_for(users["county_a_staff"])
    run = do_commit(client, do_upload(client, report_workbook([report_row(enterprise_a, 2023)])))
    assert (run.status, run.create_count) == ("committed", 1)
    old.refresh_from_db()
    assert old.employees == 100


def test_progress_is_polled_while_checking_and_the_page_reloads_when_done(
        client_for, users, enterprise_a):
    from kechuang.imports.tests.helpers import upload_file

    client = client_for(users["county_a_staff"])
    # without running the on-commit callbacks the check job stays queued
    client.post(reverse("imports:run_new", args=[KIND]),
                {"file": upload_file(report_workbook([report_row(enterprise_a)]))})
    run = ImportRun.objects.get()
    assert run.status == "validating" and run.job is not None
    page = client.get(reverse("imports:run_detail", args=[run.pk])).content.decode()
    assert reverse("imports:run_progress", args=[run.pk]) in page and "hx-get" in page
    resp = client.get(reverse("imports:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and "HX-Refresh" not in resp
    ImportRun.objects.filter(pk=run.pk).update(status="valid")
    resp = client.get(reverse("imports:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert resp["HX-Refresh"] == "true"


def test_a_crash_during_commit_undoes_the_chunk_and_offers_a_retry(
        client_for, users, enterprise_a, enterprise_a2, do_upload, do_commit, monkeypatch):
    from kechuang.imports import engine
    from kechuang.jobs.models import Job

    client = client_for(users["county_a_staff"])
    run = do_upload(client, report_workbook([report_row(enterprise_a),
                                             report_row(enterprise_a2)]))
    real = engine.bulk_write
    calls = []

    def explode(spec, ctx, rows):
        real(spec, ctx, rows)
        calls.append(len(rows))
        raise RuntimeError("disk full")

    monkeypatch.setattr(engine, "bulk_write", explode)
    run = do_commit(client, run)
    assert calls == [2]
    # undone, back to "valid": the owner may retry or cancel
    assert run.status == "valid" and run.retryable and "已撤销" in run.message
    job = Job.objects.get(pk=run.job_id)
    assert job.status == "failed" and f"任务编号 {job.pk}" in job.error
    assert not reports().exists()
    assert not ChangeRecord.objects.filter(request_id=f"import-{run.pk}").exists()
    page = client.get(reverse("imports:run_detail", args=[run.pk])).content.decode()
    assert "重试导入" in page and "取消导入" in page

    monkeypatch.setattr(engine, "bulk_write", real)
    run = do_commit(client, run)  # the retry writes everything, once
    assert run.status == "committed" and reports().count() == 2
    assert ChangeRecord.objects.filter(request_id=f"import-{run.pk}").count() == 2


def test_an_import_update_bumps_the_version_so_an_open_edit_form_is_refused(
        client_for, users, enterprise_a, report_a, do_upload, do_commit):
    """Optimistic locking holds across the importer's bulk write too."""
    client = client_for(users["county_a_staff"])
    before = reports().get(pk=report_a.pk).version
    content = report_workbook([report_row(enterprise_a, 2024, employees=131)])
    assert do_commit(client, do_upload(client, content)).status == "committed"
    assert reports().get(pk=report_a.pk).version == before + 1
    again = do_commit(client, do_upload(client, content))  # unchanged: nothing written
    assert again.unchanged_count == 1
    assert reports().get(pk=report_a.pk).version == before + 1


def test_a_new_report_is_built_as_the_keyword_constructor_builds_it(enterprise_a,
                                                                   django_assert_num_queries):
    """orgs.imports.new_report (positional, defaults worked out once) against
    EnterpriseAnnualReport(enterprise=…, year=…): every field, the state, the cached link."""
    from kechuang.orgs.imports import new_report

    fast, slow = new_report(enterprise_a, 2024), EnterpriseAnnualReport(enterprise=enterprise_a,
                                                                        year=2024)
    names = [f.attname for f in EnterpriseAnnualReport._meta.concrete_fields]
    assert [getattr(fast, n) for n in names] == [getattr(slow, n) for n in names]
    assert fast.pk is None and fast._state.adding and fast.year == 2024
    assert set(fast.__dict__) == set(slow.__dict__)  # nothing more, nothing less set
    assert fast._state.fields_cache.keys() == slow._state.fields_cache.keys()
    with django_assert_num_queries(0):
        assert fast.enterprise is enterprise_a


def test_a_row_checked_unchanged_but_edited_before_the_commit_is_written_from_the_file(
        client_for, users, enterprise_a, do_upload, do_commit):
    """The kept values of an unchanged row are typed only when the commit needs them: here
    the report moved on after the check, so the row is checked again and written from the
    workbook's values (exact decimals), with its change record."""
    from kechuang.orgs.services import update_annual_report

    client = client_for(users["county_a_staff"])
    content = report_workbook([report_row(enterprise_a, 2024)])
    assert do_commit(client, do_upload(client, content)).status == "committed"
    run = do_upload(client, content)
    assert (run.status, run.unchanged_count) == ("valid", 1)
    report = EnterpriseAnnualReport.objects.get(enterprise=enterprise_a, year=2024)
    update_annual_report(actor=users["county_a_staff"], report=report,
                         data={"rd_expense_yuan": Decimal("2000000.00")})
    run = do_commit(client, run)
    assert (run.status, run.update_count, run.unchanged_count) == ("committed", 1, 0)
    report.refresh_from_db()
    assert report.rd_expense_yuan == Decimal("1500000.50")
    last = ChangeRecord.objects.filter(object_id=str(report.pk)).order_by("-id").first()
    assert last.before["rd_expense_yuan"] == "2000000.00"
    assert last.after["rd_expense_yuan"] == "1500000.50"
