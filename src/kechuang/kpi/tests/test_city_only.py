"""Metrics that exist for the whole city only (the city's R&D intensity, official or
estimated, and its comparison with the province): their county figures are absent, not 0 —
"—" with 该指标仅有全市数据 on the pages, null in the API, not ranked and explained in the
monthly report and its workbook, kept out of snapshots' county zeros."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from kechuang import metrics
from kechuang.kpi import monthly_report
from kechuang.kpi.selectors import board_view, build_dashboard

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 10, 31)
CITY_ONLY = ("rd_intensity", "rd_intensity_vs_province")
TEXT = "该指标仅有全市数据"


@pytest.fixture
def intensity(users, plan):
    """The city's official R&D intensity of 2025 (2.31 %), and a stray county share of the
    intensity target written straight to the table (as an old plan copy might hold it)."""
    from kechuang.plans.models import CountyAllocation
    from kechuang.rdinput import services

    services.save_intensity(actor=users["city_staff"], data={
        "year": 2025, "official_pct": Decimal("2.31"), "official_source": "统计公报",
        "province_pct": Decimal("2.10"), "province_source": "山西省统计公报"})
    ind = plan.actions.get(number=8).indicators.get(key="rd_intensity")
    ind.target = Decimal("2.5")
    ind.save(update_fields=["target"])
    county = plan.region.children.order_by("code").first()
    CountyAllocation.objects.create(indicator=ind, county=county, target=Decimal("2.5"))
    return ind


def _row_html(html: str, key: str) -> str:
    return re.search(rf'<tr class="kc-ind-row"[^>]*data-key="{key}".*?</tr>', html,
                     re.S).group(0)


def test_the_metrics_declare_their_scope():
    for key in CITY_ONLY:
        assert metrics.get(key).scope == metrics.SCOPE_CITY and metrics.is_city_only(key)
    for key in ("provincial_platforms", "tech_sme_registered", "county_fiscal_st_spending",
                "tech_contract_turnover_gdp_share", "above_scale_service_county_coverage"):
        assert not metrics.is_city_only(key), key
    assert not metrics.is_city_only("no_such_metric")


def test_dashboard_county_figures_are_absent_and_unranked(plan, intensity):
    board = build_dashboard(plan=plan, as_of=AS_OF)
    for key in CITY_ONLY:
        row = board.row(key)
        assert row.city_only and row.progress.value == Decimal("2.31")
        assert len(row.counties) == len(board.counties)
        assert all(c.value is None and c.share is None for c in row.counties)
        assert all(c.progress.explanation == TEXT for c in row.counties)
        assert not row.has_county_values
    # the stray share neither ranks the county nor counts as one of its indicators
    assert all(r.allocated == 0 for r in board.ranking)
    county = board.counties[0]
    shown = {r.row.key: r for r in board_view(board, county).rows}["rd_intensity"]
    assert shown.city_only and shown.is_city and shown.value is None
    assert shown.city.value == Decimal("2.31")
    assert board.row("provincial_platforms").counties[0].value == 0  # a real zero stays 0


def test_county_dashboard_page_shows_a_dash_not_zero(client_for, users, plan, intensity):
    county = plan.region.children.order_by("code").first()
    html = client_for(users["city_staff"]).get(
        reverse("kpi:dashboard"), {"as_of": AS_OF, "county": county.pk}).content.decode()
    for key in CITY_ONLY:
        row = _row_html(html, key)
        assert f'title="{TEXT}" data-testid="city-only">—</strong>' in row, key
        assert "<strong>0" not in row and "全市 2.31" in row
        assert 'data-testid="city-only-badge"' in row
    # the county's clerk sees the same on their own page
    clerk = client_for(users["county_a_staff"]).get(
        reverse("kpi:dashboard"), {"as_of": AS_OF}).content.decode()
    assert 'data-testid="city-only">—' in _row_html(clerk, "rd_intensity")
    city = client_for(users["city_staff"]).get(
        reverse("kpi:dashboard"), {"as_of": AS_OF}).content.decode()
    assert "<strong>2.31</strong>" in _row_html(city, "rd_intensity")


def test_indicator_page_county_table_and_county_view(client_for, users, plan, intensity):
    client = client_for(users["city_staff"])
    url = reverse("kpi:indicator_detail", kwargs={"pk": intensity.pk})
    html = client.get(url, {"as_of": AS_OF}).content.decode()
    table = re.search(r'data-testid="county-table".*?</table>', html, re.S).group(0)
    assert table.count(f'title="{TEXT}" data-testid="city-only">—') == 12
    assert 'data-testid="city-only-note"' in html and 'id="bar-data"' not in html
    county = plan.region.children.order_by("code").first()
    html = client.get(url, {"as_of": AS_OF, "county": county.pk}).content.decode()
    scope = re.search(r'data-testid="value-scope">.*?</div>', html, re.S).group(0)
    assert TEXT in scope and county.name in scope
    assert re.search(r'data-testid="indicator-value"[^>]*>\s*—', html)
    assert 'data-testid="city-value">全市 2.31' in html


def test_api_gives_null_county_values_and_says_city_only(client_for, users, plan, intensity):
    data = client_for(users["city_staff"]).get(
        "/api/v1/kpi/dashboard/", {"as_of": AS_OF.isoformat()}).json()
    rows = {i["key"]: i for a in data["actions"] for i in a["indicators"]}
    for key in CITY_ONLY:
        assert rows[key]["city_only"] is True
        assert rows[key]["progress"]["value"] == "2.3100"
        assert {c["value"] for c in rows[key]["counties"]} == {None}
        assert {c["share"] for c in rows[key]["counties"]} == {None}
    assert rows["provincial_platforms"]["city_only"] is False
    assert all(r["allocated"] == 0 for r in data["ranking"])


def test_monthly_report_and_workbook_explain_and_do_not_rank(plan, intensity):
    from python_calamine import CalamineWorkbook

    board = build_dashboard(plan=plan, as_of=AS_OF)
    report = monthly_report.prepare(board, with_charts=False)
    note = next(n for n in report.notes if "仅有全市数据" in n)
    assert "全市R&D投入强度" in note and "不计入县区排名" in note
    assert all(r.allocated == 0 for r in report.ranking)
    wb = CalamineWorkbook.from_filelike(io.BytesIO(monthly_report.render_xlsx(board, report)))
    notes = [r[0] for r in wb.get_sheet_by_name("说明").to_python()]
    assert note in notes
    rank = wb.get_sheet_by_name("县区排名").to_python()
    assert all(r[3] == 0 for r in rank[1:])  # 分解指标数: the intensity share not counted
    html = monthly_report.render_html(board, report)
    assert note.replace("&", "&amp;") in html


def test_snapshot_keeps_no_county_zero(plan, intensity, users):
    from kechuang.kpi.models import IndicatorSnapshot
    from kechuang.kpi.selectors import snapshot_dashboard
    from kechuang.kpi.services import take_snapshot

    take_snapshot(plan=plan, period_end=dt.date(2025, 9, 30), actor=users["city_admin"])
    stored = IndicatorSnapshot.objects.filter(indicator=intensity, county__isnull=False)
    assert stored.exists() and not stored.exclude(value__isnull=True).exists()
    frozen = snapshot_dashboard(plan=plan, period_end=dt.date(2025, 9, 30))
    row = frozen.row("rd_intensity")
    assert row.city_only and all(c.value is None for c in row.counties)


def test_taken_as_reported_values_the_indicators_scope_decides(plan, intensity):
    """The official statistic instead of the count: a city indicator still has no county
    figure (shown as the city's, labelled 全市); set to county scope, counties report theirs
    and it may be allocated again."""
    from kechuang.plans.models import Indicator
    from kechuang.reported.models import SourceOverride

    SourceOverride.objects.create(indicator=intensity, reason="以统计公报为准")
    board = build_dashboard(plan=plan, as_of=AS_OF, keys=["rd_intensity"])
    row = board.row("rd_intensity")
    assert row.source_kind == "reported" and not row.city_only
    assert all(c.value is None for c in row.counties)
    assert intensity.city_only
    Indicator.objects.filter(pk=intensity.pk).update(scope=Indicator.Scope.COUNTY)
    intensity.refresh_from_db()
    assert not intensity.city_only
