"""Permission-matrix rows of the dashboard, snapshots and the monthly report."""

from __future__ import annotations

from kechuang.tests.matrix import (
    BUREAU,
    CITY,
    Route,
    with_plan,
)


def indicator(ctx, place):
    """An indicator of the city plan: every bureau role reads the whole plan (not per county)."""
    from kechuang.plans.models import Indicator

    with_plan(ctx, place)
    return {"pk": Indicator.objects.get(key="above_scale_industrial_with_rd_share").pk}


ROUTES: dict[str, Route] = {
    "kpi:dashboard": Route(allowed=BUREAU, kwargs=with_plan, scoped=False),
    "kpi:indicator_detail": Route(allowed=BUREAU, kwargs=indicator, scoped=False),
    "kpi:indicator_records_export": Route(allowed=BUREAU, kwargs=indicator, scoped=False,
                                          method="POST", ok=(302,)),
    "kpi:snapshot_list": Route(allowed=BUREAU, kwargs=with_plan, scoped=False),
    "kpi:snapshot_take": Route(allowed=CITY, kwargs=with_plan, scoped=False, method="POST",
                               ok=(302,)),
    "kpi:monthly_report": Route(allowed=BUREAU, kwargs=with_plan, scoped=False, method="POST",
                                ok=(302,)),
    "kpi:report_source": Route(allowed=BUREAU, kwargs=with_plan, scoped=False),
    "kpi:report_snapshot_refresh": Route(allowed=CITY, kwargs=with_plan, scoped=False,
                                         method="POST", ok=(302,)),
    "api-kpi-dashboard-list": Route(allowed=BUREAU, api=True, kwargs=with_plan, scoped=False),
}
