"""Import runs: upload → check (job) → preview → confirm → commit (job, in chunks).

Every status change is a conditional ``update()`` here (``valid → committing`` only once,
so a double click cannot commit twice).

The commit is all-or-nothing, kept by the run's state rather than by one long transaction
(which on SQLite locks every other writer out for the whole import, and hides the progress):

* each chunk of rows is written in its own short transaction, together with an
  ``ImportChunk`` row holding what it takes to undo it (primary keys created, the old values
  of the fields updated) and the change records of its rows, held back;
* the commit point is one transaction: the spec's ``after_commit`` and ``committing →
  committed``; only then are the held-back change records written (one transaction per
  chunk, deleting its log row), so a run that is undone never leaves an audit trail of rows
  that no longer exist — and a run that committed always gets its whole trail, because the
  reaper finishes what a dead worker left (``finish_audit``);
* anything that stops the run before the commit point — a row that fails the re-check, an
  exception, a killed worker (found by ``jobs.recovery``) — undoes the chunks in reverse
  (``rollback_run``), each in its own transaction, and the run goes back to "invalid" (with
  the errors), "valid" (to retry or cancel) or "failed".

Until the commit point other users can see the rows of chunks already written (they are
ordinary rows); the run page says the import is in progress. See docs/decisions.md.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import write_change_records
from kechuang.core.errors import DomainError, ScopeError
from kechuang.core.uploads import UploadTo, private_storage, validate_upload
from kechuang.imports import engine
from kechuang.imports.models import MAX_STORED_ERRORS, ImportChunk, ImportRun
from kechuang.imports.spec import ImportContext, ImportRow, ImportSpec, get_spec, may_import
from kechuang.imports.workbook import build_error_report
from kechuang.jobs.models import Job
from kechuang.jobs.registry import job_recovery
from kechuang.jobs.services import start_job

log = logging.getLogger(__name__)
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
    outcome = engine.process(spec=spec, ctx=ctx, content=content, progress=progress,
                             keep=True)
    if not may_import(run.owner, spec):
        outcome.add(0, "", _("您没有导入该类数据的权限"))
    if outcome.errors:
        _store_invalid(run, outcome, content)
    else:
        # the rows as checked: the commit job writes them without reading the file again
        checked = private_storage.save(UploadTo("imports")(run, "checked.json"),
                                       ContentFile(engine.dump_checked(spec, outcome.checked)))
        ImportRun.objects.filter(pk=run.pk, status=S.VALIDATING).update(
            status=S.VALID, errors=[], error_file="", checked_file=checked,
            preview=outcome.preview, warnings=_warnings(outcome), validated_at=timezone.now(),
            **_counts(outcome))
    return outcome


class RunAbandoned(DomainError):
    """The run left "committing" while this worker was writing it (the reaper undid it)."""


def interrupted_message() -> str:
    return _("导入过程中断（处理进程中止或系统错误），已撤销本次已写入的全部数据，"
             "数据库未发生变化；可以重试导入或取消本次导入。")


class CommitJournal:
    """``engine.Journal`` of one run: each chunk's transaction also logs its undo data and
    its held-back change records, and moves the run's written-rows counter — conditionally,
    so a worker the reaper has given up on cannot write another chunk."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        self.seq = 0
        self.rows: list[ImportRow] = []

    def chunk(self) -> transaction.Atomic:
        return transaction.atomic()

    def written(self, spec: ImportSpec, rows: list[ImportRow],
                audit: list[ChangeRecord]) -> None:
        if not ImportRun.objects.filter(pk=self.run.pk, status=S.COMMITTING).update(
                rows_written=F("rows_written") + len(rows)):
            raise RunAbandoned(_("该导入已被系统中止并撤销"))
        auto = [f.attname for f in spec.model._meta.concrete_fields
                if getattr(f, "auto_now", False)]
        ImportChunk.objects.create(
            run_id=self.run.pk, seq=self.seq, model=spec.model._meta.label_lower,
            created=[r.instance.pk for r in rows if r.action == "create"],  # type: ignore[union-attr]
            updated=[[r.instance.pk, {a: r.old[a] for a in (*r.changed, *auto) if a in r.old}]  # type: ignore[union-attr]
                     for r in rows if r.action == "update"],
            audit=[_record_values(c) for c in audit])
        self.seq += 1
        self.rows.extend(rows)


def _record_fields() -> list[models.Field]:
    """What a held-back change record keeps: every column but its id and the hash-chain
    links, which are computed when it is finally written (audit.chain)."""
    return [f for f in ChangeRecord._meta.concrete_fields
            if not f.primary_key and f.name not in ("prev_hash", "hash")]


def _record_values(record: ChangeRecord) -> dict[str, Any]:
    return {f.attname: getattr(record, f.attname) for f in _record_fields()}


def _record(values: dict[str, Any]) -> ChangeRecord:
    return ChangeRecord(**{f.attname: f.to_python(values[f.attname])
                           for f in _record_fields() if f.attname in values})


def commit_run(*, run: ImportRun, progress: engine.ProgressFn) -> engine.Outcome:
    """The commit job: write the rows the check kept, chunk by chunk (module doc), checking
    again only what the database could have changed since (``engine.commit_checked``; a run
    checked without kept rows is read and checked again in full).

    Data may have changed since the preview: if any row fails now, the chunks written are
    undone and the run goes back to "invalid" with a fresh error report.
    """
    if run.status != S.COMMITTING:
        raise DomainError(_("该导入未处于待导入状态"))
    spec = get_spec(run.kind)
    if not may_import(run.owner, spec):
        raise DomainError(_("您没有导入该类数据的权限"))
    content = _read(run)
    ctx = ImportContext(user=run.owner, committing=True, run_id=run.pk)
    progress(0, run.total_rows, _("正在复核并分批写入（未全部完成前中断会自动撤销）"))
    journal = CommitJournal(run)
    try:
        checked = _checked(run, spec)
        if checked is None:
            outcome = engine.process(spec=spec, ctx=ctx, content=content, progress=progress,
                                     write=True, journal=journal)
        else:
            outcome = engine.commit_checked(spec=spec, ctx=ctx, checked=checked,
                                            progress=progress, journal=journal)
        if outcome.errors:
            rollback_run(run_id=run.pk, final=S.INVALID)
            _store_invalid(run, outcome, content)
            ImportRun.objects.filter(pk=run.pk).update(
                message=_("确认导入时复核发现错误（数据可能已被修改），未写入任何数据"))
            return outcome
        with transaction.atomic():  # the commit point
            if journal.rows and spec.after_commit is not None:
                spec.after_commit(spec, ctx, journal.rows)
            if not ImportRun.objects.filter(pk=run.pk, status=S.COMMITTING).update(
                    status=S.COMMITTED, committed_at=timezone.now(), preview=outcome.preview,
                    message="", **_counts(outcome)):
                raise RunAbandoned(_("该导入已被系统中止并撤销"))
    except RunAbandoned:
        raise  # whoever moved the run (the reaper) undoes it
    except DomainError as exc:
        rollback_run(run_id=run.pk, final=S.FAILED, message=exc.message)
        raise
    except BaseException:
        rollback_run(run_id=run.pk, final=S.VALID, message=interrupted_message())
        raise
    _drop_checked(run)
    try:
        finish_audit(run_id=run.pk)
    except Exception:  # the data is in: the reaper writes the rest of the trail
        log.exception("import run %s: change records left to the reaper", run.pk)
    return outcome


def _checked(run: ImportRun, spec: ImportSpec) -> list[list[Any]] | None:
    """The rows the check job kept, or None (an older run, or the file is gone)."""
    name = ImportRun.objects.filter(pk=run.pk).values_list("checked_file", flat=True).first()
    if not name:
        return None
    try:
        with private_storage.open(name, "rb") as fh:
            return engine.load_checked(spec, fh.read())
    except (OSError, ValueError, KeyError, IndexError):
        log.warning("import run %s: checked rows unreadable, checking the file again", run.pk)
        return None


def _drop_checked(run: ImportRun) -> None:
    """A committed run no longer needs its checked rows."""
    name = ImportRun.objects.filter(pk=run.pk).values_list("checked_file", flat=True).first()
    if name:
        private_storage.delete(name)
        ImportRun.objects.filter(pk=run.pk).update(checked_file="")


def _undo_chunk(chunk_id: int) -> None:
    """Undo one chunk and drop its log row, in one transaction (so undoing is resumable)."""
    with transaction.atomic():
        chunk = ImportChunk.objects.select_for_update().filter(pk=chunk_id).first()
        if chunk is None:  # undone by someone else meanwhile
            return
        model = apps.get_model(chunk.model)
        manager = model._base_manager
        meta = model._meta
        by_attname: dict[str, models.Field] = {f.attname: f for f in meta.concrete_fields}
        if chunk.updated:
            objs = manager.in_bulk([meta.pk.to_python(pk) for pk, _old in chunk.updated])
            names: set[str] = set()
            restore = []
            for pk, old in chunk.updated:
                obj = objs.get(meta.pk.to_python(pk))
                if obj is None:  # deleted meanwhile: nothing to restore
                    continue
                for attname, value in old.items():
                    setattr(obj, attname, by_attname[attname].to_python(value))
                    names.add(attname)
                restore.append(obj)
            if restore and names:
                manager.bulk_update(restore, sorted(names), batch_size=engine.CHUNK)
        if chunk.created:
            manager.filter(pk__in=chunk.created).delete()
        chunk.delete()


def rollback_run(*, run_id: int, final: str, message: str = "") -> bool:
    """Undo every chunk a run wrote (newest first) and move it to ``final``.

    Only from "committing" or "rolling_back" (a rollback that was itself interrupted); False
    when the run is in any other state — a committed run is never undone.
    """
    if not ImportRun.objects.filter(pk=run_id, status__in=(S.COMMITTING, S.ROLLING_BACK)).update(
            status=S.ROLLING_BACK):
        return False
    for chunk_id in (ImportChunk.objects.filter(run_id=run_id).order_by("-seq")
                     .values_list("pk", flat=True)):
        _undo_chunk(chunk_id)
    ImportRun.objects.filter(pk=run_id, status=S.ROLLING_BACK).update(
        status=final, message=message[:500], rows_written=0)
    return True


def finish_audit(*, run_id: int) -> int:
    """Write the held-back change records of a committed run; returns how many."""
    if not ImportRun.objects.filter(pk=run_id, status=S.COMMITTED).exists():
        return 0
    written = 0
    for chunk_id in ImportChunk.objects.filter(run_id=run_id).values_list("pk", flat=True):
        with transaction.atomic():
            chunk = ImportChunk.objects.select_for_update().filter(pk=chunk_id).first()
            if chunk is None:
                continue
            write_change_records([_record(v) for v in chunk.audit])
            written += len(chunk.audit)
            chunk.delete()
    return written


def cancel_import(*, actor: Any, run: ImportRun) -> None:
    """The owner gives up a checked (or interrupted) run; nothing was written."""
    if run.owner_id != actor.pk:
        raise ScopeError
    if not ImportRun.objects.filter(pk=run.pk, owner=actor, status=S.VALID).update(
            status=S.CANCELLED, message=_("已取消，未写入任何数据")):
        raise DomainError(_("该导入当前不能取消（状态：%(status)s）") % {
            "status": run.get_status_display()})


@job_recovery("imports.runs")
def recover_runs() -> dict[str, int]:
    """Reaper hook: runs whose job failed (its worker died) or finished without them.

    Committing → undone, back to "valid" (retry or cancel); an interrupted rollback is
    finished; a check that died → "failed" (upload again); a committed run whose change
    records were still held back gets them written.
    """
    gone = Q(job__isnull=True) | Q(job__status__in=(Job.Status.FAILED, Job.Status.SUCCEEDED))
    out = {"undone": 0, "failed": 0, "audited": 0}
    for pk in ImportRun.objects.filter(gone, status__in=(S.COMMITTING, S.ROLLING_BACK)
                                       ).values_list("pk", flat=True):
        out["undone"] += rollback_run(run_id=pk, final=S.VALID, message=interrupted_message())
    out["failed"] = ImportRun.objects.filter(gone, status__in=(S.UPLOADED, S.VALIDATING)).update(
        status=S.FAILED, message=_("校验过程中断（处理进程中止），请重新上传文件。"))
    for pk in (ImportRun.objects.filter(status=S.COMMITTED, chunks__isnull=False)
               .exclude(job__status__in=(Job.Status.QUEUED, Job.Status.RUNNING))
               .values_list("pk", flat=True).distinct()):
        out["audited"] += finish_audit(run_id=pk)
    return out


def mark_failed(*, run_id: int, reason: str) -> None:
    """A job that raised: a run still being checked or committed fails (a commit that raised
    has already been undone by ``commit_run`` and keeps the state it chose)."""
    ImportRun.objects.filter(pk=run_id, status__in=(S.UPLOADED, S.VALIDATING, S.COMMITTING)
                             ).update(status=S.FAILED, message=reason[:500])
