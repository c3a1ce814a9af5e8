"""Reads for the in-app account pages: current lockouts, the account list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from kechuang.accounts.models import User


def locked_attempts(*, now: dt.datetime | None = None) -> QuerySet[AccessAttempt]:
    """Attempt rows that lock an account now, by axes' own rules: failures at the limit
    (``get_failure_limit``) and within the cool-off (``get_cool_off`` or the row's expiry)."""
    now = now or timezone.now()
    limit = get_failure_limit(None, {})
    qs = AccessAttempt.objects.filter(failures_since_start__gte=limit)
    if getattr(settings, "AXES_USE_ATTEMPT_EXPIRATION", False):
        qs = qs.filter(Q(expiration__expires_at__gt=now) | Q(expiration__isnull=True))
    else:
        cool_off = get_cool_off(None)
        if cool_off is not None:
            qs = qs.filter(attempt_time__gt=now - cool_off)
    return qs.order_by("-attempt_time", "-pk")


def locked_until(attempt: AccessAttempt) -> dt.datetime | None:
    cool_off = get_cool_off(None)
    return attempt.attempt_time + cool_off if cool_off is not None else None


def accounts(*, role: str = "", county: Any = None, active: str = "",
             q: str = "") -> QuerySet[User]:
    """The account list with its filters (role, county, active), one query per page."""
    qs = User.objects.select_related("county", "organisation").order_by("username")
    if role:
        qs = qs.filter(role=role)
    if county:
        qs = qs.filter(county=county)
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(first_name__icontains=q)
                       | Q(last_name__icontains=q))
    return qs
