"""Writes of reported values: submit (with evidence), approve, reject, and the per-indicator
choice of the official statistic over the counted figure — each audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.accounts.scoping import can
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot
from kechuang.core.errors import ScopeError
from kechuang.core.services import create_object, save_uploads, update_object
from kechuang.core.uploads import check_files, delete_on_error
from kechuang.reported.models import Evidence, ReportedValue, SourceOverride
from kechuang.reported.workflows import REPORTED_FLOW, notify_submitted
from kechuang.workflow.services import transition

SUBMIT_FIELDS = ("indicator", "county", "period_end", "value", "note")


def submit_value(*, actor: Any, data: dict[str, Any], files: Iterable[Any] = ()) -> ReportedValue:
    """Submit a value (status "submitted"); a county clerk only for their own county."""
    if not can(actor, "add", ReportedValue):
        raise PermissionDenied
    checked = check_files(files)
    with delete_on_error() as saved, transaction.atomic():
        obj = ReportedValue(**{k: data.get(k) for k in SUBMIT_FIELDS if k in data},
                            submitted_by=actor, submitted_at=timezone.now())
        obj.note = obj.note or ""
        obj.full_clean()
        obj.save()
        if not ReportedValue.objects.restrict(actor, "add").filter(pk=obj.pk).exists():
            raise ScopeError(_("只能为本县区上报数值"))
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=obj,
                      after=snapshot(obj))
        save_uploads(checked, model=Evidence, owner={"reported_value": obj}, actor=actor,
                     saved=saved)
    notify_submitted(obj)
    return obj


def approve_value(*, value: ReportedValue, actor: Any, reason: str = "") -> ReportedValue:
    return transition(value, workflow=REPORTED_FLOW, action="approve", actor=actor,
                      reason=reason)


def reject_value(*, value: ReportedValue, actor: Any, reason: str) -> ReportedValue:
    return transition(value, workflow=REPORTED_FLOW, action="reject", actor=actor,
                      reason=reason)


def set_source(*, actor: Any, indicator: Any, use_reported: bool, reason: str) -> SourceOverride:
    """Set whether an indicator takes the official (reported) statistic instead of the figure
    counted from records; a first choice is created, a later one updated — both audited."""
    current = SourceOverride.objects.filter(indicator_id=indicator.pk).first()
    data = {"use_reported": use_reported, "reason": reason}
    if current is None:
        return create_object(model=SourceOverride, actor=actor,
                             data={"indicator": indicator, **data}, reason=reason)
    return update_object(obj=current, actor=actor, data=data, reason=reason)
