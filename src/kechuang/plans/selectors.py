"""Reads of the work plan, through restrict()."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from kechuang.accounts.scoping import restricted_prefetch
from kechuang.plans.models import Action, CountyAllocation, Indicator, Plan, PlanTask
from kechuang.regions.models import Region


def plans(*, user: Any):
    return Plan.objects.restrict(user, "view").select_related("region").order_by("-year")


def plan_overview(*, user: Any, year: int | None = None) -> Plan | None:
    """The plan of a year (default: the latest) with actions, tasks and indicators prefetched."""
    qs = plans(user=user)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.prefetch_related(plan_children(user=user)).first()


def plan_children(*, user: Any) -> Prefetch:
    """The plan's actions with their tasks and indicators, each restricted to the user's rows
    (the plan page and the API show the same children)."""
    actions = Action.objects.order_by("number").prefetch_related(
        restricted_prefetch(user, "view", "tasks", PlanTask,
                            PlanTask.objects.order_by("sort_order", "id")),
        restricted_prefetch(user, "view", "indicators", Indicator,
                            Indicator.objects.order_by("sort_order", "id")))
    return restricted_prefetch(user, "view", "actions", Action, actions)


def plan_years(*, user: Any) -> list[int]:
    return list(plans(user=user).values_list("year", flat=True).distinct())


def plan(*, user: Any, pk: int, action: str = "view") -> Plan:
    return Plan.objects.restrict(user, action).select_related("region").get(pk=pk)


def plan_action(*, user: Any, pk: int, action: str = "view") -> Action:
    return Action.objects.restrict(user, action).select_related("plan").get(pk=pk)


def plan_task(*, user: Any, pk: int, action: str = "view") -> PlanTask:
    return (PlanTask.objects.restrict(user, action).select_related("action__plan")
            .get(pk=pk))


def indicator(*, user: Any, pk: int, action: str = "view") -> Indicator:
    return (Indicator.objects.restrict(user, action).select_related("action__plan__region")
            .get(pk=pk))


def allocations(*, user: Any, indicator: Indicator, action: str = "view"):
    """The county shares of an indicator the user may see (county staff: their own)."""
    return (CountyAllocation.objects.restrict(user, action).filter(indicator=indicator)
            .select_related("county").order_by("county__sort_order", "county__code"))


def allocation_counties(*, user: Any, plan: Plan) -> list[Region]:
    """The counties the plan's targets are split over (the city's GB/T 2260 counties)."""
    return list(Region.objects.restrict(user, "view").filter(parent=plan.region, gb2260=True)
                .order_by("sort_order", "code"))


def city_region(*, user: Any) -> Region | None:
    """The city a new plan belongs to (one city per installation)."""
    return (Region.objects.restrict(user, "view").filter(level=Region.Level.CITY)
            .order_by("sort_order", "code").first())
