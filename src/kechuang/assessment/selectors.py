"""Reads of the assessment app, always through ``restrict()``.

Self-assessment is a read: :func:`self_assessment` loads the enterprise's reports the user
may see and runs the engine; a what-if passes other figures for the year and stores nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from kechuang.assessment.engine import Assessment, assess
from kechuang.assessment.inputs import HNTE_WINDOW, EnterpriseFacts, figures_from_report
from kechuang.assessment.models import EvaluationResult, EvaluationRun
from kechuang.orgs import facts
from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport


def enterprise(*, user: Any, pk: int) -> Enterprise:
    """The enterprise if the user may view it (DoesNotExist otherwise → 404)."""
    return Enterprise.objects.restrict(user, "view").select_related("county").get(pk=pk)


def report_years(*, user: Any, enterprise: Enterprise) -> list[int]:
    """The years of the enterprise's annual reports, newest first."""
    return list(EnterpriseAnnualReport.objects.restrict(user, "view")
                .filter(enterprise=enterprise).order_by("-year")
                .values_list("year", flat=True))


def figures_window(*, user: Any, enterprise: Enterprise, year: int) -> dict[int, Any]:
    """AnnualFigures of ``year`` and the two years before it that exist (the HNTE window)."""
    reports = (EnterpriseAnnualReport.objects.restrict(user, "view")
               .filter(enterprise=enterprise, year__lte=year, year__gt=year - HNTE_WINDOW))
    return {r.year: figures_from_report(r) for r in reports}


def self_assessment(*, user: Any, enterprise: Enterprise, year: int, as_of: dt.date,
                    changes: dict[str, Any] | None = None) -> Assessment | None:
    """The three rules on the report of ``year`` (None when there is no such report)."""
    figures = figures_window(user=user, enterprise=enterprise, year=year)
    if year not in figures:
        return None
    return assess(EnterpriseFacts.of(enterprise), figures, year=year, as_of=as_of,
                  changes=changes)


# -- batch results ----------------------------------------------------------------------------


# Results of completed runs only: a run in progress is invisible until it completes, and a
# failed one never completes (its partial rows are deleted by services.purge_failed_runs).
COMPLETED = Q(run__finished_at__isnull=False, run__failed_at__isnull=True)


def finished_results() -> QuerySet[EvaluationResult]:
    """Results of finished runs only (a run in progress is invisible until it completes)."""
    return EvaluationResult.objects.filter(COMPLETED)


def latest_results(*, enterprise_ids: Any, year: int, rule: str) -> dict[int, EvaluationResult]:
    """enterprise id → its stored result for data ``year`` and ``rule`` (one query).

    For the cultivation app's candidate pool. The caller passes ids it has already scoped.
    Should two finished runs overlap for an enterprise, the newest result wins.
    """
    rows = (finished_results()
            .filter(enterprise_id__in=list(enterprise_ids), year=year, rule=rule)
            .order_by("enterprise_id", "computed_at", "pk"))
    return {r.enterprise_id: r for r in rows}


def _unregistered(qs: QuerySet[EvaluationResult]) -> QuerySet[EvaluationResult]:
    """Would qualify as tech SME but no registration (入库) for the evaluation year = year + 1."""
    qs = qs.filter(rule="tech_sme", eligible=True)
    if not facts.registered_tech_smes.available:
        return qs
    registered = facts.registered_tech_smes().filter(enterprise_id=OuterRef("enterprise_id"),
                                                     year=OuterRef("year") + 1)
    return qs.filter(~Exists(registered))


def result_list(*, user: Any, action: str = "view",
                filters: dict[str, Any] | None = None) -> QuerySet[EvaluationResult]:
    """The stored results a user may see, filtered; the page and the export read the same rows.

    ``near`` = N: high-tech candidates within N points (not eligible, only the score
    missing, ``gap_points ≤ N``); ``unregistered``: would qualify as tech SME, not registered.
    """
    f = filters or {}
    qs = (EvaluationResult.objects.restrict(user, action)
          .filter(COMPLETED)
          .select_related("enterprise", "enterprise__county"))
    if f.get("year"):
        qs = qs.filter(year=f["year"])
    if f.get("rule"):
        qs = qs.filter(rule=f["rule"])
    if f.get("county"):
        qs = qs.filter(enterprise__county_id=f["county"])
    if f.get("eligible") in (True, "1", "true", "True"):
        qs = qs.filter(eligible=True)
    elif f.get("eligible") in (False, "0", "false", "False"):
        qs = qs.filter(eligible=False)
    if f.get("unregistered"):
        qs = _unregistered(qs)
    near = f.get("near")
    if near not in (None, ""):
        qs = qs.filter(eligible=False, gap_points__isnull=False, gap_points__lte=near)
        if not f.get("rule"):
            qs = qs.filter(rule="high_tech")
    if f.get("q"):
        term = str(f["q"]).strip()
        qs = qs.filter(Q(enterprise__name__icontains=term)
                       | Q(enterprise__credit_code__icontains=term.upper()))
    return qs.order_by("-year", "enterprise__name", "enterprise_id", "rule")


def result_years(*, user: Any) -> list[int]:
    return list(EvaluationResult.objects.restrict(user, "view")
                .filter(COMPLETED).order_by("-year")
                .values_list("year", flat=True).distinct())


def runs(*, user: Any) -> QuerySet[EvaluationRun]:
    return (EvaluationRun.objects.restrict(user, "view")
            .select_related("county", "started_by", "job").order_by("-created_at", "-id"))
