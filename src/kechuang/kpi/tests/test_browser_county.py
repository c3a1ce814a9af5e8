"""Browser (Debian Chromium through Playwright): the 潞州区 clerk's drill-down shows 潞州区's
value, badge, chart and counters — 长治高新区 enterprises counted under 潞州区, the city's
figure only beside it, labelled 全市 (issue #12 item 2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import make_enterprise
from kechuang.tests.test_browser import CHROMIUM, browser, login, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM),
                       reason="Debian chromium is not installed"),
]
AS_OF = "2025-10-31"


@pytest.mark.django_db(transaction=True)
def test_luzhou_drill_down_chart_badges_and_counters_are_luzhous(page, live_server,  # noqa: F811
                                                                users, plan, dated_metric,
                                                                regions):
    from kechuang.plans.models import Indicator
    from kechuang.plans.services import set_allocations

    luzhou, zone, xiangyuan = regions["140403"], regions["140471"], regions["140423"]
    serial = 850
    for county, months in ((luzhou, (2, 5, 8)), (zone, (3, 6)), (xiangyuan, (1, 4, 7, 9))):
        for m in months:
            serial += 1
            make_enterprise(county, f"{county.name}浏览器企业{serial}", serial,
                            established_on=dt.date(2025, m, 1))
    ind = Indicator.objects.get(action__plan=plan, key="tech_sme_registered")
    set_allocations(indicator=ind, actor=users["city_staff"],
                    shares={luzhou.pk: Decimal(200), xiangyuan.pk: Decimal(100)})

    login(page, live_server, "county_a_staff")
    page.goto(f"{live_server.url}/kpi/?as_of={AS_OF}")
    assert "潞州区指标状态" in page.get_by_test_id("status-summary").inner_text()
    row = page.locator('[data-key="tech_sme_registered"]')
    text = row.inner_text()
    assert "5 / 200" in text and "全市 9 / 300" in text  # 潞州区 3 + 长治高新区 2
    row.get_by_test_id("indicator-link").click()
    page.wait_for_url("**/kpi/indicators/**")

    assert page.get_by_test_id("indicator-value").inner_text().startswith("5")
    assert "全市 9 / 300" in page.get_by_test_id("city-value").inner_text()
    assert "长治高新区企业计入潞州区" in page.get_by_test_id("folded-note").inner_text()
    assert page.get_by_test_id("line-chart-title").inner_text().endswith("潞州区")
    page.wait_for_selector("#line-chart svg")
    series = page.evaluate("""() => echarts.getInstanceByDom(
        document.getElementById('line-chart')).getOption().series.map(
        s => ({name: s.name, data: s.data}))""")
    this_year = series[0]["data"]
    assert series[0]["name"] == "潞州区2025年累计"
    assert this_year == [0, 1, 2, 2, 3, 4, 4, 5, 5, 5] and max(this_year) == 5  # never 9
    target = next(s for s in series if s["name"] == "潞州区目标")
    assert set(target["data"]) == {200}
    # the status badge beside the value is 潞州区's (5 of 200 by October: behind), the
    # city's own status is not shown as the page's
    badge = page.locator(".card-body [data-status]").first.get_attribute("data-status")
    assert badge == "behind"
    # the records counter lists 潞州区's records the clerk may see
    assert "共 3 条" in page.get_by_test_id("records-shown").inner_text()
    assert page.get_by_test_id("records-scope").is_visible()
    listed = page.get_by_test_id("records-table").inner_text()
    assert "潞州区浏览器企业" in listed and "襄垣县浏览器企业" not in listed
