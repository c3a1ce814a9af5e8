"""Reads of the work plan, through restrict()."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from kechuang.accounts.scoping import restricted_prefetch
from kechuang.metrics import Attribution
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


# -- county units: where a region's records count (policy-rules §h) ----------------------
# The one place that maps a record's region to the county unit it counts under for a plan:
# allocations, the dashboard's county rows and ranking, drill-downs, the metrics' by-county
# figures and the monthly report all read it (the metrics registry through
# ``register_attribution`` in apps.py), so the county rows add up to the city everywhere.


def units_under(regions: list[Region], setting: str) -> tuple[list[Region], Attribution]:
    """The county units among a city's county-level ``regions`` under a zone ``setting``
    (a zone without a host stays a unit of its own either way)."""
    folded: dict[int, int] = {}
    if setting == Plan.ZoneAttribution.HOST:
        ids = {r.pk for r in regions}
        folded = {r.pk: r.host_id for r in regions
                  if r.kind == Region.Kind.ZONE and r.host_id in ids}
    units = [r for r in regions if r.pk not in folded]
    return units, Attribution(units=tuple(r.pk for r in units), folded=folded)


def county_regions(city_id: int) -> list[Region]:
    """Every county-level region of a city, zones included, in display order."""
    return list(Region.objects.filter(parent_id=city_id, level=Region.Level.COUNTY)
                .order_by("sort_order", "code"))


def county_units(plan: Plan) -> tuple[list[Region], Attribution]:
    """The plan's county units in display order, and how regions fold into them: under
    "host" a zone counts under its host district (长治高新区 → 潞州区) and is no unit of its
    own; under "zone" it is a unit like a county. One query."""
    return units_under(county_regions(plan.region_id), plan.zone_attribution)


def attribution_for_year(year: int) -> Attribution:
    """The attribution of plan year ``year`` (one city per installation); a year without a
    plan folds as the default setting does. Registered with the metrics registry."""
    plan = Plan.objects.filter(year=year).only("pk", "region_id", "zone_attribution").first()
    if plan is not None:
        return county_units(plan)[1]
    city = Region.objects.filter(level=Region.Level.CITY).order_by("sort_order", "code") \
        .values_list("pk", flat=True).first()
    if city is None:
        return Attribution()
    return units_under(county_regions(city), Plan._meta.get_field("zone_attribution").default)[1]


def allocation_counties(*, user: Any, plan: Plan) -> list[Region]:
    """The county units the plan's targets are split over (see :func:`county_units`)."""
    units, _ = county_units(plan)
    visible = set(Region.objects.restrict(user, "view").filter(pk__in=[u.pk for u in units])
                  .values_list("pk", flat=True))
    return [u for u in units if u.pk in visible]


def city_region(*, user: Any) -> Region | None:
    """The city a new plan belongs to (one city per installation)."""
    return (Region.objects.restrict(user, "view").filter(level=Region.Level.CITY)
            .order_by("sort_order", "code").first())
