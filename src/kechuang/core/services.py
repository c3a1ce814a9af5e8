"""The shared shape of a write: validate, scope-check, save, audit — in one transaction.

Optimistic locking: a model with an integer ``version`` field gets it bumped on every update
by a conditional ``UPDATE … WHERE version = N``; an update whose ``data`` carries the
``version`` the actor loaded (a form's hidden field, the API's ``version``) is refused with
:class:`ConflictError` when the row has moved on, so a second clerk's save cannot silently
revert the first's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.accounts.scoping import can
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot
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
