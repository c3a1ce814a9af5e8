"""The user's own notices (restrict() filters by recipient for every role)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from kechuang.notices.models import Notice


def notice_list(*, user: Any) -> QuerySet[Notice]:
    """Unread first, newest first."""
    return Notice.objects.restrict(user, "view").order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-id")


def notice(*, user: Any, pk: int, action: str = "view") -> Notice:
    return Notice.objects.restrict(user, action).get(pk=pk)


def unread_count(*, user: Any) -> int:
    return Notice.objects.restrict(user, "view").filter(read_at__isnull=True).count()
