"""The dashboard: every computed figure equals a direct count; a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_enterprise, make_report
from kechuang.kpi.progress import Status
from kechuang.kpi.selectors import build_dashboard, default_as_of, plan_counties
from kechuang.orgs.models import EnterpriseAnnualReport, Organisation

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 10, 31)


def _populate(regions, n: int, offset: int = 0) -> None:
    codes = ["140403", "140423", "140404", "140431"]
    for i in range(n):
        county = regions[codes[i % len(codes)]]
        e = make_enterprise(county, f"企业{offset + i}", 300 + offset + i,
                            industry_code=["C26", "M73", "B06"][i % 3],
                            above_scale=i % 2 == 0,
                            established_on=dt.date(2025 - i % 2, 1 + i % 12, 10))
        make_report(e, 2025, has_rd_activity=i % 3 != 1)
        make_report(e, 2024, has_rd_activity=i % 5 != 1)


def test_plan_counties_are_the_twelve(plan):
    names = [c.name for c in plan_counties(plan)]
    assert len(names) == 12 and "长治高新区" not in names and names[0] == "潞州区"


def test_every_computed_figure_equals_a_direct_count(plan, regions, dated_metric):
    _populate(regions, 24)
    board = build_dashboard(plan=plan, as_of=AS_OF)
    assert len(board.cards) == 8
    # dated metric: enterprises founded in 2025 up to the as-of date
    row = board.row("tech_sme_registered")
    direct = Organisation.objects.filter(established_on__gte=dt.date(2025, 1, 1),
                                         established_on__lte=AS_OF).count()
    assert row.progress.value == direct
    for fig in row.counties:
        assert fig.value == Organisation.objects.filter(
            county_id=fig.county_id, established_on__gte=dt.date(2025, 1, 1),
            established_on__lte=AS_OF).count()
    assert row.progress.goal == 300 and row.progress.goal_kind == "target"
    # share metric
    share = board.row("above_scale_industrial_with_rd_share")
    qs = EnterpriseAnnualReport.objects.filter(year=2025, enterprise__above_scale=True,
                                               enterprise__industry_code__regex=r"^[BCD]")
    expected = (D(qs.filter(has_rd_activity=True).count() * 100) / D(qs.count())).quantize(
        D("0.01"))
    assert share.progress.value == expected
    last = EnterpriseAnnualReport.objects.filter(year=2024, enterprise__above_scale=True,
                                                 enterprise__industry_code__regex=r"^[BCD]")
    assert share.last_year_value == (D(last.filter(has_rd_activity=True).count() * 100)
                                     / D(last.count())).quantize(D("0.01"))
    # coverage: counties with an above-scale tech-service enterprise
    cov = board.row("above_scale_service_county_coverage")
    assert cov.progress.value == Organisation.objects.filter(
        above_scale=True, industry_code__startswith="M").values("county").distinct().count()


def test_indicators_without_a_module_take_reported_values_and_show_no_number_yet(
        plan, reform_reported, vouchers_reported):
    board = build_dashboard(plan=plan, as_of=AS_OF)
    row = board.row("vouchers_redeemed")
    assert row.source_kind == "reported" and row.progress.status == Status.NO_DATA
    assert row.progress.value is None and "尚未上报" in row.progress.explanation
    reported = board.row("reform_measures_done")
    assert reported.source_kind == "reported" and reported.progress.value is None


def test_allocations_set_county_goals_and_the_ranking(plan, regions, dated_metric):
    from kechuang.plans.models import CountyAllocation, Indicator

    _populate(regions, 8)
    ind = Indicator.objects.get(action__plan=plan, key="tech_sme_registered")
    counties = plan_counties(plan)
    for c in counties:
        CountyAllocation.objects.create(indicator=ind, county=c, target=D(25))
    board = build_dashboard(plan=plan, as_of=dt.date(2025, 12, 31))
    row = board.row("tech_sme_registered")
    luzhou = row.county(regions["140403"].pk)
    assert luzhou.share == 25 and luzhou.progress.goal == 25
    assert luzhou.progress.pct_of_goal == (luzhou.value * 100 / 25).quantize(D("0.01"))
    top = board.ranking[0]
    assert top.allocated == 1 and top.score is not None
    scores = [r.score for r in board.ranking if r.score is not None]
    assert scores == sorted(scores, reverse=True)


def test_the_dashboard_issues_a_fixed_number_of_queries(plan, regions, dated_metric):
    _populate(regions, 4)
    with CaptureQueriesContext(connection) as small:
        build_dashboard(plan=plan, as_of=AS_OF)
    _populate(regions, 40, offset=100)
    with CaptureQueriesContext(connection) as large:
        build_dashboard(plan=plan, as_of=AS_OF)
    from kechuang import metrics
    from kechuang.plans.models import Indicator

    computed = sum(1 for i in Indicator.objects.filter(action__plan=plan)
                   if metrics.get(i.metric_key) is not None)
    # the plan, its allocations and reported values, then two GROUP BYs (this year, last
    # year) per computed indicator (a dated count of distinct records two more) — never one
    # per county or per row; a new module's metrics add their own two each
    assert len(small.captured_queries) == len(large.captured_queries) <= 10 + 2 * computed


def test_as_of_stays_inside_the_plan_year(plan):
    assert default_as_of(plan, today=dt.date(2026, 11, 29)) == dt.date(2025, 12, 31)
    assert default_as_of(plan, today=dt.date(2024, 5, 1)) == dt.date(2025, 1, 1)
    assert default_as_of(plan, today=AS_OF) == AS_OF
