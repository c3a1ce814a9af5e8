"""The real worker path once: django-tasks-db's DatabaseBackend and ``manage.py db_worker``.

The rest of the suite runs jobs with the immediate backend (settings_test); this test makes
sure a job queued in the database is picked up and finished by the worker process code that
production runs (``db_worker --interval 1``, here ``--batch`` to drain the queue and exit).
"""

from __future__ import annotations

import io
import signal

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from kechuang.accounts.models import User
from kechuang.jobs.models import Job
from kechuang.jobs.registry import JobOutput, job_handler
from kechuang.jobs.services import start_job


@job_handler("tests.worker_echo")
def worker_echo(job, progress):
    progress(1, 1, "done")
    return JobOutput(content="由数据库队列处理".encode(), filename="队列.txt",
                     summary={"rows": 1})


@pytest.fixture
def database_backend(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # override → setting_changed → django_tasks resets its backend cache (task_backends)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks import task_backends

    assert type(task_backends["default"]).__name__ == "DatabaseBackend"


@pytest.fixture
def restore_signal_handlers():
    """db_worker installs SIGINT/SIGTERM handlers and does not remove them after --batch."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


@pytest.mark.django_db(transaction=True)
def test_db_worker_runs_a_queued_job(database_backend, restore_signal_handlers):
    owner = User.objects.create_user(username="worker_owner", password="Kc-test-Pass-2025",
                                     role="city_staff")
    job = start_job(owner=owner, kind="tests.worker_echo", title="队列任务")  # autocommit
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.task_id
    queued = DBTaskResult.objects.get(id=job.task_id)
    assert queued.status == "READY"

    out = io.StringIO()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=out,
                 stderr=out)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.percent == 100 and job.result == {"rows": 1}
    with job.result_file.open("rb") as fh:
        assert fh.read() == "由数据库队列处理".encode()
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
