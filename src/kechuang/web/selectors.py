from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.utils import timezone

from kechuang import metrics
from kechuang.accounts.access import is_county_user
from kechuang.accounts.scoping import can
from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport
from kechuang.regions.models import Region


def home_summary(*, user: Any) -> dict[str, Any]:
    """Counts for the landing page, in the user's own scope (a fixed handful of queries)."""
    if not can(user, "view", Enterprise):
        return {}
    enterprises = Enterprise.objects.restrict(user, "view")
    if not can(user, "add", Enterprise):  # an enterprise user: its own profile and reports
        return {
            "own": True,
            "enterprises": list(enterprises.select_related("county")[:3]),
            "reports": list(EnterpriseAnnualReport.objects.restrict(user, "view")
                            .select_related("enterprise").order_by("-year", "id")[:5]),
        }
    return _overview(user)


OVERVIEW_KEYS = {"total": "enterprises_total", "above_scale": "enterprises_above_scale",
                 "tech_sme": "enterprises_tier_tech_sme", "high_tech": "enterprises_tier_high_tech",
                 "leader": "enterprises_tier_leader", "in_chain": "enterprises_in_chain"}


def _overview(user: Any) -> dict[str, Any]:
    """The bureau's overview: every figure is a registered metric (label = the metric's name,
    its definition and date on hover), for the user's county or the whole city."""
    today = timezone.localdate()
    county_id = user.county_id if is_county_user(user) else None
    agg: dict[str, Any] = {key: metrics.shown(metric, year=today.year, as_of=today,
                                              county_id=county_id)
                           for key, metric in OVERVIEW_KEYS.items()}
    per_county = metrics.get("enterprises_total").by_county(year=today.year, as_of=today)
    names = Region.objects.filter(pk__in=list(per_county)).order_by("sort_order", "code")
    agg["by_county"] = [{"name": r.name, "count": int(per_county[r.pk])} for r in names
                        if county_id is None or r.pk == county_id]
    enterprises = Enterprise.objects.restrict(user, "view")
    agg["recent"] = list(enterprises.select_related("county").order_by("-updated_at", "-id")[:6])
    if can(user, "view", EnterpriseAnnualReport):
        reports = EnterpriseAnnualReport.objects.restrict(user, "view")
        latest = reports.aggregate(year=Max("year"))["year"]
        agg["latest_year"] = latest
        if latest:  # enterprises with a report of ``latest``: the metric of plan year latest+1
            agg["latest_year_reports"] = metrics.shown(
                "enterprises_reported_last_year", year=latest + 1, as_of=today,
                county_id=county_id)
    return agg
