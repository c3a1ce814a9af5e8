"""Demo data of the R&D-input module (``manage.py demo``), deterministic from the seed.

* fiscal reports of every county for 2024 and 2025 (filed by the county's clerk or the city,
  approved by the city, a small PDF as the finance bureau's document) — one left waiting;
* reserve funds of the enterprises whose demo annual report shows a reserve (2024, 2025);
* the §d default points model (weights empty) and the 温州 example configuration (labelled
  not official) with a published run over the 2024 cohort;
* the city's R&D intensity for 2024 and 2025 (demo figures, source marked 演示数据).

Idempotent: what exists is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from kechuang.accounts.models import User
from kechuang.accounts.roles import Role
from kechuang.audit.context import audit_context
from kechuang.orgs.models import EnterpriseAnnualReport, Organisation
from kechuang.rdinput import points as catalogue
from kechuang.rdinput import services
from kechuang.rdinput.models import (
    FiscalReport,
    IntensityFigure,
    PointsModel,
    PointsRun,
    RdReserveFund,
)
from kechuang.regions.models import Region

D = Decimal
YEARS = (2024, 2025)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEFAULT_MODEL = "创新积分默认模型（权重待载入）"
EXAMPLE_MODEL = "温州五阶段示例配置（非官方）"


def _clerks() -> tuple[User | None, User | None, dict[int, User]]:
    city_admin = User.objects.filter(role=Role.CITY_ADMIN, is_active=True).order_by("pk").first()
    city_staff = User.objects.filter(role=Role.CITY_STAFF, is_active=True).order_by("pk").first()
    county: dict[int, User] = {}
    for u in User.objects.filter(role=Role.COUNTY_STAFF, is_active=True).order_by("pk"):
        county.setdefault(u.county_id, u)
    return city_admin, city_staff, county


def seed_fiscal(rng: random.Random, filer: User, reviewer: User,
                county_clerks: dict[int, User]) -> int:
    counties = list(Region.objects.filter(level=Region.Level.COUNTY, gb2260=True)
                    .order_by("sort_order", "code"))
    done = set(FiscalReport.objects.values_list("county_id", "year"))
    made = 0
    for i, county in enumerate(counties):
        base = D(1800 + 350 * (i % 6) + rng.randint(0, 300))  # 万元
        for year in YEARS:
            if (county.pk, year) in done:
                continue
            grow = D(1) + D(rng.randint(-3, 15)) / 100 if year == 2025 else D(1)
            budget = (base * grow).quantize(D("0.01"))
            actual = (budget * (D(1) + D(rng.randint(-6, 8)) / 100)).quantize(D("0.01"))
            clerk = county_clerks.get(county.pk, filer)
            report = services.submit_fiscal(actor=clerk, data={
                "county": county, "year": year, "budget_wan": budget, "actual_wan": actual,
                "document": f"{county.name}财政局关于{year}年度财政决算的报告（演示）",
                "note": "演示数据"},
                files=[SimpleUploadedFile(f"{county.name}{year}年财政决算.pdf", PDF,
                                          content_type="application/pdf")])
            if not (year == 2025 and i == len(counties) - 1):  # one waits for review
                services.approve_fiscal(report=report, actor=reviewer, reason="数据核实无误")
            made += 1
    return made


def seed_reserves(rng: random.Random, clerk: User) -> int:
    have = set(RdReserveFund.objects.values_list("enterprise_id", "year"))
    rows = (EnterpriseAnnualReport.objects.filter(
        year__in=YEARS, rd_reserve_fund_yuan__gt=0, enterprise__kind=Organisation.Kind.ENTERPRISE)
        .select_related("enterprise").order_by("enterprise_id", "year"))
    made = 0
    for r in rows:
        if (r.enterprise_id, r.year) in have:
            continue
        used = (r.rd_reserve_fund_yuan * D(rng.randint(40, 95)) / 100).quantize(D("0.01"))
        services.save_reserve(actor=clerk, data={
            "enterprise": r.enterprise, "year": r.year,
            "provision_yuan": r.rd_reserve_fund_yuan, "used_yuan": used,
            "system_document": f"《{r.enterprise.name}研发准备金管理办法》（演示）",
            "approved_on": dt.date(r.year, rng.randint(1, 6), rng.randint(1, 28)),
            "note": "演示数据"})
        made += 1
    return made


def seed_points(clerk: User, reviewer: User) -> str:
    for name, spec, example, text in (
            (DEFAULT_MODEL, catalogue.DEFAULT_SPEC, False,
             "policy-rules.md §d 平台默认模型：指标为平台掌握的典型二级指标，权重待科技局载入"
             "（全国试行版附件未取得）；未配置阶段表时全部企业作为一个群组。"),
            (EXAMPLE_MODEL, catalogue.EXAMPLE_SPEC, True,
             "示例配置：温龙政发〔2022〕12号的五个阶段和三个榜单；权重为演示用的示例值，"
             "不是官方数据。")):
        if not PointsModel.objects.filter(name=name).exists():
            services.save_points_model(actor=clerk, data={
                "name": name, "spec": spec, "example": example, "description": text})
    model = PointsModel.objects.get(name=EXAMPLE_MODEL)
    if PointsRun.objects.filter(model=model, year=2024, status=PointsRun.Status.DONE).exists():
        return ""
    run = PointsRun.objects.create(model=model, year=2024, spec=model.spec, started_by=clerk)
    summary = services.run_points(run=run, progress=lambda *a, **k: None)
    services.publish_run(run=run, actor=reviewer)
    return f"创新积分示例测算 {summary['enterprises']} 家企业"


def seed_intensity(clerk: User) -> int:
    made = 0
    # no R&D amount entered: the estimate beside the official figure sums the demo
    # enterprises' annual reports (selectors.evaluate_figure), labelled with their number
    for year, official, province, gdp in (
            (2024, D("2.18"), D("2.05"), D("1.92e11")),
            (2025, D("2.31"), D("2.10"), D("2.01e11"))):
        if IntensityFigure.objects.filter(year=year).exists():
            continue
        services.save_intensity(actor=clerk, data={
            "year": year, "official_pct": official,
            "official_source": f"演示数据：长治市{year}年科技经费投入统计公报",
            "province_pct": province,
            "province_source": f"演示数据：山西省{year}年科技经费投入统计公报",
            "rd_expenditure_yuan": None, "gdp_yuan": gdp, "note": "演示数据"})
        made += 1
    return made


def demo_step(*, seed: int = 2025, **options: Any) -> str:
    """``manage.py demo``'s R&D-input step (rdinput/manifest.py)."""
    city_admin, city_staff, county_clerks = _clerks()
    if city_admin is None or city_staff is None:
        return ""
    rng = random.Random(seed * 7 + 18)
    with audit_context(source="cli:demo"), transaction.atomic():
        fiscal = seed_fiscal(rng, city_admin, city_staff, county_clerks)
        reserves = seed_reserves(rng, city_staff)
        intensity = seed_intensity(city_staff)
        points = seed_points(city_staff, city_admin)
    parts = [f"县区财政科技投入 {fiscal} 份", f"研发准备金 {reserves} 条",
             f"R&D投入强度 {intensity} 个年度"]
    if points:
        parts.append(points)
    return "研发投入演示数据：" + "，".join(parts)
