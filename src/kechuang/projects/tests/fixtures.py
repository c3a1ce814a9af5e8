"""Builders shared by the app's tests, its permission-matrix rows and nothing else."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

CRITERIA = [{"name": "创新性", "weight": 40}, {"name": "可行性", "weight": 30},
            {"name": "预期效益", "weight": 30}]


def programme(level: str = "key_rd_project", **extra):
    from kechuang.projects.models import Programme

    defaults = {"name": f"测试计划-{level}", "level": level}
    defaults.update(extra)
    obj, _ = Programme.objects.get_or_create(name=defaults.pop("name"), defaults=defaults)
    return obj


def call(*, prog=None, deadline=dt.date(2099, 12, 31), published=True, **extra):
    from kechuang.projects.models import Call

    defaults = dict(programme=prog or programme(), year=2025, title="2025年重点研发计划指南",
                    fields="人工智能,煤炭智能开采", deadline=deadline, pi_limit=1,
                    criteria=CRITERIA, published=published)
    defaults.update(extra)
    return Call.objects.create(**defaults)


def application(the_call, lead, user, *, title="智能开采关键技术", status="draft",
                budget=(("equipment", "city", "300000"), ("equipment", "enterprise", "300000")),
                partners=(), pi_name="王工", **extra):
    from kechuang.projects.models import Application, BudgetLine

    total = sum((Decimal(b[2]) for b in budget), Decimal(0))
    app = Application.objects.create(call=the_call, title=title, lead=lead, county=lead.county,
                                     pi_name=pi_name, objectives="目标", targets="指标",
                                     total_budget_yuan=total, status=status,
                                     submitted_by=user, **extra)
    app.partners.set(partners)
    for category, source, amount in budget:
        BudgetLine.objects.create(application=app, category=category, source=source,
                                  amount_yuan=Decimal(amount))
    return app


def expert(name: str, *, user=None, org=None, fields="人工智能", title="senior"):
    from kechuang.projects.models import Expert

    return Expert.objects.create(name=name, user=user, organisation=org, fields=fields,
                                 title=title)


def project(lead, *, code="XM-2025-001", city="1000000", province="0", enterprise="500000",
            **extra):
    """A funded project (no application), amounts in yuan."""
    from kechuang.projects.models import Project

    defaults = dict(programme=programme(), code=code, title="测试项目", year=2025,
                    level="key_rd_project", lead=lead, county=lead.county, pi_name="王工",
                    approved_on=dt.date(2025, 6, 1), approved_city_yuan=Decimal(city),
                    approved_province_yuan=Decimal(province),
                    approved_enterprise_yuan=Decimal(enterprise))
    defaults.update(extra)
    return Project.objects.create(**defaults)
