from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Q

from kechuang.accounts.scoping import can
from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport


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
    agg = enterprises.aggregate(
        # distinct: the chain join below repeats an enterprise once per chain it belongs to
        total=Count("id", distinct=True),
        above_scale=Count("id", filter=Q(above_scale=True), distinct=True),
        tech_sme=Count("id", filter=Q(tier="tech_sme"), distinct=True),
        high_tech=Count("id", filter=Q(tier__in=["high_tech", "leader"]), distinct=True),
        leader=Count("id", filter=Q(tier="leader"), distinct=True),
        in_chain=Count("id", filter=Q(chain_memberships__isnull=False), distinct=True),
    )
    agg["by_county"] = [
        {"name": row["county__name"], "count": row["n"]}
        for row in enterprises.order_by().values("county__name", "county__sort_order")
        .annotate(n=Count("id")).order_by("county__sort_order")
    ]
    agg["recent"] = list(enterprises.select_related("county").order_by("-updated_at", "-id")[:6])
    if can(user, "view", EnterpriseAnnualReport):
        reports = EnterpriseAnnualReport.objects.restrict(user, "view")
        latest = reports.aggregate(year=Max("year"))["year"]
        agg["latest_year"] = latest
        agg["latest_year_reports"] = reports.filter(year=latest).count() if latest else 0
    return agg
