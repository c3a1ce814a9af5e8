"""The hash chain over change records: tampering is detectable, even on SQLite.

Each record stores ``prev_hash`` (the hash of the record before it, by id) and
``hash = sha256(prev_hash + "\\n" + canonical content)``. Editing, deleting or reordering a
row with raw SQL breaks a link that ``manage.py audit_verify`` finds.

Writers append under one lock so two concurrent transactions never both extend the same head
(a fork): PostgreSQL takes a transaction-level advisory lock; SQLite transactions are already
serial (``transaction_mode = IMMEDIATE``: the write lock is taken at BEGIN). The lock is held
until the writer's transaction commits — change-record writers are serialised on PostgreSQL
too; the price of a single chain (docs/security.md §3).

The canonical content is a contract: the data migration that hashed the records written
before the chain existed uses :func:`content_hash` too. Do not change it without a migration.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction

GENESIS = "0" * 64
# pg_advisory_xact_lock key: "kc-audit" as an int64
ADVISORY_LOCK_KEY = int.from_bytes(b"kc-audit", "big") & 0x7FFF_FFFF_FFFF_FFFF

T = TypeVar("T")


def _json(value: Any) -> Any:
    """What the JSONField gives back after a round trip through the database."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _utc(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None).isoformat(timespec="microseconds")


def canonical(*, at: dt.datetime, actor_name: str, source: str, request_id: str, action: str,
              content_type: str, object_id: str, object_repr: str, before: Any, after: Any,
              reason: str) -> str:
    """The record's content as one JSON text: sorted keys, UTC time.

    Not covered: the row id (not known before the insert; the chain orders rows) and the
    ``actor`` link, which the database nulls when an account is deleted (the append-only
    trigger allows exactly that update). The actor's frozen name is covered.
    """
    return json.dumps({
        "at": _utc(at), "actor_name": actor_name, "source": source,
        "request_id": request_id, "action": action, "content_type": content_type,
        "object_id": str(object_id), "object_repr": object_repr, "before": _json(before),
        "after": _json(after), "reason": reason,
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def _ct_label(content_type_id: int) -> str:
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_id(content_type_id)
    return f"{ct.app_label}.{ct.model}"


def record_canonical(record: Any, ct_label: Callable[[int], str] = _ct_label) -> str:
    return canonical(
        at=record.at, actor_name=record.actor_name,
        source=record.source, request_id=record.request_id, action=record.action,
        content_type=ct_label(record.content_type_id), object_id=record.object_id,
        object_repr=record.object_repr, before=record.before, after=record.after,
        reason=record.reason)


def _lock(using: str) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
    # SQLite: the outermost atomic() began with BEGIN IMMEDIATE, so this transaction already
    # holds the database's only write lock.


def head(using: str = "default") -> str:
    """The hash of the newest record (GENESIS for an empty trail)."""
    from kechuang.audit.models import ChangeRecord

    last = (ChangeRecord._base_manager.using(using).order_by("-id")
            .values_list("hash", flat=True).first())
    return last or GENESIS


def append(records: list[Any], insert: Callable[[], T], *, using: str = "default") -> T:
    """Link ``records`` (in order) to the chain's head and insert them, under the chain lock."""
    from django.utils import timezone

    with transaction.atomic(using=using):
        _lock(using)
        prev = head(using)
        for record in records:
            if record.at is None:
                record.at = timezone.now()
            record.prev_hash = prev
            record.hash = content_hash(prev, record_canonical(record))
            prev = record.hash
        return insert()


# ---- the bulk writer: each JSON value serialised once, one statement per batch --------------
#
# ``append`` + ``bulk_create`` serialise a record's before/after four times (the canonical
# form's round trip through DjangoJSONEncoder, its sorted dump, then the JSONField's own dump
# — on PostgreSQL quoted once more into a text array for Django's UNNEST insert) and build the
# INSERT through the ORM's compiler value by value. ``write`` dumps each value once, sorted
# and compact — exactly the text ``canonical`` embeds — hashes the record from that text and
# stores the same text in the column (a JSON column keeps the data, not the text: read back
# it is the same value ``canonical`` started from, so ``verify`` finds the same hash).

_PLAIN_SCALARS = frozenset({str, int, float, bool, type(None)})
_TEXT_KEYS = frozenset({str})
_AS_IS = (str, int, type(None))  # column values the database driver takes as they are


def _json_text(value: Any) -> str:
    """``canonical``'s text of a before/after value: what ``json.dumps(_json(value), …)``
    gives, in one pass for the usual snapshot (a flat dict with text keys); anything else
    goes the long way, so the text is always exactly the contract's."""
    if (type(value) is dict and set(map(type, value)) <= _TEXT_KEYS
            and set(map(type, value.values())) <= _PLAIN_SCALARS):
        return _SORTED.encode(value)
    return _SORTED.encode(_json(value))


_SORTED = DjangoJSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
_TEXT = json.JSONEncoder(ensure_ascii=False).encode  # a scalar inside the canonical form


def _canonical_from(record: Any, label: str, before: str, after: str) -> str:
    """``record_canonical`` with before/after given as their ``_json_text``: the same text
    (keys in sorted order, compact), assembled rather than dumped again."""
    t = _TEXT
    return (f'{{"action":{t(record.action)},"actor_name":{t(record.actor_name)},'
            f'"after":{after},"at":{t(_utc(record.at))},"before":{before},'
            f'"content_type":{t(label)},"object_id":{t(str(record.object_id))},'
            f'"object_repr":{t(record.object_repr)},"reason":{t(record.reason)},'
            f'"request_id":{t(record.request_id)},"source":{t(record.source)}}}')


def write(records: list[Any], *, using: str = "default", batch_size: int = 1000) -> None:
    """Link ``records`` (unsaved ChangeRecords, in order) to the chain's head and insert them
    — the bulk form of the manager's ``bulk_create``, for writers of thousands of
    records (imports): one ``executemany`` per batch (PostgreSQL: one ``COPY``), JSON dumped
    once per value. The rows get their ids in list order (the chain's order); the objects
    are not given them."""
    from django.utils import timezone

    from kechuang.audit.models import ChangeRecord

    if not records:
        return
    connection = connections[using]
    fields = [f for f in ChangeRecord._meta.concrete_fields if not f.primary_key]
    attnames = [f.attname for f in fields]
    at_before, at_after = attnames.index("before"), attnames.index("after")
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(ChangeRecord._meta.db_table)
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    labels: dict[int, str] = {}
    with transaction.atomic(using=using):
        _lock(using)
        prev = head(using)
        rows = []
        for record in records:
            if record.at is None:
                record.at = timezone.now()
            before = None if record.before is None else _json_text(record.before)
            after = None if record.after is None else _json_text(record.after)
            ct = record.content_type_id
            label = labels.get(ct)
            if label is None:
                label = labels[ct] = _ct_label(ct)
            record.prev_hash = prev
            record.hash = prev = content_hash(prev, _canonical_from(
                record, label, "null" if before is None else before,
                "null" if after is None else after))
            row = [getattr(record, a) for a in attnames]
            row[at_before], row[at_after] = before, after
            for i, value in enumerate(row):
                if type(value) not in _AS_IS:  # the time, an enum member …: as the ORM would
                    row[i] = fields[i].get_db_prep_save(value, connection)
            rows.append(row)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: ~20 µs a row here against ~60 for an executemany (each row its own
                # statement, parsed and planned) and ~130 for the ORM's UNNEST insert
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            for start in range(0, len(rows), batch_size):
                cursor.executemany(sql, rows[start:start + batch_size])


@dataclass(frozen=True)
class Break:
    record_id: int
    reason: str


def verify(*, using: str = "default", chunk: int = 2000) -> tuple[int, str, Break | None]:
    """Walk the chain by id: (records checked, head hash, first break or None)."""
    from kechuang.audit.models import ChangeRecord

    prev, last_id, checked = GENESIS, 0, 0
    qs = ChangeRecord._base_manager.using(using).order_by("id")
    while True:
        rows = list(qs.filter(id__gt=last_id)[:chunk])
        if not rows:
            return checked, prev, None
        for r in rows:
            if r.prev_hash != prev:
                return checked, prev, Break(r.id, "prev_hash")
            if r.hash != content_hash(r.prev_hash, record_canonical(r)):
                return checked, prev, Break(r.id, "hash")
            checked += 1
            prev, last_id = r.hash, r.id


def contains(hash_value: str, *, using: str = "default") -> bool:
    """Is this (earlier noted) head hash still a link of the chain? Catches a cut-off tail."""
    from kechuang.audit.models import ChangeRecord

    return ChangeRecord._base_manager.using(using).filter(hash=hash_value).exists()
