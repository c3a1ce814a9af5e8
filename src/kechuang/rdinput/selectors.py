"""Reads of the R&D-input module, each starting from ``restrict(user, action)``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum

from kechuang.accounts.scoping import can
from kechuang.orgs import selectors as org_selectors
from kechuang.orgs.models import ChainMembership, EnterpriseAnnualReport, Organisation
from kechuang.policy.innovation_points import EnterprisePoints, IndicatorScore, headroom
from kechuang.policy.rd_intensity import (
    EnterpriseIntensitySeries,
    RdIntensityResult,
    RegionalRdInput,
    enterprise_intensity_series,
    evaluate_rd_intensity,
)
from kechuang.rdinput.models import (
    FiscalEvidence,
    FiscalReport,
    IntensityFigure,
    PointsModel,
    PointsResult,
    PointsRun,
    RdReserveFund,
)
from kechuang.regions.models import Region
from kechuang.regions.selectors import counties

ANCHOR_ROLES = (ChainMembership.Role.CHAIN_LEADER, ChainMembership.Role.CHAIN_CORE)
HUNDRED = Decimal(100)


def anchors() -> QuerySet:
    """Ids of the chain-leader and chain-core enterprises of the key chains (orgs facts)."""
    return ChainMembership.objects.filter(role__in=ANCHOR_ROLES).values("organisation_id")


# -- fiscal reports ----------------------------------------------------------------------------

def fiscal_list(*, user: Any, action: str = "view",
                filters: dict[str, Any] | None = None) -> QuerySet[FiscalReport]:
    f = filters or {}
    qs = FiscalReport.objects.restrict(user, action).select_related("county", "submitted_by")
    if f.get("county"):
        qs = qs.filter(county_id=f["county"])
    if f.get("year"):
        qs = qs.filter(year=f["year"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    return qs.order_by("-year", "county__sort_order", "county__code", "pk")


def fiscal_detail(*, user: Any, pk: int, action: str = "view") -> FiscalReport:
    return FiscalReport.objects.restrict(user, action).select_related(
        "county", "submitted_by", "reviewed_by").get(pk=pk)


def evidence_of(*, report: FiscalReport) -> QuerySet[FiscalEvidence]:
    return FiscalEvidence.objects.filter(report=report).order_by("id")


def evidence_detail(*, user: Any, pk: int) -> FiscalEvidence:
    return FiscalEvidence.objects.restrict(user, "view").get(pk=pk)


def fiscal_years(*, user: Any) -> list[int]:
    return sorted(set(FiscalReport.objects.restrict(user, "view").values_list("year", flat=True)),
                  reverse=True)


def filter_counties(*, user: Any) -> QuerySet[Region]:
    ids = FiscalReport.objects.restrict(user, "view").values("county_id")
    return counties().filter(pk__in=ids)


def fileable_counties(*, user: Any) -> QuerySet[Region]:
    """Counties the user may file for: their own (county staff) or every county (city)."""
    qs = counties()
    county_id = getattr(user, "county_id", None)
    if county_id and not can(user, "approve", FiscalReport):
        qs = qs.filter(pk=county_id)
    return qs


@dataclass
class RankRow:
    county: Region
    report: FiscalReport | None
    actual: Decimal | None
    budget: Decimal | None
    last_actual: Decimal | None
    growth_pct: Decimal | None
    rank: int | None = None


def _growth(now: Decimal | None, last: Decimal | None) -> Decimal | None:
    if now is None or not last:
        return None
    return ((now - last) * HUNDRED / last).quantize(Decimal("0.01"))


def fiscal_ranking(*, user: Any, year: int) -> list[RankRow]:
    """Each county in scope: approved actual (and budget) of ``year``, last year's actual,
    growth, and the rank by actual spending (competition ranking; no actual: unranked)."""
    approved = FiscalReport.objects.restrict(user, "view").filter(
        status=FiscalReport.Status.APPROVED, year__in=(year, year - 1))
    by = {(r.county_id, r.year): r for r in approved}
    county_id = getattr(user, "county_id", None)
    qs = counties()
    if not can(user, "approve", FiscalReport) and county_id:
        qs = qs.filter(pk=county_id)
    rows = []
    for c in qs:
        now, last = by.get((c.pk, year)), by.get((c.pk, year - 1))
        actual = now.actual_wan if now else None
        last_actual = last.actual_wan if last else None
        rows.append(RankRow(c, now, actual, now.budget_wan if now else None, last_actual,
                            _growth(actual, last_actual)))
    ranked = sorted((r.actual for r in rows if r.actual is not None), reverse=True)
    for r in rows:
        if r.actual is not None:
            r.rank = ranked.index(r.actual) + 1
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.county.sort_order, r.county.code))
    return rows


def ranking_total(rows: list[RankRow]) -> tuple[Decimal, Decimal]:
    """The city total of the listed counties: actual and last year's actual (万元)."""
    return (sum((r.actual or Decimal(0) for r in rows), Decimal(0)),
            sum((r.last_actual or Decimal(0) for r in rows), Decimal(0)))


# -- reserve funds -----------------------------------------------------------------------------

def reserve_list(*, user: Any, action: str = "view",
                 filters: dict[str, Any] | None = None) -> QuerySet[RdReserveFund]:
    f = filters or {}
    qs = (RdReserveFund.objects.restrict(user, action)
          .select_related("enterprise__county")
          .annotate(is_anchor=Exists(ChainMembership.objects.filter(
              organisation_id=OuterRef("enterprise_id"), role__in=ANCHOR_ROLES))))
    if f.get("q"):
        qs = qs.filter(Q(enterprise__name__icontains=f["q"])
                       | Q(enterprise__credit_code__icontains=f["q"]))
    if f.get("county"):
        qs = qs.filter(enterprise__county_id=f["county"])
    if f.get("year"):
        qs = qs.filter(year=f["year"])
    if f.get("anchor") == "yes":
        qs = qs.filter(is_anchor=True)
    elif f.get("anchor") == "no":
        qs = qs.filter(is_anchor=False)
    return qs.order_by("-year", "enterprise__name", "pk")


def reserve_detail(*, user: Any, pk: int, action: str = "view") -> RdReserveFund:
    return RdReserveFund.objects.restrict(user, action).select_related(
        "enterprise__county").get(pk=pk)


def reserve_years(*, user: Any) -> list[int]:
    return sorted(set(RdReserveFund.objects.restrict(user, "view").values_list(
        "year", flat=True)), reverse=True)


def reserve_enterprises(*, user: Any) -> QuerySet[Organisation]:
    """Enterprises the user may register a fund for (the user's own scope of enterprises)."""
    return Organisation.objects.restrict(user, "view").filter(
        kind=Organisation.Kind.ENTERPRISE).order_by("name")


def anchors_without_reserve(*, user: Any, year: int) -> QuerySet[Organisation]:
    """The chain leaders and cores in scope with no fund registered for ``year`` (to do)."""
    funded = RdReserveFund.objects.filter(year=year, provision_yuan__gt=0).values("enterprise_id")
    return (Organisation.objects.restrict(user, "view")
            .filter(kind=Organisation.Kind.ENTERPRISE, pk__in=anchors())
            .exclude(pk__in=funded).select_related("county").order_by("name"))


# -- innovation points -------------------------------------------------------------------------

def points_models(*, user: Any) -> QuerySet[PointsModel]:
    return PointsModel.objects.restrict(user, "view").order_by("example", "name")


def points_model(*, user: Any, pk: int, action: str = "view") -> PointsModel:
    return PointsModel.objects.restrict(user, action).get(pk=pk)


def runs_of(*, user: Any, model: PointsModel | None = None) -> QuerySet[PointsRun]:
    qs = PointsRun.objects.restrict(user, "view").select_related("model", "started_by", "job")
    if model is not None:
        qs = qs.filter(model=model)
    if not can(user, "approve", PointsRun):
        qs = qs.filter(published_at__isnull=False)
    return qs.order_by("-started_at", "-pk")


def points_run(*, user: Any, pk: int) -> PointsRun:
    return runs_of(user=user).get(pk=pk)


def result_list(*, user: Any, action: str = "view",
                filters: dict[str, Any] | None = None) -> QuerySet[PointsResult]:
    """A run's results the user may see: the city every run's, others published runs' only."""
    f = filters or {}
    qs = PointsResult.objects.restrict(user, action).select_related(
        "enterprise__county", "run__model")
    if not can(user, "approve", PointsRun):
        qs = qs.filter(run__published_at__isnull=False)
    if f.get("run"):
        qs = qs.filter(run_id=f["run"])
    if f.get("q"):
        qs = qs.filter(Q(enterprise__name__icontains=f["q"])
                       | Q(enterprise__credit_code__icontains=f["q"]))
    if f.get("stage"):
        qs = qs.filter(stage=f["stage"])
    if f.get("tier"):
        qs = qs.filter(tier=f["tier"])
    if f.get("county"):
        qs = qs.filter(enterprise__county_id=f["county"])
    return qs.order_by("run_id", "stage", "rank", "pk")


def my_results(*, user: Any) -> QuerySet[PointsResult]:
    """An enterprise user's own scores in published runs, newest first."""
    return (PointsResult.objects.restrict(user, "view")
            .filter(run__published_at__isnull=False, enterprise_id=user.organisation_id)
            .select_related("run__model", "enterprise").order_by("-run__year", "-run__pk"))


def _exact(value: Any) -> Fraction:
    """A stored exact value (``{"fraction": "n/d"}`` of the pure rule's JSON) back to a Fraction."""
    return Fraction(value["fraction"]) if isinstance(value, dict) else Fraction(value or 0)


def explain(result: PointsResult) -> list[Any]:
    """What moves an enterprise's points: each indicator's remaining room (pure rule)."""
    scores = [IndicatorScore(s["indicator"], s["label"], None, _exact(s["score_exact"]),
                             Decimal(s["weight"]), _exact(s["weighted_exact"]), s["message"])
              for s in result.scores]
    p = EnterprisePoints(str(result.enterprise_id), "", result.stage, result.stage_name,
                         Fraction(result.total_exact), result.rank, result.cohort_size,
                         result.tier or None, result.tier_name, scores)
    return headroom(p)


# -- R&D intensity -----------------------------------------------------------------------------

REPORTS_RD_SOURCE = "企业年报研发费用合计"


def _reports_of(year: Any) -> QuerySet:
    """The enterprises' annual reports of a year (orgs facts; the city-wide estimate's base)."""
    return EnterpriseAnnualReport.objects.filter(
        year=year, enterprise__kind=Organisation.Kind.ENTERPRISE)


def with_report_totals(qs: QuerySet[IntensityFigure]) -> QuerySet[IntensityFigure]:
    """Each figure with Σ 研发费用 and the count of its year's annual reports (two subqueries:
    no query per row when a list shows the estimate)."""
    per_year = _reports_of(OuterRef("year")).order_by().values("year")
    return qs.annotate(
        reports_rd_total=Subquery(per_year.annotate(t=Sum("rd_expense_yuan")).values("t")),
        reports_count=Subquery(per_year.annotate(n=Count("pk")).values("n")))


def report_rd_total(figure: IntensityFigure) -> tuple[Decimal, int]:
    """Σ 研发费用 of the year's enterprise annual reports and how many enterprises reported
    (from :func:`with_report_totals` when annotated, else one aggregate query)."""
    if hasattr(figure, "reports_count"):
        total, n = figure.reports_rd_total, figure.reports_count
    else:
        agg = _reports_of(figure.year).aggregate(t=Sum("rd_expense_yuan"), n=Count("pk"))
        total, n = agg["t"], agg["n"]
    return Decimal(total or 0), int(n or 0)


def intensity_list(*, user: Any, action: str = "view",
                   filters: dict[str, Any] | None = None) -> QuerySet[IntensityFigure]:
    f = filters or {}
    qs = with_report_totals(IntensityFigure.objects.restrict(user, action)
                            .select_related("recorded_by"))
    if f.get("year"):
        qs = qs.filter(year=f["year"])
    return qs.order_by("-year")


def intensity_detail(*, user: Any, pk: int, action: str = "view") -> IntensityFigure:
    return IntensityFigure.objects.restrict(user, action).get(pk=pk)


def evaluate_figure(figure: IntensityFigure, region: str = "") -> RdIntensityResult:
    """The pure rule's reading of a figure: official when published, else the estimate.

    The estimate's R&D spending: an amount the bureau entered (R&D 经费内部支出 from another
    source) when there is one, else the sum of the year's enterprise annual reports'
    研发费用, labelled with how many enterprises reported (0 reports: no estimate)."""
    rd, source, coverage = figure.rd_expenditure_yuan, "", None
    if rd is None:
        rd, coverage = report_rd_total(figure)
        source = REPORTS_RD_SOURCE
    return evaluate_rd_intensity(RegionalRdInput(
        region=region, year=figure.year, rd_expenditure_yuan=rd, gdp_yuan=figure.gdp_yuan,
        official_intensity_pct=figure.official_pct, official_source=figure.official_source,
        rd_source=source, rd_coverage=coverage))


# -- enterprise intensity (the enterprise page's panel) ---------------------------------------

def enterprise_intensity(*, user: Any, enterprise: Organisation) -> EnterpriseIntensitySeries:
    """研发费用 ÷ 营业收入 of each year the enterprise's annual reports give, scope named
    (企业年报，未经审计). The reports are read through ``orgs.selectors.annual_reports`` — the
    viewer's own scope: the enterprise itself, county staff their county's, the city all."""
    rows = (org_selectors.annual_reports(user=user, enterprise=enterprise)
            .order_by("year").values("year", "rd_expense_yuan", "revenue_yuan"))
    return enterprise_intensity_series(enterprise.name, rows, scope="annual_report")
