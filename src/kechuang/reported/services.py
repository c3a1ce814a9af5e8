"""Writes of reported values: submit (with evidence), approve, reject — each audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.accounts.scoping import can
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot
from kechuang.core.errors import ScopeError
from kechuang.core.uploads import validate_upload
from kechuang.reported.models import Evidence, ReportedValue
from kechuang.reported.workflows import REPORTED_FLOW
from kechuang.workflow.services import transition

SUBMIT_FIELDS = ("indicator", "county", "period_end", "value", "note")
MAX_FILES = 10


def check_files(files: Iterable[Any]) -> list[tuple[Any, str]]:
    """Validate every file (type by content, size); all problems in one ValidationError."""
    files = list(files)
    errors: list[ValidationError] = []
    checked = []
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("一次最多上传 %(n)s 个文件") % {"n": MAX_FILES}})
    for f in files:
        try:
            checked.append((f, validate_upload(f)))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError({"files": errors})
    return checked


def submit_value(*, actor: Any, data: dict[str, Any], files: Iterable[Any] = ()) -> ReportedValue:
    """Submit a value (status "submitted"); a county clerk only for their own county."""
    if not can(actor, "add", ReportedValue):
        raise PermissionDenied
    checked = check_files(files)
    saved_names: list[str] = []
    try:
        with transaction.atomic():
            obj = ReportedValue(**{k: data.get(k) for k in SUBMIT_FIELDS if k in data},
                                submitted_by=actor, submitted_at=timezone.now())
            obj.note = obj.note or ""
            obj.full_clean()
            obj.save()
            if not ReportedValue.objects.restrict(actor, "add").filter(pk=obj.pk).exists():
                raise ScopeError(_("只能为本县区上报数值"))
            record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=obj,
                          after=snapshot(obj))
            for upload, content_type in checked:
                ev = Evidence(reported_value=obj, original_name=upload.name[:200],
                              size=upload.size, content_type=content_type, uploaded_by=actor)
                ev.file.save(upload.name, upload, save=False)
                saved_names.append(ev.file.name)
                ev.full_clean()
                ev.save()
                # audit.snapshot() has no case for files: record the stored name
                record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=ev,
                              after=snapshot(ev) | {"file": ev.file.name})
    except Exception:
        from kechuang.core.uploads import private_storage

        for name in saved_names:  # the rows rolled back: do not leave their files behind
            private_storage.delete(name)
        raise
    return obj


def approve_value(*, value: ReportedValue, actor: Any, reason: str = "") -> ReportedValue:
    return transition(value, workflow=REPORTED_FLOW, action="approve", actor=actor,
                      reason=reason)


def reject_value(*, value: ReportedValue, actor: Any, reason: str) -> ReportedValue:
    return transition(value, workflow=REPORTED_FLOW, action="reject", actor=actor,
                      reason=reason)
