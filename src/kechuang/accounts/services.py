"""Account administration in the app (三权分立, docs/security.md §2), one audited path each.

* lifting a lockout (security administrator): the admin's unlock and the in-app page both go
  through :func:`lift_lockout` — a change record, then the axes attempt row is deleted;
* creating and changing accounts, resetting a password (system administrator): validated
  (``full_clean``, AUTH_PASSWORD_VALIDATORS) and recorded with ``record_change``.

Who may do it comes from the role table of the Django admin (``roles.ADMIN_PERMISSIONS`` via
``has_perm``): accounts are not bureau data, so ``scoping.can()`` does not cover them.
``core.services.create_object`` does not fit for the same reason (it checks ``can()``).
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kechuang.accounts.models import User
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot

# what the system administrator sets on an account (never superuser, groups, permissions)
ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "phone", "role", "county",
                  "organisation", "is_active")


def _require(actor: Any, perm: str) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm):
        raise PermissionDenied


def lift_lockout(*, actor: Any, attempt: AccessAttempt, reason: str) -> None:
    """Delete a lockout (axes attempt row) with a change record saying who and why."""
    _require(actor, "axes.delete_accessattempt")
    with transaction.atomic():
        record_change(actor=actor, action=ChangeRecord.Action.DELETE, obj=attempt,
                      before=snapshot(attempt), reason=reason)
        attempt.delete()


def _not_self(actor: Any, user: User) -> None:
    if user.pk is not None and user.pk == actor.pk:
        # one's own role and flags are changed by another administrator (as in the admin)
        raise PermissionDenied


def create_account(*, actor: Any, data: dict[str, Any], password: str) -> User:
    """A new account with a first password the user must change at the first sign-in."""
    _require(actor, "accounts.add_user")
    with transaction.atomic():
        user = User(**{k: v for k, v in data.items() if k in ACCOUNT_FIELDS})
        password_validation.validate_password(password, user)
        user.set_password(password)  # by someone else: must_change_password
        user.full_clean()
        user.save()
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=user,
                      after=snapshot(user), reason=_("用户管理：新建账号"))
    return user


def update_account(*, actor: Any, user: User, data: dict[str, Any]) -> User:
    """Change role, county, organisation, names or the active flag of another account."""
    _require(actor, "accounts.change_user")
    _not_self(actor, user)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = snapshot(locked)
        for key, value in data.items():
            if key in ACCOUNT_FIELDS:
                setattr(locked, key, value)
        locked.full_clean()
        locked.save()
        after = snapshot(locked)
        if after != before:
            record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=locked,
                          before=before, after=after, reason=_("用户管理：修改账号"))
    return locked


def reset_password(*, actor: Any, user: User, password: str) -> User:
    """Set a new password for someone else; they must change it at the next sign-in."""
    _require(actor, "accounts.change_user")
    _not_self(actor, user)
    if not user.is_active:
        raise ValidationError(_("该账号已停用，请先启用再重置密码"))
    password_validation.validate_password(password, user)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = snapshot(locked)
        locked.set_password(password)
        locked.save()
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=locked,
                      before=before, after=snapshot(locked), reason=_("用户管理：重置密码"))
    return locked
