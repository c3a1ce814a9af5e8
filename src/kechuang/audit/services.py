"""Write change records inside the service's own transaction (style.md §6)."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import ipaddress
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from kechuang.audit import chain
from kechuang.audit.context import current_request_id, current_source
from kechuang.audit.models import AccessEvent, AuthEvent, ChangeRecord

_PLAIN = frozenset({int, str, bool, float, type(None)})


def _jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:  # most values: nothing to convert
        return value
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
# The same for secrets of particular models (a TOTP key would let its reader clone the 2FA).
SECRET_MODEL_FIELDS = frozenset({"otp_totp.totpdevice.key", "otp_static.statictoken.token",
                                 "accounts.apitoken.digest",
                                 # a talent's name and ID number (个人信息, cooperation app)
                                 "cooperation.talent.name", "cooperation.talent.id_number"})
SECRET_PREFIX = "secret:"


def is_secret(model: type[models.Model] | models.Model, field_name: str) -> bool:
    """A model class or instance (``_meta``: also through request.user's lazy wrapper)."""
    return (field_name in SECRET_FIELDS
            or f"{model._meta.label_lower}.{field_name}" in SECRET_MODEL_FIELDS)


def _mask(value: Any) -> str:
    if value in (None, ""):
        return ""
    return SECRET_PREFIX + hashlib.sha256(str(value).encode()).hexdigest()[:12]


_SNAPSHOT_FIELDS: dict[type[models.Model], list[tuple[str, bool]]] = {}


def _snapshot_fields(model: type[models.Model]) -> list[tuple[str, bool]]:
    """(attname, secret) of the fields a snapshot holds, once per model (bulk writers take
    thousands of snapshots)."""
    fields = _SNAPSHOT_FIELDS.get(model)
    if fields is None:
        fields = _SNAPSHOT_FIELDS[model] = [
            (f.attname, is_secret(model, f.name)) for f in model._meta.concrete_fields
            if not (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))]
    return fields


def snapshot(obj: models.Model) -> dict[str, Any]:
    """Field values as JSON-able data; foreign keys by id; automatic timestamps left out."""
    data: dict[str, Any] = {}
    for attname, secret in _snapshot_fields(obj._meta.model):
        value = getattr(obj, attname)
        if secret:
            data[attname] = _mask(value)
        elif type(value) in _PLAIN:  # most values, without a call (bulk writers: millions)
            data[attname] = value
        else:
            data[attname] = _jsonable(value)
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


def change_records(*, actor: Any, entries: Iterable[tuple[str, models.Model, Any, Any, str]]
                   ) -> list[ChangeRecord]:
    """Unsaved change records for many (action, obj, before, after, reason) — what
    ``change_record`` makes for each, with the actor, source, request and content type
    worked out once rather than per row (bulk writers: thousands of records)."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    name = ((actor.get_full_name() or actor.username) if authenticated else "") or "system"
    user = actor if authenticated else None
    common = {"id": None, "actor_id": user.pk if user is not None else None,
              "actor_name": name, "source": (current_source() or "system")[:40],
              "request_id": current_request_id()[:64], "prev_hash": "", "hash": ""}
    attnames = _record_attnames()
    actor_field = ChangeRecord._meta.get_field("actor")
    ct_field = ChangeRecord._meta.get_field("content_type")
    types: dict[type, ContentType] = {}
    now = timezone.now
    out = []
    for action, obj, before, after, reason in entries:
        model = type(obj)
        ct = types.get(model)
        if ct is None:
            ct = types[model] = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        values = {**common, "at": now(), "action": action, "content_type_id": ct.pk,
                  "object_id": str(obj.pk), "object_repr": str(obj)[:200], "before": before,
                  "after": after, "reason": reason[:500]}
        # positional: Model.__init__'s fast path (every field given, by attname)
        record = ChangeRecord(*[values[a] for a in attnames])
        actor_field.set_cached_value(record, user)
        ct_field.set_cached_value(record, ct)
        out.append(record)
    return out


def _record_attnames() -> list[str]:
    return [f.attname for f in ChangeRecord._meta.concrete_fields]


def write_change_records(records: list[ChangeRecord], *, batch_size: int = 1000) -> None:
    """Append many unsaved change records to the trail (bulk writers): the hash chain's
    bulk insert (``audit.chain.write``) — what ``ChangeRecord.objects.bulk_create`` stores,
    with each JSON value serialised once; the objects are not given their ids."""
    chain.write(records, batch_size=batch_size)


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


# ---- access events (downloads, refusals, reveals, admin use) ---------------------------------


def client_ip(request: Any) -> str | None:
    """The address axes sees (AXES_CLIENT_IP_CALLABLE / ipware behind a proxy, else REMOTE_ADDR)."""
    from axes.helpers import get_client_ip_address

    ip = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None


def auth_event(request: Any, *, kind: str, user: Any = None, username: str = "") -> AuthEvent:
    """Append one authentication event (login, failed password change …) for this request."""
    return AuthEvent.objects.create(
        kind=kind, user=user, username=(username or (user.get_username() if user else ""))[:150],
        ip=client_ip(request) if request is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else "")


def access_event(request: Any, *, kind: str, status: int | None = None, view: str = "",
                 detail: str = "", request_id: str = "") -> AccessEvent:
    """Append one access event for this request's user (anonymous: no user, empty name)."""
    user = getattr(request, "user", None)
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    return AccessEvent.objects.create(
        kind=kind, user=user if signed_in else None,
        username=user.get_username()[:150] if signed_in else "",
        ip=client_ip(request), method=request.method[:10], path=request.get_full_path()[:500],
        view=view[:100], status=status, detail=detail[:500],
        request_id=(request_id or current_request_id())[:64])


def last_admin_log_id() -> int:
    from django.contrib.admin.models import LogEntry

    return LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def copy_admin_log_entries(request: Any, *, after_id: int, request_id: str) -> int:
    """Django-admin log entries this request wrote → access events the auditor reads.

    (The admin's own log is not an audit page and bulk deletions write it with bulk_create,
    which sends no signal; comparing ids before and after the request catches every entry.)
    """
    from django.contrib.admin.models import LogEntry

    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    entries = (LogEntry.objects.filter(pk__gt=after_id, user_id=user.pk)
               .select_related("content_type").order_by("pk"))
    n = 0
    for entry in entries:
        what = f"{entry.content_type.app_label}.{entry.content_type.model}" \
            if entry.content_type else ""
        flag = {1: "新增", 2: "修改", 3: "删除"}.get(entry.action_flag, str(entry.action_flag))
        message = entry.get_change_message()
        access_event(request, kind=AccessEvent.Kind.ADMIN, status=None, view="admin",
                     detail=f"{flag} {what} #{entry.object_id} {entry.object_repr}：{message}",
                     request_id=request_id)
        n += 1
    return n
