"""Issue #12 item 4: a month report agrees with the dashboard for its date, or names the
snapshot it used and says it is stale; its county table counts each indicator once and a
county target of 0 is "no target"."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from conftest import make_enterprise
from kechuang.kpi import monthly_report, selectors, services
from kechuang.kpi.progress import Status

AS_OF = dt.date(2025, 10, 31)
TSME = "tech_sme_registered"  # the dated test metric's indicator
COVERAGE = "above_scale_service_county_coverage"


@pytest.fixture
def counties(plan):
    return selectors.plan_counties(plan)


@pytest.fixture
def founded(plan, dated_metric, counties):
    """Six enterprises founded in 2025 before the as-of date in the first two counties."""
    for n in range(6):
        make_enterprise(counties[n % 2], f"测试企业{n}", 200 + n,
                        established_on=dt.date(2025, 3 + n, 1))


def _city(board, key: str) -> Decimal:
    return board.row(key).progress.value


def test_live_report_agrees_with_the_dashboard_and_says_so(plan, founded):
    report = monthly_report.prepare(
        selectors.dashboard_for_report(plan=plan, as_of=AS_OF), with_charts=False)
    live = selectors.build_dashboard(plan=plan, as_of=AS_OF)
    line = next(x for x in report.lines if x.name == live.row(TSME).indicator.name)
    assert line.value == _city(live, TSME) == 6
    assert "实时计算" in report.source and "快照" not in report.source


def test_after_a_record_change_the_report_names_its_stale_snapshot(plan, founded, counties,
                                                                   users):
    from kechuang.core.services import create_object
    from kechuang.orgs.models import Enterprise
    from kechuang.policy.credit_code import make_code

    services.take_snapshot(plan=plan, period_end=AS_OF)
    before = selectors.dashboard_for_report(plan=plan, as_of=AS_OF)
    assert before.from_snapshot and not before.snapshot.stale
    assert before.snapshot.changed_at is None
    assert "快照数值与当前实时数据一致" in monthly_report.source_text(before)

    create_object(model=Enterprise, actor=users["city_staff"], data={
        "kind": "enterprise", "name": "快照后新增企业", "county": counties[0],
        "credit_code": make_code(f"91{counties[0].code}MA0000777"[:17]),
        "industry_code": "C26", "established_on": dt.date(2025, 10, 15)})
    live = selectors.build_dashboard(plan=plan, as_of=AS_OF)
    assert _city(live, TSME) == 7

    board = selectors.dashboard_for_report(plan=plan, as_of=AS_OF)
    state = board.snapshot
    assert board.from_snapshot and _city(board, TSME) == 6  # the frozen figure, as signed
    assert state.stale and live.row(TSME).indicator.name in state.differs
    assert state.changed_at is not None and state.changed_at > state.taken_at
    report = monthly_report.prepare(board, with_charts=False)
    assert report.source in report.notes
    assert f"{timezone.localtime(state.taken_at):%Y-%m-%d %H:%M}" in report.source
    assert "快照已过时" in report.source and "最近一次" in report.source
    docx = monthly_report.render_docx(board, report)
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert "快照已过时" in text


def test_an_unaudited_bulk_change_still_makes_the_snapshot_stale(plan, founded, counties):
    services.take_snapshot(plan=plan, period_end=AS_OF)
    make_enterprise(counties[1], "批量导入企业", 300, established_on=dt.date(2025, 1, 2))
    state = selectors.snapshot_state(plan=plan, period_end=AS_OF)
    assert state.stale and state.changed_at is None
    text = monthly_report.source_text(selectors.dashboard_for_report(plan=plan, as_of=AS_OF))
    assert "快照已过时" in text and "最近一次" not in text


def test_one_click_refresh_makes_the_report_agree_again(plan, founded, counties, users,
                                                        client_for):
    from kechuang.audit.models import ChangeRecord

    services.take_snapshot(plan=plan, period_end=AS_OF)
    make_enterprise(counties[1], "补录企业", 301, established_on=dt.date(2025, 2, 2))
    url = f"{reverse('kpi:report_source')}?year=2025&as_of={AS_OF}"
    page = client_for(users["city_staff"]).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="source-stale"' in body and 'data-testid="refresh-snapshot"' in body

    audited = ChangeRecord.objects.count()
    response = client_for(users["city_staff"]).post(
        reverse("kpi:report_snapshot_refresh"), {"year": 2025, "as_of": AS_OF.isoformat()})
    assert response.status_code == 302 and response["Location"].endswith(url.split("?")[1])
    assert ChangeRecord.objects.count() == audited + 1  # the snapshot service audits it
    board = selectors.dashboard_for_report(plan=plan, as_of=AS_OF)
    assert not board.snapshot.stale
    assert _city(board, TSME) == _city(selectors.build_dashboard(plan=plan, as_of=AS_OF),
                                       TSME) == 7
    body = client_for(users["city_staff"]).get(url).content.decode()
    assert 'data-testid="source-current"' in body


def test_county_staff_see_the_state_but_cannot_refresh(plan, founded, users, client_for):
    services.take_snapshot(plan=plan, period_end=AS_OF)
    client = client_for(users["county_a_staff"])
    body = client.get(f"{reverse('kpi:report_source')}?year=2025&as_of={AS_OF}"
                      ).content.decode()
    assert 'data-testid="source-snapshot"' in body and "refresh-snapshot" not in body
    response = client.post(reverse("kpi:report_snapshot_refresh"),
                           {"year": 2025, "as_of": AS_OF.isoformat()})
    assert response.status_code == 403


def test_without_a_snapshot_the_source_page_says_live(plan, users, client_for):
    body = client_for(users["city_staff"]).get(
        f"{reverse('kpi:report_source')}?year=2025&as_of={AS_OF}").content.decode()
    assert 'data-testid="source-live"' in body


# -- the county table -------------------------------------------------------------------------
@pytest.fixture
def allocated(plan, founded, counties):
    """Tech-SME targets of 3 in every county but 0 in the second; coverage allocated too
    (1 in the first county, 0 in the third) — enterprises only in the first two counties."""
    from kechuang.plans.models import CountyAllocation, Indicator

    tsme = Indicator.objects.get(action__plan=plan, key=TSME)
    coverage = Indicator.objects.get(action__plan=plan, key=COVERAGE)
    for n, county in enumerate(counties):
        CountyAllocation.objects.create(indicator=tsme, county=county,
                                        target=Decimal(0 if n == 1 else 3))
    CountyAllocation.objects.create(indicator=coverage, county=counties[0], target=Decimal(1))
    CountyAllocation.objects.create(indicator=coverage, county=counties[2], target=Decimal(0))
    make_enterprise(counties[0], "科技服务企业", 400, industry_code="M74", above_scale=True,
                    established_on=dt.date(2015, 1, 1))
    return selectors.build_dashboard(plan=plan, as_of=AS_OF)


def test_county_table_counts_each_allocated_indicator_once(allocated, counties):
    report = monthly_report.prepare(allocated, with_charts=False)
    for line in report.ranking:
        assert sum(line.counts) == line.allocated, line
    first = next(r for r in report.ranking if r.county == counties[0].name)
    assert first.allocated == 2  # tech SMEs and coverage, nothing unallocated
    third = next(r for r in report.ranking if r.county == counties[2].name)
    assert third.allocated == 1  # its coverage target is 0


def test_a_county_target_of_zero_is_no_target(allocated, counties):
    fig = allocated.row(TSME).county(counties[1].pk)
    assert fig.value == 3 and fig.share == 0
    assert fig.progress.status != Status.ACHIEVED and fig.progress.pct_of_goal is None
    assert fig.progress.status == Status.NO_TARGET
    report = monthly_report.prepare(allocated, with_charts=False)
    second = next(r for r in report.ranking if r.county == counties[1].name)
    assert second.rank is None and second.score is None and second.allocated == 0
    assert second.cells[2] == monthly_report.NOT_ALLOCATED
    ranked = [r for r in report.ranking if r.rank is not None]
    assert counties[1].name not in [r.county for r in ranked]
    # a snapshot of it reads back the same way
    services.take_snapshot(plan=allocated.plan, period_end=AS_OF)
    frozen = selectors.snapshot_dashboard(plan=allocated.plan, period_end=AS_OF)
    again = monthly_report.prepare(frozen, with_charts=False)
    assert [r.cells for r in again.ranking] == [r.cells for r in report.ranking]


def test_the_dashboard_links_to_the_report_source_of_its_date(client_for, users, plan):
    page = client_for(users["city_staff"]).get("/kpi/?year=2025&as_of=2025-10-31")
    assert 'href="/kpi/report/source/?year=2025&amp;as_of=2025-10-31"' in page.content.decode()
