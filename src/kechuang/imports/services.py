"""Import runs: upload → check (job) → preview → confirm → commit (job, one transaction).

Every status change is a conditional ``update()`` here (``valid → committing`` only once,
so a double click cannot commit twice). The domain rows themselves are written by the
engine inside the commit transaction, audited per row.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.core.errors import DomainError, ScopeError
from kechuang.core.uploads import UploadTo, private_storage, validate_upload
from kechuang.imports import engine
from kechuang.imports.models import MAX_STORED_ERRORS, ImportRun
from kechuang.imports.spec import ImportContext, get_spec, may_import
from kechuang.imports.workbook import build_error_report
from kechuang.jobs.services import start_job

S = ImportRun.Status


def start_import(*, actor: Any, kind: str, upload: Any) -> ImportRun:
    """Store the upload privately and queue its check; raises ValidationError for the file."""
    spec = get_spec(kind)
    if not may_import(actor, spec):
        raise PermissionDenied
    validate_upload(upload, allowed={"xlsx"})
    with transaction.atomic():
        run = ImportRun(owner=actor, kind=kind, title=str(spec.title)[:100],
                        original_name=str(upload.name)[:200], size=upload.size or 0,
                        status=S.VALIDATING)
        run.file.save(upload.name, upload, save=False)
        run.save()
        job = start_job(owner=actor, kind="imports.validate", params={"run": run.pk},
                        title=_("校验导入文件：%(title)s") % {"title": spec.title})
        ImportRun.objects.filter(pk=run.pk).update(job=job)
    run.job = job
    return run


def confirm_import(*, actor: Any, run: ImportRun) -> ImportRun:
    """The owner confirms a checked run: queue the commit (once)."""
    if run.owner_id != actor.pk:
        raise ScopeError
    spec = get_spec(run.kind)
    if not may_import(actor, spec):
        raise PermissionDenied
    with transaction.atomic():
        moved = ImportRun.objects.filter(pk=run.pk, owner=actor, status=S.VALID).update(
            status=S.COMMITTING, message="")
        if not moved:
            raise DomainError(_("该导入当前不能确认（状态：%(status)s）") % {
                "status": run.get_status_display()})
        job = start_job(owner=actor, kind="imports.commit", params={"run": run.pk},
                        title=_("导入数据：%(title)s") % {"title": spec.title})
        ImportRun.objects.filter(pk=run.pk).update(job=job)
    return ImportRun.objects.get(pk=run.pk)


def _read(run: ImportRun) -> bytes:
    with run.file.open("rb") as fh:
        return fh.read()


def _counts(outcome: engine.Outcome) -> dict[str, Any]:
    return {"total_rows": outcome.total, "create_count": outcome.created,
            "update_count": outcome.updated, "unchanged_count": outcome.unchanged,
            "error_count": len(outcome.errors), "error_row_count": len(outcome.error_rows)}


def _warnings(outcome: engine.Outcome) -> list[str]:
    if not outcome.ignored_columns:
        return []
    return [_("以下列未识别，已忽略：%(cols)s") % {
        "cols": "、".join(f"“{c}”" for c in outcome.ignored_columns[:20])}]


def _store_invalid(run: ImportRun, outcome: engine.Outcome, content: bytes) -> None:
    spec = get_spec(run.kind)
    report = build_error_report(spec, content, outcome.errors)
    name = private_storage.save(UploadTo("imports")(run, "errors.xlsx"), ContentFile(report))
    ImportRun.objects.filter(pk=run.pk).update(
        status=S.INVALID, errors=[list(e) for e in outcome.errors[:MAX_STORED_ERRORS]],
        error_file=name, preview=[], warnings=_warnings(outcome),
        validated_at=timezone.now(), **_counts(outcome))


def validate_run(*, run: ImportRun, progress: engine.ProgressFn) -> engine.Outcome:
    """The check job: read every row, store counts and preview, or errors and the report."""
    spec = get_spec(run.kind)
    content = _read(run)
    ctx = ImportContext(user=run.owner, run_id=run.pk)
    outcome = engine.process(spec=spec, ctx=ctx, content=content, progress=progress)
    if not may_import(run.owner, spec):
        outcome.add(0, "", _("您没有导入该类数据的权限"))
    if outcome.errors:
        _store_invalid(run, outcome, content)
    else:
        ImportRun.objects.filter(pk=run.pk, status=S.VALIDATING).update(
            status=S.VALID, errors=[], error_file="", preview=outcome.preview,
            warnings=_warnings(outcome), validated_at=timezone.now(), **_counts(outcome))
    return outcome


class _Rollback(Exception):
    def __init__(self, outcome: engine.Outcome) -> None:
        super().__init__("import has errors")
        self.outcome = outcome


def commit_run(*, run: ImportRun, progress: engine.ProgressFn) -> engine.Outcome:
    """The commit job: check every row again and write them all in one transaction.

    Data may have changed since the preview: if any row fails now, nothing is written and
    the run goes back to "invalid" with a fresh error report.
    """
    if run.status != S.COMMITTING:
        raise DomainError(_("该导入未处于待导入状态"))
    spec = get_spec(run.kind)
    if not may_import(run.owner, spec):
        raise DomainError(_("您没有导入该类数据的权限"))
    content = _read(run)
    ctx = ImportContext(user=run.owner, committing=True, run_id=run.pk)
    progress(0, run.total_rows, _("正在复核并写入（单个事务，完成前不会写入任何数据）"))
    try:
        with transaction.atomic():
            outcome = engine.process(spec=spec, ctx=ctx, content=content, progress=progress,
                                     write=True)
            if outcome.errors:
                raise _Rollback(outcome)
            ImportRun.objects.filter(pk=run.pk, status=S.COMMITTING).update(
                status=S.COMMITTED, committed_at=timezone.now(), preview=outcome.preview,
                **_counts(outcome))
    except _Rollback as exc:
        _store_invalid(run, exc.outcome, content)
        ImportRun.objects.filter(pk=run.pk).update(
            message=_("确认导入时复核发现错误（数据可能已被修改），未写入任何数据"))
        return exc.outcome
    return outcome


def mark_failed(*, run_id: int, reason: str) -> None:
    ImportRun.objects.filter(pk=run_id).exclude(status=S.COMMITTED).update(
        status=S.FAILED, message=reason[:500])
