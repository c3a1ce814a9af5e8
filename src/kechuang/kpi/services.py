"""Writes of the KPI module: monthly snapshots, and the warnings they raise.

A snapshot is system data computed from audited records; taking one is itself audited
(one change record per snapshot run, not per row), so "who froze October's figures, and
when" has an answer.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kechuang.accounts.access import county_staff
from kechuang.accounts.scoping import can
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change
from kechuang.core.errors import DomainError
from kechuang.core.scheduler import daily
from kechuang.kpi.models import IndicatorSnapshot
from kechuang.kpi.progress import Status
from kechuang.kpi.selectors import Dashboard, build_dashboard
from kechuang.plans.models import Plan


@dataclass(frozen=True)
class SnapshotResult:
    plan: Plan
    period_end: dt.date
    rows: int
    replaced: int
    warnings: int
    skipped: bool = False


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def previous_month_end(today: dt.date) -> dt.date:
    first = today.replace(day=1)
    return first - dt.timedelta(days=1)


def _rows_of(dashboard: Dashboard) -> list[IndicatorSnapshot]:
    out = []
    for row in dashboard.rows:
        p = row.progress
        out.append(IndicatorSnapshot(
            plan=dashboard.plan, indicator=row.indicator, county=None,
            period_end=dashboard.as_of, source_kind=row.source_kind, value=p.value,
            goal=p.goal, goal_kind=p.goal_kind, share=None, pct_of_goal=p.pct_of_goal,
            expected_pct=p.expected_pct, expected_basis=p.expected_basis, forecast=p.forecast,
            last_year_value=row.last_year_value, status=p.status.value,
            explanation=p.explanation))
        for fig in row.counties:
            q = fig.progress
            out.append(IndicatorSnapshot(
                plan=dashboard.plan, indicator=row.indicator, county_id=fig.county_id,
                period_end=dashboard.as_of, source_kind=row.source_kind, value=fig.value,
                goal=q.goal, goal_kind=q.goal_kind, share=fig.share, pct_of_goal=q.pct_of_goal,
                expected_pct=q.expected_pct, expected_basis=q.expected_basis,
                forecast=q.forecast, last_year_value=q.goal if q.goal_kind == "last_year"
                else None, status=q.status.value, explanation=q.explanation))
    return out


def snapshot_reason(period_end: dt.date, replaced: int = 0) -> str:
    """What the change record of a snapshot run says it was: 生成月度指标快照 2025-10.

    The record hangs on the plan (the snapshot's owner); without this reason the audit list
    read "新增 工作要点" for every month.
    """
    text = _("生成月度指标快照 %(period)s") % {"period": f"{period_end:%Y-%m}"}
    if replaced:
        text += _("（重新生成，替换原有 %(n)s 行）") % {"n": replaced}
    return text


def take_snapshot(*, plan: Plan, period_end: dt.date, actor: Any = None,
                  replace: bool = False) -> SnapshotResult:
    """Freeze every indicator of ``plan`` at ``period_end``; warn counties that fell behind.

    ``actor`` None is the scheduler. An existing snapshot of the period is kept unless
    ``replace`` (a city user re-taking it after a correction; audited with the old count).
    """
    if actor is not None and not can(actor, "add", IndicatorSnapshot):
        raise PermissionDenied
    if period_end.year != plan.year:
        raise DomainError(_("统计截止日须在工作要点年度（%(year)s年）内") % {"year": plan.year},
                          field="period_end")
    with transaction.atomic():
        existing = IndicatorSnapshot.objects.select_for_update().filter(
            plan=plan, period_end=period_end)
        count = existing.count()
        if count and not replace:
            return SnapshotResult(plan, period_end, count, 0, 0, skipped=True)
        if count:
            existing.delete()
        dashboard = build_dashboard(plan=plan, as_of=period_end)
        rows = _rows_of(dashboard)
        IndicatorSnapshot.objects.bulk_create(rows, batch_size=500)
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=plan,
                      after={"snapshot_period_end": period_end.isoformat(), "rows": len(rows),
                             "replaced_rows": count},
                      reason=snapshot_reason(period_end, count))
        warnings = _warn_behind(plan, period_end)
    return SnapshotResult(plan, period_end, len(rows), count, warnings)


def _warn_behind(plan: Plan, period_end: dt.date) -> int:
    """Notify each county's staff of indicators that turned "behind" since the last snapshot."""
    from kechuang.notices.services import notify

    now = IndicatorSnapshot.objects.filter(plan=plan, period_end=period_end,
                                           county__isnull=False)
    previous_end = (IndicatorSnapshot.objects.filter(plan=plan, period_end__lt=period_end)
                    .order_by("-period_end").values_list("period_end", flat=True).first())
    was_behind = set()
    if previous_end is not None:
        was_behind = set(IndicatorSnapshot.objects.filter(
            plan=plan, period_end=previous_end, county__isnull=False,
            status=Status.BEHIND.value).values_list("indicator_id", "county_id"))
    turned = [s for s in now.filter(status=Status.BEHIND.value).select_related(
        "indicator", "county") if (s.indicator_id, s.county_id) not in was_behind]
    if not turned:
        return 0
    staff: dict[int, list] = {}
    for user in county_staff({s.county_id for s in turned}):
        staff.setdefault(user.county_id, []).append(user)
    from django.urls import reverse

    sent = 0
    for snap in turned:
        recipients = staff.get(snap.county_id, [])
        if not recipients:
            continue
        url = reverse("kpi:indicator_detail", kwargs={"pk": snap.indicator_id})
        sent += notify(
            recipients=recipients, level="warning",
            title=_("指标进度滞后：%(name)s") % {"name": snap.indicator.name},
            body=_("%(county)s 截至 %(date)s：%(text)s") % {
                "county": snap.county.name, "date": period_end.isoformat(),
                "text": snap.explanation},
            url=f"{url}?as_of={period_end.isoformat()}",
            dedupe_key=f"kpi-behind:{snap.indicator_id}:{snap.county_id}:{period_end}")
    return sent


def take_due_snapshots(*, today: dt.date) -> list[SnapshotResult]:
    """The scheduler's job: last month's snapshot of each plan of that year, once."""
    period_end = previous_month_end(today)
    return [take_snapshot(plan=plan, period_end=period_end)
            for plan in Plan.objects.filter(year=period_end.year)]


@daily("kpi.monthly_snapshot")
def _scheduled_snapshot(today: dt.date) -> str:
    results = take_due_snapshots(today=today)
    return "；".join(f"{r.period_end} {'已存在' if r.skipped else f'生成 {r.rows} 条'}"
                    for r in results) or "无当年工作要点"
