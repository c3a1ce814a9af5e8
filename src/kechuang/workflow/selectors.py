"""Reads of the transition log and of the objects waiting for a user's decision."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from kechuang.accounts.scoping import can
from kechuang.workflow.models import Transition
from kechuang.workflow.services import REVIEW_SOURCES, awaiting_decision


def history(obj: models.Model) -> QuerySet[Transition]:
    """The object's transitions, oldest first.

    Unscoped on purpose: call it only for an object the user already read through
    ``restrict(user, "view")`` — the trail is part of what that user may see.
    """
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return Transition.objects.filter(content_type=ct, object_id=obj.pk).order_by("at", "id")


def todo_sources(*, user: Any) -> list[Any]:
    """The review sources (workflow.services.REVIEW_SOURCES) this user may decide at all."""
    role = getattr(user, "role", None)
    return [src for src in REVIEW_SOURCES.values()
            if any(role in s.roles and can(user, s.scope_action, src.model)
                   for s in src.workflow.steps)]


def todo_list(*, user: Any, source: Any) -> QuerySet:
    """Objects of ``source`` waiting for this user's decision, oldest first (one query)."""
    return awaiting_decision(user, source).order_by("pk")
