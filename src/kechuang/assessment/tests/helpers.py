"""Figures shared by the assessment tests: the docs/policy.md tech SME example."""

from __future__ import annotations

from decimal import Decimal

from conftest import make_report

# docs/policy.md: total 54, fails 综合评价; +¥123,400 R&D (to ¥1,200,000) → 64, passes
DOCS_EXAMPLE = dict(employees=100, st_staff=25, revenue_yuan=Decimal("30000000"),
                    total_income_yuan=Decimal("30500000"),
                    high_tech_revenue_yuan=Decimal("20000000"),
                    total_costs_yuan=Decimal("90000000"), total_assets_yuan=Decimal("40000000"),
                    rd_expense_yuan=Decimal("1076600"), rd_domestic_yuan=Decimal("1076600"),
                    rd_personnel_yuan=Decimal("700000"), rd_direct_input_yuan=Decimal("300000"),
                    rd_other_yuan=Decimal("76600"), ip_class_1_count=0, ip_class_2_count=3)


def docs_report(enterprise, year: int = 2024, **extra):
    return make_report(enterprise, year, **{**DOCS_EXAMPLE, **extra})
