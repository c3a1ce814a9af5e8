"""Job pages: a job run end to end, progress polling, failure reasons, owner-only downloads."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from kechuang.core.errors import DomainError
from kechuang.jobs.models import Job
from kechuang.jobs.registry import JobOutput, job_handler
from kechuang.jobs.services import start_job
from kechuang.jobs.tasks import SYSTEM_ERROR
from kechuang.jobs.views import content_disposition

pytestmark = pytest.mark.django_db

CONTENT = "名称,数量\n长治甲科技有限公司,3\n".encode()


@job_handler("tests.echo")
def echo(job, progress):
    total = int(job.params.get("n", 4))
    for i in range(total):
        progress(i + 1, total, f"第 {i + 1} 行")
    return JobOutput(content=CONTENT, filename=job.params.get("filename", "测试导出.csv"),
                     summary={"rows": total})


@job_handler("tests.refuse")
def refuse(job, progress):
    raise DomainError("所选年度没有可导出的报表。")


@job_handler("tests.crash")
def crash(job, progress):
    raise RuntimeError("/srv/kechuang/secret/path exploded")


@job_handler("tests.summary_only")
def summary_only(job, progress):
    return JobOutput(summary={"checked": 12})


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """run(owner, kind, **params) → the finished Job (immediate backend after commit)."""

    def go(owner, kind="tests.echo", title="测试任务", **params):
        with django_capture_on_commit_callbacks(execute=True):
            job = start_job(owner=owner, kind=kind, title=title, params=params)
        job.refresh_from_db()
        return job

    return go


def test_job_runs_end_to_end_and_the_owner_downloads_the_file(client_for, users, run):
    owner = users["county_a_staff"]
    job = run(owner, n=7)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.percent == 100 and job.progress_done == 7 and job.progress_total == 7
    assert job.result == {"rows": 7} and job.result_name == "测试导出.csv"
    assert job.started_at and job.finished_at and job.task_id

    client = client_for(owner)
    detail = client.get(reverse("jobs:job_detail", args=[job.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert 'data-status="succeeded"' in html and "100%" in html
    assert reverse("jobs:job_download", args=[job.pk]) in html
    assert 'hx-trigger="every 1s"' not in html  # finished: no more polling
    assert 'http-equiv="refresh"' not in html

    resp = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content) == CONTENT
    disposition = resp["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('测试导出.csv')}" in disposition
    assert resp["Cache-Control"] == "private, no-store"


def test_job_file_lives_under_media_root_and_no_url_serves_it(client_for, users, run, settings):
    owner = users["city_staff"]
    job = run(owner)
    path = job.result_file.path
    assert path.startswith(str(settings.MEDIA_ROOT))
    client = client_for(owner)
    assert client.get("/media/" + job.result_file.name).status_code == 404


def test_another_user_gets_404_on_job_progress_and_download(client_for, users, run):
    job = run(users["county_a_staff"])
    for other in ("county_b_staff", "city_admin", "auditor", "enterprise_a_user"):
        client = client_for(users[other])
        for name in ("jobs:job_detail", "jobs:job_progress", "jobs:job_download"):
            resp = client.get(reverse(name, args=[job.pk]))
            assert resp.status_code == 404, (other, name)
        assert f"/jobs/{job.pk}/" not in client.get(reverse("jobs:job_list")).content.decode()


def test_anonymous_is_sent_to_login(client, users, run):
    job = run(users["city_staff"])
    for name, args in (("jobs:job_list", []), ("jobs:job_detail", [job.pk]),
                       ("jobs:job_progress", [job.pk]), ("jobs:job_download", [job.pk])):
        resp = client.get(reverse(name, args=args))
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"], name


def test_list_shows_only_my_jobs_newest_first(client_for, users, run):
    mine_old = run(users["expert"], title="我的旧任务")
    mine_new = run(users["expert"], title="我的新任务")
    run(users["provider"], title="别人的任务")
    resp = client_for(users["expert"]).get(reverse("jobs:job_list"))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "别人的任务" not in html
    assert html.index(mine_new.title) < html.index(mine_old.title)
    assert reverse("jobs:job_download", args=[mine_new.pk]) in html


def test_failing_handler_stores_the_reason_in_chinese(client_for, users, run):
    owner = users["city_staff"]
    job = run(owner, kind="tests.refuse")
    assert job.status == Job.Status.FAILED and job.finished_at
    assert job.error == "所选年度没有可导出的报表。"
    client = client_for(owner)
    html = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "任务失败" in html and "所选年度没有可导出的报表。" in html
    assert reverse("jobs:job_download", args=[job.pk]) not in html
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


def test_unexpected_error_shows_a_chinese_reason_without_internals(client_for, users, run):
    job = run(users["city_staff"], kind="tests.crash")
    assert job.status == Job.Status.FAILED
    assert job.error == str(SYSTEM_ERROR) % {"kind": "RuntimeError", "pk": job.pk}
    assert "/srv/kechuang" not in job.error and "系统错误" in job.error


def test_running_job_polls_its_progress_every_second(client_for, users):
    owner = users["county_b_staff"]
    job = Job.objects.create(owner=owner, kind="tests.echo", title="进行中的任务",
                             status=Job.Status.RUNNING, progress_done=30, progress_total=120,
                             message="正在写入")
    client = client_for(owner)
    progress_url = reverse("jobs:job_progress", args=[job.pk])

    html = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert f'hx-get="{progress_url}"' in html
    assert 'hx-trigger="every 1s"' in html and 'hx-swap="outerHTML"' in html
    assert 'aria-valuenow="25"' in html and "已处理 30 / 120" in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html  # no-JS

    partial = client.get(progress_url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="job-progress"') and "<html" not in body
    assert 'hx-trigger="every 1s"' in body
    assert "no-cache" in partial["Cache-Control"] or "max-age=0" in partial["Cache-Control"]

    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, progress_done=120)
    body = client.get(progress_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger' not in body and 'data-status="succeeded"' in body  # polling stops


def test_queued_job_explains_the_wait(client_for, users):
    owner = users["auditor"]
    job = Job.objects.create(owner=owner, kind="tests.echo", title="排队的任务")
    html = client_for(owner).get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "排队中" in html and 'hx-trigger="every 1s"' in html


def test_job_without_a_file_has_no_download(client_for, users, run):
    owner = users["city_staff"]
    job = run(owner, kind="tests.summary_only")
    assert job.status == Job.Status.SUCCEEDED and job.result == {"checked": 12}
    client = client_for(owner)
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


def test_download_of_a_file_removed_from_disk_is_404(client_for, users, run):
    owner = users["city_staff"]
    job = run(owner)
    job.result_file.storage.delete(job.result_file.name)
    assert client_for(owner).get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


def test_job_pages_are_read_only(client_for, users, run):
    owner = users["city_staff"]
    job = run(owner)
    client = client_for(owner)
    for name, args in (("jobs:job_list", []), ("jobs:job_detail", [job.pk]),
                       ("jobs:job_progress", [job.pk]), ("jobs:job_download", [job.pk])):
        assert client.post(reverse(name, args=args)).status_code == 405, name


@pytest.mark.parametrize(("name", "expected"), [
    ("report.xlsx", 'attachment; filename="report.xlsx"'),
    ("企业名单-20261129.xlsx",
     "attachment; filename=\"20261129.xlsx\"; filename*=UTF-8''"
     "%E4%BC%81%E4%B8%9A%E5%90%8D%E5%8D%95-20261129.xlsx"),
    ("登录日志.xlsx",
     "attachment; filename=\"download.xlsx\"; filename*=UTF-8''"
     "%E7%99%BB%E5%BD%95%E6%97%A5%E5%BF%97.xlsx"),
    ('a"b;c.csv', "attachment; filename=\"a_b_c.csv\"; filename*=UTF-8''a%22b%3Bc.csv"),
])
def test_content_disposition_has_an_ascii_fallback_and_the_utf8_name(name, expected):
    assert content_disposition(name) == expected
