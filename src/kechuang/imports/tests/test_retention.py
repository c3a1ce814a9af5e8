"""Residual information: the files of finished import runs are deleted after the retention
period; the run rows stay and their pages say the file was removed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from kechuang.core import scheduler
from kechuang.core.uploads import private_storage
from kechuang.imports.models import ImportChunk, ImportRun
from kechuang.imports.retention import purge_run_files
from kechuang.imports.tests.helpers import report_row, report_workbook
from kechuang.jobs.models import Job

pytestmark = pytest.mark.django_db
S = ImportRun.Status
NOW = timezone.now()


def make_run(owner, status, *, age_days: float, error_file: bool = False,
             **fields) -> ImportRun:
    """A run created ``age_days`` before NOW with real files in private storage."""
    run = ImportRun(owner=owner, kind="orgs.annual_report", title="企业年报",
                    original_name="年报.xlsx", status=status, **fields)
    run.file.save("年报.xlsx", ContentFile(b"workbook bytes"), save=False)
    if error_file:
        run.error_file.save("错误报告.xlsx", ContentFile(b"error report"), save=False)
    run.save()
    ImportRun.objects.filter(pk=run.pk).update(created_at=NOW - dt.timedelta(days=age_days))
    run.refresh_from_db()
    return run


def test_old_finished_runs_lose_their_files_and_keep_their_rows(users, settings):
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    owner = users["county_a_staff"]
    runs = [make_run(owner, status, age_days=31, error_file=status == S.INVALID)
            for status in (S.COMMITTED, S.CANCELLED, S.FAILED, S.INVALID)]
    names = [f.name for r in runs for f in (r.file, r.error_file) if f]
    assert len(names) == 5 and all(private_storage.exists(n) for n in names)

    assert purge_run_files(now=NOW) == (4, 5)

    assert not any(private_storage.exists(n) for n in names)  # the bytes are gone
    for run in runs:
        run.refresh_from_db()  # the row is kept, status and counts untouched
        assert not run.file and not run.error_file and run.files_removed
        assert run.original_name == "年报.xlsx"
    assert {r.status for r in runs} == {S.COMMITTED, S.CANCELLED, S.FAILED, S.INVALID}
    assert purge_run_files(now=NOW) == (0, 0)  # idempotent


def test_recent_runs_and_runs_still_in_play_are_untouched(users, settings):
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    owner = users["county_a_staff"]
    recent = make_run(owner, S.COMMITTED, age_days=29)
    in_play = [make_run(owner, status, age_days=400)
               for status in (S.UPLOADED, S.VALIDATING, S.VALID, S.COMMITTING,
                              S.ROLLING_BACK)]
    # a retryable run (interrupted commit, back to "valid")
    in_play.append(make_run(owner, S.VALID, age_days=400, message="导入过程中断"))
    # committed, but its held-back change records are still being written
    auditing = make_run(owner, S.COMMITTED, age_days=400)
    ImportChunk.objects.create(run=auditing, seq=1, model="orgs.enterprise")
    # finished, but its job is still running
    job = Job.objects.create(kind="imports.check", title="校验", owner=owner,
                             status=Job.Status.RUNNING)
    with_job = make_run(owner, S.INVALID, age_days=400, job=job)
    # a run checked long ago but committed recently is judged by its last step
    late = make_run(owner, S.COMMITTED, age_days=400,
                    validated_at=NOW - dt.timedelta(days=400),
                    committed_at=NOW - dt.timedelta(days=2))

    assert purge_run_files(now=NOW) == (0, 0)
    for run in [recent, *in_play, auditing, with_job, late]:
        run.refresh_from_db()
        assert run.file and private_storage.exists(run.file.name), run.status


def test_boundary_exactly_n_days_is_removed(users, settings):
    """Decided: a file is kept for N whole days; at exactly N days old it goes."""
    settings.IMPORT_FILE_RETENTION_DAYS = 10
    owner = users["city_staff"]
    at = make_run(owner, S.CANCELLED, age_days=0)
    just_under = make_run(owner, S.CANCELLED, age_days=0)
    ImportRun.objects.filter(pk=at.pk).update(created_at=NOW - dt.timedelta(days=10))
    ImportRun.objects.filter(pk=just_under.pk).update(
        created_at=NOW - dt.timedelta(days=10) + dt.timedelta(seconds=1))

    assert purge_run_files(now=NOW) == (1, 1)
    at.refresh_from_db()
    just_under.refresh_from_db()
    assert at.files_removed and not just_under.files_removed


def test_pages_say_the_file_was_removed(client_for, users, enterprise_a, do_upload, settings):
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    client = client_for(users["county_a_staff"])
    bad = report_row(enterprise_a, 2024)
    bad["credit_code"] = "123"
    run = do_upload(client, report_workbook([bad]))
    assert run.status == S.INVALID and run.error_file
    upload, report = run.file.name, run.error_file.name
    errors_url = reverse("imports:run_errors", args=[run.pk])
    assert client.get(errors_url).status_code == 200

    assert purge_run_files(now=timezone.now() + dt.timedelta(days=30)) == (1, 2)
    assert not private_storage.exists(upload) and not private_storage.exists(report)

    html = client.get(run.get_absolute_url()).content.decode()
    assert 'data-testid="run-files-removed"' in html and "30 天后自动删除" in html
    assert errors_url not in html  # no broken download link
    assert run.errors and run.errors[0][2] in html  # the errors on the page are kept
    resp = client.get(errors_url)
    assert resp.status_code == 410
    assert "30 天后自动删除" in resp.content.decode()


def test_registered_as_a_daily_check():
    assert "imports.purge_files" in scheduler.checks()
