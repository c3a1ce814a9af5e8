"""One definition per label (#12 item 3): every figure the overview, the cultivation targets,
the dashboard and the monthly report show is a registered metric's value, under that
metric's name, with its definition and date on hover or below.

The data makes the definitions differ on purpose: an enterprise registered as a tech SME this
year that also holds a valid high-tech certificate counts in 科技型中小企业入库 and in
有效期内高新技术企业, but its current tier is high-tech only — the numbers that used to
appear under one label (164 vs 293) now stand under labels that say what they count."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kechuang import metrics
from kechuang.cultivation.tests.conftest import make_certificate, make_leader, make_registration
from kechuang.kpi import monthly_report
from kechuang.kpi.selectors import build_dashboard

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 12, 31)
FIGURE = re.compile(r'<[^>]*data-metric="([^"]+)" data-value="([^"]*)"[^>]*title="([^"]*)"')


@pytest.fixture
def plan(regions):
    from kechuang.plans.services import load_plan

    return load_plan()["plan"]


@pytest.fixture
def ladder(enterprise_a, enterprise_a2, enterprise_b, report_a):
    """a: tech SME this year and a valid certificate (tier high_tech); a2: tech SME only;
    b: a leader of last year (tier leader); a revoked registration counts nowhere."""
    make_registration(enterprise_a, 2025, dt.date(2025, 3, 1))
    make_certificate(enterprise_a, dt.date(2024, 11, 20))
    make_registration(enterprise_a2, 2025, dt.date(2025, 5, 1))
    make_registration(enterprise_b, 2025, dt.date(2025, 6, 1), status="revoked")
    make_certificate(enterprise_b, dt.date(2025, 3, 1))
    make_leader(enterprise_b, 2024)
    for e, tier in ((enterprise_a, "high_tech"), (enterprise_a2, "tech_sme"),
                    (enterprise_b, "leader")):
        e.tier = tier
        e.save(update_fields=["tier"])


def _figures(html: str) -> list[tuple[str, Decimal, str]]:
    return [(k, Decimal(v), htmllib.unescape(t)) for k, v, t in FIGURE.findall(html)]


def _check(figures, *, year: int, as_of: dt.date, county_id: int | None = None) -> None:
    assert figures
    for key, value, title in figures:
        metric = metrics.get(key)
        assert metric is not None, key
        assert value == metric.value(year=year, as_of=as_of, county_id=county_id), key
        assert str(metric.description) in title and f"{as_of:%Y-%m-%d}" in title, key


def test_metric_names_are_unique_labels():
    names = [str(metrics.get(k).name) for k, _label in metrics.choices()]
    assert len(names) == len(set(names))


def test_the_overview_shows_registered_metrics_under_their_names(client_for, users, ladder):
    today = timezone.localdate()
    html = client_for(users["city_staff"]).get(reverse("web:overview")).content.decode()
    figures = _figures(html)
    keys = {k for k, _v, _t in figures}
    assert {"enterprises_total", "enterprises_above_scale", "enterprises_tier_tech_sme",
            "enterprises_tier_high_tech", "enterprises_tier_leader",
            "enterprises_in_chain"} <= keys
    _check([f for f in figures if f[0] != "enterprises_reported_last_year"],
           year=today.year, as_of=today)
    for key in keys:
        assert str(metrics.get(key).name) in html
    # the tier counts say they are tiers: 1 tech SME by tier, 2 high-tech (with the leader)
    values = {k: v for k, v, _t in figures}
    assert values["enterprises_tier_tech_sme"] == 1 and values["enterprises_tier_high_tech"] == 2
    assert 'data-testid="kpi-tech-sme-label">当前梯次为科技型中小企业<' in html
    # a county clerk's overview: the same metrics for their county
    html = client_for(users["county_a_staff"]).get(reverse("web:overview")).content.decode()
    _check([f for f in _figures(html) if f[0] != "enterprises_reported_last_year"],
           year=today.year, as_of=today, county_id=users["county_a_staff"].county_id)


def test_the_targets_page_shows_the_same_metrics(client_for, users, plan, ladder):
    html = client_for(users["city_staff"]).get(
        reverse("cultivation:targets"), {"year": 2025, "as_of": AS_OF}).content.decode()
    figures = _figures(html)
    keys = {k for k, _v, _t in figures}
    assert {"enterprises_reported_last_year", "tech_sme_registered", "high_tech_valid",
            "leaders_current"} <= keys
    _check([f for f in figures if f[2]], year=2025, as_of=AS_OF)
    values = {k: v for k, v, _t in figures}
    # registered this year (a, a2; b's registration was revoked) vs certificates in force
    assert values["tech_sme_registered"] == 2 and values["high_tech_valid"] == 2
    assert values["leaders_current"] == 1
    for key in keys:
        assert str(metrics.get(key).name) in html
    # the plan's target cards: the dashboard's metric figure, marked 计数 with its definition
    cards = re.findall(r'data-metric="(tech_sme_registered|high_tech_recognized)" '
                       r'data-value="([^"]*)"', html)
    assert {k for k, _v in cards} == {"tech_sme_registered", "high_tech_recognized"}
    for key, value in cards:
        assert Decimal(value) == metrics.get(key).value(year=2025, as_of=AS_OF)
    assert html.count('data-testid="figure-source-text"') == 2


def test_the_dashboard_and_the_report_show_each_counted_figure_with_its_definition(
        client_for, users, plan, ladder):
    board = build_dashboard(plan=plan, as_of=AS_OF)
    html = client_for(users["city_staff"]).get(
        reverse("kpi:dashboard"), {"year": 2025, "as_of": AS_OF}).content.decode()
    report = monthly_report.prepare(board, with_charts=False)
    lines = {line.name: line for line in report.lines}
    counted = [r for r in board.rows if r.source_kind == "metric"]
    assert counted
    for r in counted:
        metric = metrics.get(r.metric_key)
        value = metric.value(year=2025, as_of=AS_OF)
        if r.progress.value is None:  # "no data yet" (e.g. no batch evaluation run)
            continue
        assert r.progress.value == value, r.key
        row = re.search(rf'<tr class="kc-ind-row"[^>]*data-key="{r.key}".*?</tr>', html,
                        flags=re.S).group(0)
        assert f"<strong>{monthly_report.fmt(value)}</strong>" in row, r.key
        title = htmllib.unescape(re.search(r'<span[^>]*data-testid="figure-source"[^>]*>',
                                           row).group(0))
        assert str(metric.description) in title and "2025-12-31" in title, r.key
        line = lines[r.indicator.name]
        assert line.value == value and line.source_label == "计数"
        assert str(metric.description) in line.source_text
