"""When a password must be changed: set by someone else (first login, reset) or expired."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from kechuang.accounts.twofactor import STAFF_2FA_ROLES


def password_expired(user) -> bool:
    """Staff passwords expire after PASSWORD_MAX_AGE_DAYS (0 turns expiry off)."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or user.role not in STAFF_2FA_ROLES:
        return False
    changed = user.password_changed_at or user.date_joined
    return changed < timezone.now() - dt.timedelta(days=days)


def password_change_due(user) -> bool:
    """Must this account change its password before doing anything else?"""
    return bool(user.must_change_password) or password_expired(user)
