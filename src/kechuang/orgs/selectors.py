"""Reads of organisations and annual reports, always through restrict()."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from kechuang.accounts.scoping import scope_q
from kechuang.core.queries import distinct_desc
from kechuang.orgs.models import (
    ChainMembership,
    Enterprise,
    EnterpriseAnnualReport,
    IndustrialChain,
    Organisation,
)
from kechuang.regions.models import Region
from kechuang.regions.selectors import counties

ENTERPRISE_SORTS = {
    "name": "name", "-name": "-name",
    "established_on": "established_on", "-established_on": "-established_on",
    "county": "county__sort_order", "-county": "-county__sort_order",
    "industry": "industry_code", "-industry": "-industry_code",
    "updated": "updated_at", "-updated": "-updated_at",
}


def enterprise_list(
    *, user: Any, action: str = "view", filters: dict[str, Any] | None = None
) -> QuerySet[Enterprise]:
    """The enterprise list a user may see, filtered; the same rows feed the page, API and export."""
    f = filters or {}
    qs = Enterprise.objects.restrict(user, action).select_related("county")
    if f.get("county"):
        qs = qs.filter(county_id=f["county"])
    if f.get("industry"):
        code = str(f["industry"])
        qs = qs.filter(industry_code__startswith=code) if len(code) == 1 else qs.filter(
            industry_code=code)
    if f.get("chain"):
        qs = qs.filter(chain_memberships__chain_id=f["chain"])
    if f.get("chain_role"):
        qs = qs.filter(chain_memberships__role=f["chain_role"])
    if f.get("tier") not in (None, ""):
        qs = qs.filter(tier="" if f["tier"] == "none" else f["tier"])
    if f.get("above_scale") in (True, "1", "true", "True"):
        qs = qs.filter(above_scale=True)
    elif f.get("above_scale") in (False, "0", "false", "False"):
        qs = qs.filter(above_scale=False)
    if f.get("q"):
        term = str(f["q"]).strip()
        qs = qs.filter(Q(name__icontains=term) | Q(credit_code__icontains=term.upper()))
    if f.get("chain") or f.get("chain_role"):
        qs = qs.distinct()
    order = ENTERPRISE_SORTS.get(f.get("sort") or "name", "name")
    return qs.order_by(order, "id")


def with_chains(qs: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return qs.prefetch_related(
        Prefetch("chain_memberships", queryset=ChainMembership.objects.select_related("chain"))
    )


def enterprise_detail(*, user: Any, pk: int, action: str = "view") -> Enterprise:
    return with_chains(Enterprise.objects.restrict(user, action).select_related("county")).get(
        pk=pk)


def annual_reports(*, user: Any, action: str = "view",
                   enterprise: Organisation | None = None) -> QuerySet[EnterpriseAnnualReport]:
    qs = EnterpriseAnnualReport.objects.restrict(user, action).select_related(
        "enterprise", "enterprise__county")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.order_by("enterprise_id", "-year")


REPORT_SORTS = {
    "year": "year", "-year": "-year",
    "enterprise": "enterprise__name", "-enterprise": "-enterprise__name",
    "county": "enterprise__county__sort_order", "-county": "-enterprise__county__sort_order",
    "revenue": "revenue_yuan", "-revenue": "-revenue_yuan",
    "rd_expense": "rd_expense_yuan", "-rd_expense": "-rd_expense_yuan",
    "updated": "updated_at", "-updated": "-updated_at",
}


def report_list(
    *, user: Any, action: str = "view", filters: dict[str, Any] | None = None
) -> QuerySet[EnterpriseAnnualReport]:
    """The annual reports a user may see, filtered; the same rows feed the page and the export."""
    f = filters or {}
    qs = annual_reports(user=user, action=action)
    if f.get("year"):
        qs = qs.filter(year=f["year"])
    if f.get("county"):
        qs = qs.filter(enterprise__county_id=f["county"])
    if f.get("enterprise"):
        qs = qs.filter(enterprise_id=f["enterprise"])
    if f.get("q"):
        term = str(f["q"]).strip()
        qs = qs.filter(Q(enterprise__name__icontains=term)
                       | Q(enterprise__credit_code__icontains=term.upper()))
    order = REPORT_SORTS.get(f.get("sort") or "", None)
    if order:
        return qs.order_by(order, "id")
    # Newest year first, then the newest enterprises: an index seek (orgs_report_year_rd read
    # backwards). By enterprise name, SQLite sorted a whole year's reports for every page.
    return qs.order_by("-year", "-enterprise_id", "-id")


def annual_report(*, user: Any, pk: int, action: str = "view") -> EnterpriseAnnualReport:
    return annual_reports(user=user, action=action).get(pk=pk)


def report_years(*, user: Any) -> list[int]:
    """The fiscal years that have reports the user may see, newest first (filter choices)."""
    return distinct_desc(annual_reports(user=user), "year")


def industrial_chains(*, user: Any) -> QuerySet[IndustrialChain]:
    return IndustrialChain.objects.restrict(user, "view").order_by("sort_order", "code")


def counties_in_scope(*, user: Any, action: str = "view") -> QuerySet[Region]:
    """The counties a user's enterprise rows can lie in (filter and form choices).

    The whole city for city staff; otherwise the counties of the rows ``restrict()`` gives,
    plus the user's own county (a county clerk adding the county's first enterprise).
    """
    q = scope_q(user, action, Enterprise)
    qs = counties()
    if q is None:
        return qs.none()
    if not q:
        return qs
    mine = Q(pk__in=Enterprise.objects.restrict(user, action).values("county_id"))
    if getattr(user, "county_id", None):
        mine |= Q(pk=user.county_id)
    return qs.filter(mine)


def report_years_of(enterprise: Any) -> list[int]:
    """The years an enterprise has reports for (the form's default year). The enterprise was
    read through ``restrict()`` by the caller; all of its reports count, in scope or not."""
    return list(EnterpriseAnnualReport.objects.filter(enterprise=enterprise)
                .values_list("year", flat=True))
