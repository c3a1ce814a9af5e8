"""Reads of the work plan, through restrict()."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from kechuang.plans.models import Action, Indicator, Plan, PlanTask


def plans(*, user: Any):
    return Plan.objects.restrict(user, "view").select_related("region").order_by("-year")


def plan_overview(*, user: Any, year: int | None = None) -> Plan | None:
    """The plan of a year (default: the latest) with actions, tasks and indicators prefetched."""
    qs = plans(user=user)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.prefetch_related(
        Prefetch("actions", queryset=Action.objects.order_by("number").prefetch_related(
            Prefetch("tasks", queryset=PlanTask.objects.order_by("sort_order", "id")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("sort_order", "id")),
        ))
    ).distinct().first()


def plan_years(*, user: Any) -> list[int]:
    return list(plans(user=user).values_list("year", flat=True).distinct())
