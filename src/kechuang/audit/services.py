"""Write change records inside the service's own transaction (style.md §6)."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from kechuang.audit.context import current_request_id, current_source
from kechuang.audit.models import ChangeRecord


def _jsonable(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # an uploaded file: its stored name, not its content
        return value.name or ""
    return value


# Never copied into the audit trail in clear: a password hash in a change record would be
# readable by every auditor. A short digest still shows *that* it changed.
SECRET_FIELDS = frozenset({"password"})
SECRET_PREFIX = "secret:"


def _mask(value: Any) -> str:
    if value in (None, ""):
        return ""
    return SECRET_PREFIX + hashlib.sha256(str(value).encode()).hexdigest()[:12]


def snapshot(obj: models.Model) -> dict[str, Any]:
    """Field values as JSON-able data; foreign keys by id; automatic timestamps left out."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        value = getattr(obj, f.attname)
        data[f.attname] = _mask(value) if f.name in SECRET_FIELDS else _jsonable(value)
    return data


def change_record(*, actor: Any, action: str, obj: models.Model,
                  before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
                  reason: str = "") -> ChangeRecord:
    """An unsaved change record (bulk writers collect them for one bulk_create)."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    name = (actor.get_full_name() or actor.username) if authenticated else ""
    return ChangeRecord(
        actor=actor if authenticated else None,
        actor_name=name or "system",
        source=(current_source() or "system")[:40],
        request_id=current_request_id()[:64],
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        reason=reason[:500],
    )


def record_change(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> ChangeRecord | None:
    """Append one change record; an update that changed nothing is not a change."""
    if action == ChangeRecord.Action.UPDATE and before == after:
        return None
    record = change_record(actor=actor, action=action, obj=obj, before=before, after=after,
                           reason=reason)
    record.save()
    return record
