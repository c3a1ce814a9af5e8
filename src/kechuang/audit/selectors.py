"""Reads of the audit trail, always through ``restrict()`` (the audit administrator).

The list pages, the detail page and the Excel exports share these functions, so an export holds
exactly the rows the list showed. Filters arrive as JSON-able dicts (the export job stores them).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kechuang.audit.models import AccessEvent, AuthEvent, ChangeRecord
from kechuang.audit.services import SECRET_PREFIX, is_secret

EMPTY = "—"


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of a local calendar day (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _date_range(qs: QuerySet, filters: dict[str, Any]) -> QuerySet:
    start, end = _date(filters.get("date_from")), _date(filters.get("date_to"))
    if start:
        qs = qs.filter(at__gte=_day_start(start))
    if end:  # the whole of the last day
        qs = qs.filter(at__lt=_day_start(end + dt.timedelta(days=1)))
    return qs


def change_list(
    *, user: Any, action: str = "view", filters: dict[str, Any] | None = None
) -> QuerySet[ChangeRecord]:
    """Change records the user may read, filtered, newest first."""
    f = filters or {}
    qs = ChangeRecord.objects.restrict(user, action).select_related("content_type")
    if f.get("content_type"):
        qs = qs.filter(content_type_id=f["content_type"])
    if f.get("action"):
        qs = qs.filter(action=f["action"])
    if f.get("actor"):
        qs = qs.filter(actor_name__icontains=str(f["actor"]).strip())
    if f.get("object_id"):
        qs = qs.filter(object_id=str(f["object_id"]).strip())
    if f.get("request_id"):
        qs = qs.filter(request_id=str(f["request_id"]).strip())
    if f.get("q"):
        qs = qs.filter(object_repr__icontains=str(f["q"]).strip())
    return _date_range(qs, f).order_by("-at", "-id")


def change_detail(*, user: Any, pk: int) -> ChangeRecord:
    return ChangeRecord.objects.restrict(user, "view").select_related("content_type").get(pk=pk)


def same_request(*, user: Any, record: ChangeRecord) -> QuerySet[ChangeRecord]:
    """The other changes written by the same request or job run."""
    if not record.request_id:
        return ChangeRecord.objects.none()
    return (ChangeRecord.objects.restrict(user, "view").select_related("content_type")
            .filter(request_id=record.request_id).exclude(pk=record.pk).order_by("at", "id"))


def object_types(*, user: Any) -> list[tuple[int, str]]:
    """(content type id, label) of the kinds of object the user's change records touch."""
    ids = (ChangeRecord.objects.restrict(user, "view").order_by()
           .values_list("content_type_id", flat=True).distinct())
    out = [(ct_id, type_label(ContentType.objects.get_for_id(ct_id))) for ct_id in ids]
    return sorted(out, key=lambda item: item[1])


def _event_list(model: Any, user: Any, action: str, filters: dict[str, Any] | None) -> QuerySet:
    """Events of one log the user may read, filtered by kind, user name, address and date."""
    f = filters or {}
    qs = model.objects.restrict(user, action)
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("username"):
        qs = qs.filter(username__icontains=str(f["username"]).strip())
    if f.get("ip"):
        qs = qs.filter(ip=str(f["ip"]).strip())
    return _date_range(qs, f).order_by("-at", "-id")


def authevent_list(
    *, user: Any, action: str = "view", filters: dict[str, Any] | None = None
) -> QuerySet[AuthEvent]:
    """Login events the user may read, filtered, newest first."""
    return _event_list(AuthEvent, user, action, filters)


def accessevent_list(
    *, user: Any, action: str = "view", filters: dict[str, Any] | None = None
) -> QuerySet[AccessEvent]:
    """Access events (downloads, refusals, reveals, admin use) the user may read, newest first."""
    return _event_list(AccessEvent, user, action, filters)


# ---- presenting a change record ----------------------------------------------------------


def _job_titles(ids: set[str]) -> dict[str, str]:
    from kechuang.jobs.models import Job  # jobs writes audit records; import at call time

    pks = [int(i) for i in ids if i.isdigit()]
    rows = Job.objects.filter(pk__in=pks).values_list("pk", "title")
    return {str(pk): title for pk, title in rows}


def _import_title(kind: str) -> str | None:
    from kechuang.imports.spec import get_spec

    try:
        return str(get_spec(kind).title)
    except (KeyError, LookupError):
        return None


def source_labels(sources: Iterable[str]) -> dict[str, str]:
    """Readable Chinese for many sources at once (one query for the jobs they name).

    "job:assessment.batch_evaluate:13" → 后台任务：2025年度批量测评 #13,
    "import:cultivation.registration" → Excel导入：科技型中小企业入库登记. The raw value stays
    in the record (and the hash chain); only its presentation changes.
    """
    sources = set(sources)
    job_ids = set()
    for source in sources:
        head, _sep, rest = source.partition(":")
        if head == "job":
            job_ids.add(rest.rpartition(":")[2])
    titles = _job_titles(job_ids) if job_ids else {}
    return {source: _source_label(source, titles) for source in sources}


def source_label(source: str) -> str:
    """"web" → 网页, "job:orgs.enterprise_export:12" → 后台任务：导出企业名单 #12, …"""
    return source_labels([source])[source]


def _source_label(source: str, job_titles: dict[str, str]) -> str:
    if not source:
        return EMPTY
    head, _sep, rest = source.partition(":")
    labels = {"web": _("网页"), "api": _("接口"), "job": _("后台任务"), "cli": _("命令行"),
              "system": _("系统"), "import": _("Excel导入")}
    label = labels.get(head)
    if label is None:
        return source
    if not rest:
        return str(label)
    if head == "job":
        _kind, _sep, pk = rest.rpartition(":")
        title = job_titles.get(pk)
        what = f"{title} #{pk}" if title else (f"#{pk}" if pk.isdigit() else "")
        return f"{label}：{what}" if what else str(label)
    if head == "import":
        title = _import_title(rest)
        return f"{label}：{title}" if title else str(label)
    if head == "cli":
        commands = {"seed": _("初始化基础数据"), "demo": _("载入演示数据")}
        return f"{label}：{commands.get(rest, rest)}"
    return f"{label}（{rest}）"


# Keys some services store beside model fields (no verbose name to read): their labels.
EXTRA_LABELS = {"snapshot_period_end": _lazy("快照截止日"), "rows": _lazy("快照行数"),
                "replaced_rows": _lazy("替换的原有行数")}


def is_snapshot_run(record: ChangeRecord) -> bool:
    """A monthly-snapshot run (kpi.services.take_snapshot): recorded on its plan."""
    return bool(record.after) and "snapshot_period_end" in record.after


def event_label(record: ChangeRecord) -> tuple[str, str]:
    """(type, object) as a reader names them: a snapshot run is 指标月度快照 / 生成月度指标快照
    2025-10 · the plan, not "工作要点 / 新增" (the same records, read back since the start)."""
    if is_snapshot_run(record):
        period = str(record.after.get("snapshot_period_end") or "")[:7]
        what = _("生成月度指标快照 %(period)s") % {"period": period}
        return _("指标月度快照"), f"{what} · {record.object_repr}"
    return type_label(record.content_type), record.object_repr


def type_label(ct: ContentType) -> str:
    model = ct.model_class()
    if model is None:  # the model was removed since; the record stays readable
        return f"{ct.app_label}.{ct.model}"
    return str(model._meta.verbose_name)


@dataclass(frozen=True)
class FieldChange:
    name: str  # the attribute name stored in the snapshot
    label: str  # the model field's verbose name
    before: str
    after: str
    changed: bool
    masked: bool = False  # personal data shown masked; the auditor may ask to reveal it


# Personal data in snapshots (个人信息保护): shown masked to the auditor unless revealed, and
# each reveal is itself an access event (views.change_reveal).
PERSONAL_FIELDS = frozenset({"phone", "contact_phone", "email", "contact_email",
                             "contact_name", "first_name", "last_name"})


def mask(value: Any) -> str:
    """138****0000, z***@example.com, 王**: enough to tell values apart, not to use them."""
    if value is None or value == "":
        return EMPTY
    text = str(value)
    if "@" in text:
        local, _at, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = sum(c.isdigit() for c in text)
    if digits >= 7:
        return f"{text[:3]}****{text[-4:]}"
    return text[:1] + "*" * min(max(len(text) - 1, 1), 3)


def personal_fields(record: ChangeRecord) -> list[str]:
    """The snapshot keys of this record that hold personal data."""
    keys = set(record.before or {}) | set(record.after or {})
    return sorted(k for k in keys if k in PERSONAL_FIELDS)


def _fields_by_attname(model: type[models.Model] | None) -> dict[str, models.Field]:
    if model is None:
        return {}
    return {f.attname: f for f in model._meta.concrete_fields}


def _present(value: Any, field: models.Field | None, related: dict[Any, str]) -> str:
    if isinstance(value, str) and value.startswith(SECRET_PREFIX):
        return "******"
    if value is None or value == "":
        return EMPTY
    if field is not None:
        if field.is_relation:
            label = related.get(value) or related.get(str(value))
            return f"{label}（#{value}）" if label else f"#{value}"
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _related_labels(model: type[models.Model] | None, snapshots: list[dict],
                    cache: dict[tuple[str, str], str] | None = None) -> dict[Any, str]:
    """Labels of the rows foreign keys point at, one query per related model.

    Reads through the related model's base manager on purpose: the reader is a city
    administrator or auditor looking at the audit trail, and the label is what the record
    already describes. A row deleted since shows as its bare id.
    """
    labels: dict[Any, str] = {}
    for attname, field in _fields_by_attname(model).items():
        if not field.is_relation or field.related_model is None:
            continue
        ids = {s.get(attname) for s in snapshots if s and s.get(attname) not in (None, "")}
        if not ids:
            continue
        rel = field.related_model
        key = rel._meta.label
        if cache is not None:
            known = {i for i in ids if (key, str(i)) in cache}
            for i in known:
                if cache[(key, str(i))]:
                    labels[i] = labels[str(i)] = cache[(key, str(i))]
            ids -= known
            for i in ids:  # a row deleted since stays unresolved, and is not asked for again
                cache[(key, str(i))] = ""
        if not ids:
            continue
        for obj in rel._base_manager.filter(pk__in=ids):
            labels[obj.pk] = str(obj)
            labels[str(obj.pk)] = str(obj)
            if cache is not None:
                cache[(key, str(obj.pk))] = str(obj)
    return labels


def field_changes(record: ChangeRecord, *, resolve: bool = True, all_fields: bool = False,
                  reveal: frozenset[str] | set[str] = frozenset(),
                  cache: dict[tuple[str, str], str] | None = None) -> list[FieldChange]:
    """Field by field before → after, labelled with the model's verbose field names.

    Creates and deletes list every stored field; updates only the changed ones unless
    ``all_fields``. ``resolve`` turns foreign-key ids into labels; an export passes one
    ``cache`` for all its rows, so each related row is read once.
    Personal fields are masked unless named in ``reveal`` (the caller audits the reveal).
    """
    model = record.content_type.model_class()
    fields = _fields_by_attname(model)
    before, after = record.before or {}, record.after or {}
    related = _related_labels(model, [before, after], cache) if resolve else {}
    order = {name: i for i, name in enumerate(fields)}
    keys = sorted(set(before) | set(after), key=lambda k: (order.get(k, len(order)), k))
    out = []
    for key in keys:
        b, a = before.get(key), after.get(key)
        changed = b != a
        if record.action == ChangeRecord.Action.UPDATE and not changed and not all_fields:
            continue
        field = fields.get(key)
        label = str(field.verbose_name) if field is not None else str(EXTRA_LABELS.get(key, key))
        if (field is not None and model is not None and is_secret(model, field.name)
                and changed and b and a):
            out.append(FieldChange(key, label, "******", _("******（已修改）"), True))
            continue
        if key in PERSONAL_FIELDS and key not in reveal:
            out.append(FieldChange(key, label, mask(b) if key in before else "",
                                   mask(a) if key in after else "", changed, masked=True))
            continue
        out.append(FieldChange(key, label, _present(b, field, related) if key in before else "",
                               _present(a, field, related) if key in after else "", changed))
    return out


def changed_labels(record: ChangeRecord) -> list[str]:
    """The verbose names of the fields an update changed (list page summary)."""
    if record.action != ChangeRecord.Action.UPDATE:
        return []
    fields = _fields_by_attname(record.content_type.model_class())
    names = []
    for key, _b, _a in record.changed_fields:
        field = fields.get(key)
        names.append(str(field.verbose_name) if field is not None
                     else str(EXTRA_LABELS.get(key, key)))
    return names


def changes_text(record: ChangeRecord, cache: dict[tuple[str, str], str] | None = None) -> str:
    """One line per field, for the export: "字段：前 → 后"; related rows by name."""
    lines = []
    for c in field_changes(record, cache={} if cache is None else cache):
        if record.action == ChangeRecord.Action.CREATE:
            lines.append(f"{c.label}：{c.after}")
        elif record.action == ChangeRecord.Action.DELETE:
            lines.append(f"{c.label}：{c.before}")
        else:
            lines.append(f"{c.label}：{c.before} → {c.after}")
    return "\n".join(lines)
