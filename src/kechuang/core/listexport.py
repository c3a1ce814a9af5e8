"""One export job handler for every list: the list's columns, its rows through the list's own
selector with the action ``export`` (so the workbook holds exactly the rows the page showed),
and its sheet/file name. An app declares a ``ListExport`` and calls ``register``; the view side
is ``kechuang.core.shortcuts.export_view``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation

from kechuang.core.excel import CHUNK, Column, stamp, write_workbook
from kechuang.jobs.registry import Handler, JobOutput, Progress, job_handler


@dataclass(frozen=True)
class ListExport:
    """What one list exports. ``columns``, ``rows`` and ``sheet`` receive the job's params (the
    filters the user had on screen, or whatever the view put there); ``rows`` also the owner."""

    kind: str  # the job kind, e.g. "orgs.enterprise_export"
    title: Any  # the job's title (lazy; the view may pass a more specific one)
    sheet: Callable[[dict[str, Any]], Any]  # the sheet name, also the file name's stem
    columns: Callable[[dict[str, Any]], list[Column]]
    rows: Callable[[Any, dict[str, Any]], Any]  # (owner, params) → QuerySet or list


def list_export(kind: str, title: Any, sheet: Any, columns: Callable[[], list[Column]],
                selector: Callable[..., Any]) -> ListExport:
    """The common case: a fixed sheet name (lazy) and columns, and the rows of
    ``selector(user=owner, action="export", filters=params)`` — the list page's selector."""
    return ListExport(kind=kind, title=title, sheet=lambda p: sheet,
                      columns=lambda p: columns(),
                      rows=lambda owner, p: selector(user=owner, action="export", filters=p))


def register(spec: ListExport) -> Handler:
    """Register the job handler of ``spec`` under its kind; returns the handler."""

    def handler(job: Any, progress: Progress) -> JobOutput:
        with translation.override(settings.LANGUAGE_CODE):
            params = job.params or {}
            rows = spec.rows(job.owner, params)
            if isinstance(rows, list):
                total, items = len(rows), iter(rows)
            else:
                total, items = rows.count(), rows.iterator(chunk_size=CHUNK)
            sheet = str(spec.sheet(params))
            content, written = write_workbook(sheet_name=sheet, columns=spec.columns(params),
                                              rows=items, total=total, progress=progress)
            return JobOutput(content=content, filename=f"{sheet}-{stamp()}.xlsx",
                             summary={"rows": written})

    handler.__name__ = handler.__qualname__ = f"export_{spec.kind.replace('.', '_')}"
    handler.__doc__ = f"Excel export job {spec.kind!r} (kechuang.core.listexport)."
    return job_handler(spec.kind)(handler)
