"""The import engine: workbook rows → checked rows → (on commit) writes through the service.

One pass over the data sheet, in chunks of ``CHUNK`` rows:

1. every cell is converted by its column (``cells.convert``): required, type, range;
2. duplicate keys (and ``spec.unique`` values) within the file are reported on every row
   that shares them;
3. the spec's ``resolve`` looks up, once per chunk and through the user's scope, what the
   rows refer to and the rows that already exist (a few set queries, never one per row);
4. a row whose existing record already holds every value it brings is *unchanged*, found in
   memory: not validated, not written, not audited; every other row's values are applied to
   its instance and the chunk is checked in one call by the service's bulk hook
   (``spec.service``, a ``core.services.BulkHook``): the service's own rules (``prepare``)
   and the model's validation (``validate_objects``: ``full_clean``'s field validators and
   ``clean()``, the same messages); the unique key is the import key and check constraints
   are mirrored by ``clean()``, so no per-row query is needed;
5. on the commit pass the rows to create or update are written per chunk by ``bulk_write``
   — through the same hook (``BulkHook.write``: the service's bulk create/update with its
   rules, the scope re-check, one change record per row as the single-row services write
   them) — or the spec's own ``commit``. Without a ``journal`` the caller wraps the whole
   pass in one transaction and rolls it back when any row has an error; with one
   (``imports.services.commit_run``) each chunk is its own short transaction, opened by
   ``journal.chunk()``, and ``journal.written`` records in it what the chunk wrote (to undo
   it) and the change records ``bulk_write`` held back (to write once the run has committed);
6. after the last chunk, when all rows are valid and some were written, the spec's
   ``after_commit`` gets every row written — in the same transaction, or with a journal,
   from the caller when it marks the run committed.

The commit job does not read and check the file a second time: the check job keeps the
valid rows (``keep``, stored with the run by ``dump_checked``) and ``commit_checked`` writes
them, re-checking with set queries only what the database could have changed meanwhile
(steps 3–6 for the rows whose target moved; see its docstring).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.db import models
from django.utils.translation import gettext as _

from kechuang.audit.models import ChangeRecord
from kechuang.core.services import (
    VERSION_FIELD,
    BulkHook,
    BulkItem,
    audit_snapshot,
    is_versioned,
)
from kechuang.imports.cells import CellError, converter
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
    # with ``keep``: every valid row as checked, for the commit pass (``dump_checked``)
    checked: list[list[Any]] = field(default_factory=list)

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
            journal: Journal | None = None, keep: bool = False) -> Outcome:
    """Check every row of the upload; with ``write`` also write them (caller's transaction,
    or with ``journal`` one transaction per chunk); with ``keep`` (the check job) keep every
    valid row as checked in ``outcome.checked``, for ``commit_checked``.

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
            written += _chunk(spec, ctx, chunk, fields, outcome, write, journal, keep)
            done += len(chunk)
            chunk = []
            report(done, max(done, sheet.total))  # outside the chunk's transaction
    if chunk:
        written += _chunk(spec, ctx, chunk, fields, outcome, write, journal, keep)
        done += len(chunk)
    outcome.total = done
    if (write and journal is None and outcome.ok and written
            and spec.after_commit is not None):
        spec.after_commit(spec, ctx, written)
    if done == 0 and outcome.ok:
        outcome.add(sheet.header_index + 2, "", _("没有可导入的数据行：请从表头下一行起填写"))
    if not outcome.ok:
        outcome.checked = []
    outcome.errors = outcome.sorted_errors()
    report(done, done)
    return outcome


def _chunk(spec: ImportSpec, ctx: ImportContext, chunk: list[ImportRow],
           fields: dict[str, models.Field], outcome: Outcome, write: bool,
           journal: Journal | None, keep: bool = False,
           expect: dict[int, tuple[str, Any, Any]] | None = None) -> list[ImportRow]:
    """One chunk; on a journalled commit pass in its own transaction (the look-ups lock rows
    with select_for_update, so they belong inside it too)."""
    if journal is None or not write:
        return _handle(spec, ctx, chunk, fields, outcome, write, keep, expect)
    with journal.chunk():
        held: list[ChangeRecord] = []
        ctx.cache[AUDIT_SINK] = held
        try:
            rows = _handle(spec, ctx, chunk, fields, outcome, write, keep, expect)
        finally:
            ctx.cache.pop(AUDIT_SINK, None)
        if rows:
            journal.written(spec, rows, held)
    return rows


_CONVERTERS: dict[int, tuple[ImportSpec, list[tuple[str, bool, Callable[[Any], Any]]]]] = {}


def _converters(spec: ImportSpec) -> list[tuple[str, bool, Callable[[Any], Any]]]:
    """(field, required, ``cells.converter``) per column, worked out once per spec."""
    found = _CONVERTERS.get(id(spec))
    if found is None or found[0] is not spec:
        found = _CONVERTERS[id(spec)] = (spec, [(c.field, c.required, converter(c))
                                                for c in spec.columns])
    return found[1]


def _convert(spec: ImportSpec, number: int, raw: dict[str, Any]) -> ImportRow:
    row = ImportRow(number=number, data={})
    data = row.data
    for name, required, conv in _converters(spec):
        if name not in raw:  # an optional column the workbook does not have
            continue
        try:
            value = conv(raw[name])
        except CellError as exc:
            row.add_error(name, exc.message)
            continue
        if value is None and required:
            row.add_error(name, _("必填，不能为空"))
        data[name] = value
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


def hook_of(spec: ImportSpec) -> BulkHook:
    """The service's bulk hook the spec writes through (the plain one when it names none)."""
    return spec.service or BulkHook(model=spec.model)


def _handle(spec: ImportSpec, ctx: ImportContext, chunk: list[ImportRow],
            fields: dict[str, models.Field], outcome: Outcome, write: bool,
            keep: bool = False,
            expect: dict[int, tuple[str, Any, Any]] | None = None) -> list[ImportRow]:
    """Resolve, plan and count a chunk; on the commit pass write it. Returns the rows
    written. ``expect`` (``commit_checked``): what the check pass found per row number."""
    keyed = [r for r in chunk if all(r.data.get(k) is not None for k in spec.key)]
    spec.resolve(ctx, keyed)
    trusted = _trusted(keyed, expect) if expect else frozenset()
    for row in chunk:
        if row.ok and row.instance is None:  # resolve said nothing: a spec bug, never a skip
            row.add_error(spec.key[0], _("无法处理该行"))
    _plan(spec, [r for r in chunk if r.ok], fields, trusted)
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
        if keep and outcome.ok:
            inst = row.instance
            outcome.checked.append([row.number, row.action, inst.pk,  # type: ignore[union-attr]
                                    getattr(inst, VERSION_FIELD, None), row.data])
    if write and outcome.ok:
        todo = [r for r in chunk if r.action in ("create", "update")]
        if todo:
            (spec.commit or bulk_write)(spec, ctx, todo)
            return todo
    return []


def _same(inst: models.Model, row: ImportRow, fields: dict[str, models.Field]) -> bool:
    """The workbook changes nothing on this existing row (blank cells keep the stored value):
    compared in memory, so an unchanged row is neither validated nor written."""
    for name, value in row.data.items():
        if value is not None and name in fields and getattr(inst, name) != value:
            return False
    return all(getattr(inst, name) == value for name, value in row.values.items())


def _plan(spec: ImportSpec, rows: list[ImportRow], fields: dict[str, models.Field],
          trusted: frozenset[int] = frozenset()) -> None:
    """Apply each row to its instance, run the service's rules and the model's validation in
    one call for the chunk (``BulkHook.check``), and decide create / update / unchanged.
    Rows in ``trusted`` (checked before against the same database state) skip validation."""
    hook = hook_of(spec)
    auto_now = [f.attname for f in spec.model._meta.concrete_fields
                if getattr(f, "auto_now", False)]
    todo: list[tuple[ImportRow, BulkItem]] = []
    for row in rows:
        inst = row.instance
        assert inst is not None
        existing = inst.pk is not None
        if existing:
            if _same(inst, row, fields):
                row.action = "unchanged"
                continue
            row.old = {f.attname: getattr(inst, f.attname) for f in fields.values()}
            for attname in auto_now:  # kept to undo an interrupted commit
                row.old[attname] = getattr(inst, attname)
            row.before = audit_snapshot(inst)
        for name, value in row.data.items():
            if name in fields and value is not None:  # blank: keep the row's value (or default)
                setattr(inst, name, value)
        for name, value in row.values.items():
            setattr(inst, name, value)
        todo.append((row, BulkItem(obj=inst, before=row.before)))
    if not todo:
        return
    check = [(row, item) for row, item in todo if row.number not in trusted]
    found = hook.check([item for _row, item in check], exclude=spec.clean_exclude)
    for (row, _item), errors in zip(check, found, strict=True):
        for name, message in errors:
            row.add_error(name, message)
    if trusted:  # the service's own rules still apply (derived fields)
        for row, item in todo:
            if row.number in trusted and hook.prepare is not None:
                for name, message in hook.prepare(item):
                    row.add_error(name, message)
    decimals = [(f.attname, Decimal(1).scaleb(-f.decimal_places)) for f in fields.values()
                if isinstance(f, models.DecimalField)]
    for row, _item in todo:
        if not row.ok:
            continue
        inst = row.instance
        for attname, quantum in decimals:  # 1500000 → 1500000.00, as the database returns it
            value = getattr(inst, attname)
            if type(value) is Decimal:  # valid: no more places than the field, so exact
                setattr(inst, attname, value.quantize(quantum))
        if row.before is None:
            row.action = "create"
            continue
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


# ---- the commit pass of a checked run -----------------------------------------------------


def dump_checked(spec: ImportSpec, checked: list[list[Any]]) -> bytes:
    """The valid rows of a check pass as JSON (kept with the run until it is committed)."""
    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        raise TypeError(type(value))
    return json.dumps({"kind": spec.kind, "rows": checked}, default=default,
                      ensure_ascii=False, separators=(",", ":")).encode()


def load_checked(spec: ImportSpec, content: bytes) -> list[list[Any]]:
    """The rows ``dump_checked`` kept. The values of rows that were unchanged stay as JSON
    gave them until ``commit_checked`` needs them (most never do: one query shows them
    still unchanged); every other row's decimals and dates are typed again."""
    data = json.loads(content)
    if data.get("kind") != spec.kind:
        raise ValueError("checked rows of another kind")
    typed = _typer(spec)
    for entry in data["rows"]:
        if entry[1] != "unchanged":
            typed(entry[4])
    return data["rows"]


def _typer(spec: ImportSpec) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Types a kept row's values in place (decimals and dates from their JSON text);
    values already typed are left as they are."""
    decimals = [c.field for c in spec.columns if c.kind in ("money", "decimal")]
    dates = [c.field for c in spec.columns if c.kind == "date"]

    def typed(values: dict[str, Any]) -> dict[str, Any]:
        for name in decimals:
            value = values.get(name)
            if type(value) is str:
                values[name] = Decimal(value)
        for name in dates:
            value = values.get(name)
            if type(value) is str:
                values[name] = dt.date.fromisoformat(value)
        return values
    return typed


def commit_checked(*, spec: ImportSpec, ctx: ImportContext, checked: list[list[Any]],
                   progress: ProgressFn | None = None,
                   journal: Journal | None = None) -> Outcome:
    """The commit pass from the rows the check pass kept: no workbook, no cell conversion,
    and no row validated again unless the database moved under it.

    Per chunk: rows that were unchanged are guarded by one query (same versions, still in
    scope: still unchanged, nothing to do); the others are looked up again by the spec's
    ``resolve`` (set queries, rows locked) and a row whose target is as it was at the check
    (a new row still new, an existing one at the same version) is applied without validating
    it again; any other row — and every row of a model without a version — is checked in full.
    """
    outcome = Outcome(total=len(checked))
    fields = _model_fields(spec.model)
    versioned = is_versioned(spec.model)
    manager = spec.model._default_manager
    report = progress or (lambda *a, **k: None)
    report(0, len(checked))
    typed = _typer(spec)  # the unchanged rows' values, typed when they are needed
    written: list[ImportRow] = []
    for start in range(0, len(checked), CHUNK):
        part = checked[start:start + CHUNK]
        if versioned:
            was = {pk: version for _n, action, pk, version, _d in part if action == "unchanged"}
            if was:
                now = dict(manager.restrict(ctx.user, "change").filter(pk__in=list(was))
                           .order_by().values_list("pk", VERSION_FIELD))
                same = {pk for pk, version in was.items() if now.get(pk) == version}
                outcome.unchanged += len(same)
                part = [e for e in part if not (e[1] == "unchanged" and e[2] in same)]
        if not part:
            report(start + CHUNK, len(checked))
            continue
        # (load_checked typed every other row's values already)
        rows = [ImportRow(number=n, data=typed(dict(d)) if a == "unchanged" else dict(d))
                for n, a, _pk, _v, d in part]
        expect = ({n: (action, pk, version) for n, action, pk, version, _d in part}
                  if versioned else None)
        written += _chunk(spec, ctx, rows, fields, outcome, True, journal, expect=expect)
        if not outcome.ok:
            break
        report(min(start + CHUNK, len(checked)), len(checked))
    if journal is None and outcome.ok and written and spec.after_commit is not None:
        spec.after_commit(spec, ctx, written)
    outcome.errors = outcome.sorted_errors()
    return outcome


def _trusted(rows: list[ImportRow], expect: dict[int, tuple[str, Any, Any]]) -> frozenset[int]:
    """The rows whose target ``resolve`` found as the check pass saw it: a new row still new,
    an existing one the same row at the same version — their values were validated then."""
    out = set()
    for row in rows:
        inst = row.instance
        if not row.ok or inst is None or row.number not in expect:
            continue
        action, pk, version = expect[row.number]
        if (inst.pk is None and action == "create") or (
                inst.pk is not None and inst.pk == pk
                and getattr(inst, VERSION_FIELD, None) == version):
            out.add(row.number)
    return frozenset(out)


# ---- writing ------------------------------------------------------------------------------


def bulk_write(spec: ImportSpec, ctx: ImportContext, rows: list[ImportRow]) -> None:
    """Write a chunk's rows through the spec's service hook (``BulkHook.write``: the
    service's bulk create/update, the scope re-check and one ChangeRecord per row) — a fixed
    number of statements per chunk. On a journalled commit the change records are held back
    (``AUDIT_SINK``) and written once the run has committed."""
    reason = _("Excel导入 #%(run)s 第%(row)s行")  # translated once, not once per row
    run = ctx.run_id or "-"
    items = [BulkItem(obj=r.instance, before=r.before, changed=r.changed,  # type: ignore[arg-type]
                      reason=reason % {"run": run, "row": r.number})
             for r in rows]
    hook_of(spec).write(actor=ctx.user, items=items, audit=ctx.cache.get(AUDIT_SINK))


__all__ = ["AUDIT_SINK", "CHUNK", "Journal", "Outcome", "SheetData", "bulk_write",
           "commit_checked", "dump_checked", "load_checked", "process"]
