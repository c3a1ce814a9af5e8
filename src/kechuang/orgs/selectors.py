"""Reads of organisations and annual reports, always through restrict()."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from kechuang.orgs.models import (
    ChainMembership,
    Enterprise,
    EnterpriseAnnualReport,
    Organisation,
)

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


def enterprise_detail(*, user: Any, pk: int) -> Enterprise:
    return with_chains(Enterprise.objects.restrict(user, "view").select_related("county")).get(
        pk=pk)


def annual_reports(*, user: Any, action: str = "view",
                   enterprise: Organisation | None = None) -> QuerySet[EnterpriseAnnualReport]:
    qs = EnterpriseAnnualReport.objects.restrict(user, action).select_related(
        "enterprise", "enterprise__county")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.order_by("enterprise_id", "-year")
