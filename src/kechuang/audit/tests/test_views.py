"""Audit pages: who may read them, filters, field-by-field detail, Excel exports."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from kechuang.audit import selectors
from kechuang.audit.context import audit_context
from kechuang.audit.models import AuthEvent, ChangeRecord
from kechuang.audit.services import record_change, snapshot
from kechuang.jobs.models import Job
from kechuang.jobs.registry import get_handler
from kechuang.orgs import services as org_services
from kechuang.orgs.models import Organisation
from kechuang.policy.credit_code import make_code

pytestmark = pytest.mark.django_db

CHANGES = reverse("audit:change_list")
LOGINS = reverse("audit:authevent_list")
AUDIT_ROLES = {"auditor"}  # the audit administrator alone (三权分立)
OTHER_ROLES = {"city_admin", "city_staff", "county_a_staff", "county_b_staff",
               "enterprise_a_user", "enterprise_b_user", "expert", "provider", "system_admin",
               "security_admin"}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def edited(users, enterprise_a):
    """One audited edit of enterprise A by city staff, in a web request context."""
    with audit_context(source="web", request_id="req-edit-0001"):
        org_services.update_enterprise(actor=users["city_staff"], enterprise=enterprise_a,
                                       data={"name": "长治甲科技股份有限公司", "above_scale": True,
                                             "tier": "tech_sme"})
    return ChangeRecord.objects.get(request_id="req-edit-0001")


@pytest.fixture
def events(users):
    AuthEvent.objects.create(kind="login", username="county_a_staff",
                             user=users["county_a_staff"], ip="10.1.1.1", user_agent="Firefox")
    AuthEvent.objects.create(kind="login_failed", username="mallory", ip="10.9.9.9")
    AuthEvent.objects.create(kind="locked_out", username="mallory", ip="10.9.9.9")


def body(resp) -> str:
    return resp.content.decode()


def read_rows(job: Job) -> list[list]:
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    with job.result_file.open("rb") as fh:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(fh.read()))
    return wb.get_sheet_by_index(0).to_python(skip_empty_area=False)


# ---- who may read -----------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(AUDIT_ROLES | OTHER_ROLES))
def test_only_the_audit_administrator_reads_the_audit_trail(client_for, users, edited, events,
                                                          role):
    client = client_for(users[role])
    urls = [CHANGES, LOGINS, reverse("audit:change_detail", args=[edited.pk])]
    for url in urls:
        resp = client.get(url)
        assert resp.status_code == (200 if role in AUDIT_ROLES else 403), (role, url)
        resp = client.post(url)  # no writes at all: 405 for readers, 403 for everyone else
        assert resp.status_code == (405 if role in AUDIT_ROLES else 403), (role, url)
    for url in (reverse("audit:change_export"), reverse("audit:authevent_export")):
        resp = client.post(url)
        assert resp.status_code == (302 if role in AUDIT_ROLES else 403), (role, url)


def test_anonymous_is_sent_to_login(client, edited):
    for url in (CHANGES, LOGINS, reverse("audit:change_detail", args=[edited.pk])):
        resp = client.get(url)
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    resp = client.post(reverse("audit:change_export"))
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_audit_pages_accept_no_writes(client_for, users, edited):
    client = client_for(users["auditor"])
    for url in (CHANGES, LOGINS, reverse("audit:change_detail", args=[edited.pk])):
        assert client.post(url).status_code == 405
    for url in (reverse("audit:change_export"), reverse("audit:authevent_export")):
        assert client.get(url).status_code == 405


def test_unknown_record_is_404(client_for, users):
    assert client_for(users["auditor"]).get(
        reverse("audit:change_detail", args=[999999])).status_code == 404


# ---- change list ------------------------------------------------------------------------


def test_change_list_shows_the_edit(client_for, users, edited):
    html = body(client_for(users["auditor"]).get(CHANGES))
    assert "长治甲科技股份有限公司" in html
    assert "修改" in html and users["city_staff"].username in html
    # the changed fields by their verbose names
    assert "名称" in html and "培育梯队" in html
    assert reverse("audit:change_detail", args=[edited.pk]) in html


def _make_records(users, enterprise_a, enterprise_b):
    staff = users["city_staff"]
    with audit_context(source="web", request_id="req-a"):
        org_services.update_enterprise(actor=staff, enterprise=enterprise_a,
                                       data={"address": "长治市潞州区英雄中路 1 号"})
    with audit_context(source="api", request_id="req-b"):
        org_services.update_enterprise(actor=users["county_b_staff"], enterprise=enterprise_b,
                                       data={"contact_name": "王工"})
    with audit_context(source="cli", request_id="req-c"):
        record_change(actor=None, action="create", obj=users["expert"],
                      after=snapshot(users["expert"]))


@pytest.mark.parametrize(("params", "expected"), [
    ({}, {"req-a", "req-b", "req-c"}),
    ({"action": "create"}, {"req-c"}),
    ({"actor": "county_b"}, {"req-b"}),
    ({"actor": "system"}, {"req-c"}),
    ({"request_id": "req-a"}, {"req-a"}),
    ({"q": "襄垣"}, {"req-b"}),
    ({"q": "no such thing"}, set()),
])
def test_change_list_filters(client_for, users, enterprise_a, enterprise_b, params, expected):
    _make_records(users, enterprise_a, enterprise_b)
    found = {r.request_id for r in selectors.change_list(user=users["auditor"], filters=params)}
    assert found == expected
    resp = client_for(users["auditor"]).get(CHANGES, params)
    assert resp.status_code == 200
    assert body(resp).count('data-testid="change-row"') == len(expected)


def test_change_list_filters_by_object_type_and_id(client_for, users, enterprise_a,
                                                   enterprise_b):
    _make_records(users, enterprise_a, enterprise_b)
    org_ct = ContentType.objects.get_for_model(Organisation)
    auditor = users["auditor"]
    rows = selectors.change_list(user=auditor, filters={"content_type": org_ct.pk})
    assert {r.request_id for r in rows} == {"req-a", "req-b"}
    rows = selectors.change_list(user=auditor, filters={"content_type": org_ct.pk,
                                                        "object_id": str(enterprise_b.pk)})
    assert [r.request_id for r in rows] == ["req-b"]
    # the type filter offers the kinds of object present, by verbose name
    resp = client_for(auditor).get(CHANGES, {"content_type": org_ct.pk})
    form = resp.context["form"]
    labels = dict(form.fields["content_type"].choices)
    assert labels[org_ct.pk] == str(Organisation._meta.verbose_name)
    assert body(resp).count('data-testid="change-row"') == 2


def test_change_list_date_range_uses_local_days(users, enterprise_a, enterprise_b):
    _make_records(users, enterprise_a, enterprise_b)
    auditor = users["auditor"]
    today = timezone.localdate()
    assert selectors.change_list(user=auditor, filters={"date_from": today.isoformat(),
                                                        "date_to": today.isoformat()}).count() == 3
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert not selectors.change_list(user=auditor, filters={"date_from": tomorrow}).exists()
    assert not selectors.change_list(user=auditor, filters={"date_to": yesterday}).exists()


def test_bad_filter_values_are_ignored_and_reported(client_for, users, edited):
    resp = client_for(users["auditor"]).get(CHANGES, {"date_from": "2026-13-45",
                                                      "content_type": "abc"})
    assert resp.status_code == 200
    assert body(resp).count('data-testid="change-row"') == 1
    resp = client_for(users["auditor"]).get(CHANGES, {"date_from": "2026-05-02",
                                                      "date_to": "2026-05-01"})
    assert "截止日期不能早于起始日期" in body(resp)


def test_change_list_paginates_by_50_with_a_fixed_number_of_queries(client_for, users,
                                                                    enterprise_a):
    staff = users["city_staff"]
    for i in range(60):
        org_services.update_enterprise(actor=staff, enterprise=enterprise_a,
                                       data={"address": f"地址 {i}"})
    client = client_for(users["auditor"])
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(CHANGES)
    assert body(resp).count('data-testid="change-row"') == 50
    assert "共 60 条" in body(resp)
    # session, user, type choices, count, page (+ session save: idle-timeout stamp)
    # + the unread-notice count of the bell in the top bar + the two-factor device check
    assert len(ctx.captured_queries) <= 10, [q["sql"] for q in ctx.captured_queries]
    resp = client.get(CHANGES, {"page": 2})
    assert body(resp).count('data-testid="change-row"') == 10


# ---- change detail ----------------------------------------------------------------------


def test_change_detail_shows_before_and_after_with_verbose_names(client_for, users, edited,
                                                                 enterprise_a):
    resp = client_for(users["auditor"]).get(reverse("audit:change_detail", args=[edited.pk]))
    html = body(resp)
    changes = {c.label: (c.before, c.after) for c in resp.context["changes"]}
    assert changes["名称"] == ("长治甲科技有限公司", "长治甲科技股份有限公司")
    assert changes["培育梯队"] == ("—", "科技型中小企业")  # choice labels, not codes
    assert changes["规模以上"] == ("否", "是")
    assert "地址" not in changes  # an update lists only what changed
    assert "req-edit-0001" in html and "网页" in html
    assert "长治甲科技股份有限公司" in html and "科技型中小企业" in html


def test_change_detail_of_a_create_lists_every_field_and_resolves_foreign_keys(
        client_for, users, county_a, regions):
    staff = users["city_staff"]
    ent = org_services.create_enterprise(actor=staff, data={
        "name": "长治新创科技有限公司", "credit_code": make_code("91140403MA0000042"),
        "county": county_a,
        "industry_code": "C39", "established_on": dt.date(2021, 3, 15)})
    ct = ContentType.objects.get_for_model(Organisation)
    record = ChangeRecord.objects.get(content_type=ct, object_id=str(ent.pk), action="create")
    resp = client_for(users["auditor"]).get(reverse("audit:change_detail", args=[record.pk]))
    changes = {c.label: c for c in resp.context["changes"]}
    assert changes["所在县区"].after == f"{county_a}（#{county_a.pk}）"
    assert changes["名称"].after == "长治新创科技有限公司" and changes["名称"].before == ""
    assert "修改前" not in body(resp)


def test_password_hashes_never_reach_the_audit_trail(client_for, users):
    user = users["expert"]
    before = snapshot(user)
    user.set_password("Another-Pass-2026")
    user.save()
    record = record_change(actor=user, action="update", obj=user, before=before,
                           after=snapshot(user))
    assert user.password not in str(record.before) + str(record.after)
    resp = client_for(users["auditor"]).get(reverse("audit:change_detail", args=[record.pk]))
    changes = {c.label: c for c in resp.context["changes"]}
    assert changes["密码"].before == "******" and "已修改" in changes["密码"].after
    assert user.password not in body(resp)


def test_records_of_one_request_link_to_each_other(client_for, users, enterprise_a, county_a):
    from kechuang.orgs.models import IndustrialChain

    chain = IndustrialChain.objects.create(code="T01", name="测试产业链")
    with audit_context(source="web", request_id="req-many"):
        org_services.update_enterprise(actor=users["city_staff"], enterprise=enterprise_a,
                                       data={"address": "新地址",
                                             "chain_memberships": [(chain, "member")]})
    records = list(ChangeRecord.objects.filter(request_id="req-many"))
    assert len(records) == 2
    resp = client_for(users["auditor"]).get(reverse("audit:change_detail", args=[records[0].pk]))
    assert reverse("audit:change_detail", args=[records[1].pk]) in body(resp)


@pytest.mark.parametrize(("source", "label"), [
    ("web", "网页"), ("api", "接口"), ("job:orgs.enterprise_export:12", "后台任务：#12"),
    ("cli:seed", "命令行：初始化基础数据"), ("system", "系统"), ("", "—"), ("other", "other"),
    ("import:orgs.annual_report", "Excel导入：企业年度报表"),
    ("import:cultivation.registration", "Excel导入：科技型中小企业入库登记"),
    ("import:no.such_kind", "Excel导入"),
])
def test_source_labels(source, label):
    assert selectors.source_label(source) == label


def test_a_job_source_shows_the_job_title(users):
    job = Job.objects.create(owner=users["city_staff"], kind="assessment.batch_evaluate",
                             title="2025年度批量测评")
    assert (selectors.source_label(f"job:assessment.batch_evaluate:{job.pk}")
            == f"后台任务：2025年度批量测评 #{job.pk}")


def test_list_and_detail_show_readable_sources_not_raw_keys(client_for, users, enterprise_a):
    job = Job.objects.create(owner=users["city_staff"], kind="assessment.batch_evaluate",
                             title="2025年度批量测评")
    with audit_context(source=f"job:assessment.batch_evaluate:{job.pk}", request_id="req-j"):
        org_services.update_enterprise(actor=users["city_staff"], enterprise=enterprise_a,
                                       data={"address": "新地址"})
    with audit_context(source="import:cultivation.registration", request_id="import-7"):
        org_services.update_enterprise(actor=users["city_staff"], enterprise=enterprise_a,
                                       data={"address": "又一个地址"})
    client = client_for(users["auditor"])
    html = body(client.get(CHANGES))
    assert f"后台任务：2025年度批量测评 #{job.pk}" in html
    assert "Excel导入：科技型中小企业入库登记" in html
    assert "assessment.batch_evaluate" not in html and "import:cultivation" not in html
    record = ChangeRecord.objects.get(request_id="import-7")
    detail = body(client.get(reverse("audit:change_detail", args=[record.pk])))
    assert "Excel导入：科技型中小企业入库登记" in detail
    assert "cultivation.registration" not in detail


# ---- login events -----------------------------------------------------------------------


# the auditor's own sign-in (force_login fires user_logged_in) is the fourth event
@pytest.mark.parametrize(("params", "count"), [
    ({}, 4), ({"kind": "login"}, 2), ({"username": "county_a"}, 1), ({"username": "mall"}, 2),
    ({"ip": "10.9.9.9"}, 2),
    ({"kind": "locked_out", "username": "mallory"}, 1),
    ({"date_from": "2000-01-01", "date_to": "2000-12-31"}, 0),
])
def test_authevent_list_filters(client_for, users, events, params, count):
    resp = client_for(users["auditor"]).get(LOGINS, params)
    assert resp.status_code == 200
    assert body(resp).count('data-testid="authevent-row"') == count


def test_authevent_list_shows_kind_labels(client_for, users, events):
    html = body(client_for(users["auditor"]).get(LOGINS))
    assert "账号锁定" in html and "登录失败" in html and "10.1.1.1" in html


# ---- exports ----------------------------------------------------------------------------


def test_export_handlers_are_registered():
    from kechuang.audit import exports

    assert get_handler("audit.change_export") is exports.export_changes
    assert get_handler("audit.authevent_export") is exports.export_authevents


def test_change_export_has_the_filtered_rows(client_for, users, enterprise_a, enterprise_b,
                                             django_capture_on_commit_callbacks):
    _make_records(users, enterprise_a, enterprise_b)
    client = client_for(users["auditor"])
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("audit:change_export"), {"source": "x", "actor": "county_b"})
    job = Job.objects.get(owner=users["auditor"], kind="audit.change_export")
    assert resp["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.params == {"actor": "county_b"}
    rows = read_rows(job)
    assert rows[0][:6] == ["时间", "操作人", "操作人编号", "来源", "请求编号", "操作"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["请求编号"] == "req-b" and row["操作"] == "修改" and row["来源"] == "接口"
    assert row["对象类型"] == str(Organisation._meta.verbose_name)
    # personal data leaves the platform masked (exports have no reveal)
    assert "联系人：— → 王*" in row["变更内容"] and "王工" not in row["变更内容"]
    assert job.result_name.startswith("数据变更记录-") and job.result == {"rows": 1}
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert download.status_code == 200 and "filename*=UTF-8''" in download["Content-Disposition"]


def test_change_export_names_related_rows_and_sources(client_for, users, report_a,
                                                     django_capture_on_commit_callbacks):
    """"企业：#2481" told the reader nothing: the export names the row (and keeps its id)."""
    with audit_context(source="import:orgs.annual_report", request_id="import-9"):
        record_change(actor=users["city_staff"], action="create", obj=report_a,
                      after=snapshot(report_a))
    client = client_for(users["auditor"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("audit:change_export"), {"request_id": "import-9"})
    rows = read_rows(Job.objects.get(kind="audit.change_export"))
    row = dict(zip(rows[0], rows[1], strict=True))
    enterprise = report_a.enterprise
    assert f"企业：{enterprise}（#{enterprise.pk}）" in row["变更内容"]
    assert f"企业：#{enterprise.pk}" not in row["变更内容"]
    assert row["来源"] == "Excel导入：企业年度报表"


def test_authevent_export_has_the_filtered_rows(client_for, users, events,
                                                django_capture_on_commit_callbacks):
    client = client_for(users["auditor"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("audit:authevent_export"), {"username": "mallory"})
    job = Job.objects.get(kind="audit.authevent_export")
    rows = read_rows(job)
    assert rows[0] == ["时间", "事件", "用户名", "用户编号", "IP 地址", "浏览器"]
    assert sorted(r[1] for r in rows[1:]) == ["登录失败", "账号锁定"]
    assert job.result_name.startswith("登录日志-")


def test_an_export_started_by_an_auditor_reads_through_restrict(users, events):
    """The handler re-checks the owner's right: a job owned by a non-auditor exports nothing."""
    job = Job.objects.create(owner=users["city_staff"], kind="audit.authevent_export",
                             title="x", params={})
    output = get_handler("audit.authevent_export")(job, lambda *a, **k: None)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(output.content)).get_sheet_by_index(
        0).to_python()
    assert len(rows) == 1 and output.summary == {"rows": 0}
