"""The reaper and the recovery of import and batch runs, in-process (the killed-worker tests
with a real process are in test_killed_worker.py); job pages stop polling."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_report
from kechuang.assessment import services as assessment_services
from kechuang.assessment.models import EvaluationResult, EvaluationRun
from kechuang.audit.chain import verify
from kechuang.audit.models import ChangeRecord
from kechuang.imports import engine
from kechuang.imports import services as import_services
from kechuang.imports.models import ImportChunk, ImportRun
from kechuang.imports.tests.helpers import report_row, report_workbook
from kechuang.jobs.models import Job, stale_after
from kechuang.jobs.recovery import reap
from kechuang.orgs.models import EnterpriseAnnualReport

pytestmark = pytest.mark.django_db


def _job(owner, status=Job.Status.RUNNING, beat_ago: int = 0, **kw) -> Job:
    now = timezone.now()
    return Job.objects.create(owner=owner, kind="tests.any", title="任务", status=status,
                              started_at=now - dt.timedelta(seconds=beat_ago),
                              heartbeat_at=now - dt.timedelta(seconds=beat_ago), **kw)


def _later() -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=stale_after() + 1)


def test_reaper_fails_silent_jobs_only(users):
    owner = users["city_staff"]
    fresh = _job(owner)
    silent = _job(owner, beat_ago=stale_after() + 5)
    done = _job(owner, status=Job.Status.SUCCEEDED, beat_ago=10_000)
    queued = Job.objects.create(owner=owner, kind="tests.any", title="排队")
    assert reap()["failed"] == [silent.pk]
    for job in (fresh, silent, done, queued):
        job.refresh_from_db()
    assert silent.status == Job.Status.FAILED and "处理进程意外中止" in silent.error
    assert silent.finished_at is not None
    assert (fresh.status, done.status, queued.status) == ("running", "succeeded", "queued")
    assert set(reap(now=_later())["failed"]) == {fresh.pk}  # a queued job has no worker yet


def test_reaper_fails_a_job_whose_task_row_failed(users, settings,
                                                  django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from kechuang.jobs.services import start_job

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(owner=users["city_staff"], kind="imports.validate", title="队列")
    job.refresh_from_db()
    assert reap()["failed"] == []
    DBTaskResult.objects.filter(id=job.task_id).update(status="FAILED")
    assert reap()["failed"] == [job.pk]


def test_job_pages_stop_polling_when_finished_or_stale(client_for, users):
    client = client_for(users["city_staff"])
    owner = users["city_staff"]

    def card(job: Job) -> str:
        return client.get(reverse("jobs:job_progress", args=[job.pk])).content.decode()

    running = _job(owner, progress_total=10, progress_done=3)
    assert "hx-trigger" in card(running)
    stale = _job(owner, beat_ago=stale_after() + 5)
    html = card(stale)
    assert "hx-trigger" not in html and 'data-testid="job-stale"' in html
    detail = client.get(reverse("jobs:job_detail", args=[stale.pk])).content.decode()
    assert 'http-equiv="refresh"' not in detail and "hx-trigger" not in detail
    for status in (Job.Status.SUCCEEDED, Job.Status.FAILED):
        assert "hx-trigger" not in card(_job(owner, status=status))


# ---- import runs ------------------------------------------------------------------------------


@pytest.fixture
def updated_and_new(users, enterprise_a, enterprise_a2):
    """enterprise_a has a 2024 report (employees 100); the workbook changes it and adds a2's."""
    report = make_report(enterprise_a, 2024, employees=100)
    content = report_workbook([report_row(enterprise_a, 2024, employees=150),
                               report_row(enterprise_a2, 2024)])
    return report, content


def _checked(user, content, capture) -> ImportRun:
    from kechuang.imports.tests.helpers import upload_file
    from kechuang.orgs.imports import KIND

    with capture(execute=True):
        run = import_services.start_import(actor=user, kind=KIND, upload=upload_file(content))
    run.refresh_from_db()
    assert run.status == "valid", run.errors
    return run


def _confirm(user, run, capture) -> ImportRun:
    with capture(execute=True):
        import_services.confirm_import(actor=user, run=run)
    run.refresh_from_db()
    return run


def test_an_interrupted_rollback_is_finished_by_the_reaper(
        users, updated_and_new, monkeypatch, django_capture_on_commit_callbacks):
    """Undo the update (old values, updated_at too) and the create, even when the first
    attempt to undo died half-way."""
    user = users["county_a_staff"]
    report, content = updated_and_new
    before = EnterpriseAnnualReport.objects.get(pk=report.pk)
    run = _checked(user, content, django_capture_on_commit_callbacks)
    monkeypatch.setattr(engine, "CHUNK", 1)  # one row per chunk: two chunks
    real_write, real_undo = engine.bulk_write, import_services._undo_chunk
    writes, undos = [], []

    def write(spec, ctx, rows):
        writes.append(rows[0].action)
        real_write(spec, ctx, rows)
        if len(writes) == 2:
            raise RuntimeError("worker crashed")

    def undo(chunk_id):
        undos.append(chunk_id)
        if len(undos) == 1:
            raise OSError("the undo crashed too")
        real_undo(chunk_id)

    monkeypatch.setattr(engine, "bulk_write", write)
    monkeypatch.setattr(import_services, "_undo_chunk", undo)
    run = _confirm(user, run, django_capture_on_commit_callbacks)
    assert writes == ["update", "create"]
    # chunk 2 died with its transaction; chunk 1 (the update) was committed and is logged
    assert run.status == "rolling_back" and ImportChunk.objects.filter(run=run).count() == 1
    assert Job.objects.get(pk=run.job_id).status == Job.Status.FAILED
    # the row of the unfinished run is still changed, but never with an audit trail
    assert EnterpriseAnnualReport.objects.get(year=2024).employees == 150
    assert not ChangeRecord.objects.filter(reason__startswith=f"Excel导入 #{run.pk} ").exists()

    monkeypatch.setattr(import_services, "_undo_chunk", real_undo)
    assert reap()["imports.runs"]["undone"] == 1
    run.refresh_from_db()
    assert run.status == "valid" and run.retryable and not ImportChunk.objects.exists()
    after = EnterpriseAnnualReport.objects.get(year=2024)
    assert after.pk == report.pk and after.employees == 100
    assert after.updated_at == before.updated_at
    assert not ChangeRecord.objects.filter(reason__startswith=f"Excel导入 #{run.pk} ").exists()

    monkeypatch.setattr(engine, "bulk_write", real_write)  # retry
    run = _confirm(user, run, django_capture_on_commit_callbacks)
    assert run.status == "committed"
    assert EnterpriseAnnualReport.objects.filter(year=2024).count() == 2
    assert EnterpriseAnnualReport.objects.get(pk=report.pk).employees == 150
    assert ChangeRecord.objects.filter(reason__startswith=f"Excel导入 #{run.pk} ").count() == 2


def test_held_back_audit_of_a_committed_run_is_written_by_the_reaper(
        users, updated_and_new, monkeypatch, django_capture_on_commit_callbacks):
    """The worker died after the commit point: the data stays, the audit trail is finished."""
    user = users["county_a_staff"]
    _report, content = updated_and_new
    run = _checked(user, content, django_capture_on_commit_callbacks)
    monkeypatch.setattr(import_services, "finish_audit", lambda run_id: 0)
    run = _confirm(user, run, django_capture_on_commit_callbacks)
    assert run.status == "committed" and ImportChunk.objects.filter(run=run).count() == 1
    trail = ChangeRecord.objects.filter(reason__startswith=f"Excel导入 #{run.pk} ")
    assert not trail.exists()
    monkeypatch.undo()
    assert reap()["imports.runs"]["audited"] == 2
    assert sorted(trail.values_list("action", flat=True)) == ["create", "update"]
    assert set(trail.values_list("request_id", flat=True)) == {f"import-{run.pk}"}
    assert not ImportChunk.objects.exists()
    assert verify()[2] is None  # the held-back records joined the hash chain intact
    assert reap()["imports.runs"]["audited"] == 0


def test_a_check_whose_worker_died_fails_the_run(users, updated_and_new,
                                                 django_capture_on_commit_callbacks):
    user = users["county_a_staff"]
    run = _checked(user, updated_and_new[1], django_capture_on_commit_callbacks)
    ImportRun.objects.filter(pk=run.pk).update(status="validating")
    Job.objects.filter(pk=run.job_id).update(status="running", heartbeat_at=None,
                                             started_at=timezone.now())
    assert reap(now=_later())["imports.runs"]["failed"] == 1
    run.refresh_from_db()
    assert run.status == "failed" and "重新上传" in run.message


def test_the_run_page_stops_polling_when_its_job_went_silent(
        client_for, users, updated_and_new, django_capture_on_commit_callbacks):
    user = users["county_a_staff"]
    run = _checked(user, updated_and_new[1], django_capture_on_commit_callbacks)
    ImportRun.objects.filter(pk=run.pk).update(status="committing")
    now = timezone.now()
    Job.objects.filter(pk=run.job_id).update(status="running", started_at=now, heartbeat_at=now)
    client = client_for(user)
    url = reverse("imports:run_progress", args=[run.pk])
    assert "hx-trigger" in client.get(url).content.decode()
    Job.objects.filter(pk=run.job_id).update(
        heartbeat_at=now - dt.timedelta(seconds=stale_after() + 5))
    html = client.get(url).content.decode()
    assert "hx-trigger" not in html and 'data-testid="run-stale"' in html


def test_the_owner_cancels_a_checked_run(client_for, users, updated_and_new,
                                         django_capture_on_commit_callbacks):
    user = users["county_a_staff"]
    run = _checked(user, updated_and_new[1], django_capture_on_commit_callbacks)
    client = client_for(user)
    assert client.post(reverse("imports:run_cancel", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert run.status == "cancelled"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:run_commit", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == "cancelled" and EnterpriseAnnualReport.objects.count() == 1
    other = client_for(users["county_b_staff"])
    assert other.post(reverse("imports:run_cancel", args=[run.pk])).status_code == 404


# ---- batch runs -------------------------------------------------------------------------------


def test_a_batch_whose_worker_died_is_failed_cleared_and_never_counted(
        users, enterprise_a, county_a, django_capture_on_commit_callbacks):
    from kechuang.assessment import selectors

    user = users["city_staff"]
    make_report(enterprise_a, 2024)
    dead = EvaluationRun.objects.create(year=2024, as_of=dt.date(2025, 6, 1), started_by=user)
    dead.job = _job(user, beat_ago=stale_after() + 5)
    dead.save(update_fields=["job"])
    EvaluationResult.objects.create(
        run=dead, enterprise=enterprise_a, county=county_a, year=2024, rule="rd_deduction",
        outcome="eligible", eligible=True, rd_deduction_amount_yuan=Decimal("1000000"),
        computed_at=timezone.now())
    assert not selectors.finished_results().exists()
    out = reap()
    assert out["assessment.batches"] == {"failed": 1, "purged": 0}
    dead.refresh_from_db()
    assert dead.failed_at and dead.finished_at is None and "中止" in dead.error
    assert not EvaluationResult.objects.exists()

    # leftovers of a failed run (its clean-up cut short) go with the next run
    EvaluationResult.objects.create(
        run=dead, enterprise=enterprise_a, county=county_a, year=2024, rule="tech_sme",
        outcome="eligible", eligible=True, computed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        job = assessment_services.start_batch(actor=user, year=2024, as_of=dt.date(2025, 6, 1))
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert not EvaluationResult.objects.filter(run=dead).exists()
    assert EvaluationResult.objects.count() == 3
    # a reaped run cannot finish afterwards
    assert not assessment_services.fail_run(run_id=dead.pk, reason="again")
