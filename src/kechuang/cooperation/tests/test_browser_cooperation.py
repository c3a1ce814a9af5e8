"""Browser (Debian Chromium through Playwright): a local partner files a milestone's evidence,
and the bureau then sees the project on schedule (issue #17 items 3 and 6)."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.tests.test_browser import CHROMIUM, browser, login, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM),
                       reason="Debian chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_partner_files_evidence_and_the_bureau_sees_the_project_on_schedule(
        page, live_server, users, county_a, enterprise_a, settings, tmp_path):  # noqa: F811
    from kechuang.cooperation import services

    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    staff = users["city_staff"]
    project = services.create_project(actor=staff, local_partners=[enterprise_a], data={
        "name": "武理工长治概念验证中心", "kind": "concept", "partner_name": "武汉理工大学",
        "county": county_a, "agreement_on": dt.date(2024, 11, 8), "provincial": True,
        "status": "building"})
    services.add_milestone(project=project, actor=staff,
                           data={"title": "概念验证平台挂牌", "due_on": dt.date(2025, 3, 1)})

    login(page, live_server, "enterprise_a_user")
    page.goto(f"{live_server.url}/cooperation/projects/")
    row = page.get_by_test_id("project-row").filter(has_text="武理工长治概念验证中心")
    assert "滞后" in row.get_by_test_id("schedule").inner_text()
    row.get_by_role("link", name="武理工长治概念验证中心").click()
    page.wait_for_url("**/cooperation/projects/*/")
    assert page.get_by_test_id("milestone-overdue").is_visible()
    form = page.get_by_test_id("evidence-form")
    form.locator("input[name=done_on]").fill("2025-03-20")
    form.locator("input[name=note]").fill("已挂牌运行")
    form.locator("input[name=files]").set_input_files(files=[{
        "name": "挂牌照片.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n%%EOF\n"}])
    form.get_by_test_id("submit-evidence").click()
    page.wait_for_selector('[data-testid="milestone-done"]')
    assert "挂牌照片.pdf" in page.get_by_test_id("evidence-link").inner_text()

    page.context.clear_cookies()
    login(page, live_server, "city_staff")
    page.goto(f"{live_server.url}/cooperation/projects/?schedule=on")
    row = page.get_by_test_id("project-row").filter(has_text="武理工长治概念验证中心")
    assert row.get_by_test_id("schedule").inner_text() == "按计划推进"
    row.get_by_role("link", name="武理工长治概念验证中心").click()
    assert "延期完成" in page.get_by_test_id("milestones").inner_text()
