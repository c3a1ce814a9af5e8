"""Excel import of registrations, certificates and leader designations (cultivation/imports.py):
template round trip, the same rules as the services, all or nothing, idempotent, tiers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_enterprise
from kechuang.audit.models import ChangeRecord
from kechuang.cultivation.imports import (
    CERTIFICATE_KIND,
    CERTIFICATE_SPEC,
    LEADER_KIND,
    LEADER_SPEC,
    REGISTRATION_KIND,
    REGISTRATION_SPEC,
)
from kechuang.cultivation.models import (
    HighTechCertificate,
    LeaderDesignation,
    TechSmeRegistration,
    certificate_expiry,
)
from kechuang.cultivation.services import TIER_REASON
from kechuang.cultivation.tests.conftest import make_certificate, make_registration
from kechuang.imports import engine
from kechuang.imports.models import ImportRun
from kechuang.imports.spec import ImportContext
from kechuang.imports.tests.helpers import sheets, upload_file, workbook
from kechuang.orgs.models import Organisation
from kechuang.policy.credit_code import check_character

pytestmark = pytest.mark.django_db

SPECS = {REGISTRATION_KIND: REGISTRATION_SPEC, CERTIFICATE_KIND: CERTIFICATE_SPEC,
         LEADER_KIND: LEADER_SPEC}
YEAR = timezone.localdate().year - 1  # last year: in the past, and still inside every tier
ISSUED = dt.date(YEAR, 11, 20)  # a certificate valid today (three years)
FUTURE = timezone.localdate() + dt.timedelta(days=40)


def labels(kind: str) -> dict[str, str]:
    return {c.field: str(c.label) for c in SPECS[kind].columns}


def cert_row(enterprise, serial: int = 101, issued_on: dt.date = ISSUED, **values):
    row = {"credit_code": enterprise.credit_code, "enterprise_name": enterprise.name,
           "certificate_no": f"GR{issued_on.year}14{serial:06d}", "issued_on": issued_on,
           "batch": f"{issued_on.year}年第二批", "kind": "首次认定"}
    return row | values


def reg_row(enterprise, serial: int = 1, year: int = YEAR, **values):
    row = {"credit_code": enterprise.credit_code, "enterprise_name": enterprise.name,
           "year": year, "registration_no": f"{year}140403A{serial:07d}",
           "registered_on": dt.date(year, 4, 15)}
    return row | values


def book(kind: str, rows: list[dict], fields: list[str] | None = None) -> bytes:
    names = labels(kind)
    fields = fields or list(names)
    return workbook([names[f] for f in fields], [[r.get(f) for f in fields] for r in rows])


def errors_of(run: ImportRun) -> list[tuple]:
    return [tuple(e) for e in run.errors]


# ---- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [REGISTRATION_KIND, CERTIFICATE_KIND, LEADER_KIND])
def test_template_has_chinese_headers_an_example_and_reads_back(client_for, users, kind,
                                                                 do_upload):
    client = client_for(users["county_a_staff"])
    resp = client.get(reverse("imports:template_download", args=[kind]))
    assert resp.status_code == 200 and "attachment" in resp["Content-Disposition"]
    template = sheets(resp.content)
    assert list(template) == ["数据", "示例", "填写说明"]
    assert template["数据"][0] == list(labels(kind).values())
    assert template["示例"][1][0].startswith("9114")
    guide = "\n".join(str(c) for row in template["填写说明"] for c in row)
    assert "培育梯队" in guide and all(label in guide for label in labels(kind).values())
    # the example row, pasted into the data sheet, passes every cell check (its enterprise
    # is not in the database: the only error is that one)
    example = template["示例"][:2]
    run = do_upload(client, workbook(example[0], [example[1]]), kind)
    assert run.status == "invalid"
    assert [e[1] for e in errors_of(run)] == ["统一社会信用代码"], run.errors
    assert "系统中没有统一社会信用代码为" in run.errors[0][2]


def test_certificate_round_trip(client_for, users, enterprise_a, enterprise_a2, do_upload,
                                do_commit):
    client = client_for(users["county_a_staff"])
    template = sheets(client.get(reverse("imports:template_download",
                                         args=[CERTIFICATE_KIND])).content)
    fields = list(labels(CERTIFICATE_KIND))
    rows = [cert_row(enterprise_a, 101), cert_row(enterprise_a2, 102, kind="重新认定",
                                                  certificate_no=f"gr{YEAR} 14 000102")]
    content = workbook(template["数据"][0], [[r.get(f) for f in fields] for r in rows],
                       extra={"示例": template["示例"], "填写说明": template["填写说明"]})
    run = do_upload(client, content, CERTIFICATE_KIND)
    assert run.status == "valid", run.errors
    assert (run.total_rows, run.create_count, run.update_count) == (2, 2, 0)
    page = client.get(reverse("imports:run_detail", args=[run.pk])).content.decode()
    assert "确认导入" in page and f"GR{YEAR}14000101" in page  # the preview
    assert not HighTechCertificate.objects.exists()  # nothing before the confirmation

    run = do_commit(client, run)
    assert run.status == "committed", run.message
    a = HighTechCertificate.objects.get(enterprise=enterprise_a)
    assert a.certificate_no == f"GR{YEAR}14000101"
    assert a.expires_on == certificate_expiry(ISSUED) == dt.date(YEAR + 3, 11, 19)
    assert (a.kind, a.status, a.batch) == ("new", "valid", f"{YEAR}年第二批")
    assert a.created_by == users["county_a_staff"]
    b = HighTechCertificate.objects.get(enterprise=enterprise_a2)
    assert (b.certificate_no, b.kind) == (f"GR{YEAR}14000102", "renewal")  # normalised
    records = ChangeRecord.objects.filter(request_id=f"import-{run.pk}",
                                          content_type__model="hightechcertificate")
    assert sorted(r.action for r in records) == ["create", "create"]
    assert records[0].source == f"import:{CERTIFICATE_KIND}"
    assert records.get(object_id=str(a.pk)).after["expires_on"] == a.expires_on.isoformat()


def test_registration_round_trip_and_update(client_for, users, enterprise_a, enterprise_a2,
                                            do_upload, do_commit):
    client = client_for(users["county_a_staff"])
    existing = make_registration(enterprise_a, year=YEAR, registration_no=f"{YEAR}140403A0000001")
    rows = [reg_row(enterprise_a, 9, note="更正编号"),  # (enterprise, year) exists: update
            reg_row(enterprise_a2, 2)]
    run = do_upload(client, book(REGISTRATION_KIND, rows), REGISTRATION_KIND)
    assert run.status == "valid", run.errors
    assert (run.create_count, run.update_count) == (1, 1)
    changes = {c[0]: c[1:] for p in run.preview for c in p["changes"]}
    assert changes["入库登记编号"] == [f"{YEAR}140403A0000001", f"{YEAR}140403A0000009"]
    run = do_commit(client, run)
    assert run.status == "committed", run.message
    existing.refresh_from_db()
    assert (existing.registration_no, existing.note) == (f"{YEAR}140403A0000009", "更正编号")
    new = TechSmeRegistration.objects.get(enterprise=enterprise_a2)
    assert (new.year, new.status, new.registered_on) == (YEAR, "registered",
                                                          dt.date(YEAR, 4, 15))


def test_leader_round_trip(client_for, users, enterprise_a, do_upload, do_commit):
    client = client_for(users["city_staff"])
    row = {"credit_code": enterprise_a.credit_code, "year": YEAR,
           "designated_on": dt.date(YEAR, 9, 1), "document_no": f"长科发〔{YEAR}〕12号"}
    run = do_commit(client, do_upload(client, book(LEADER_KIND, [row]), LEADER_KIND))
    assert run.status == "committed", run.errors
    assert LeaderDesignation.objects.get().document_no == f"长科发〔{YEAR}〕12号"
    enterprise_a.refresh_from_db()
    assert enterprise_a.tier == "leader"


# ---- idempotent ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [REGISTRATION_KIND, CERTIFICATE_KIND])
def test_same_workbook_twice_changes_nothing_the_second_time(client_for, users, enterprise_a,
                                                             enterprise_a2, kind, do_upload,
                                                             do_commit):
    client = client_for(users["county_a_staff"])
    make_row = cert_row if kind == CERTIFICATE_KIND else reg_row
    content = book(kind, [make_row(enterprise_a, 1), make_row(enterprise_a2, 2)])
    first = do_commit(client, do_upload(client, content, kind))
    assert first.status == "committed" and first.create_count == 2, first.errors
    model = SPECS[kind].model
    stamps = dict(model.objects.values_list("pk", "updated_at"))
    tiers = dict(Organisation.objects.values_list("pk", "tier"))
    audit_rows = ChangeRecord.objects.count()
    assert tiers[enterprise_a.pk] == ("high_tech" if kind == CERTIFICATE_KIND else "tech_sme")

    second = do_upload(client, content, kind)
    assert (second.status, second.create_count, second.update_count,
            second.unchanged_count) == ("valid", 0, 0, 2)
    second = do_commit(client, second)
    assert second.status == "committed"
    assert ChangeRecord.objects.count() == audit_rows
    assert dict(model.objects.values_list("pk", "updated_at")) == stamps
    assert dict(Organisation.objects.values_list("pk", "tier")) == tiers


# ---- one bad row: nothing committed ----------------------------------------------------------


def test_bad_check_character_commits_nothing_and_names_the_row(client_for, users,
                                                               enterprise_a, enterprise_a2,
                                                               do_upload, do_commit):
    client = client_for(users["county_a_staff"])
    code = enterprise_a2.credit_code
    wrong = next(c for c in "0123456789" if c != code[-1])
    rows = [cert_row(enterprise_a, 1), cert_row(enterprise_a2, 2, credit_code=code[:17] + wrong),
            cert_row(enterprise_a, 3)]
    run = do_upload(client, book(CERTIFICATE_KIND, rows), CERTIFICATE_KIND)
    assert run.status == "invalid"
    assert errors_of(run) == [(3, "统一社会信用代码",
                               f"统一社会信用代码校验位错误：第18位应为“{check_character(code[:17])}”，"
                               f"实际为“{wrong}”")]
    assert do_commit(client, run).status == "invalid"  # cannot be confirmed
    assert not HighTechCertificate.objects.exists()
    report = sheets(b"".join(client.get(reverse("imports:run_errors", args=[run.pk]))
                             .streaming_content))
    assert report["错误清单"][1][:2] == [3.0, "统一社会信用代码"]


@pytest.mark.parametrize(("number", "text"), [
    ("GR2025ABC00123", "证书编号格式应为 GR + 4 位年份"),
    (f"GR{YEAR}99000123", "省份代码“99”无效"),
    (f"GR{YEAR - 1}14000123", f"与发证日期的年份（{YEAR}）不一致"),
])
def test_bad_certificate_number_commits_nothing(client_for, users, enterprise_a, enterprise_a2,
                                                do_upload, number, text):
    rows = [cert_row(enterprise_a, 1), cert_row(enterprise_a2, 2, certificate_no=number)]
    run = do_upload(client_for(users["county_a_staff"]), book(CERTIFICATE_KIND, rows),
                    CERTIFICATE_KIND)
    assert run.status == "invalid"
    assert [e[:2] for e in errors_of(run)] == [(3, "证书编号")], run.errors
    assert text in run.errors[0][2]
    assert not HighTechCertificate.objects.exists()


def test_a_row_that_fails_at_commit_time_rolls_everything_back(client_for, users, enterprise_a,
                                                               enterprise_a2, enterprise_b,
                                                               do_upload, do_commit):
    """Checked fine, then someone records row 3's number in another county: nothing is
    written, not even row 2, and no tier moves."""
    client = client_for(users["county_a_staff"])
    rows = [cert_row(enterprise_a, 1), cert_row(enterprise_a2, 2)]
    run = do_upload(client, book(CERTIFICATE_KIND, rows), CERTIFICATE_KIND)
    assert run.status == "valid"
    make_certificate(enterprise_b, issued_on=ISSUED, certificate_no=f"GR{YEAR}14000002")
    run = do_commit(client, run)
    assert run.status == "invalid"
    assert [e[:2] for e in errors_of(run)] == [(3, "证书编号")]
    assert "不在您的管辖范围内" in run.errors[0][2]
    assert list(HighTechCertificate.objects.values_list("enterprise", flat=True)) == [
        enterprise_b.pk]
    enterprise_a.refresh_from_db()
    assert enterprise_a.tier == ""


# ---- scope, duplicates, ranges -------------------------------------------------------------


def test_county_clerk_cannot_import_another_countys_enterprise(client_for, users, enterprise_a,
                                                               enterprise_b, do_upload):
    content = book(CERTIFICATE_KIND, [cert_row(enterprise_a, 1), cert_row(enterprise_b, 2)])
    run = do_upload(client_for(users["county_a_staff"]), content, CERTIFICATE_KIND)
    assert run.status == "invalid"
    assert [e[:2] for e in errors_of(run)] == [(3, "统一社会信用代码")]
    # the same words as for an unknown enterprise: existence does not leak
    assert run.errors[0][2] == (f"系统中没有统一社会信用代码为 {enterprise_b.credit_code} 的企业，"
                                "或该企业不在您的管辖范围内（新企业请先在企业库中新增）")
    run = do_upload(client_for(users["city_staff"]), content, CERTIFICATE_KIND)
    assert run.status == "valid" and run.create_count == 2


def test_duplicate_certificate_numbers_are_reported_on_both_rows(client_for, users,
                                                                enterprise_a, enterprise_a2,
                                                                do_upload):
    rows = [cert_row(enterprise_a, 1), cert_row(enterprise_a2, 2),
            cert_row(enterprise_a2, 1, certificate_no=f" gr{YEAR}14000001")]
    run = do_upload(client_for(users["county_a_staff"]), book(CERTIFICATE_KIND, rows),
                    CERTIFICATE_KIND)
    assert errors_of(run) == [(2, "证书编号", "与第 4 行重复（证书编号相同）"),
                              (4, "证书编号", "与第 2 行重复（证书编号相同）")]


def test_registration_numbers_must_be_unique(client_for, users, enterprise_a, enterprise_a2,
                                             enterprise_b, do_upload):
    client = client_for(users["county_a_staff"])
    rows = [reg_row(enterprise_a, 7), reg_row(enterprise_a2, 7)]
    run = do_upload(client, book(REGISTRATION_KIND, rows), REGISTRATION_KIND)
    assert errors_of(run) == [(2, "入库登记编号", "与第 3 行重复（入库登记编号相同）"),
                              (3, "入库登记编号", "与第 2 行重复（入库登记编号相同）")]
    # held by another registration in the database (another county's: not named)
    make_registration(enterprise_b, year=YEAR, registration_no=f"{YEAR}140403A0000008")
    run = do_upload(client, book(REGISTRATION_KIND, [reg_row(enterprise_a, 8)]),
                    REGISTRATION_KIND)
    assert errors_of(run) == [(2, "入库登记编号", f"入库登记编号“{YEAR}140403A0000008”已用于系统中"
                               "的另一条入库登记，编号不能重复")]
    # the same enterprise and year in the file twice: the key
    run = do_upload(client, book(REGISTRATION_KIND, [reg_row(enterprise_a, 1),
                                                     reg_row(enterprise_a, 2)]),
                    REGISTRATION_KIND)
    assert [e[:2] for e in errors_of(run)] == [(2, "统一社会信用代码"), (3, "统一社会信用代码")]


def test_certificate_of_another_enterprise_is_not_moved(client_for, users, enterprise_a,
                                                        enterprise_a2, do_upload):
    make_certificate(enterprise_a, issued_on=ISSUED, certificate_no=f"GR{YEAR}14000005")
    run = do_upload(client_for(users["county_a_staff"]),
                    book(CERTIFICATE_KIND, [cert_row(enterprise_a2, 5)]), CERTIFICATE_KIND)
    assert [e[:2] for e in errors_of(run)] == [(2, "统一社会信用代码")]
    assert f"属于“{enterprise_a.name}”" in run.errors[0][2]


@pytest.mark.parametrize(("kind", "values", "column", "text"), [
    (CERTIFICATE_KIND, {"issued_on": dt.date(2007, 6, 1), "certificate_no": "GR200714000001"},
     "发证日期", "不能小于 2008-01-01"),
    (CERTIFICATE_KIND, {"issued_on": FUTURE, "certificate_no": f"GR{FUTURE.year}14000001"},
     "发证日期", "不能晚于今天"),
    (CERTIFICATE_KIND, {"issued_on": "2025年13月1日"}, "发证日期", "应为日期"),
    (CERTIFICATE_KIND, {"kind": "第三次认定"}, "认定类型", "可选：首次认定、重新认定"),
    (CERTIFICATE_KIND, {"enterprise_name": "别家公司"}, "企业名称", "与统一社会信用代码不符"),
    (CERTIFICATE_KIND, {"certificate_no": None}, "证书编号", "必填"),
    (REGISTRATION_KIND, {"year": 2016, "registered_on": dt.date(2017, 4, 1)}, "评价年度",
     "不能小于 2017"),
    (REGISTRATION_KIND, {"registered_on": dt.date(YEAR - 1, 12, 1)}, "入库日期",
     f"应在评价年度（{YEAR} 年）内"),
    (REGISTRATION_KIND, {"registration_no": "2025-0001"}, "入库登记编号", "1–32 位数字或大写字母"),
    (REGISTRATION_KIND, {"year": "二〇二五"}, "评价年度", "应为整数"),
])
def test_a_bad_value_is_reported_under_its_column(client_for, users, enterprise_a, do_upload,
                                                  kind, values, column, text):
    row = (cert_row if kind == CERTIFICATE_KIND else reg_row)(enterprise_a) | values
    run = do_upload(client_for(users["county_a_staff"]), book(kind, [row]), kind)
    assert run.status == "invalid"
    assert [(r, c) for r, c, _m in errors_of(run)] == [(2, column)], run.errors
    assert text in run.errors[0][2]
    assert not SPECS[kind].model.objects.exists()


# ---- derived fields, status, tiers --------------------------------------------------------


def test_expires_on_is_computed_and_follows_a_corrected_issue_date(client_for, users,
                                                                   enterprise_a, do_upload,
                                                                   do_commit):
    client = client_for(users["county_a_staff"])
    leap = dt.date(2024, 2, 29)
    run = do_commit(client, do_upload(client, book(CERTIFICATE_KIND, [
        cert_row(enterprise_a, 7, issued_on=leap)]), CERTIFICATE_KIND))
    assert run.status == "committed", run.errors
    cert = HighTechCertificate.objects.get()
    assert cert.expires_on == dt.date(2027, 2, 28)
    # a corrected issue date in the same year: expires_on moves with it
    run = do_upload(client, book(CERTIFICATE_KIND, [
        cert_row(enterprise_a, 7, issued_on=dt.date(2024, 3, 5))]), CERTIFICATE_KIND)
    assert run.update_count == 1
    assert {c[0] for c in run.preview[0]["changes"]} == {"发证日期", "有效期至"}
    do_commit(client, run)
    cert.refresh_from_db()
    assert (cert.issued_on, cert.expires_on) == (dt.date(2024, 3, 5), dt.date(2027, 3, 4))


def test_status_is_not_importable(client_for, users, enterprise_a, do_upload, do_commit):
    """A revoked certificate stays revoked; a 状态 column is ignored with a warning."""
    client = client_for(users["county_a_staff"])
    cert = make_certificate(enterprise_a, issued_on=ISSUED, certificate_no=f"GR{YEAR}14000001",
                            status="revoked", batch=f"{YEAR}年第二批", revoked_on=ISSUED)
    names = labels(CERTIFICATE_KIND)
    fields = list(names)
    row = cert_row(enterprise_a, 1, note="复核")
    content = workbook([*[names[f] for f in fields], "状态"],
                       [[*[row.get(f) for f in fields], "有效"]])
    run = do_upload(client, content, CERTIFICATE_KIND)
    assert run.status == "valid" and run.update_count == 1, run.errors
    assert run.warnings == ["以下列未识别，已忽略：“状态”"]
    do_commit(client, run)
    cert.refresh_from_db()
    assert (cert.status, cert.note) == ("revoked", "复核")
    enterprise_a.refresh_from_db()
    assert enterprise_a.tier == ""  # a revoked certificate does not make a high-tech enterprise


def test_tiers_are_refreshed_in_bulk_and_audited(client_for, users, enterprise_a,
                                                 enterprise_a2, do_upload, do_commit):
    client = client_for(users["county_a_staff"])
    make_registration(enterprise_a2, year=YEAR)
    Organisation.objects.filter(pk=enterprise_a2.pk).update(tier="tech_sme")
    run = do_commit(client, do_upload(client, book(CERTIFICATE_KIND, [
        cert_row(enterprise_a, 1),
        cert_row(enterprise_a2, 2, issued_on=dt.date(2019, 11, 20))]),  # long expired
        CERTIFICATE_KIND))
    assert run.status == "committed", run.errors
    tiers = dict(Organisation.objects.values_list("pk", "tier"))
    assert (tiers[enterprise_a.pk], tiers[enterprise_a2.pk]) == ("high_tech", "tech_sme")
    record = ChangeRecord.objects.get(content_type__model="organisation",
                                      object_id=str(enterprise_a.pk))
    assert (record.before["tier"], record.after["tier"]) == ("", "high_tech")
    assert record.reason.startswith(TIER_REASON) and f"#{run.pk}" in record.reason
    assert record.actor == users["county_a_staff"] and record.request_id == f"import-{run.pk}"
    assert not ChangeRecord.objects.filter(content_type__model="organisation",
                                           object_id=str(enterprise_a2.pk)).exists()


def test_queries_do_not_grow_per_row(users, county_a):
    enterprises = [make_enterprise(county_a, f"批量企业{i:03d}", 100 + i) for i in range(40)]

    def commit(n: int) -> int:
        content = book(CERTIFICATE_KIND, [cert_row(e, 500 + i + n)
                                          for i, e in enumerate(enterprises[:n])])
        with CaptureQueriesContext(connection) as captured, transaction.atomic():
            outcome = engine.process(spec=CERTIFICATE_SPEC, content=content, write=True,
                                     ctx=ImportContext(user=users["city_staff"],
                                                       committing=True))
            assert outcome.ok and outcome.created == n, outcome.errors
            transaction.set_rollback(True)
        return len(captured.captured_queries)

    commit(2)  # warm the content-type cache
    small, big = commit(4), commit(40)
    # the same statements for 40 rows as for 4: look-ups per chunk, bulk writes, bulk tiers
    assert big <= small + 2, (small, big)


# ---- who may import ------------------------------------------------------------------------


def test_enterprise_users_cannot_import(client_for, users, enterprise_a, records, do_upload):
    client = client_for(users["enterprise_a_user"])
    for kind in (REGISTRATION_KIND, CERTIFICATE_KIND):
        assert client.get(reverse("imports:template_download", args=[kind])).status_code == 403
        resp = client.post(reverse("imports:run_new", args=[kind]),
                           {"file": upload_file(book(kind, [cert_row(enterprise_a)]))})
        assert resp.status_code == 403
    page = client.get(reverse("cultivation:certificate_list")).content.decode()
    assert 'data-testid="import-button"' not in page
    assert not ImportRun.objects.exists()

    staff = client_for(users["county_a_staff"])
    page = staff.get(reverse("cultivation:certificate_list")).content.decode()
    assert reverse("imports:run_new", args=[CERTIFICATE_KIND]) in page
    page = staff.get(reverse("cultivation:registration_list")).content.decode()
    assert reverse("imports:run_new", args=[REGISTRATION_KIND]) in page
