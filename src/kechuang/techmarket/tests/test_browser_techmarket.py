"""Browser (Debian Chromium through Playwright): an enterprise applies for registration of a
contract, the office registers it, the 9亿 indicator and the county's figure move, and the
drill-down lists the contract (issue #16)."""

from __future__ import annotations

import pytest

from kechuang.tests.test_browser import CHROMIUM, browser, login, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM),
                       reason="Debian chromium is not installed"),
]
AS_OF = "2025-10-31"
SUBJECT = "浏览器测试：煤矸石综合利用工艺开发"


def _figures(tab, live_server, pk: int, county_pk: int) -> tuple[str, str]:
    tab.goto(f"{live_server.url}/kpi/indicators/{pk}/?as_of={AS_OF}")
    city = tab.get_by_test_id("indicator-value").inner_text().split()[0]
    tab.goto(f"{live_server.url}/kpi/indicators/{pk}/?as_of={AS_OF}&county={county_pk}")
    county = tab.get_by_test_id("indicator-value").inner_text().split()[0]
    return city, county


@pytest.mark.django_db(transaction=True)
def test_enterprise_applies_office_registers_indicator_moves(page, browser, live_server,  # noqa: F811
                                                             users, plan, enterprise_a,
                                                             enterprise_b):
    from kechuang.plans.models import Indicator

    ind = Indicator.objects.get(action__plan=plan, key="tech_contract_turnover")
    county = enterprise_a.county_id

    office = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    desk = office.new_page()
    desk.set_default_timeout(15000)
    login(desk, live_server, "city_staff")
    assert _figures(desk, live_server, ind.pk, county) == ("0", "0")

    # the enterprise applies: the buyer named by its full credit code
    login(page, live_server, "enterprise_a_user")
    page.goto(f"{live_server.url}/techmarket/contracts/add/")
    page.select_option("#id_contract_type", "development")
    page.select_option("#id_sub_type", "commissioned")
    page.fill("#id_subject", SUBJECT)
    page.fill("#id_seller", enterprise_a.credit_code)
    page.fill("#id_buyer", enterprise_b.credit_code)
    page.fill("#id_turnover_yuan", "50000000")
    page.fill("#id_signed_on", "2025-05-20")
    page.fill("#id_applied_on", "2025-06-02")
    page.get_by_test_id("save").click()
    page.wait_for_url("**/techmarket/contracts/*/")
    assert "待认定" in page.get_by_test_id("status").inner_text()
    url = page.url
    assert _figures(desk, live_server, ind.pk, county) == ("0", "0")  # not yet registered

    # the office registers it
    desk.goto(url)
    desk.fill("#id_registration_no", "2025140400BR01")
    desk.fill("#id_registered_on", "2025-06-10")
    desk.get_by_test_id("action-register").click()
    desk.wait_for_load_state()
    assert "已登记" in desk.get_by_test_id("status").inner_text()

    # the 9亿 indicator and the county's figure move (0.5 亿元), and the drill-down lists it
    city, mine = _figures(desk, live_server, ind.pk, county)
    assert city.startswith("0.5") and mine.startswith("0.5")
    listed = desk.get_by_test_id("records-table").inner_text()
    assert SUBJECT in listed and listed.count(SUBJECT) == 1
    # the statistics page shows it among the top contracts of the county
    desk.goto(f"{live_server.url}/techmarket/statistics/?year=2025&as_of={AS_OF}")
    assert SUBJECT in desk.get_by_test_id("top-table").inner_text()
    desk.wait_for_selector("#tm-month-chart svg")
    office.close()
