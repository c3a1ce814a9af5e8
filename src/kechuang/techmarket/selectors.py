"""Reads of technology contracts: the scoped list (page, export), one contract, its history,
the deadline state, and the organisations a contract may name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from kechuang.orgs.models import Organisation
from kechuang.policy import credit_code as cc
from kechuang.regions.models import Region
from kechuang.regions.selectors import counties
from kechuang.techmarket.models import (
    ContractAttachment,
    ContractEvent,
    CountyGdp,
    EntityConversion,
    NonTechnicalCost,
    TechContract,
    TechServiceIndustry,
)

OVERDUE = "overdue"


def contract_list(*, user: Any, action: str = "view",
                  filters: dict[str, Any] | None = None) -> QuerySet[TechContract]:
    """The contracts a user may see, filtered; the same rows feed the page and the export."""
    f = filters or {}
    qs = TechContract.objects.restrict(user, action).select_related(
        "seller", "buyer", "registrant__county")
    if f.get("q"):
        term = f["q"]
        qs = qs.filter(Q(subject__icontains=term) | Q(registration_no__icontains=term)
                       | Q(seller__name__icontains=term) | Q(buyer__name__icontains=term))
    if f.get("county"):
        qs = qs.filter(registrant__county_id=f["county"])
    if f.get("contract_type"):
        qs = qs.filter(contract_type=f["contract_type"])
    if f.get("status") == OVERDUE:
        qs = qs.filter(status=TechContract.Status.APPLIED,
                       deadline_on__lt=timezone.localdate())
    elif f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("year"):
        qs = qs.filter(Q(registered_on__year=f["year"])
                       | Q(registered_on__isnull=True, applied_on__year=f["year"]))
    return qs.order_by("-applied_on", "-id")


def contract_detail(*, user: Any, pk: int, action: str = "view") -> TechContract:
    return TechContract.objects.restrict(user, action).select_related(
        "seller__county", "buyer__county", "registrant__county", "submitted_by").get(pk=pk)


def costs_of(*, contract: TechContract) -> QuerySet[NonTechnicalCost]:
    """The costs of a contract the caller has already read through restrict()."""
    return NonTechnicalCost.objects.filter(contract=contract).order_by("id")


def events_of(*, contract: TechContract) -> QuerySet[ContractEvent]:
    return ContractEvent.objects.filter(contract=contract).select_related("actor").order_by(
        "effective_on", "id")


def is_overdue(contract: TechContract, today: dt.date | None = None) -> bool:
    """Pending past the office's deadline (the warning on the list and the detail)."""
    today = today or timezone.localdate()
    return (contract.status == TechContract.Status.APPLIED and contract.deadline_on is not None
            and contract.deadline_on < today)


def filter_counties(*, user: Any) -> QuerySet[Region]:
    """Counties for the list's filter: the counties the user's contracts are counted in."""
    ids = TechContract.objects.restrict(user, "view").values("registrant__county_id")
    return counties().filter(pk__in=ids)


def contract_years(*, user: Any) -> list[int]:
    dates = TechContract.objects.restrict(user, "view").dates("applied_on", "year",
                                                              order="DESC")
    return [d.year for d in dates]


def find_organisation(text: str, *, user: Any = None) -> Organisation | None:
    """A contract party by id, exact name or credit code — without telling a user about
    organisations they may not see: id and name are looked up among the user's visible
    organisations only; the full (checksum-valid) credit code, which a party has from the
    contract itself, finds any organisation on record. Every miss is the same ``None``
    (an ambiguous name among visible ones too), so the answer never depends on a hidden row."""
    text = (text or "").strip()
    if not text:
        return None
    visible = (Organisation.objects.restrict(user, "view") if user is not None
               else Organisation.objects.all())
    code = cc.normalize(text)
    if cc.is_valid(code):
        return Organisation.objects.filter(credit_code=code).first()
    if text.isdigit() and len(text) < 18:
        return visible.filter(pk=int(text)).first()
    matches = list(visible.filter(name=text)[:2])
    return matches[0] if len(matches) == 1 else None


def organisations_by_code(codes: set[str]) -> dict[str, Organisation]:
    """Contract parties by credit code, in one query (any organisation may be a party)."""
    if not codes:
        return {}
    return {o.credit_code: o for o in Organisation.objects.filter(credit_code__in=codes)
            .only("pk", "credit_code", "name", "county_id")}


def contracts_by_number(numbers: set[str]) -> dict[str, TechContract]:
    """Contracts already holding these registration numbers (any scope), in one query."""
    if not numbers:
        return {}
    return {c.registration_no: c for c in TechContract.objects.filter(
        registration_no__in=numbers).select_related("seller", "buyer")}


# -- statistics (行动六) ----------------------------------------------------------------------

def _figure_events(year: int, as_of: dt.date) -> QuerySet[ContractEvent]:
    from kechuang.techmarket.models import FIGURE_EVENTS

    return ContractEvent.objects.filter(FIGURE_EVENTS, year=year,
                                        effective_on__gte=dt.date(year, 1, 1),
                                        effective_on__lte=as_of).order_by()


def default_year(today: dt.date) -> int:
    """The statistics' year when none is asked for: this year once it has registrations, else
    the latest year that has (early in January, or a demo of last year's data)."""
    from django.db.models import Max

    from kechuang.techmarket.models import FIGURE_EVENTS

    latest = ContractEvent.objects.filter(FIGURE_EVENTS, year__lte=today.year).aggregate(
        y=Max("year"))["y"]
    return latest or today.year


def _yi(value: Any) -> Decimal:
    return (Decimal(value or 0) * Decimal("1e-8")).quantize(Decimal("0.0001"))


def statistics(*, user: Any, year: int, as_of: dt.date, top: int = 10) -> dict[str, Any]:
    """Action 6's figures for the statistics page, as of a date: by county (with the 9亿
    target's county allocation and the GDP share), by type, by month, by side (a county's
    enterprises selling — 输出 — and buying — 吸纳), and the largest contracts the user may
    open. Aggregates are plan figures (as on the dashboard); the top list is restricted."""
    from kechuang.metrics import get_attribution
    from kechuang.plans.models import CountyAllocation
    from kechuang.techmarket.metrics import GDP_SHARE, TECH_TRANSACTION, TURNOVER, gdp_for

    att = get_attribution(year)
    turnover = TURNOVER.figures(year=year, as_of=as_of, attribution=att)
    tech = TECH_TRANSACTION.figures(year=year, as_of=as_of, attribution=att)
    shares = GDP_SHARE.by_county(year=year, as_of=as_of, attribution=att)
    gdp = gdp_for(year)
    targets = dict(CountyAllocation.objects.filter(
        indicator__key=TURNOVER.key, indicator__action__plan__year=year)
        .values_list("county_id", "target"))
    events = _figure_events(year, as_of)
    bought: dict[int | None, Decimal] = {}
    for region, total in events.values_list("contract__buyer__county_id").annotate(
            s=Sum("turnover_delta")).values_list("contract__buyer__county_id", "s"):
        unit = att.unit_of(region)
        bought[unit] = bought.get(unit, Decimal(0)) + Decimal(total or 0)
    names = dict(Region.objects.filter(pk__in=att.units).values_list("pk", "name"))
    counties_rows = []
    for unit in att.units:
        value = turnover.counties.get(unit, Decimal(0))
        target = targets.get(unit)
        g = gdp.get(unit)
        counties_rows.append({
            "county_id": unit, "name": names.get(unit, ""), "turnover": value,
            "tech": tech.counties.get(unit, Decimal(0)), "target": target,
            "progress": (value * 100 / target).quantize(Decimal("0.1")) if target else None,
            "gdp": g.gdp_yi if g else None, "gdp_year": g.year if g else None,
            "share": shares.get(unit), "bought": _yi(bought.get(unit))})
    by_type = []
    labels = dict(TechContract.Type.choices)
    for kind, t, x, n in (events.values("contract__contract_type")
                          .annotate(t=Sum("turnover_delta"), x=Sum("tech_transaction_delta"),
                                    n=Count("contract", distinct=True))
                          .values_list("contract__contract_type", "t", "x", "n")
                          .order_by("contract__contract_type")):
        by_type.append({"type": kind, "label": labels.get(kind, kind), "turnover": _yi(t),
                        "tech": _yi(x), "contracts": n})
    by_type.sort(key=lambda r: -r["turnover"])
    months = dict(events.annotate(m=ExtractMonth("effective_on")).values("m")
                  .annotate(s=Sum("turnover_delta")).values_list("m", "s"))
    last = as_of.month if as_of.year == year else 12
    monthly, running = [], Decimal(0)
    for m in range(1, last + 1):
        running += Decimal(months.get(m) or 0)
        monthly.append({"month": m, "added": _yi(months.get(m)), "cumulative": _yi(running)})
    from kechuang.techmarket.metrics import counted_subquery

    top_rows = list(TechContract.objects.restrict(user, "view")
                    .filter(pk__in=events.values("contract_id"))
                    .annotate(counted_yuan=counted_subquery("turnover_delta", year, as_of))
                    .filter(counted_yuan__gt=0)
                    .select_related("seller", "buyer", "registrant__county")
                    .order_by("-counted_yuan", "pk")[:top])
    return {"counties": counties_rows, "city": turnover.city, "city_tech": tech.city,
            "city_share": GDP_SHARE.figures(year=year, as_of=as_of, attribution=att).city,
            "city_gdp": gdp.get(None), "by_type": by_type, "monthly": monthly,
            "top": top_rows, "target": sum(targets.values(), Decimal(0)) or None}


def gdp_list(*, user: Any, action: str = "view",
             filters: dict[str, Any] | None = None) -> QuerySet[CountyGdp]:
    f = filters or {}
    qs = CountyGdp.objects.restrict(user, action).select_related("county", "entered_by")
    if f.get("year"):
        qs = qs.filter(year=f["year"])
    return qs.order_by("-year", "county__sort_order", "county__code", "pk")


def gdp_years(*, user: Any) -> list[int]:
    return sorted(set(CountyGdp.objects.restrict(user, "view").values_list("year", flat=True)),
                  reverse=True)


# -- tech-service enterprises -------------------------------------------------------------

def service_coverage(*, year: int) -> list[dict[str, Any]]:
    """Every county unit: its number of 规上 and other 科技服务业 enterprises (the coverage
    indicator's table: a county with no 规上 one is missing). Plan figures: all counties."""
    from kechuang.metrics import get_attribution
    from kechuang.techmarket.industries import tech_service_codes

    att = get_attribution(year)
    counts: dict[tuple[int | None, bool], int] = {}
    for region, above, n in (Organisation.objects.filter(
            kind=Organisation.Kind.ENTERPRISE, industry_code__in=tech_service_codes())
            .order_by().values("county_id", "above_scale").annotate(n=Count("pk"))
            .values_list("county_id", "above_scale", "n")):
        key = (att.unit_of(region), above)
        counts[key] = counts.get(key, 0) + n
    names = dict(Region.objects.filter(pk__in=att.units).values_list("pk", "name"))
    return [{"county_id": u, "name": names.get(u, ""), "above": counts.get((u, True), 0),
             "other": counts.get((u, False), 0)} for u in att.units]


def industry_rows(*, user: Any) -> QuerySet[TechServiceIndustry]:
    return TechServiceIndustry.objects.restrict(user, "view").select_related("updated_by")


def industry_overrides() -> list[tuple[str, bool]]:
    """(code, included) of the bureau's rows over the default 科技服务业 list (plan data:
    every figure uses the same list, whoever reads it)."""
    return list(TechServiceIndustry.objects.values_list("code", "included"))


def candidate_list(*, user: Any, action: str = "view",
                   filters: dict[str, Any] | None = None) -> QuerySet[Organisation]:
    """升规入统 candidates: 科技服务业 enterprises not yet 规上, with their latest reported
    revenue (annotated ``revenue_yuan``/``revenue_year``), the closest to the threshold first."""
    from kechuang.orgs.models import EnterpriseAnnualReport
    from kechuang.techmarket.industries import tech_service_codes

    f = filters or {}
    latest = EnterpriseAnnualReport.objects.filter(enterprise=OuterRef("pk")).order_by("-year")
    qs = (Organisation.objects.restrict(user, action)
          .filter(kind=Organisation.Kind.ENTERPRISE, above_scale=False,
                  industry_code__in=tech_service_codes())
          .select_related("county")
          .annotate(revenue_yuan=Subquery(latest.values("revenue_yuan")[:1]),
                    revenue_year=Subquery(latest.values("year")[:1])))
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(credit_code__icontains=f["q"]))
    if f.get("county"):
        qs = qs.filter(county_id=f["county"])
    return qs.order_by(F("revenue_yuan").desc(nulls_last=True), "pk")


def candidate_counties(*, user: Any) -> QuerySet[Region]:
    return counties().filter(pk__in=Organisation.objects.restrict(user, "view")
                             .values("county_id"))


def conversions(*, user: Any) -> QuerySet[EntityConversion]:
    return conversion_list(user=user)


def conversion_list(*, user: Any, action: str = "view",
                    filters: dict[str, Any] | None = None) -> QuerySet[EntityConversion]:
    f = filters or {}
    qs = EntityConversion.objects.restrict(user, action).select_related(
        "enterprise__county", "recorded_by")
    if f.get("year"):
        qs = qs.filter(converted_on__year=f["year"])
    return qs.order_by("-converted_on", "-pk")


def conversion_years(*, user: Any) -> list[int]:
    return sorted({d.year for d in EntityConversion.objects.restrict(user, "view")
                   .values_list("converted_on", flat=True)}, reverse=True)


# -- attachments --------------------------------------------------------------------------

def attachments_of(*, contract: TechContract) -> QuerySet[ContractAttachment]:
    return ContractAttachment.objects.filter(contract=contract).select_related(
        "uploaded_by").order_by("id")


def attachment_detail(*, user: Any, pk: int) -> ContractAttachment:
    return ContractAttachment.objects.restrict(user, "view").get(pk=pk)
