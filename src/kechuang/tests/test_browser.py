"""A real browser (Debian's Chromium through Playwright) walks the pages a county clerk uses.

Never `playwright install`: the test drives /usr/bin/chromium, which `make test` installs
from Debian when it is missing.
"""

from __future__ import annotations

import os
import shutil

import pytest

from conftest import make_enterprise, make_report

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               "--disable-quic"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed"),
]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


# every page records the Content-Security-Policy violations it raises (an init script runs
# before the page's own and is not itself subject to the policy)
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " "
                              + (e.sourceFile || "") + ":" + (e.lineNumber || ""));
});
"""


@pytest.fixture
def page(browser):
    """A page whose test fails on any CSP violation (console or securitypolicyviolation)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.add_init_script(CSP_RECORDER)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    console: list[str] = []
    pg.on("console", lambda msg: console.append(msg.text)
          if "Content Security Policy" in msg.text else None)
    pg.csp_console = console
    yield pg
    context.close()
    assert not console, f"CSP violations on the console: {console}"


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def login(page, live_server, username: str, password: str = "Kc-test-Pass-2025") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.django_db(transaction=True)
def test_county_clerk_filters_opens_detail_and_never_sees_other_county(
    page, live_server, users, county_a, enterprise_a, enterprise_b, report_a
):
    make_enterprise(county_a, "长治丁光伏科技有限公司", 4, industry_code="C38")
    login(page, live_server, "county_a_staff")

    page.get_by_role("link", name="企业库").first.click()
    page.wait_for_url("**/enterprises/")
    table = page.get_by_test_id("enterprise-table")
    assert "长治甲科技有限公司" in table.inner_text()
    assert "长治丁光伏科技有限公司" in table.inner_text()
    assert "襄垣乙化工有限公司" not in page.content()

    # filter by industry (C26) through the filter bar
    page.select_option("#id_industry", "C26")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**industry=C26**")
    text = page.get_by_test_id("enterprise-table").inner_text()
    assert "长治甲科技有限公司" in text and "长治丁光伏科技有限公司" not in text

    # search for the other county's enterprise by name: nothing
    page.fill("#id_q", "襄垣乙化工")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    assert "襄垣乙化工有限公司" not in page.content()

    # open a detail page from the list
    page.goto(f"{live_server.url}/enterprises/")
    page.get_by_role("link", name="长治甲科技有限公司").click()
    page.wait_for_url(f"**/enterprises/{enterprise_a.pk}/")
    assert enterprise_a.credit_code in page.content()
    assert "2024" in page.content()  # its annual report

    # the other county's enterprise is not found, even by URL
    resp = page.goto(f"{live_server.url}/enterprises/{enterprise_b.pk}/")
    assert resp.status == 404
    assert "襄垣乙化工有限公司" not in page.content()


@pytest.mark.django_db(transaction=True)
def test_city_staff_click_from_the_dashboard_down_to_the_records(page, live_server, users,
                                                                 regions):
    from kechuang.plans.services import load_plan

    load_plan()
    luzhou, xiangyuan = regions["140403"], regions["140423"]
    for i, (county, name, rd) in enumerate([(luzhou, "长治研发制造有限公司", True),
                                            (luzhou, "长治无研发制造有限公司", False),
                                            (xiangyuan, "襄垣研发煤化有限公司", True)]):
        e = make_enterprise(county, name, 50 + i, industry_code="C26", above_scale=True)
        make_report(e, 2025, has_rd_activity=rd)
    login(page, live_server, "city_staff")
    page.wait_for_url("**/kpi/")
    assert page.get_by_test_id("action-card").count() == 8
    row = page.locator('[data-key="above_scale_industrial_with_rd_share"]')
    assert "66.67" in row.inner_text()
    # no county targets allocated yet: the ranking says what to do instead of an empty chart
    assert "尚未分解" in page.get_by_test_id("ranking-hint").inner_text()

    row.get_by_test_id("indicator-link").click()
    page.wait_for_url("**/kpi/indicators/**")
    assert "66.67" in page.get_by_test_id("indicator-value").inner_text()
    page.wait_for_selector("#bar-chart svg")
    records = page.get_by_test_id("records-table").inner_text()
    assert "长治研发制造有限公司" in records and "襄垣研发煤化有限公司" in records
    assert "长治无研发制造有限公司" not in records  # not in the numerator: no R&D

    page.select_option("#f-county", label="襄垣县")
    page.get_by_role("button", name="刷新").click()
    page.wait_for_url("**county=**")
    records = page.get_by_test_id("records-table").inner_text()
    assert "襄垣研发煤化有限公司" in records and "长治研发制造有限公司" not in records
    assert "100" in page.get_by_test_id("indicator-value").inner_text()


@pytest.mark.django_db(transaction=True)
def test_enterprise_user_self_assesses_and_tries_a_what_if(page, live_server, users,
                                                           enterprise_a):
    from decimal import Decimal

    from kechuang.assessment.tests.helpers import docs_report
    from kechuang.orgs.models import EnterpriseAnnualReport

    report = docs_report(enterprise_a)  # docs/policy.md: 54 points, needs ¥123,400 more R&D
    login(page, live_server, "enterprise_a_user")

    page.get_by_role("link", name="自评", exact=True).first.click()
    page.wait_for_url(f"**/assessment/enterprises/{enterprise_a.pk}/")
    panel = page.get_by_test_id("panel-tech_sme")
    assert page.get_by_test_id("verdict-tech_sme-stored").inner_text() == "不符合"
    failed = panel.get_by_test_id("condition-failed")
    assert "综合评价得分不低于 60 分" in failed.first.inner_text()
    assert "研发费用需增加 ¥123,400.00" in panel.get_by_test_id("gap").first.inner_text()
    assert "自评结果仅供参考，以主管部门认定为准" in page.get_by_test_id("disclaimer").inner_text()

    # what-if: more R&D expense, typed into the pre-filled form
    assert page.input_value("#id_rd_expense_yuan") == "1076600"
    page.fill("#id_rd_expense_yuan", "1200000")
    page.get_by_test_id("whatif-submit").click()
    page.wait_for_selector('[data-testid="verdict-tech_sme-whatif"]')
    assert page.get_by_test_id("verdict-tech_sme-whatif").inner_text() == "符合"
    assert page.get_by_test_id("verdict-tech_sme-stored").inner_text() == "不符合"
    assert "未保存任何数据" in page.get_by_test_id("whatif-banner").inner_text()

    # back to the stored figures, then let the gap fill the form in
    page.get_by_role("link", name="恢复已报数据").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("verdict-tech_sme-whatif").count() == 0
    page.get_by_test_id("panel-tech_sme").get_by_test_id("apply-gap").first.click()
    page.wait_for_selector('[data-testid="verdict-tech_sme-whatif"]')
    assert page.get_by_test_id("verdict-tech_sme-whatif").inner_text() == "符合"
    assert page.input_value("#id_rd_expense_yuan") == "1200000.00"

    # nothing was saved
    stored = EnterpriseAnnualReport.objects.get(pk=report.pk)
    assert stored.rd_expense_yuan == Decimal("1076600")
    assert stored.updated_at == report.updated_at


@pytest.mark.django_db(transaction=True)
def test_main_pages_work_under_the_csp_without_violations(page, live_server, users,
                                                          enterprise_a, report_a):
    """Charts draw, the allocation sum updates, Swagger UI renders — and no CSP violation."""
    from django.urls import reverse

    from kechuang.plans.models import CountyAllocation, Indicator
    from kechuang.plans.services import load_plan

    plan = load_plan()["plan"]
    make_report(enterprise_a, 2025, has_rd_activity=True)
    rd = Indicator.objects.get(action__plan=plan, key="above_scale_industrial_with_rd_share")
    high_tech = Indicator.objects.get(action__plan=plan, key="high_tech_recognized")
    CountyAllocation.objects.create(indicator=high_tech, county_id=enterprise_a.county_id,
                                    target=50)
    seen: dict[str, list[str]] = {}

    def visit(url: str, ready: str | None = None) -> None:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        if ready:
            page.wait_for_selector(ready, state="attached")
        seen[url] = csp_violations(page)

    login(page, live_server, "city_staff")
    # the overview's per-county bar chart is web/home-chart.js
    visit(reverse("web:overview"), "#kc-county-chart canvas")
    visit(reverse("kpi:dashboard"), "[data-testid=action-card]")
    visit(reverse("kpi:indicator_detail", args=[rd.pk]), "#bar-chart svg")
    visit(reverse("orgs:enterprise_list"))
    visit(reverse("orgs:enterprise_edit", args=[enterprise_a.pk]), "input[name=version]")
    visit(reverse("plans:plan_detail"))
    visit(reverse("cultivation:targets"))
    visit(reverse("api-docs"), "#swagger-ui .information-container")

    # the county allocation form: the live sum is plans/allocation.js, no inline script
    visit(reverse("plans:allocation_edit", args=[high_tech.pk]), "#kc-share-sum")
    page.locator(".kc-share").first.fill("30")
    page.locator(".kc-share").first.dispatch_event("input")
    assert page.inner_text("#kc-share-sum") != "—"
    seen["allocation input"] = csp_violations(page)
    assert not any(seen.values()), seen


@pytest.mark.django_db(transaction=True)
def test_whatif_error_scrolls_to_and_highlights_the_field(page, live_server, users,
                                                          enterprise_a):
    """A refused what-if opens at the wrong figure (assessment/whatif.js), not at the rules."""
    from playwright.sync_api import expect

    from kechuang.assessment.tests.helpers import docs_report

    docs_report(enterprise_a)
    login(page, live_server, "enterprise_a_user")
    page.goto(f"{live_server.url}/assessment/enterprises/{enterprise_a.pk}/")
    page.fill("#id_employees", "一百")
    page.get_by_test_id("whatif-submit").click()
    page.wait_for_selector('[data-testid="error-employees"]')
    page.wait_for_load_state("load")
    field = page.locator("#id_employees")
    expect(field).to_be_focused()  # (wait_for_function would need 'unsafe-eval')
    assert "is-invalid" in (field.get_attribute("class") or "")
    assert field.get_attribute("aria-invalid") == "true"
    expect(field).to_be_in_viewport(ratio=1)
    assert page.evaluate("window.scrollY") > 0  # the form is far down the page
    message = page.get_by_test_id("error-employees").inner_text()
    assert message == "职工总数：“一百”不是有效的数字"  # the Chinese label only, no field key
    assert field.get_attribute("aria-describedby") == page.get_by_test_id(
        "error-employees").get_attribute("id")

    # a gap suggestion lands on the rule it came from
    page.get_by_role("link", name="恢复已报数据").click()
    page.wait_for_load_state()
    button = page.get_by_test_id("panel-tech_sme").get_by_test_id("apply-gap").first
    assert button.get_attribute("formaction").endswith("#rule-tech_sme")
    button.click()
    page.wait_for_selector('[data-testid="verdict-tech_sme-whatif"]')
    assert page.url.endswith("#rule-tech_sme")
    expect(page.locator("#rule-tech_sme .card-header")).to_be_in_viewport()
    assert not csp_violations(page)
