"""The shared shape of a write: validate, scope-check, save, audit — in one transaction."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from kechuang.accounts.scoping import can
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot
from kechuang.core.errors import ScopeError

M = TypeVar("M", bound=models.Model)


def _ensure_in_scope(obj: models.Model, actor: Any, action: str) -> None:
    model = type(obj)
    if not model._default_manager.restrict(actor, action).filter(pk=obj.pk).exists():
        raise ScopeError(_("该记录不在您的管辖范围内，未保存"))


def create_object(*, model: type[M], actor: Any, data: dict[str, Any], reason: str = "") -> M:
    """Create one domain row; refuse rows the actor could not then see (e.g. another county)."""
    if not can(actor, "add", model):
        raise PermissionDenied
    with transaction.atomic():
        obj = model(**data)
        obj.full_clean()
        obj.save()
        _ensure_in_scope(obj, actor, "add")
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=obj,
                      after=snapshot(obj), reason=reason)
    return obj


def update_object(*, obj: M, actor: Any, data: dict[str, Any], reason: str = "") -> M:
    """Update fields of a row the actor may change, before and after both in scope."""
    model = type(obj)
    if not can(actor, "change", model):
        raise PermissionDenied
    with transaction.atomic():
        locked = model._default_manager.restrict(actor, "change").select_for_update().filter(
            pk=obj.pk).first()
        if locked is None:
            raise ScopeError(_("该记录不在您的管辖范围内，未保存"))
        before = snapshot(locked)
        for key, value in data.items():
            setattr(locked, key, value)
        locked.full_clean()
        locked.save()
        _ensure_in_scope(locked, actor, "change")
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=locked,
                      before=before, after=snapshot(locked), reason=reason)
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
        before = snapshot(locked)
        record_change(actor=actor, action=ChangeRecord.Action.DELETE, obj=locked, before=before,
                      reason=reason)
        locked.delete()
