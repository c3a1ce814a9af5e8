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


def todo_sources(*, user: Any) -> list[Any]:
    """The review sources (workflow.services.REVIEW_SOURCES) this user may decide at all."""
    from kechuang.accounts.scoping import can
    from kechuang.workflow.services import REVIEW_SOURCES

    role = getattr(user, "role", None)
    return [src for src in REVIEW_SOURCES.values()
            if any(role in s.roles and can(user, s.scope_action, src.model)
                   for s in src.workflow.steps)]


def todo_list(*, user: Any, source: Any) -> QuerySet:
    """Objects of ``source`` waiting for this user's decision, oldest first (one query)."""
    from kechuang.workflow.services import awaiting_decision

    return awaiting_decision(user, source).order_by("pk")
