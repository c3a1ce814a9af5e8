"""Permission-matrix rows of the work plan: the city edits, county staff read."""

from __future__ import annotations

from kechuang.tests.matrix import (
    BUREAU,
    CITY,
    Route,
    with_plan,
)


def plan_pk(ctx, place):
    """The city's 2025 plan: every bureau role reads the whole plan (not per county)."""
    from kechuang.plans.models import Plan

    with_plan(ctx, place)
    return {"pk": Plan.objects.get(year=2025).pk}


def plan_action(ctx, place):
    from kechuang.plans.models import Action

    with_plan(ctx, place)
    return {"pk": Action.objects.get(plan__year=2025, number=1).pk}


def plan_task(ctx, place):
    """A fresh task per call, so an allowed POST to the delete page removes only it."""
    from kechuang.plans.models import Action, PlanTask

    action = Action.objects.get(pk=plan_action(ctx, place)["pk"])
    n = PlanTask.objects.filter(action=action).count()
    return {"pk": PlanTask.objects.create(action=action, text=f"矩阵任务{place}",
                                          sort_order=100 + n).pk}


def plan_indicator(ctx, place):
    """A fresh indicator per call (see plan_task)."""
    from kechuang.plans.models import Action, Indicator

    action = Action.objects.get(pk=plan_action(ctx, place)["pk"])
    n = Indicator.objects.filter(action=action).count()
    return {"pk": Indicator.objects.create(action=action, key=f"matrix_{place}_{n}",
                                           name="矩阵指标", target=1).pk}


def allocated_indicator(ctx, place):
    """高新技术企业认定 (94) with shares in county A and county B."""
    from kechuang.plans.models import CountyAllocation, Indicator

    with_plan(ctx, place)
    ind = Indicator.objects.get(action__plan__year=2025, key="high_tech_recognized")
    for p, share in (("a", 50), ("b", 44)):
        CountyAllocation.objects.get_or_create(
            indicator=ind, county_id=ctx[f"enterprise_{p}"].county_id,
            defaults={"target": share})
    return {"pk": ind.pk}


def allocation(ctx, place):
    from kechuang.plans.models import CountyAllocation

    ind = allocated_indicator(ctx, place)["pk"]
    return {"pk": CountyAllocation.objects.get(
        indicator_id=ind, county_id=ctx[f"enterprise_{place}"].county_id).pk}


def allocations(ctx, place):
    """No URL kwargs: the shares of county A and county B exist (both places alike)."""
    allocated_indicator(ctx, place)
    return {}


def allocation_row(ctx, place):
    return f'data-county="{ctx[f"enterprise_{place}"].county.code}"'


def allocation_county(ctx, place):
    return ctx[f"enterprise_{place}"].county.name


# The plan is the city's: city roles edit it, county staff read all of it but only their own
# county's share of a target.
ROUTES: dict[str, Route] = {
    "plans:plan_detail": Route(allowed=BUREAU),
    "plans:plan_edit": Route(allowed=CITY, kwargs=plan_pk, scoped=False, also_post=True),
    "plans:plan_copy": Route(allowed=CITY, kwargs=plan_pk, scoped=False, also_post=True),
    "plans:plan_import": Route(allowed=CITY, also_post=True),
    "plans:action_edit": Route(allowed=CITY, kwargs=plan_action, scoped=False, also_post=True),
    "plans:task_add": Route(allowed=CITY, kwargs=plan_action, scoped=False, also_post=True),
    "plans:task_edit": Route(allowed=CITY, kwargs=plan_task, scoped=False, also_post=True),
    "plans:task_delete": Route(allowed=CITY, kwargs=plan_task, scoped=False, also_post=True),
    "plans:indicator_add": Route(allowed=CITY, kwargs=plan_action, scoped=False,
                                 also_post=True),
    "plans:indicator_edit": Route(allowed=CITY, kwargs=plan_indicator, scoped=False,
                                  also_post=True),
    "plans:indicator_delete": Route(allowed=CITY, kwargs=plan_indicator, scoped=False,
                                    also_post=True),
    "plans:allocation_list": Route(allowed=BUREAU, kwargs=allocated_indicator, scoped=False,
                                   list_marker=allocation_row),
    "plans:allocation_edit": Route(allowed=CITY, kwargs=allocated_indicator, scoped=False,
                                   also_post=True),
    "api-plan-list": Route(allowed=BUREAU, api=True, kwargs=with_plan, scoped=False),
    "api-plan-detail": Route(allowed=BUREAU, api=True, kwargs=plan_pk, scoped=False),
    "api-plan-allocation-list": Route(allowed=BUREAU, api=True, kwargs=allocations,
                                      scoped=False, list_marker=allocation_county),
    "api-plan-allocation-detail": Route(allowed=BUREAU, api=True, kwargs=allocation),
}
