"""Reads of the transition log."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from kechuang.workflow.models import Transition


def history(obj: models.Model) -> QuerySet[Transition]:
    """The object's transitions, oldest first.

    Unscoped on purpose: call it only for an object the user already read through
    ``restrict(user, "view")`` — the trail is part of what that user may see.
    """
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return Transition.objects.filter(content_type=ct, object_id=obj.pk).order_by("at", "id")
