"""Demo data: fiscal reports of every county for 2024–2025, reserve funds, the points models
and a published run, the official intensity; every action-8 figure of this module shows data;
a second run adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.rdinput.demo import DEFAULT_MODEL, EXAMPLE_MODEL, demo_step
from kechuang.rdinput.models import (
    FiscalReport,
    IntensityFigure,
    PointsModel,
    PointsResult,
    PointsRun,
    RdReserveFund,
)

pytestmark = pytest.mark.django_db
KEYS = ["county_fiscal_st_spending", "chain_enterprises_with_rd_reserve", "rd_intensity",
        "rd_intensity_vs_province"]


@pytest.fixture
def demo_orgs(regions):
    from kechuang.orgs.demo import load_demo

    load_demo(seed=2025, enterprises=300)


def test_demo_feeds_every_figure(demo_orgs, plan, users, client_for):
    from kechuang.kpi.selectors import build_dashboard

    text = demo_step(seed=2025)
    assert "研发投入演示数据" in text
    assert FiscalReport.objects.filter(year=2024).count() == 12
    assert FiscalReport.objects.filter(year=2025).count() == 12
    assert FiscalReport.objects.filter(status="submitted").count() == 1
    assert all(r.evidence.count() == 1 for r in FiscalReport.objects.all())
    assert RdReserveFund.objects.exists()
    assert not PointsModel.objects.get(name=DEFAULT_MODEL).has_weights
    example = PointsModel.objects.get(name=EXAMPLE_MODEL)
    assert example.example
    run = PointsRun.objects.get(model=example)
    assert run.status == "done" and run.published_at is not None
    assert PointsResult.objects.filter(run=run).count() == run.enterprises > 100
    assert IntensityFigure.objects.count() == 2
    from kechuang.rdinput.selectors import evaluate_figure

    for figure in IntensityFigure.objects.all():  # official first, estimate from the reports
        r = evaluate_figure(figure)
        assert r.figure_kind == "official" and r.estimate_pct is not None
        assert r.rd_coverage and r.rd_coverage > 100 and r.rd_source

    board = build_dashboard(plan=plan, as_of=dt.date(2025, 12, 31), keys=KEYS)
    for key in KEYS:
        row = board.row(key)
        assert row.source_kind == "metric", key
        assert row.progress.value, key
    spending = board.row("county_fiscal_st_spending")
    assert sum(c.value for c in spending.counties) == spending.progress.value
    assert board.row("rd_intensity_vs_province").progress.value > 2

    from django.urls import reverse

    from kechuang.plans.models import Indicator

    client = client_for(users["city_staff"])
    for key in KEYS:  # the indicator page and its records (drill-down) render
        ind = Indicator.objects.get(action__plan=plan, key=key)
        html = client.get(reverse("kpi:indicator_detail", args=[ind.pk]),
                          {"as_of": "2025-12-31"}).content.decode()
        assert "模块建设中" not in html and 'data-testid="indicator-value"' in html, key
        assert 'data-testid="records-shown"' in html, key
    assert demo_step(seed=2025) == "研发投入演示数据：县区财政科技投入 0 份，研发准备金 0 条，" \
                                   "R&D投入强度 0 个年度"
