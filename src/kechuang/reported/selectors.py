"""Reads of reported values: scoped lists for pages, API and export; approved figures for KPIs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from kechuang import metrics
from kechuang.accounts.access import can_report_city_indicator
from kechuang.plans.models import Indicator
from kechuang.regions.models import Region
from kechuang.regions.selectors import counties
from kechuang.reported.models import Evidence, ReportedValue, SourceOverride

CITY = "city"  # the county filter's value for city-level rows (county empty)


def value_list(*, user: Any, action: str = "view",
               filters: dict[str, Any] | None = None) -> QuerySet[ReportedValue]:
    """The rows a user may see, filtered; the same rows feed the page, the API and the export."""
    f = filters or {}
    qs = ReportedValue.objects.restrict(user, action).select_related(
        "indicator", "county", "submitted_by", "reviewed_by")
    if f.get("indicator"):
        qs = qs.filter(indicator_id=f["indicator"])
    if f.get("county") == CITY:
        qs = qs.filter(county__isnull=True)
    elif f.get("county"):
        qs = qs.filter(county_id=f["county"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("year"):
        qs = qs.filter(period_end__year=f["year"])
    return qs.order_by("-submitted_at", "-id")


def value_detail(*, user: Any, pk: int, action: str = "view") -> ReportedValue:
    return ReportedValue.objects.restrict(user, action).select_related(
        "indicator", "indicator__action__plan", "county", "submitted_by", "reviewed_by"
    ).get(pk=pk)


def evidence_of(*, value: ReportedValue) -> QuerySet[Evidence]:
    """The files of a row the caller has already read through restrict()."""
    return Evidence.objects.filter(reported_value=value).order_by("id")


def evidence_detail(*, user: Any, pk: int) -> Evidence:
    """One file, only if the user may view its reported value (else DoesNotExist → 404)."""
    return Evidence.objects.restrict(user, "view").get(pk=pk)


def history_of(*, value: ReportedValue) -> QuerySet[ReportedValue]:
    """Every submission of the same (indicator, county, period_end), newest first."""
    return ReportedValue.objects.filter(
        indicator_id=value.indicator_id, county_id=value.county_id,
        period_end=value.period_end).select_related("submitted_by", "reviewed_by").order_by(
        "-submitted_at", "-id")


def takes_reported_q() -> Q:
    """The indicators that take reported values (``models.takes_reported_values`` as a filter):
    no registered metric counts them, or the bureau chose the official statistic."""
    live = [key for key, _label in metrics.choices()]
    counted = (Q(metric="") & Q(key__in=live)) | (~Q(metric="") & Q(metric__in=live))
    return ~counted | Q(source_override__use_reported=True)


def reported_indicators(*, user: Any, submit: bool = False) -> QuerySet[Indicator]:
    """Indicators that take reported values, from the plans the user may see; ``submit``:
    only those the user may report — a county clerk reports county-level indicators only
    (a city indicator's figure is the city's)."""
    qs = Indicator.objects.restrict(user, "view").filter(takes_reported_q())
    if submit and not can_report_city_indicator(user):
        qs = qs.filter(scope=Indicator.Scope.COUNTY)
    return qs.select_related("action__plan").order_by(
        "-action__plan__year", "action__number", "sort_order", "id")


def submit_counties(*, user: Any) -> QuerySet[Region]:
    """Counties a user may submit for: all for city roles, their own for county staff."""
    if can_report_city_indicator(user):
        return counties()
    if getattr(user, "county_id", None):
        return counties().filter(pk=user.county_id)
    return counties().none()


def filter_counties(*, user: Any) -> QuerySet[Region]:
    return submit_counties(user=user)


def value_years(*, user: Any) -> list[int]:
    dates = ReportedValue.objects.restrict(user, "view").dates("period_end", "year",
                                                                order="DESC")
    return [d.year for d in dates]


def official_indicator_ids(*, indicator_ids: Iterable[int]) -> set[int]:
    """Of these indicators, those the bureau set to take the official (reported) statistic
    instead of the counted figure (one query)."""
    return set(SourceOverride.objects.filter(indicator_id__in=list(indicator_ids),
                                             use_reported=True)
               .values_list("indicator_id", flat=True))


def indicator_for_source(*, user: Any, pk: int) -> Indicator | None:
    return Indicator.objects.restrict(user, "view").select_related("action__plan").filter(
        pk=pk).first()


def source_override(*, user: Any, indicator: Indicator) -> SourceOverride | None:
    return SourceOverride.objects.restrict(user, "view").filter(indicator=indicator).first()


# ---- approved figures (the dashboard) ----------------------------------------------------
#
# Unscoped like other city-wide KPI figures: the caller decides who sees the dashboard.
# One query each, rows reduced in Python (the latest approval per key wins).

_APPROVED_FIELDS = ("id", "indicator_id", "county_id", "period_end", "value", "reviewed_at",
                    "reviewed_by__first_name", "reviewed_by__last_name",
                    "reviewed_by__username")


@dataclass(frozen=True)
class ApprovedValue:
    value: Decimal
    period_end: dt.date
    reported_value_id: int
    approved_by: str
    approved_at: dt.datetime


def _name(row: dict[str, Any]) -> str:
    full = f"{row['reviewed_by__first_name'] or ''} {row['reviewed_by__last_name'] or ''}"
    return full.strip() or row["reviewed_by__username"] or ""


def _approved(**filters: Any):
    return ReportedValue.objects.filter(status=ReportedValue.Status.APPROVED, **filters)


def approved_values(*, indicator_ids: Iterable[int],
                    as_of: dt.date) -> dict[tuple[int, int | None], ApprovedValue]:
    """Latest approved value per (indicator_id, county_id or None) with period_end <= as_of.

    "Latest": the greatest period_end; for the same period_end the latest approval (a
    resubmitted correction replaces the earlier figure).
    """
    ids = list(indicator_ids)
    if not ids:
        return {}
    rows = _approved(indicator_id__in=ids, period_end__lte=as_of).order_by(
        "indicator_id", "county_id", "-period_end", "-reviewed_at", "-id").values(
        *_APPROVED_FIELDS)
    out: dict[tuple[int, int | None], ApprovedValue] = {}
    for row in rows:
        key = (row["indicator_id"], row["county_id"])
        if key not in out:
            out[key] = ApprovedValue(value=row["value"], period_end=row["period_end"],
                                     reported_value_id=row["id"], approved_by=_name(row),
                                     approved_at=row["reviewed_at"])
    return out


def approved_series(*, indicator_id: int, year: int,
                    county_id: int | None = None) -> dict[int, Decimal]:
    """Month (1–12) → the latest approved value whose period_end falls in that month of year.

    ``county_id=None`` reads the city-level rows.
    """
    rows = _approved(indicator_id=indicator_id, period_end__year=year,
                     county_id=county_id).order_by("period_end", "reviewed_at", "id").values_list(
        "period_end", "value")
    out: dict[int, Decimal] = {}
    for period_end, value in rows:
        out[period_end.month] = value  # ascending: the latest date, then approval, wins
    return out
