"""The import engine: workbook rows → checked rows → (on commit) bulk writes with audit.

One pass over the data sheet, in chunks of ``CHUNK`` rows:

1. every cell is converted by its column (``cells.convert``): required, type, range;
2. duplicate keys (and ``spec.unique`` values) within the file are reported on every row
   that shares them;
3. the spec's ``resolve`` looks up, once per chunk and through ``restrict()``, what the rows
   refer to and the rows that already exist;
4. each row's values are applied to its instance and checked by the model's own
   ``full_clean()`` (field validators and ``clean()``: the same rules as the form and the
   service); the unique key is the import key and check constraints are mirrored by
   ``clean()``, so no per-row query is needed;
5. rows equal to the database are *unchanged* and never written; on the commit pass the
   rows to create or update are written per chunk by ``bulk_write`` (or the spec's own
   ``commit``). Without a ``journal`` the caller wraps the whole pass in one transaction and
   rolls it back when any row has an error; with one (``imports.services.commit_run``) each
   chunk is its own short transaction, opened by ``journal.chunk()``, and
   ``journal.written`` records in it what the chunk wrote (to undo it) and the change
   records ``bulk_write`` held back (to write once the run has committed);
6. after the last chunk, when all rows are valid and some were written, the spec's
   ``after_commit`` gets every row written — in the same transaction, or with a journal,
   from the caller when it marks the run committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import change_record, snapshot
from kechuang.core.errors import ScopeError
from kechuang.imports.cells import CellError, convert
from kechuang.imports.spec import ImportContext, ImportRow, ImportSpec
from kechuang.imports.workbook import SheetData, WorkbookError, read_sheet

CHUNK = 1000  # rows per look-up query and per write batch
PREVIEW_ROWS = 20
PROGRESS_EVERY = CHUNK

ProgressFn = Callable[..., None]
AUDIT_SINK = "engine.audit_sink"  # ctx.cache key: where bulk_write puts held-back records


class Journal(Protocol):
    """Commits a pass chunk by chunk (see ``imports.services.CommitJournal``)."""

    def chunk(self) -> AbstractContextManager[Any]: ...

    def written(self, spec: ImportSpec, rows: list[ImportRow],
                audit: list[ChangeRecord]) -> None: ...


@dataclass
class Outcome:
    total: int = 0  # data rows read (blank rows skipped)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)
    error_rows: set[int] = field(default_factory=set)
    preview: list[dict[str, Any]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row: int, label: str, message: str) -> None:
        self.errors.append((row, label, message))
        self.error_rows.add(row)

    def sorted_errors(self) -> list[tuple[int, str, str]]:
        return sorted(self.errors, key=lambda e: e[0])


def _model_fields(model: type[models.Model]) -> dict[str, models.Field]:
    """Concrete editable fields by name (no pk, no automatic timestamps)."""
    out = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        out[f.name] = f
    return out


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, Decimal):
        return f"{value:,.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _key_text(spec: ImportSpec, fields: tuple[str, ...]) -> str:
    return "+".join(str(spec.column(k).label) for k in fields)  # type: ignore[union-attr]


def process(*, spec: ImportSpec, ctx: ImportContext, content: bytes,
            progress: ProgressFn | None = None, write: bool = False,
            journal: Journal | None = None) -> Outcome:
    """Check every row of the upload; with ``write`` also write them (caller's transaction,
    or with ``journal`` one transaction per chunk).

    Writing stops at the first error (the caller rolls back or undoes the chunks written);
    checking goes on, so the error report is complete either way.
    """
    outcome = Outcome()
    try:
        sheet = read_sheet(spec, content)
    except WorkbookError as exc:
        for row, label, message in exc.errors:
            outcome.add(row, label, message)
        return outcome
    outcome.ignored_columns = sheet.ignored
    fields = _model_fields(spec.model)
    first_row: dict[tuple, int] = {}
    chunk: list[ImportRow] = []
    written: list[ImportRow] = []
    report = progress or (lambda *a, **k: None)
    report(0, sheet.total)
    done = 0
    for number, raw in sheet.rows():
        row = _convert(spec, number, raw)
        _check_duplicate(spec, row, first_row, chunk, outcome)
        chunk.append(row)
        if len(chunk) >= CHUNK:
            written += _chunk(spec, ctx, chunk, fields, outcome, write, journal)
            done += len(chunk)
            chunk = []
            report(done, max(done, sheet.total))  # outside the chunk's transaction
    if chunk:
        written += _chunk(spec, ctx, chunk, fields, outcome, write, journal)
        done += len(chunk)
    outcome.total = done
    if (write and journal is None and outcome.ok and written
            and spec.after_commit is not None):
        spec.after_commit(spec, ctx, written)
    if done == 0 and outcome.ok:
        outcome.add(sheet.header_index + 2, "", _("没有可导入的数据行：请从表头下一行起填写"))
    outcome.errors = outcome.sorted_errors()
    report(done, done)
    return outcome


def _chunk(spec: ImportSpec, ctx: ImportContext, chunk: list[ImportRow],
           fields: dict[str, models.Field], outcome: Outcome, write: bool,
           journal: Journal | None) -> list[ImportRow]:
    """One chunk; on a journalled commit pass in its own transaction (the look-ups lock rows
    with select_for_update, so they belong inside it too)."""
    if journal is None or not write:
        return _handle(spec, ctx, chunk, fields, outcome, write)
    with journal.chunk():
        held: list[ChangeRecord] = []
        ctx.cache[AUDIT_SINK] = held
        try:
            rows = _handle(spec, ctx, chunk, fields, outcome, write)
        finally:
            ctx.cache.pop(AUDIT_SINK, None)
        if rows:
            journal.written(spec, rows, held)
    return rows


def _convert(spec: ImportSpec, number: int, raw: dict[str, Any]) -> ImportRow:
    row = ImportRow(number=number, data={})
    for col in spec.columns:
        if col.field not in raw:  # an optional column the workbook does not have
            continue
        try:
            value = convert(col, raw[col.field])
        except CellError as exc:
            row.add_error(col.field, exc.message)
            continue
        if value is None and col.required:
            row.add_error(col.field, _("必填，不能为空"))
        row.data[col.field] = value
    return row


def _check_duplicate(spec: ImportSpec, row: ImportRow, first_row: dict[tuple, int],
                     chunk: list[ImportRow], outcome: Outcome) -> None:
    for fields in (spec.key, *spec.unique):
        values = tuple(row.data.get(k) for k in fields)
        if any(v is None for v in values):
            continue
        key = (fields, values)
        first = first_row.get(key)
        if first is None:
            first_row[key] = row.number
            continue
        what = _key_text(spec, fields)
        row.add_error(fields[0], _("与第 %(n)s 行重复（%(key)s相同）") % {"n": first,
                                                                        "key": what})
        earlier = next((r for r in chunk if r.number == first), None)
        message = _("与第 %(n)s 行重复（%(key)s相同）") % {"n": row.number, "key": what}
        if earlier is not None:
            earlier.add_error(fields[0], message)
        else:  # an earlier chunk: already counted, only reported
            outcome.add(first, spec.label_for(fields[0]), message)


def _handle(spec: ImportSpec, ctx: ImportContext, chunk: list[ImportRow],
            fields: dict[str, models.Field], outcome: Outcome,
            write: bool) -> list[ImportRow]:
    """Resolve, plan and count a chunk; on the commit pass write it. Returns the rows
    written."""
    keyed = [r for r in chunk if all(r.data.get(k) is not None for k in spec.key)]
    spec.resolve(ctx, keyed)
    for row in chunk:
        if row.ok and row.instance is not None:
            _plan(spec, row, fields)
        elif row.ok:  # resolve said nothing: a spec bug, never a silent skip
            row.add_error(spec.key[0], _("无法处理该行"))
    for row in chunk:
        if not row.ok:
            for field_name, message in row.errors:
                outcome.add(row.number, spec.label_for(field_name), message)
            continue
        if row.action == "create":
            outcome.created += 1
        elif row.action == "update":
            outcome.updated += 1
        else:
            outcome.unchanged += 1
        if row.action != "unchanged" and len(outcome.preview) < PREVIEW_ROWS:
            outcome.preview.append(_preview(spec, row, fields))
    if write and outcome.ok:
        todo = [r for r in chunk if r.action in ("create", "update")]
        if todo:
            (spec.commit or bulk_write)(spec, ctx, todo)
            return todo
    return []


def _plan(spec: ImportSpec, row: ImportRow, fields: dict[str, models.Field]) -> None:
    inst = row.instance
    assert inst is not None
    existing = inst.pk is not None
    if existing:
        row.old = {f.attname: getattr(inst, f.attname) for f in fields.values()}
        for f in spec.model._meta.concrete_fields:  # kept to undo an interrupted commit
            if getattr(f, "auto_now", False):
                row.old[f.attname] = getattr(inst, f.attname)
        row.before = snapshot(inst)
    for name, value in row.data.items():
        if name in fields and value is not None:  # blank: keep the row's value (or default)
            setattr(inst, name, value)
    for name, value in row.values.items():
        setattr(inst, name, value)
    try:
        inst.full_clean(exclude=list(spec.clean_exclude), validate_unique=False,
                        validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                row.add_error(name, message)
        return
    for f in fields.values():  # 1500000 → 1500000.00, as the database will return it
        if isinstance(f, models.DecimalField):
            value = getattr(inst, f.attname)
            if isinstance(value, Decimal) and value.as_tuple().exponent > -f.decimal_places:
                setattr(inst, f.attname, value.quantize(Decimal(1).scaleb(-f.decimal_places)))
    if not existing:
        row.action = "create"
        return
    row.changed = [f.attname for f in fields.values()
                   if row.old[f.attname] != getattr(inst, f.attname)]
    row.action = "update" if row.changed else "unchanged"


def _preview(spec: ImportSpec, row: ImportRow, fields: dict[str, models.Field]) -> dict:
    inst = row.instance
    changes = []
    by_attname = {f.attname: f for f in fields.values()}
    if row.action == "update":
        for attname in row.changed:
            f = by_attname[attname]
            changes.append([spec.label_for(f.name), _display(row.old[attname]),
                            _display(getattr(inst, attname))])
    return {"row": row.number, "action": row.action, "object": spec.describe(inst)[:200],
            "changes": changes}


# ---- writing ------------------------------------------------------------------------------


def bulk_write(spec: ImportSpec, ctx: ImportContext, rows: list[ImportRow]) -> None:
    """Create and update a chunk's rows in bulk, re-check them through restrict(), and write
    one ChangeRecord (before/after) per row — a fixed number of statements per chunk."""
    model = spec.model
    manager = model._default_manager
    creates = [r for r in rows if r.action == "create"]
    updates = [r for r in rows if r.action == "update"]
    if creates:
        manager.bulk_create([r.instance for r in creates])
        if any(r.instance.pk is None for r in creates):  # type: ignore[union-attr]
            raise RuntimeError("the database did not return the new primary keys")
    if updates:
        now = timezone.now()
        auto = [f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        for r in updates:
            for attname in auto:
                setattr(r.instance, attname, now)
        names = sorted({a for r in updates for a in r.changed} | set(auto))
        manager.bulk_update([r.instance for r in updates], names, batch_size=CHUNK)
        if any(f.name == "version" for f in model._meta.concrete_fields):
            # optimistic locking: an edit form opened before the import must be refused
            manager.filter(pk__in=[r.instance.pk for r in updates]).update(
                version=F("version") + 1)
    for action, group in (("add", creates), ("change", updates)):
        pks = [r.instance.pk for r in group]  # type: ignore[union-attr]
        # len(values_list) rather than count(): SQLite plans COUNT over a long IN list badly
        if pks and len(manager.restrict(ctx.user, action).filter(pk__in=pks)
                       .values_list("pk", flat=True)) != len(pks):
            raise ScopeError(_("导入的记录超出了您的管辖范围，未写入任何数据"))
    records = []
    for r in rows:
        reason = _("Excel导入 #%(run)s 第%(row)s行") % {"run": ctx.run_id or "-", "row": r.number}
        if r.action == "create":
            records.append(change_record(actor=ctx.user, action=ChangeRecord.Action.CREATE,
                                         obj=r.instance, before=None,
                                         after=snapshot(r.instance), reason=reason))
        else:
            records.append(change_record(actor=ctx.user, action=ChangeRecord.Action.UPDATE,
                                         obj=r.instance, before=r.before,
                                         after=snapshot(r.instance), reason=reason))
    held = ctx.cache.get(AUDIT_SINK)
    if held is not None:  # a journalled commit: written once the whole run has committed
        held.extend(records)
    else:
        ChangeRecord.objects.bulk_create(records)


__all__ = ["AUDIT_SINK", "CHUNK", "Journal", "Outcome", "SheetData", "bulk_write", "process"]
