"""Excel exports: a background job re-reads exactly the rows the user's list shows."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import make_enterprise, make_report
from kechuang.jobs.models import Job
from kechuang.jobs.registry import get_handler
from kechuang.orgs import exports
from kechuang.orgs.models import ChainMembership, Enterprise, IndustrialChain

pytestmark = pytest.mark.django_db

ENTERPRISE_HEADERS = [
    "企业名称", "统一社会信用代码", "所在县区", "所属行业", "成立日期", "规模以上",
    "培育梯队", "重点产业链", "地址", "联系人", "联系电话", "更新时间"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def read_rows(job: Job) -> list[list]:
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    with job.result_file.open("rb") as fh:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(fh.read()))
    return wb.get_sheet_by_index(0).to_python(skip_empty_area=False)


def run_export(client, url, data, capture):
    with capture(execute=True):
        resp = client.post(url, data)
    assert resp.status_code == 302
    job = Job.objects.latest("id")
    assert resp["Location"] == reverse("jobs:job_detail", args=[job.pk])
    return job


def test_handlers_are_registered():
    assert get_handler("orgs.enterprise_export") is exports.export_enterprises
    assert get_handler("orgs.report_export") is exports.export_reports


@pytest.mark.parametrize(("role", "places"), [
    ("county_a_staff", {"a"}), ("county_b_staff", {"b"}), ("city_staff", {"a", "b"}),
    ("enterprise_a_user", {"a1"}),
])
def test_enterprise_export_has_exactly_the_scoped_rows(client_for, users, enterprise_a,
                                                       enterprise_a2, enterprise_b, role, places,
                                                       django_capture_on_commit_callbacks):
    by_place = {"a": {enterprise_a.name, enterprise_a2.name}, "a1": {enterprise_a.name},
                "b": {enterprise_b.name}}
    expected = set().union(*(by_place[p] for p in places))
    job = run_export(client_for(users[role]), reverse("orgs:enterprise_export"), {},
                     django_capture_on_commit_callbacks)
    assert job.owner == users[role] and job.kind == "orgs.enterprise_export"
    rows = read_rows(job)
    assert rows[0] == ENTERPRISE_HEADERS
    assert {r[0] for r in rows[1:]} == expected
    assert job.result_name.startswith("企业名单-") and job.result_name.endswith(".xlsx")
    assert job.result == {"rows": len(expected)}


def test_export_uses_the_list_filters_and_sort(client_for, users, enterprise_a, enterprise_a2,
                                               enterprise_b, county_b,
                                               django_capture_on_commit_callbacks):
    client = client_for(users["county_a_staff"])
    # a county it does not cover is ignored, never widens the scope
    job = run_export(client, reverse("orgs:enterprise_export"), {"county": county_b.pk},
                     django_capture_on_commit_callbacks)
    assert {r[0] for r in read_rows(job)[1:]} == {enterprise_a.name, enterprise_a2.name}
    job = run_export(client, reverse("orgs:enterprise_export"), {"industry": "C30"},
                     django_capture_on_commit_callbacks)
    assert [r[0] for r in read_rows(job)[1:]] == [enterprise_a2.name]
    assert job.params == {"industry": "C30"}
    job = run_export(client_for(users["city_staff"]), reverse("orgs:enterprise_export"),
                     {"sort": "-name", "q": "有限公司"}, django_capture_on_commit_callbacks)
    names = [r[0] for r in read_rows(job)[1:]]
    assert names == sorted([enterprise_a.name, enterprise_a2.name, enterprise_b.name],
                           reverse=True)


def test_export_cells_are_typed(client_for, users, enterprise_a, regions,
                                django_capture_on_commit_callbacks):
    chain = IndustrialChain.objects.get(code="semiconductor")
    ChainMembership.objects.create(organisation=enterprise_a, chain=chain, role="chain_leader")
    job = run_export(client_for(users["enterprise_a_user"]), reverse("orgs:enterprise_export"),
                     {}, django_capture_on_commit_callbacks)
    row = dict(zip(ENTERPRISE_HEADERS, read_rows(job)[1], strict=True))
    assert row["统一社会信用代码"] == enterprise_a.credit_code  # text, not a float
    assert row["所在县区"] == "潞州区"
    assert row["所属行业"].startswith("C26 ")
    assert str(row["成立日期"]).startswith("2015-05-01")
    assert row["重点产业链"] == "半导体（链主）"
    assert row["规模以上"] == "否"


def test_report_export_is_scoped(client_for, users, report_a, report_b, enterprise_a,
                                 django_capture_on_commit_callbacks):
    make_report(enterprise_a, 2023)
    job = run_export(client_for(users["county_a_staff"]), reverse("orgs:report_export"), {},
                     django_capture_on_commit_callbacks)
    rows = read_rows(job)
    assert rows[0][:4] == ["企业名称", "统一社会信用代码", "所在县区", "年度"]
    assert "销售收入（元）" in rows[0] and "研发费用总额（元）" in rows[0]
    assert sorted((r[0], int(r[3])) for r in rows[1:]) == [(enterprise_a.name, 2023),
                                                          (enterprise_a.name, 2024)]
    revenue = rows[0].index("销售收入（元）")
    assert rows[1][revenue] == 30000000
    assert job.result_name.startswith("企业年度报表-")
    job = run_export(client_for(users["city_staff"]), reverse("orgs:report_export"),
                     {"year": 2024}, django_capture_on_commit_callbacks)
    assert {(r[0], int(r[3])) for r in read_rows(job)[1:]} == {
        (enterprise_a.name, 2024), (report_b.enterprise.name, 2024)}


@pytest.mark.parametrize("role", ["expert", "auditor", "provider"])
def test_roles_without_export_right_get_403_and_no_job(client_for, users, role):
    client = client_for(users[role])
    assert client.post(reverse("orgs:enterprise_export")).status_code == 403
    assert client.post(reverse("orgs:report_export")).status_code == 403
    assert not Job.objects.exists()


def _handler_run(kind, owner, params):
    job = Job.objects.create(owner=owner, kind=kind, title="t", params=params)
    calls: list[tuple[int, int | None]] = []

    def progress(done, total=None, message=""):
        calls.append((done, total))

    output = get_handler(kind)(job, progress)
    return output, calls


def test_handler_reports_progress_and_has_no_per_row_queries(users, county_a, regions):
    chains = list(IndustrialChain.objects.all())
    for i in range(1100):
        make_enterprise(county_a, f"进度企业{i:04d}", 1000 + i)
    for i, e in enumerate(Enterprise.objects.filter(name__startswith="进度企业")[:300]):
        ChainMembership.objects.create(organisation=e, chain=chains[i % len(chains)])
    with CaptureQueriesContext(connection) as q:
        output, calls = _handler_run("orgs.enterprise_export", users["city_staff"],
                                     {"q": "进度企业"})
    assert len(q.captured_queries) <= 6  # count, one page of rows + chains per 2000-row chunk
    assert calls[0] == (0, 1100) and (500, 1100) in calls and (1000, 1100) in calls
    assert calls[-1] == (1100, 1100)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(output.content)).get_sheet_by_index(
        0).to_python()
    assert len(rows) == 1101
