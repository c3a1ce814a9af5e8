"""Demo reported values for the 2025 plan (called by ``manage.py demo`` after the plan is seeded).

Approved figures for the plan's ``source: reported`` indicators — the reform measures
(11 of 16 done by 31 October), the city's R&D intensity, each county's fiscal S&T spending
month by month — and one submission still waiting for review. Written through the services,
so the approval trail and the audit records look like real use. Idempotent: an
(indicator, county, period_end) that already has a row is skipped. No evidence files.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from kechuang.accounts.models import User
from kechuang.accounts.roles import Role
from kechuang.audit.context import audit_context
from kechuang.plans.demo import demo_plan
from kechuang.plans.models import Indicator, Plan
from kechuang.regions.models import Region
from kechuang.reported import services
from kechuang.reported.models import ReportedValue, takes_reported_values

D = Decimal


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _user(username: str, role: str, full_name: str, county: Region | None = None) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, first_name=full_name, county=county)
        user.set_unusable_password()
        user.save()
    return user


def _plan_values(plan: Plan) -> list[tuple[str, Region | None, dt.date, Decimal, str, bool]]:
    """(indicator key, county, period_end, value, note, approve?)."""
    y = plan.year
    rows: list[tuple[str, Region | None, dt.date, Decimal, str, bool]] = []
    for month, done in ((3, 4), (6, 7), (8, 9), (10, 11)):
        rows.append(("reform_measures_done", None, _month_end(y, month), D(done),
                     "市科技局改革办台账", True))
    rows.append(("reform_measures_done", None, _month_end(y, 11), D(12),
                 "市科技局改革办台账（待审核）", False))
    rows.append(("rd_intensity_vs_province", None, _month_end(y, 6), D("2.31"),
                 "市统计局测算（全省平均 2.10）", True))
    rows.append(("rd_intensity", None, _month_end(y, 6), D("2.31"), "市统计局测算", True))
    counties = Region.objects.filter(parent=plan.region, level=Region.Level.COUNTY,
                                     gb2260=True).order_by("sort_order", "code")
    for i, county in enumerate(counties):
        monthly = D(120 + 35 * (i % 5))  # 万元 a month, cumulative below
        for month in range(1, 11):
            rows.append(("county_fiscal_st_spending", county, _month_end(y, month),
                         monthly * month + D(i * 7), "县区财政局月报", True))
    return rows


def seed_demo_reported_values(plan: Plan | None) -> int:
    """Create the demo values for ``plan`` (skip quietly without one); return rows created."""
    if plan is None:
        return 0
    # an indicator a module now counts from records takes no reported value (unless the
    # bureau chose the official statistic for it)
    indicators = {i.key: i for i in Indicator.objects.filter(
        action__plan=plan, source=Indicator.Source.REPORTED) if takes_reported_values(i)}
    if not indicators:
        return 0
    reviewer = _user("city_staff", Role.CITY_STAFF, "李晓燕")
    city_clerk = _user("city_admin", Role.CITY_ADMIN, "王建华")
    if city_clerk.pk == reviewer.pk or reviewer.role not in (Role.CITY_ADMIN, Role.CITY_STAFF):
        return 0
    county_clerks: dict[int, Any] = {}
    for u in User.objects.filter(role=Role.COUNTY_STAFF, is_active=True).order_by("pk"):
        county_clerks.setdefault(u.county_id, u)
    existing = set(ReportedValue.objects.filter(indicator__in=indicators.values()).values_list(
        "indicator_id", "county_id", "period_end"))
    created = 0
    with audit_context(source="cli:demo"), transaction.atomic():
        for key, county, period_end, value, note, approve in _plan_values(plan):
            indicator = indicators.get(key)
            if indicator is None or not takes_reported_values(indicator):
                continue  # counted from a module's records now (e.g. rdinput)
            county_id = county.pk if county else None
            if (indicator.pk, county_id, period_end) in existing:
                continue
            clerk = county_clerks.get(county_id, city_clerk) if county else city_clerk
            if clerk.pk == reviewer.pk:
                clerk = city_clerk
            obj = services.submit_value(actor=clerk, data={
                "indicator": indicator, "county": county, "period_end": period_end,
                "value": value, "note": note})
            if approve:
                services.approve_value(value=obj, actor=reviewer, reason="数据核实无误")
            created += 1
    return created


def demo_step(**options: object) -> str:
    """``manage.py demo``'s reported-values step (reported/manifest.py); no plan: nothing."""
    added = seed_demo_reported_values(demo_plan())
    return f"指标上报演示数值：新增 {added} 条" if added else ""
