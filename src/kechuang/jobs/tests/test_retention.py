"""Residual information: finished jobs' result files are deleted after the retention period;
the job rows stay and the pages say the file was removed instead of offering a dead link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from kechuang.core import scheduler
from kechuang.jobs.models import Job
from kechuang.jobs.retention import purge_result_files

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_job(owner, status=Job.Status.SUCCEEDED, *, age_days: float | None,
             name: str = "企业名录.xlsx") -> Job:
    """A job finished ``age_days`` before NOW (None: not finished) with a stored result."""
    job = Job(kind="tests.export", title="导出企业名录", owner=owner, status=status,
              result_name=name,
              finished_at=None if age_days is None else NOW - dt.timedelta(days=age_days))
    job.result_file.save(name, ContentFile("名称\n长治甲科技有限公司\n".encode()), save=False)
    job.save()
    return job


def test_old_finished_jobs_lose_their_files_and_keep_their_rows(users, settings):
    settings.JOB_RESULT_RETENTION_DAYS = 7
    owner = users["county_a_staff"]
    done = make_job(owner, age_days=8)
    failed = make_job(owner, Job.Status.FAILED, age_days=30)
    names = [done.result_file.name, failed.result_file.name]
    assert all(default_storage.exists(n) for n in names)

    assert purge_result_files(now=NOW) == 2

    assert not any(default_storage.exists(n) for n in names)  # the bytes are gone
    for job in (done, failed):
        job.refresh_from_db()
        assert not job.result_file and job.result_name == "企业名录.xlsx"
    assert done.result_removed and done.status == Job.Status.SUCCEEDED
    assert Job.objects.filter(pk__in=[done.pk, failed.pk]).count() == 2
    assert purge_result_files(now=NOW) == 0  # idempotent


def test_recent_and_unfinished_jobs_are_untouched(users, settings):
    settings.JOB_RESULT_RETENTION_DAYS = 7
    owner = users["city_staff"]
    jobs = [make_job(owner, age_days=6.9),
            make_job(owner, Job.Status.RUNNING, age_days=None),
            make_job(owner, Job.Status.QUEUED, age_days=None)]
    Job.objects.filter(pk__in=[j.pk for j in jobs]).update(
        created_at=NOW - dt.timedelta(days=100))  # unfinished for long: still not touched

    assert purge_result_files(now=NOW) == 0
    for job in jobs:
        job.refresh_from_db()
        assert job.result_file and default_storage.exists(job.result_file.name)


def test_boundary_exactly_n_days_is_removed(users, settings):
    """Decided: a result is kept for N whole days; at exactly N days after it finished it goes."""
    settings.JOB_RESULT_RETENTION_DAYS = 7
    owner = users["city_staff"]
    at = make_job(owner, age_days=7)
    under = make_job(owner, age_days=0)
    Job.objects.filter(pk=under.pk).update(
        finished_at=NOW - dt.timedelta(days=7) + dt.timedelta(seconds=1))

    assert purge_result_files(now=NOW) == 1
    at.refresh_from_db()
    under.refresh_from_db()
    assert at.result_removed and not under.result_removed


def test_pages_say_the_file_was_removed(client_for, users, settings):
    settings.JOB_RESULT_RETENTION_DAYS = 7
    owner = users["county_a_staff"]
    job = make_job(owner, age_days=7)
    client = client_for(owner)
    download = reverse("jobs:job_download", args=[job.pk])
    assert client.get(download).status_code == 200

    purge_result_files(now=NOW)

    for page in (job.get_absolute_url(), reverse("jobs:job_progress", args=[job.pk]),
                 reverse("jobs:job_list")):
        html = client.get(page).content.decode()
        assert 'data-testid="job-file-removed"' in html, page
        assert download not in html, page  # no broken download link
    assert "7 天后自动删除" in client.get(job.get_absolute_url()).content.decode()
    resp = client.get(download)
    assert resp.status_code == 410
    assert "7 天后自动删除" in resp.content.decode()
    # another user still learns nothing: 404, not 410
    assert client_for(users["county_b_staff"]).get(download).status_code == 404


def test_registered_as_a_daily_check():
    assert "jobs.purge_result_files" in scheduler.checks()
