from __future__ import annotations

from typing import Any

from django.db import transaction

from kechuang.jobs.models import Job
from kechuang.jobs.registry import get_handler


def start_job(*, owner: Any, kind: str, title: str, params: dict[str, Any] | None = None) -> Job:
    """Queue a job; the worker (manage.py db_worker) picks it up after commit."""
    get_handler(kind)  # unknown kinds fail here, not in the worker
    job = Job.objects.create(owner=owner, kind=kind, title=title[:200], params=params or {})

    def enqueue() -> None:
        from kechuang.jobs.tasks import run_job

        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])

    transaction.on_commit(enqueue)
    return job
