"""Demo county allocations and a reference value for the 2025 plan (``manage.py demo``).

Runs after the cultivation demo, so the tech-SME and high-tech targets are split in
proportion to each county's 2024 results — what the allocation page proposes — and the
dashboard's county ranking has something to rank. The province average for the relative
R&D-intensity target is a demo figure. Written through the services as the demo city
clerk (audited); idempotent: an indicator that already has shares, or a reference value,
is left alone.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from kechuang.accounts.models import User
from kechuang.accounts.roles import Role
from kechuang.audit.context import audit_context
from kechuang.plans import services
from kechuang.plans.models import Indicator, Plan

ALLOCATED = ("tech_sme_registered", "high_tech_recognized")
DEMO_PROVINCE_AVERAGE = Decimal("2.10")


def demo_plan(year: int = 2025) -> Plan | None:
    """The plan the demo data belongs to (loaded by ``manage.py seed``), if any."""
    return Plan.objects.filter(year=year).order_by("pk").first()


def demo_step(**options: object) -> str:
    """``manage.py demo``'s plan step (plans/manifest.py)."""
    allocated = seed_demo_allocations(demo_plan())
    return f"县区任务分解演示：按上年实绩比例分解 {allocated} 项指标" if allocated else ""


def seed_demo_allocations(plan: Plan | None) -> int:
    """Allocate the demo plan's headline targets; return how many indicators were split."""
    if plan is None:
        return 0
    clerk = User.objects.filter(role=Role.CITY_STAFF, is_active=True).order_by("pk").first()
    if clerk is None:
        return 0
    done = 0
    with audit_context(source="cli:demo"), transaction.atomic():
        for ind in Indicator.objects.filter(action__plan=plan, key__in=ALLOCATED,
                                            target__isnull=False):
            if ind.allocations.exists():
                continue
            proposal = services.propose_allocation(indicator=ind)
            services.set_allocations(indicator=ind, shares=proposal.shares, actor=clerk)
            done += 1
        relative = Indicator.objects.filter(action__plan=plan, key="rd_intensity_vs_province",
                                            reference_value__isnull=True).first()
        if relative is not None:
            services.update_indicator(indicator=relative, actor=clerk, data={
                "reference_value": DEMO_PROVINCE_AVERAGE,
                "reference_value_note": "演示数据：全省平均水平"})
    return done
