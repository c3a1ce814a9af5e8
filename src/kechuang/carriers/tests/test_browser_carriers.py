"""Browser (Debian Chromium through Playwright): a host submits its annual evaluation with
evidence and the bureau grades it; a platform promoted from city to province level counts
toward 省级以上创新平台 (≥ 100) on the dashboard from its recognition date (issue #17)."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.tests.test_browser import CHROMIUM, browser, login, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM),
                       reason="Debian chromium is not installed"),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.django_db(transaction=True)
def test_host_submits_and_bureau_grades(page, live_server, users, enterprise_a,  # noqa: F811
                                        enterprise_b):
    from kechuang.carriers import services
    from kechuang.carriers.models import Evaluation
    from kechuang.carriers.tests.conftest import make_platform

    bureau = users["city_staff"]
    make_platform(bureau, enterprise_a, name="长治市甲光电工程技术研究中心",
                  kind_code="engineering_centre", level="city", on=dt.date(2022, 5, 1))
    make_platform(bureau, enterprise_b, name="襄垣乙化工重点实验室", level="provincial",
                  on=dt.date(2021, 5, 1))
    services.open_campaign(actor=bureau, data={"year": 2024, "title": "2024年度创新平台绩效评价",
                                               "due_on": dt.date(2025, 3, 31)})

    login(page, live_server, "enterprise_a_user")
    page.goto(f"{live_server.url}/carriers/evaluations/")
    table = page.get_by_test_id("evaluation-table").inner_text()
    assert "长治市甲光电工程技术研究中心" in table and "襄垣乙化工重点实验室" not in table
    page.get_by_role("link", name="长治市甲光电工程技术研究中心").click()
    page.wait_for_url("**/carriers/evaluations/**")
    for name, value in (("rd_staff", "28"), ("rd_spend_yuan", "3600000"), ("projects", "5"),
                        ("patents", "2"), ("achievements", "1"), ("services", "30")):
        page.fill(f"input[name={name}]", value)
    page.fill("textarea[name=summary]", "完成年度建设任务，新增发明专利2件。")
    page.set_input_files("input[name=files]", files=[
        {"name": "年度审计报告.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_test_id("submit").click()
    page.wait_for_selector('[data-testid="evidence-link"]')
    assert "已提交" in page.get_by_test_id("status").inner_text()
    ev = Evaluation.objects.get(platform__name="长治市甲光电工程技术研究中心")
    assert ev.status == "submitted" and ev.rd_staff == 28

    page.context.clear_cookies()
    login(page, live_server, "city_staff")
    page.goto(f"{live_server.url}{ev.get_absolute_url()}")
    card = page.get_by_test_id("grade-card")
    card.locator("select[name=grade]").select_option("good")
    card.locator("input[name=score]").fill("86")
    card.locator("input[name=comment]").fill("数据属实，成效良好")
    page.get_by_test_id("action-grade").click()
    page.wait_for_selector('[data-testid="grade"]')
    assert "良好" in page.get_by_test_id("grade").inner_text()
    ev.refresh_from_db()
    assert (ev.status, ev.grade) == ("graded", "good")


def _figure(pg, live_server, as_of: str) -> str:
    pg.goto(f"{live_server.url}/kpi/?year=2025&as_of={as_of}")
    return pg.locator('[data-key="provincial_platforms"] strong').first.inner_text()


@pytest.mark.django_db(transaction=True)
def test_promoted_platform_counts_from_its_recognition_date(page, live_server,  # noqa: F811
                                                            users, enterprise_a, plan):
    from kechuang.carriers.tests.conftest import make_platform

    bureau = users["city_staff"]
    for n in range(3):
        make_platform(bureau, enterprise_a, name=f"山西省甲{n}重点实验室", level="provincial",
                      on=dt.date(2023, 3, 1))
    p = make_platform(bureau, enterprise_a, name="长治市甲光伏技术创新中心",
                      kind_code="tech_innovation_centre", level="city", on=dt.date(2023, 9, 1))

    login(page, live_server, "city_staff")
    assert _figure(page, live_server, "2025-07-15") == "3"
    page.goto(f"{live_server.url}{p.get_absolute_url()}")
    page.select_option("select[name=level]", "provincial")
    page.fill("input[name=recognised_on]", "2025-07-15")
    page.fill("input[name=document_no]", "晋科发〔2025〕66号")
    page.get_by_test_id("recognise").click()
    page.wait_for_selector('[data-testid="recognition"] >> nth=1')
    assert page.get_by_test_id("level").inner_text() == "省级"
    assert _figure(page, live_server, "2025-07-14") == "3"  # before its recognition date
    assert _figure(page, live_server, "2025-07-15") == "4"  # from it
    assert _figure(page, live_server, "2025-12-31") == "4"

