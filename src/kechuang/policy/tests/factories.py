"""Builders for test inputs: a passing enterprise by default, tweak one field per test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kechuang.policy.high_tech import HighTechInput
from kechuang.policy.inputs import AnnualFigures
from kechuang.policy.rd_deduction import RdDeductionInput
from kechuang.policy.tech_sme import TechSmeInput

D = Decimal


def sme_figures(**kw: Any) -> AnnualFigures:
    """100 staff, 25 S&T (16 pts), revenue 3000万, R&D 150万 = 5% (40 pts), 1 Ⅰ类 (30 pts)."""
    base: dict[str, Any] = dict(
        year=2024, employees=100, st_staff=25, revenue_yuan=D("30000000"),
        total_income_yuan=D("30500000"), total_costs_yuan=D("25000000"),
        total_assets_yuan=D("40000000"), net_assets_yuan=D("15000000"),
        rd_expense_yuan=D("1500000"), rd_domestic_yuan=D("1500000"), ip_class_1_count=1,
        ip_class_2_count=0, has_rd_activity=True)
    base.update(kw)
    return AnnualFigures(**base)


def sme(**kw: Any) -> TechSmeInput:
    opts = {k: kw.pop(k) for k in list(kw) if k not in AnnualFigures.__dataclass_fields__}
    return TechSmeInput(sme_figures(**kw), **opts)


def ht_year(year: int, **kw: Any) -> AnnualFigures:
    """A year that passes every HNTE condition on its own."""
    base: dict[str, Any] = dict(
        year=year, employees=100, st_staff=20, revenue_yuan=D("30000000"),
        total_income_yuan=D("31000000"), high_tech_revenue_yuan=D("24000000"),
        total_costs_yuan=D("25000000"), total_assets_yuan=D("40000000"),
        net_assets_yuan=D("15000000"), rd_expense_yuan=D("1800000"),
        rd_domestic_yuan=D("1700000"), ip_class_1_count=1, ip_class_2_count=4,
        achievements_converted=5, has_rd_activity=True)
    base.update(kw)
    return AnnualFigures(**base)


def ht(years: list[AnnualFigures] | None = None, **kw: Any) -> HighTechInput:
    if years is None:
        years = [ht_year(2022), ht_year(2023), ht_year(2024)]
    kw.setdefault("application_date", dt.date(2025, 6, 1))
    kw.setdefault("established_on", dt.date(2015, 5, 1))
    return HighTechInput(years=tuple(years), **kw)


def ded(year: int = 2024, industry_code: str = "C26", **kw: Any) -> RdDeductionInput:
    fig = {k: kw.pop(k) for k in list(kw) if k in AnnualFigures.__dataclass_fields__}
    base: dict[str, Any] = dict(year=year, total_income_yuan=D("30000000"),
                                revenue_yuan=D("30000000"), has_rd_activity=True)
    base.update(fig)
    return RdDeductionInput(AnnualFigures(**base), industry_code=industry_code, **kw)
