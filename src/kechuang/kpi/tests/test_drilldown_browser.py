"""Issue #12 item 6 in a real browser: the drill-down's record list says "显示 50 / 共 N 条",
pages to the rest, and a record's name opens the enterprise (Debian Chromium, Playwright)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import make_enterprise
from kechuang.plans.models import Indicator
from kechuang.tests.test_browser import (  # noqa: F401 - fixtures
    CHROMIUM,
    browser,
    csp_violations,
    login,
    page,
)

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not __import__("os").path.exists(CHROMIUM), reason="Debian chromium is not installed")]


@pytest.mark.django_db(transaction=True)
def test_city_staff_page_through_the_records_and_open_an_enterprise(
        page, live_server, users, plan, dated_metric, county_a, county_b):  # noqa: F811
    for i in range(63):
        make_enterprise(county_a if i < 40 else county_b, f"钻取企业{i:03d}", 2000 + i,
                        established_on=dt.date(2025, 1 + i % 12, 5))
    ind = Indicator.objects.get(action__plan=plan, key="tech_sme_registered")
    login(page, live_server, "city_staff")
    page.goto(f"{live_server.url}/kpi/indicators/{ind.pk}/?as_of=2025-12-31")
    assert page.get_by_test_id("records-shown").inner_text() == "显示 50 / 共 63 条"
    assert page.get_by_test_id("record-link").count() == 50
    first_page = set(page.get_by_test_id("record-link").all_inner_texts())

    page.get_by_role("navigation", name="分页").get_by_role("link", name="2", exact=True).click()
    page.wait_for_url("**page=2**")
    assert "as_of=2025-12-31" in page.url  # the date stays with the page
    assert page.get_by_test_id("records-shown").inner_text() == "显示 13 / 共 63 条"
    second_page = page.get_by_test_id("record-link").all_inner_texts()
    assert len(second_page) == 13 and not set(second_page) & first_page

    name = second_page[0]
    page.get_by_test_id("record-link").first.click()
    page.wait_for_url(re.compile(r".*/enterprises/\d+/$"))
    assert name in page.content()
    assert not csp_violations(page)
