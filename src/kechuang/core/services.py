"""The shared shape of a write: validate, scope-check, save, audit — in one transaction.

Optimistic locking: a model with an integer ``version`` field gets it bumped on every update
by a conditional ``UPDATE … WHERE version = N``; an update whose ``data`` carries the
``version`` the actor loaded (a form's hidden field, the API's ``version``) is refused with
:class:`ConflictError` when the row has moved on, so a second clerk's save cannot silently
revert the first's.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import DecimalValidator, MaxValueValidator, MinValueValidator
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.accounts.scoping import can
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import (
    change_records,
    record_change,
    snapshot,
    write_change_records,
)
from kechuang.core.errors import ConflictError, ScopeError

M = TypeVar("M", bound=models.Model)
VERSION_FIELD = "version"


def _snapshot(obj: models.Model) -> dict[str, Any]:
    """The audit snapshot without the locking counter (bookkeeping, not a change of content)."""
    data = snapshot(obj)
    data.pop(VERSION_FIELD, None)
    return data


def _ensure_in_scope(obj: models.Model, actor: Any, action: str) -> None:
    model = type(obj)
    if not model._default_manager.restrict(actor, action).filter(pk=obj.pk).exists():
        raise ScopeError(_("该记录不在您的管辖范围内，未保存"))


def create_object(*, model: type[M], actor: Any, data: dict[str, Any], reason: str = "") -> M:
    """Create one domain row; refuse rows the actor could not then see (e.g. another county)."""
    if not can(actor, "add", model):
        raise PermissionDenied
    data = {k: v for k, v in data.items() if k != VERSION_FIELD}  # a new row starts at 1
    with transaction.atomic():
        obj = model(**data)
        obj.full_clean()
        obj.save()
        _ensure_in_scope(obj, actor, "add")
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=obj,
                      after=_snapshot(obj), reason=reason)
    return obj


def is_versioned(model: type[models.Model]) -> bool:
    return any(f.name == VERSION_FIELD for f in model._meta.concrete_fields)


def conflict_message(obj: models.Model) -> str:
    """"Changed by someone else", naming who and when from the last change record."""
    last = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk)).order_by("-at", "-pk").first()
    if last is None:
        return _("该记录已被他人修改，请刷新后重试。")
    return _("该记录已被%(who)s于%(when)s修改，您的修改未保存，请刷新后重试。") % {
        "who": last.actor_name or _("其他用户"),
        "when": timezone.localtime(last.at).strftime("%Y-%m-%d %H:%M:%S"),
    }


def _bump_version(model: type[models.Model], locked: models.Model, expected: Any) -> None:
    """Conditional UPDATE … SET version = version + 1 WHERE version = N; 0 rows → conflict."""
    current = getattr(locked, VERSION_FIELD)
    if expected not in (None, "") and int(expected) != current:
        raise ConflictError(conflict_message(locked))
    updated = model._base_manager.filter(pk=locked.pk, **{VERSION_FIELD: current}).update(
        **{VERSION_FIELD: F(VERSION_FIELD) + 1})
    if updated != 1:
        raise ConflictError(conflict_message(locked))
    setattr(locked, VERSION_FIELD, current + 1)


def update_object(*, obj: M, actor: Any, data: dict[str, Any], reason: str = "") -> M:
    """Update fields of a row the actor may change, before and after both in scope.

    ``data["version"]``, when given, is the version the actor edited; a row saved by someone
    else since then raises :class:`ConflictError` and nothing is written.
    """
    model = type(obj)
    if not can(actor, "change", model):
        raise PermissionDenied
    data = dict(data)
    expected = data.pop(VERSION_FIELD, None)
    with transaction.atomic():
        locked = model._default_manager.restrict(actor, "change").select_for_update().filter(
            pk=obj.pk).first()
        if locked is None:
            raise ScopeError(_("该记录不在您的管辖范围内，未保存"))
        before = _snapshot(locked)
        if is_versioned(model):
            _bump_version(model, locked, expected)
        for key, value in data.items():
            setattr(locked, key, value)
        locked.full_clean()
        locked.save()
        _ensure_in_scope(locked, actor, "change")
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=locked,
                      before=before, after=_snapshot(locked), reason=reason)
    return locked


def delete_object(*, obj: models.Model, actor: Any, reason: str = "") -> None:
    model = type(obj)
    if not can(actor, "delete", model):
        raise PermissionDenied
    with transaction.atomic():
        locked = model._default_manager.restrict(actor, "delete").select_for_update().filter(
            pk=obj.pk).first()
        if locked is None:
            raise ScopeError(_("该记录不在您的管辖范围内，未删除"))
        before = _snapshot(locked)
        record_change(actor=actor, action=ChangeRecord.Action.DELETE, obj=locked, before=before,
                      reason=reason)
        locked.delete()


def save_uploads(checked: Iterable[tuple[Any, str]], *, model: type[M], owner: dict[str, Any],
                 actor: Any, saved: list[str]) -> list[M]:
    """Store each checked upload as a new ``model`` row belonging to ``owner``, audited.

    ``checked`` comes from :func:`check_files`; every stored name is appended to ``saved``
    (from :func:`delete_on_error`) before the row is validated, so a failure removes it.
    """
    out = []
    for upload, content_type in checked:
        obj = model(**owner, original_name=upload.name[:200], size=upload.size,
                    content_type=content_type, uploaded_by=actor)
        obj.file.save(upload.name, upload, save=False)
        saved.append(obj.file.name)
        obj.full_clean()
        obj.save()
        # audit.snapshot() has no case for files: record the stored name
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=obj,
                      after=snapshot(obj) | {"file": obj.file.name})
        out.append(obj)
    return out


# ---- bulk writes (imports) -----------------------------------------------------------------
#
# The bulk form of create_object / update_object for many rows at once: the same rules
# (can(), the model's field validators and clean(), the scope re-check, the version bump, one
# change record per row), a fixed number of statements per batch. An app's service wraps it
# with its own rules (``BulkHook``); the import engine calls that hook, never the manager.


@dataclass
class BulkItem:
    """One row of a bulk write: a new unsaved object (``before`` None) or an existing one
    with its fields already set to the new values (``before``: its audit snapshot before,
    ``changed``: the attnames whose value changes)."""

    obj: models.Model
    before: dict[str, Any] | None = None
    changed: Sequence[str] = ()
    reason: str = ""

    @property
    def is_new(self) -> bool:
        return self.before is None


Errors = list[tuple[str, str]]  # (field name, message)


class _FieldCheck:
    """One field's ``Field.clean`` split into a fast path for a value of the right type (the
    validators called directly) and Django's own clean for anything else or any failure, so
    messages and coercions stay exactly Django's."""

    __slots__ = ("attname", "field", "kinds", "null", "blank", "empty", "validators")

    def __init__(self, f: models.Field) -> None:
        self.attname = f.attname
        self.field = f
        self.kinds = _exact_types(f)
        self.null = f.null
        self.blank = f.blank
        self.empty = f.empty_values
        self.validators = [_fast(v) for v in f.validators]

    def clean_all(self, objs: Sequence[models.Model],
                  found: list[dict[str, list[str]]]) -> None:
        """This field of every object (a loop per field rather than a call per value: an
        import checks millions); each failure's messages into ``found[i]`` by field name."""
        attname, kinds, validators = self.attname, self.kinds, self.validators
        blank, empty, field, name = self.blank, self.empty, self.field, self.field.name
        for i, obj in enumerate(objs):
            value = getattr(obj, attname)
            kind = type(value)
            if kind in kinds and (kind is not str or value):
                # a value of the field's own type that is not empty (none of these types but
                # str has an empty value): only the validators can refuse it
                try:
                    for test in validators:
                        if test(value) is False:
                            break
                    else:
                        continue
                except ValidationError:
                    pass  # Django's clean below gives the message
            elif blank and value in empty:
                continue
            try:
                setattr(obj, attname, field.clean(value, obj))
            except ValidationError as exc:
                found[i][name] = [str(m) for m in exc.messages]


def _fast(validator: Any) -> Callable[[Any], Any]:
    """A validator as a cheap test that returns False (or raises) where it would raise; the
    common ones as plain comparisons, any other one called as it is."""
    kind = type(validator)
    if kind is MinValueValidator and not callable(validator.limit_value):
        low = validator.limit_value
        return lambda x: x >= low
    if kind is MaxValueValidator and not callable(validator.limit_value):
        high = validator.limit_value
        return lambda x: x <= high
    if kind is DecimalValidator:
        return functools.partial(_decimal_fits, validator.max_digits,
                                 validator.decimal_places)
    return validator


def _decimal_fits(max_digits: int | None, places: int | None, value: Any) -> bool:
    """``DecimalValidator``'s digit counts read from the plain notation (``as_tuple`` is the
    slow part of it); exponents, NaN and anything unusual go to the validator itself."""
    text = str(value)
    if not text[-1].isdigit() or "E" in text:
        return False
    whole, dot, frac = text.lstrip("-").partition(".")
    decimals = len(frac)
    whole_digits = 0 if (dot and whole == "0") else len(whole)  # "0.05": 0, "0": 1, as Django
    if max_digits is not None and whole_digits + decimals > max_digits:
        return False
    if places is not None and decimals > places:
        return False
    return not (max_digits is not None and places is not None
                and whole_digits > max_digits - places)


def _exact_types(f: models.Field) -> tuple[type, ...]:
    """The Python types a field's to_python returns unchanged and validate() cannot refuse
    (no choices; null and blank handled before); () sends every value through Django."""
    if f.choices or f.is_relation:
        return ()
    if isinstance(f, models.BooleanField):
        return (bool,)
    if isinstance(f, (models.IntegerField,)):
        return (int,)
    if isinstance(f, models.DecimalField):
        return (decimal.Decimal,)
    if isinstance(f, models.DateTimeField):
        return ()
    if isinstance(f, models.DateField):
        return (dt.date,)
    if isinstance(f, (models.CharField, models.TextField)):
        return (str,)
    return ()


_CHECKS: dict[tuple[type[models.Model], tuple[str, ...]], list[_FieldCheck]] = {}


def _field_checks(model: type[models.Model], exclude: tuple[str, ...]) -> list[_FieldCheck]:
    key = (model, exclude)
    if key not in _CHECKS:
        _CHECKS[key] = [_FieldCheck(f) for f in model._meta.concrete_fields
                        if f.name not in exclude and not f.primary_key
                        and not (getattr(f, "auto_now", False)
                                 or getattr(f, "auto_now_add", False))]
    return _CHECKS[key]


def validate_objects(objs: Sequence[models.Model], *,
                     exclude: Sequence[str] = ()) -> list[Errors]:
    """``full_clean(validate_unique=False, validate_constraints=False)`` of many objects, with
    the same messages; the errors of each (empty: valid). Unique keys and constraints are the
    caller's bulk look-ups (an import's key, ``clean()`` mirroring the check constraints)."""
    if not objs:
        return []
    per_obj: list[dict[str, list[str]]] = [{} for _obj in objs]
    for check in _field_checks(type(objs[0]), tuple(exclude)):  # in field order, as full_clean
        check.clean_all(objs, per_obj)
    out: list[Errors] = []
    for obj, found in zip(objs, per_obj, strict=True):
        try:
            obj.clean()
        except ValidationError as exc:  # as full_clean: merged per field, fields first
            for name, messages in exc.message_dict.items():
                found.setdefault(name, []).extend(messages)
        out.append([(name, m) for name, messages in found.items() for m in messages])
    return out


def bulk_save(*, model: type[models.Model], actor: Any, items: Sequence[BulkItem],
              audit: list[ChangeRecord] | None = None, batch_size: int = 1000) -> None:
    """Create and update many rows of ``model`` that ``validate_objects`` (or the app's bulk
    validation) passed: ``can()``, ``bulk_create`` / ``bulk_update`` (automatic timestamps,
    the version bumped), every row re-read through ``restrict()`` (any outside the actor's
    scope: ``ScopeError``, the caller rolls back), one change record per row as the single-row
    services write them — saved, or appended to ``audit`` for the caller to write later."""
    creates = [i for i in items if i.is_new]
    updates = [i for i in items if not i.is_new]
    for action, group in (("add", creates), ("change", updates)):
        if group and not can(actor, action, model):
            raise PermissionDenied
    manager = model._default_manager
    if creates:
        insert_new([i.obj for i in creates], batch_size=batch_size)
        if any(i.obj.pk is None for i in creates):
            raise RuntimeError("the database did not return the new primary keys")
    if updates:
        now = timezone.now()
        auto = [f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        for i in updates:
            for attname in auto:
                setattr(i.obj, attname, now)
        names = sorted({a for i in updates for a in i.changed} | set(auto))
        manager.bulk_update([i.obj for i in updates], names, batch_size=batch_size)
        if is_versioned(model):
            # optimistic locking: an edit form opened before this write must be refused
            pks = [i.obj.pk for i in updates]
            for start in range(0, len(pks), batch_size):
                manager.filter(pk__in=pks[start:start + batch_size]).update(
                    **{VERSION_FIELD: F(VERSION_FIELD) + 1})
            for i in updates:
                setattr(i.obj, VERSION_FIELD, getattr(i.obj, VERSION_FIELD) + 1)
    for action, group in (("add", creates), ("change", updates)):
        pks = [i.obj.pk for i in group]
        for start in range(0, len(pks), batch_size):
            part = pks[start:start + batch_size]
            if not _all_in_scope(manager.restrict(actor, action), part):
                raise ScopeError(_("导入的记录超出了您的管辖范围，未写入任何数据"))
    records = change_records(actor=actor, entries=(
        (ChangeRecord.Action.CREATE if i.is_new else ChangeRecord.Action.UPDATE, i.obj,
         i.before, _snapshot(i.obj), i.reason) for i in items))
    if audit is not None:
        audit.extend(records)
    else:
        write_change_records(records, batch_size=batch_size)


_PLAIN = frozenset({str, int, bool, type(None), decimal.Decimal})  # the drivers take these as
# Django would give them (``adapt_decimalfield_value`` returns a Decimal as it is on both)


def _fast_insert_ok(model: type[models.Model], objs: Sequence[models.Model], vendor: str) -> bool:
    meta = model._meta
    return (vendor in ("sqlite", "postgresql") and not meta.parents and not meta.proxy
            and isinstance(meta.pk, models.AutoField | models.BigAutoField
                           | models.SmallAutoField)
            and not any(f.db_returning or getattr(f, "generated", False)
                        or f.db_default is not models.NOT_PROVIDED
                        for f in meta.concrete_fields if not f.primary_key)
            and all(obj.pk is None for obj in objs))


def insert_new(objs: Sequence[models.Model], *, batch_size: int = 1000) -> None:
    """``bulk_create`` of new objects of one model, for bulk writers (imports): the same rows
    (``pre_save`` for the automatic timestamps, ``get_db_prep_save`` for any value the driver
    does not take as it is), the objects given their ids and marked saved — but the ids drawn
    first and the rows sent as one prepared statement per batch (SQLite ``executemany``,
    PostgreSQL ``COPY``) rather than Django's multi-row ``INSERT``, whose SQL is built and
    parsed again every 37 rows on SQLite and whose per-value preparation in Python was about
    half of an import's commit pass. Anything unusual (inherited models, non-integer keys,
    other databases) goes to ``bulk_create``."""
    if not objs:
        return
    model = type(objs[0])
    using = router.db_for_write(model)
    connection = connections[using]
    if not _fast_insert_ok(model, objs, connection.vendor):
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    # fields whose pre_save does more than read the value, as bulk_create calls it: the
    # automatic date-times get one ``timezone.now()`` for the batch (as ``bulk_save``'s
    # updates), prepared for the database once; anything else (dates, files) per object
    stamps, auto = [], []
    for n, f in enumerate(fields):
        if type(f).pre_save is models.Field.pre_save:
            continue
        if (isinstance(f, models.DateTimeField)
                and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))):
            stamps.append((n, f))
        else:
            auto.append((n, f))
    relations = [f for f in fields if f.is_relation and f.many_to_one]
    attnames = [f.attname for f in fields]
    table = connection.ops.quote_name(meta.db_table)
    pk_column = meta.pk.column
    names = ", ".join(connection.ops.quote_name(c)
                      for c in (pk_column, *(f.column for f in fields)))
    rows = []
    now = timezone.now()
    stamped = [(n, f.attname, f.get_db_prep_save(now, connection)) for n, f in stamps]
    plain = [n for n in range(len(fields)) if n not in {n for n, _f in stamps}]
    with transaction.atomic(using=using, savepoint=False):
        with connection.cursor() as cursor:
            ids = _draw_ids(cursor, connection.vendor, meta.db_table, pk_column, len(objs))
            for pk, obj in zip(ids, objs, strict=True):
                if any(_unsettled(f, obj) for f in relations):
                    obj._prepare_related_fields_for_save(operation_name="bulk_create")
                for _n, attname, _v in stamped:
                    setattr(obj, attname, now)
                row = [getattr(obj, a) for a in attnames]
                for n, f in auto:
                    row[n] = f.pre_save(obj, add=True)
                for n in plain:
                    if type(row[n]) not in _PLAIN:
                        row[n] = fields[n].get_db_prep_save(row[n], connection)
                for n, _a, value in stamped:
                    row[n] = value
                row.insert(0, pk)
                rows.append(row)
            with connection.wrap_database_errors:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * (len(fields) + 1))
                    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
                    for start in range(0, len(rows), batch_size):
                        cursor.executemany(sql, rows[start:start + batch_size])
    for pk, obj in zip(ids, objs, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using


def _unsettled(f: models.Field, obj: models.Model) -> bool:
    """A related object assigned whose id the row does not hold yet (or has none): Django's
    own ``_prepare_related_fields_for_save`` settles it or refuses, as for ``bulk_create``."""
    if not f.is_cached(obj):
        return False
    related = f.get_cached_value(obj)
    return related is not None and (related.pk is None
                                    or getattr(obj, f.attname) != getattr(related,
                                                                          f.target_field.attname))


def _draw_ids(cursor: Any, vendor: str, table: str, column: str, count: int) -> list[int]:
    """``count`` new primary keys, ascending: PostgreSQL from the column's sequence (safe
    under concurrent writers); SQLite past the largest ever used (``AUTOINCREMENT``'s
    ``sqlite_sequence``) — the caller's transaction holds the write lock (``IMMEDIATE``), so
    nobody else can take them meanwhile; a clash would fail the insert, never reuse a row."""
    if vendor == "postgresql":
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [table, column, count])
        return sorted(r[0] for r in cursor.fetchall())
    quoted = cursor.db.ops.quote_name
    largest = f"SELECT MAX({quoted(column)}) FROM {quoted(table)}"
    try:  # one query: the larger of the table's largest id and AUTOINCREMENT's high mark
        cursor.execute(f"SELECT MAX(COALESCE(({largest}), 0), COALESCE((SELECT seq FROM "
                       f"sqlite_sequence WHERE name = %s), 0))", [table])
    except DatabaseError:  # no AUTOINCREMENT table in this database (no sqlite_sequence)
        cursor.execute(f"SELECT COALESCE(({largest}), 0)")
    top = cursor.fetchone()[0]
    return list(range(top + 1, top + 1 + count))


def _all_in_scope(scoped: models.QuerySet, pks: Sequence[Any]) -> bool:
    """Every one of ``pks`` is in the scoped queryset. New rows' ids are consecutive
    (``insert_new``): then the scope is read over their range — one range scan rather than a
    thousand-value ``IN`` to compile, send and plan — and any other row in it is ignored."""
    wanted = set(pks)
    lo, hi = min(wanted), max(wanted)
    if isinstance(lo, int) and hi - lo < 2 * len(wanted):
        found = scoped.filter(pk__range=(lo, hi))
    else:
        found = scoped.filter(pk__in=list(wanted))
    # the rows themselves rather than count(): SQLite plans COUNT over a long IN badly
    return wanted <= set(found.order_by().values_list("pk", flat=True))


@dataclass(frozen=True)
class BulkHook:
    """An app service's bulk write of one model, for the import engine: ``prepare`` applies
    the service's own rules to an object about to be validated (derived fields, fields the
    write may not change — errors per field), ``validate`` checks many objects
    (default ``validate_objects``), ``save`` writes what passed (default ``bulk_save``) and
    ``after`` runs the side effects once every row is in (e.g. the tiers)."""

    model: type[models.Model]
    prepare: Callable[[BulkItem], Errors] | None = None
    save: Callable[..., None] | None = None
    after: Callable[..., None] | None = None

    def check(self, items: Sequence[BulkItem], *, exclude: Sequence[str] = ()) -> list[Errors]:
        """The service's rules, then the model's validation, per item."""
        out: list[Errors] = []
        for item in items:
            out.append(list(self.prepare(item)) if self.prepare else [])
        for errors, more in zip(out, validate_objects([i.obj for i in items], exclude=exclude),
                                strict=True):
            errors.extend(more)
        return out

    def write(self, *, actor: Any, items: Sequence[BulkItem],
              audit: list[ChangeRecord] | None = None) -> None:
        (self.save or bulk_save)(model=self.model, actor=actor, items=items, audit=audit)


def audit_snapshot(obj: models.Model) -> dict[str, Any]:
    """The snapshot the single-row services audit (without the locking counter)."""
    return _snapshot(obj)
