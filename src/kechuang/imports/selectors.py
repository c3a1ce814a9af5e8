"""Reads of import runs: always the user's own (ImportRun is personal, like a job)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kechuang.imports.models import ImportRun


def import_runs(*, user: Any) -> QuerySet[ImportRun]:
    return ImportRun.objects.restrict(user, "view").defer("errors", "preview").select_related(
        "job")


def import_run(*, user: Any, pk: int, action: str = "view") -> ImportRun:
    """The run, or ImportRun.DoesNotExist when it is not the user's."""
    return ImportRun.objects.restrict(user, action).select_related("job").get(pk=pk)
