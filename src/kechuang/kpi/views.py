"""The dashboard pages: city overview, county view, indicator drill-down, snapshots, report.

Thin: parse the year / as-of date / county, call the selectors, render. Bureau roles only;
county staff land on their own county and list only their county's records.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang.accounts.access import is_county_user
from kechuang.accounts.scoping import can
from kechuang.core.errors import DomainError
from kechuang.core.params import parse_id, parse_year
from kechuang.core.shortcuts import paginate, require, start_export
from kechuang.kpi import selectors, services
from kechuang.kpi.models import IndicatorSnapshot
from kechuang.kpi.progress import Status
from kechuang.metrics import records_table
from kechuang.plans import selectors as plan_selectors
from kechuang.plans.models import Indicator, Plan
from kechuang.regions.models import Region

MONTHS = range(1, 13)


def _plan(request: HttpRequest) -> Plan | None:
    qs = plan_selectors.plans(user=request.user)
    year = request.GET.get("year") or request.POST.get("year")
    if (n := parse_year(year)) is not None:
        return qs.filter(year=n).first()
    return qs.first()


def _as_of(request: HttpRequest, plan: Plan) -> dt.date:
    raw = request.GET.get("as_of") or request.POST.get("as_of") or ""
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return selectors.default_as_of(plan)
    return selectors.default_as_of(plan, today=day)


def _county(request: HttpRequest, plan: Plan) -> Region | None:
    return selectors.county_focus(user=request.user, plan=plan,
                                  requested=request.GET.get("county") or "")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Eight action cards with live indicators, the county ranking, as-of and year pickers."""
    require(request.user, "view", Plan)
    plan = _plan(request)
    if plan is None:  # what to do instead: who sets a plan up, and where (no shell commands)
        return render(request, "kpi/dashboard.html", {
            "plan": None, "year": parse_year(request.GET.get("year")),
            "years": plan_selectors.plan_years(user=request.user),
            "can_add_plan": can(request.user, "add", Plan)})
    as_of = _as_of(request, plan)
    county = _county(request, plan)
    board = selectors.build_dashboard(plan=plan, as_of=as_of)
    view = selectors.board_view(board, county)  # a county page: the county's own figures
    ranking_chart = {
        "names": [r.county_name for r in board.ranking],
        "scores": [float(r.score) if r.score is not None else None for r in board.ranking],
    }
    return render(request, "kpi/dashboard.html", {
        "plan": plan, "board": board, "as_of": as_of, "county": county,
        "county_user": is_county_user(request.user),  # their own county only
        "years": plan_selectors.plan_years(user=request.user),
        "counties": board.counties, "statuses": list(Status), "view": view,
        "status_counts": view.status_counts,
        "ranking_chart": ranking_chart,
        "can_snapshot": can(request.user, "add", IndicatorSnapshot),
        "periods": selectors.snapshot_periods(plan=plan)[:12],
    })


def _indicator(request: HttpRequest, pk: int) -> Indicator:
    require(request.user, "view", Indicator)
    ind = Indicator.objects.restrict(request.user, "view").select_related(
        "action__plan__region").filter(pk=pk).first()
    if ind is None:
        raise Http404
    return ind


@login_required
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One indicator: its explanation, month curve vs last year and target, counties, records."""
    ind = _indicator(request, pk)
    plan = ind.action.plan
    as_of = _as_of(request, plan)
    county = _county(request, plan)
    board = selectors.build_dashboard(plan=plan, as_of=as_of, keys=[ind.key])
    row = board.row(ind.key)
    shown = selectors.shown_row(row, county.pk if county else None) if row else None
    found = selectors.indicator_records(user=request.user, indicator_id=ind.pk, as_of=as_of,
                                        county_id=county.pk if county else None)
    page = None
    metric = None
    rows: list[Any] = []
    headers: list[Any] = []
    table_body = ""
    if found is not None:
        metric, qs = found
        page = paginate(request, qs)
        rows = list(page.object_list)
        links = selectors.record_links(user=request.user, metric=metric, records=rows)
        table = records_table(metric)
        headers = [c.label for c in table.page_columns()]
        table_body = table.body(rows, links={
            obj.pk: link for obj, link in zip(rows, links, strict=True) if link})
    months = [_("%(m)s月") % {"m": m} for m in MONTHS]
    line = None
    # a county page draws the county's curves against its share; the city's only where the
    # indicator has no county figure (then the page says 全市)
    place = county.pk if county is not None and shown and not shown.is_city else None
    who = county.name if place is not None else _("全市")
    this_year, last_year = row.curves(place) if row else (None, None)
    target = shown.goal if shown and shown.progress.goal_kind == "target" else (
        ind.target if place is None else None)
    if this_year:
        cut = as_of.month if as_of.year == plan.year else 12
        line = {"months": months,
                "this_year": [float(v) for v in this_year[:cut]],
                "last_year": [float(v) for v in last_year] if last_year else [],
                "target": float(target) if target is not None else None,
                "labels": {"this_year": _("%(who)s%(year)s年累计") % {"who": who,
                                                                     "year": plan.year},
                           "last_year": _("%(who)s%(year)s年累计") % {"who": who,
                                                                     "year": plan.year - 1},
                           "target": _("%(who)s目标") % {"who": who}}}
    if line is None and row and row.source_kind == "reported":
        members = (board.attribution.members(place)
                   if place is not None and board.attribution is not None else None)
        curve = selectors.reported_curve(indicator=ind, year=plan.year, as_of=as_of,
                                         county_id=place, members=members)
        last = selectors.reported_curve(indicator=ind, year=plan.year - 1,
                                        as_of=dt.date(plan.year - 1, 12, 31),
                                        county_id=place, members=members)
        if any(v is not None for v in curve):
            line = {"months": months,
                    "this_year": [float(v) if v is not None else None for v in curve],
                    "last_year": [float(v) if v is not None else None for v in last]
                    if any(v is not None for v in last) else [],
                    "target": float(target) if target is not None else None,
                    "labels": {"this_year": _("%(who)s%(year)s年（审核通过）") % {
                                   "who": who, "year": plan.year},
                               "last_year": _("%(who)s%(year)s年") % {
                                   "who": who, "year": plan.year - 1},
                               "target": _("%(who)s目标") % {"who": who}}}
    bars = {"names": [f.county_name for f in row.counties] if row else [],
            "values": [float(f.value) if f.value is not None else None
                       for f in (row.counties if row else [])],
            "shares": [float(f.share) if f.share is not None else None
                       for f in (row.counties if row else [])],
            "labels": {"value": _("当前值"), "share": _("分解目标")}}
    reported_trail = None
    if row and row.source_kind == "reported":
        reported_trail = selectors.reported_trail(user=request.user, indicator=ind,
                                                  county_id=county.pk if county else None)
    filters = {"as_of": as_of.isoformat()}
    if county is not None:
        filters["county"] = county.pk
    return render(request, "kpi/indicator_detail.html", {
        "ind": ind, "plan": plan, "as_of": as_of, "county": county, "row": row,
        "shown": shown, "metric": metric, "page": page, "rows": rows,
        "headers": headers, "table_body": table_body,
        "line_chart": line, "bar_chart": bars,
        "reported_trail": reported_trail, "filters": filters,
        "export_url": reverse("kpi:indicator_records_export", kwargs={"pk": ind.pk}),
        "counties": board.counties, "county_user": is_county_user(request.user),
        "folded": selectors.folded_into(board, county),  # zones counted under it
        **_source_context(request.user, ind),
    })


def _source_context(user: Any, ind: Any) -> dict[str, Any]:
    """Whether the indicator takes the official statistic, and what the user may do about it."""
    from kechuang.reported.models import ReportedValue, SourceOverride, has_live_source
    from kechuang.reported.selectors import source_override

    return {"source_override": source_override(user=user, indicator=ind),
            "can_report": can(user, "add", ReportedValue),
            "can_set_source": has_live_source(ind) and can(user, "change", SourceOverride)}


@login_required
@require_POST
def indicator_records_export(request: HttpRequest, pk: int) -> HttpResponse:
    ind = _indicator(request, pk)
    plan = ind.action.plan
    as_of = _as_of(request, plan)
    if is_county_user(request.user):
        county = request.user.county_id
    else:
        county = parse_id(request.POST.get("county"))
    return start_export(request, kind="kpi.records_export",
                        title=_("%(name)s 明细") % {"name": ind.name},
                        params={"indicator_id": ind.pk, "as_of": as_of.isoformat(),
                                "county_id": county})


@login_required
def snapshot_list(request: HttpRequest) -> HttpResponse:
    """Monthly snapshots of the plan: which months are frozen, and the frozen figures."""
    require(request.user, "view", IndicatorSnapshot)
    plan = _plan(request)
    periods = selectors.snapshot_periods(plan=plan) if plan else []
    chosen = None
    raw = request.GET.get("period") or ""
    try:
        chosen = dt.date.fromisoformat(raw)
    except ValueError:
        chosen = periods[0] if periods else None
    board = selectors.snapshot_dashboard(plan=plan, period_end=chosen) if plan and chosen \
        else None
    return render(request, "kpi/snapshot_list.html", {
        "plan": plan, "periods": periods, "chosen": chosen, "board": board,
        "can_snapshot": can(request.user, "add", IndicatorSnapshot),
        "years": plan_selectors.plan_years(user=request.user),
    })


@login_required
@require_POST
def snapshot_take(request: HttpRequest) -> HttpResponse:
    require(request.user, "add", IndicatorSnapshot)
    plan = _plan(request)
    if plan is None:
        raise Http404
    try:
        period_end = dt.date.fromisoformat(request.POST.get("period_end") or "")
    except ValueError:
        messages.error(request, _("请填写统计截止日期（如 2025-10-31）"))
        return redirect(f"{reverse('kpi:snapshot_list')}?year={plan.year}")
    try:
        result = services.take_snapshot(plan=plan, period_end=period_end, actor=request.user,
                                        replace=request.POST.get("replace") == "1")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('kpi:snapshot_list')}?year={plan.year}")
    if result.skipped:
        messages.info(request, _("%(date)s 的快照已存在（%(n)s 条），未重新生成；"
                                 "如需覆盖请勾选“重新生成”。")
                      % {"date": period_end.isoformat(), "n": result.rows})
    else:
        messages.success(request, _("已生成 %(date)s 的指标快照：%(n)s 条，"
                                    "发出滞后提醒 %(w)s 条。")
                         % {"date": period_end.isoformat(), "n": result.rows,
                            "w": result.warnings})
    return redirect(f"{reverse('kpi:snapshot_list')}?year={plan.year}"
                    f"&period={period_end.isoformat()}")


REPORT_FORMATS = {"docx": "Word", "pdf": "PDF", "xlsx": "Excel"}


@login_required
@require_POST
def monthly_report(request: HttpRequest) -> HttpResponse:
    """Start the 科技工作进展月报 job (docx, pdf or xlsx) for a plan and as-of date."""
    require(request.user, "view", Plan)
    plan = _plan(request)
    if plan is None:
        raise Http404
    fmt_ = request.POST.get("format") or "docx"
    if fmt_ not in REPORT_FORMATS:
        raise PermissionDenied
    as_of = _as_of(request, plan)
    return start_export(request, kind="kpi.monthly_report",
                        title=_("科技工作进展月报（%(date)s，%(fmt)s）")
                        % {"date": as_of.isoformat(), "fmt": REPORT_FORMATS[fmt_]},
                        params={"plan_id": plan.pk, "as_of": as_of.isoformat(),
                                "format": fmt_})


@login_required
def report_source(request: HttpRequest) -> HttpResponse:
    """Which figures the month report of a date will use: live, or the snapshot (when it was
    taken, whether records changed after it, whether it still agrees), with its refresh."""
    require(request.user, "view", Plan)
    plan = _plan(request)
    if plan is None:
        raise Http404
    as_of = _as_of(request, plan)
    state = selectors.snapshot_state(plan=plan, period_end=as_of)
    return render(request, "kpi/report/source.html", {
        "plan": plan, "as_of": as_of, "state": state, "formats": REPORT_FORMATS,
        "can_refresh": can(request.user, "add", IndicatorSnapshot),
    })


@login_required
@require_POST
def report_snapshot_refresh(request: HttpRequest) -> HttpResponse:
    """One click: re-take the snapshot of the report's date (audited by take_snapshot)."""
    if not can(request.user, "add", IndicatorSnapshot):
        raise PermissionDenied
    plan = _plan(request)
    if plan is None:
        raise Http404
    as_of = _as_of(request, plan)
    back = f"{reverse('kpi:report_source')}?year={plan.year}&as_of={as_of.isoformat()}"
    try:
        result = services.take_snapshot(plan=plan, period_end=as_of, actor=request.user,
                                        replace=True)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("已刷新 %(date)s 的指标快照：%(n)s 条。")
                     % {"date": as_of.isoformat(), "n": result.rows})
    return redirect(back)
