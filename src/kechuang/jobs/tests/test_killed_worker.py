"""A real worker process killed with SIGKILL in the middle of an import commit and of a batch
evaluation; then the reaper, then a retry (issue 10, "jobs that survive dead workers").

The worker is ``manage.py db_worker`` in a subprocess, against the test database: on
PostgreSQL the test database itself; on SQLite (whose test database lives in memory) a file
copy made with SQLite's backup API, copied back after the kill. A small wrapper script
(``gated_worker.py``) installs two gates so the kill lands at a known point, not at a guessed
moment:

* "between": after two chunks were committed and their progress reported, the worker waits
  (outside any transaction) — here the test reads the progress from another connection and,
  on SQLite, writes from another connection;
* "inside": the third chunk has written its rows and waits inside its transaction — here the
  worker is killed, leaving two committed chunks and one open transaction behind.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from conftest import make_report
from kechuang.assessment import services as assessment_services
from kechuang.assessment.models import EvaluationResult, EvaluationRun
from kechuang.assessment.selectors import finished_results
from kechuang.audit.chain import verify
from kechuang.audit.models import ChangeRecord
from kechuang.imports import services as import_services
from kechuang.imports.models import ImportChunk, ImportRun
from kechuang.imports.tests.helpers import report_row, report_workbook, upload_file
from kechuang.jobs.models import Job, stale_after
from kechuang.jobs.recovery import reap
from kechuang.orgs.imports import KIND
from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport
from kechuang.policy.credit_code import make_code

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[4]
IMPORT_ROWS = 300
IMPORT_CHUNK = 50  # the worker's engine.CHUNK: six chunks
BATCH_ENTERPRISES = 40
BATCH_CHUNK = 10  # the worker's assessment CHUNK: four chunks
WORKER_ID = "kill-test-worker"
DEADLINE = 180  # seconds a gate may take to be reached before the test gives up

WORKER_SCRIPT = Path(__file__).with_name("gated_worker.py")


class WorkerDatabase:
    """The database as the worker subprocess sees it, and reads from a second connection."""

    def __init__(self, tmp_path: Path) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.file = tmp_path / "worker.sqlite3"

    @property
    def name(self) -> str:
        return str(self.file) if self.sqlite else connection.settings_dict["NAME"]

    def hand_over(self) -> None:
        """Before the worker starts: on SQLite copy the in-memory test database to a file."""
        if self.sqlite:
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()

    def take_back(self) -> None:
        """After the worker died: on SQLite the file (its committed state) back into memory."""
        if self.sqlite:
            source = sqlite3.connect(self.file)
            source.backup(connection.connection)
            source.close()

    def value(self, sql: str, *params: Any) -> Any:
        """One value, read through a connection other than the worker's."""
        if self.sqlite:
            with sqlite3.connect(self.file, timeout=5) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchone()[0]
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchone()[0]

    def try_write(self, job_id: int, *, wait: float) -> bool:
        """SQLite: can another connection write now (waiting at most ``wait`` seconds)?"""
        conn = sqlite3.connect(self.file, timeout=wait, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE jobs_job SET message = message WHERE id = ?", (job_id,))
            conn.execute("COMMIT")
            return True
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
            return False
        finally:
            conn.close()


def worker_env(tmp_path: Path, db: WorkerDatabase) -> dict[str, str]:
    """Environment of a worker subprocess: the test settings, the real queue, this database
    and this test run's private files."""
    (tmp_path / "kc_kill_settings.py").write_text(
        "from kechuang.settings_test import *  # noqa\n"
        "TASKS = {'default': {'BACKEND': 'django_tasks_db.DatabaseBackend'}}\n"
        f"DATABASES['default']['NAME'] = {db.name!r}\n"
        f"PRIVATE_MEDIA_ROOT = {str(django_settings.PRIVATE_MEDIA_ROOT)!r}\n"
        f"MEDIA_ROOT = {str(django_settings.MEDIA_ROOT)!r}\n"
        "JOB_PROGRESS_MIN_INTERVAL = 0\n"
        "JOB_HEARTBEAT_EVERY = 0.5\n", encoding="utf-8")
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "kc_kill_settings",
            "KECHUANG_TASKS_IMMEDIATE": "0", "TMPDIR": str(tmp_path),
            "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "src"), str(ROOT)])}


class Worker:
    def __init__(self, tmp_path: Path, db: WorkerDatabase, kind: str) -> None:
        self.gates = tmp_path / f"gates-{kind}"
        self.gates.mkdir()
        self.log = tmp_path / f"worker-{kind}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen([
                sys.executable, str(WORKER_SCRIPT), str(self.gates), kind, str(IMPORT_CHUNK),
                str(BATCH_CHUNK), WORKER_ID], cwd=ROOT, env=worker_env(tmp_path, db),
                stdout=out, stderr=subprocess.STDOUT)

    def reached(self, gate: str) -> None:
        """Wait until the worker stands at ``gate`` (fail with its log if it died first)."""
        end = time.monotonic() + DEADLINE
        while not (self.gates / f"{gate}.reached").exists():
            if self.proc.poll() is not None or time.monotonic() > end:
                self.kill()
                pytest.fail(f"worker did not reach {gate}:\n"
                            + self.log.read_text(errors="replace")[-4000:])
            time.sleep(0.05)

    def release(self, gate: str) -> None:
        (self.gates / f"{gate}.go").touch()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)


def immediate_backend(settings: Any) -> None:
    """Jobs run inline again (the retry after the kill runs in the test process)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def import_enterprises(county_a):
    Enterprise.objects.bulk_create([
        Enterprise(kind="enterprise", name=f"导入企业{i:04d}",
                   credit_code=make_code(f"91140403MC{i:07d}"), county=county_a,
                   industry_code="C26", established_on=dt.date(2015, 1, 1))
        for i in range(IMPORT_ROWS)])
    return list(Enterprise.objects.filter(name__startswith="导入企业").order_by("name"))


def _audit_of(run: ImportRun) -> int:
    return ChangeRecord.objects.filter(reason__startswith=f"Excel导入 #{run.pk} ").count()


def test_worker_killed_during_import_commit(users, import_enterprises, settings, tmp_path):
    user = users["county_a_staff"]
    content = report_workbook([report_row(e, 2024) for e in import_enterprises])
    run = import_services.start_import(actor=user, kind=KIND, upload=upload_file(content))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.VALID and run.create_count == IMPORT_ROWS

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run = import_services.confirm_import(actor=user, run=run)
    job = run.job
    assert job is not None and Job.objects.get(pk=job.pk).status == Job.Status.QUEUED

    db = WorkerDatabase(tmp_path)
    db.hand_over()
    worker = Worker(tmp_path, db, "import")
    try:
        worker.reached("between")
        # progress is committed outside the chunk transactions: another connection sees it
        assert db.value("SELECT progress_done FROM jobs_job WHERE id = %s", job.pk) > 0
        assert db.value("SELECT rows_written FROM imports_importrun WHERE id = %s",
                        run.pk) == 2 * IMPORT_CHUNK
        if db.sqlite:  # between two chunks nobody holds the write lock
            assert db.try_write(job.pk, wait=5)
        worker.release("between")
        worker.reached("inside")
        if db.sqlite:  # the sanity check: a chunk's transaction does hold it
            assert not db.try_write(job.pk, wait=0.2)
    finally:
        worker.kill()
    db.take_back()

    # what the dead worker left: two committed chunks, the run "committing", the job running
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTING
    assert EnterpriseAnnualReport.objects.filter(year=2024).count() == 2 * IMPORT_CHUNK
    assert ImportChunk.objects.filter(run=run).count() == 2
    assert _audit_of(run) == 0  # held back until the commit point
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING

    assert reap()["failed"] == []  # its heartbeat is fresh: not yet given up
    later = timezone.now() + dt.timedelta(seconds=stale_after() + 1)
    out = reap(now=later)
    assert out["failed"] == [job.pk] and out["imports.runs"]["undone"] == 1

    job.refresh_from_db()
    run.refresh_from_db()
    assert job.status == Job.Status.FAILED and "处理进程意外中止" in job.error
    assert run.status == ImportRun.Status.VALID and run.retryable and run.rows_written == 0
    assert not EnterpriseAnnualReport.objects.filter(year=2024).exists()
    assert not ImportChunk.objects.filter(run=run).exists()
    assert _audit_of(run) == 0
    assert reap(now=later)["failed"] == []  # idempotent

    immediate_backend(settings)  # the retry: everything, exactly once
    run = import_services.confirm_import(actor=user, run=run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED, run.message
    assert run.create_count == IMPORT_ROWS
    reports = EnterpriseAnnualReport.objects.filter(year=2024)
    assert reports.count() == IMPORT_ROWS
    assert set(reports.values_list("enterprise_id", flat=True)) == {
        e.pk for e in import_enterprises}
    assert _audit_of(run) == IMPORT_ROWS
    assert not ImportChunk.objects.exists()
    assert verify()[2] is None  # the audit hash chain is intact


@pytest.fixture
def batch_enterprises(county_a):
    out = []
    for i in range(BATCH_ENTERPRISES):
        e = Enterprise.objects.create(
            kind="enterprise", name=f"测评企业{i:03d}", credit_code=make_code(
                f"91140403MD{i:07d}"), county=county_a, industry_code="C26",
            established_on=dt.date(2015, 1, 1))
        for year in (2022, 2023, 2024):
            make_report(e, year)
        out.append(e)
    return out


def test_worker_killed_during_batch_evaluation(users, batch_enterprises, settings, tmp_path):
    user = users["county_a_staff"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = assessment_services.start_batch(actor=user, year=2024, as_of=dt.date(2025, 6, 30))
    run = EvaluationRun.objects.get(job=job)

    db = WorkerDatabase(tmp_path)
    db.hand_over()
    worker = Worker(tmp_path, db, "batch")
    try:
        worker.reached("inside")
        assert db.value("SELECT progress_done FROM jobs_job WHERE id = %s", job.pk) > 0
    finally:
        worker.kill()
    db.take_back()

    partial = EvaluationResult.objects.filter(run=run).count()
    assert partial == 2 * BATCH_CHUNK * 3  # three rules per enterprise: the leftovers
    assert not finished_results().exists()  # never counted

    out = reap(dead_workers=[WORKER_ID])  # the supervisor saw this worker die
    assert out["failed"] == [job.pk] and out["assessment.batches"]["failed"] == 1
    job.refresh_from_db()
    run.refresh_from_db()
    assert job.status == Job.Status.FAILED and "处理进程意外中止" in job.error
    assert run.failed_at is not None and run.finished_at is None and run.error
    assert not EvaluationResult.objects.filter(run=run).exists()

    immediate_backend(settings)  # the next run counts, alone
    again = assessment_services.start_batch(actor=user, year=2024, as_of=dt.date(2025, 6, 30))
    again.refresh_from_db()
    assert again.status == Job.Status.SUCCEEDED, again.error
    results = EvaluationResult.objects.all()
    assert results.count() == BATCH_ENTERPRISES * 3
    assert set(results.values_list("run__job", flat=True)) == {again.pk}


def _line(proc: subprocess.Popen[str], pattern: str) -> re.Match[str]:
    """The next output line of ``proc`` matching ``pattern`` (fails if it exits first)."""
    end = time.monotonic() + DEADLINE
    seen = []
    while time.monotonic() < end:
        ready, _w, _x = select.select([proc.stdout], [], [], 1)
        if not ready:
            continue
        line = proc.stdout.readline()  # type: ignore[union-attr]
        if not line:
            break
        seen.append(line)
        if m := re.search(pattern, line):
            return m
    proc.kill()
    pytest.fail(f"no line matching {pattern!r}:\n{''.join(seen)[-4000:]}")


def test_run_worker_restarts_a_killed_worker(tmp_path):
    """``manage.py run_worker`` (what ``make run`` and the systemd unit start): its db_worker
    child is SIGKILLed → a new child starts; SIGTERM stops both."""
    db = WorkerDatabase(tmp_path)
    db.hand_over()
    proc = subprocess.Popen([sys.executable, "-m", "django", "run_worker", "--interval", "0.2"],
                            cwd=ROOT, env=worker_env(tmp_path, db), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        first = _line(proc, r"worker (\S+) pid (\d+) started")
        os.kill(int(first[2]), signal.SIGKILL)
        _line(proc, rf"worker {first[1]} pid {first[2]} exited \(-9\); restarting")
        second = _line(proc, r"worker (\S+) pid (\d+) started")
        assert second[2] != first[2] and second[1] != first[1]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        with pytest.raises(ProcessLookupError):  # the child went with it
            os.kill(int(second[2]), 0)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
