"""Browser (Debian Chromium through Playwright): one application from call to acceptance
across the roles — the enterprise submits, the county recommends, the city checks, experts
are drawn (the expert of the lead enterprise excluded, the reason shown to staff), two
experts score, the city approves, the first instalment is paid, a progress report is filed,
an acceptance expert accepts the task and gives an opinion per 考核指标 on their own page, the
city concludes with the opinion in view (issue #14, "Done when")."""

from __future__ import annotations

import pytest

from kechuang.projects.tests import fixtures as fx
from kechuang.tests.test_browser import CHROMIUM, browser, login, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM),
                       reason="Debian chromium is not installed"),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def logout(pg, live_server) -> None:
    pg.context.clear_cookies()


def step(pg, live_server, user: str, url: str, action: str, reason: str = "") -> None:
    logout(pg, live_server)
    login(pg, live_server, user)
    pg.goto(f"{live_server.url}{url}")
    if reason:
        pg.fill("#id_reason", reason)
    pg.get_by_test_id(f"action-{action}").click()
    pg.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_one_application_from_call_to_acceptance(page, live_server, users,  # noqa: F811
                                                 rd_call, enterprise_a, pool, tmp_path):
    from kechuang.projects.models import Application, Project, ReviewAssignment

    app = fx.application(rd_call, enterprise_a, users["enterprise_a_user"],
                         title="焦化除尘灰资源化利用关键技术")
    app.targets = "申请发明专利2项\n建成示范线1条"
    app.save()
    app_url = f"/projects/applications/{app.pk}/"

    # the enterprise submits: it sees the public label only
    login(page, live_server, "enterprise_a_user")
    page.goto(f"{live_server.url}{app_url}")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "已受理"

    step(page, live_server, "county_a_staff", app_url, "recommend", "同意推荐")
    step(page, live_server, "city_staff", app_url, "pass_check", "材料齐全")
    assert page.get_by_test_id("status").inner_text() == "形式审查通过"

    # the draw: two experts, no reserve; the lead enterprise's expert is excluded, with why
    page.get_by_test_id("draw").click()
    page.fill("#id_size", "2")
    page.fill("#id_reserves", "0")
    page.fill("#id_seed", "20250601")
    page.get_by_test_id("run-draw").click()
    page.wait_for_selector('[data-testid="draw-record"]')
    excluded = page.get_by_test_id("exclusion").all_inner_texts()
    conflicted = [t for t in excluded if "专家乙" in t]
    assert conflicted and "同一单位" in conflicted[0]
    drawn = list(ReviewAssignment.objects.filter(application=app, status="invited")
                 .select_related("reviewer", "expert_profile"))
    assert len(drawn) == 2 and "专家乙" not in {a.expert_profile.name for a in drawn}

    # two experts accept and score
    for a in drawn:
        logout(page, live_server)
        login(page, live_server, a.reviewer.username)
        page.goto(f"{live_server.url}/projects/reviews/{a.pk}/")
        page.get_by_test_id("action-accept").click()
        page.wait_for_load_state()
        for i in range(3):
            page.fill(f"#id_score_{i}", str(80 + i))
        page.fill("#id_opinion", "技术路线可行，建议支持")
        page.get_by_test_id("submit-review").click()
        page.wait_for_selector('[data-testid="my-review"]')

    # the city approves (立项): the decision with its reason
    step(page, live_server, "city_staff", app_url, "approve", "经会审和公示，同意立项")
    assert Application.objects.get(pk=app.pk).status == "approved"
    project = Project.objects.get(application=app)
    project_url = f"{live_server.url}/projects/{project.pk}/"

    # the first instalment is paid after the task contract is signed
    page.goto(project_url)
    page.get_by_test_id("sign-contract").click()
    page.wait_for_load_state()
    page.get_by_test_id("pay").first.click()
    page.wait_for_load_state()
    assert "已拨付" in page.content()
    assert page.get_by_test_id("project-disbursements").is_visible()

    # the enterprise files a progress report and applies for acceptance
    logout(page, live_server)
    login(page, live_server, "enterprise_a_user")
    page.goto(project_url)
    page.get_by_test_id("report-open").click()
    page.select_option("#id_kind", "progress")
    page.fill("#id_period", "2025年下半年")
    page.fill("#id_summary", "完成中试装置建设")
    page.get_by_test_id("report-submit").click()
    page.wait_for_selector('[data-testid="report-row"]')
    page.get_by_test_id("acceptance-open").click()
    for field in page.get_by_test_id("target-achieved").all():
        field.fill("已完成")
    report = tmp_path / "审计报告.pdf"
    report.write_bytes(PDF)
    page.set_input_files("#id_audit_report", str(report))
    page.get_by_test_id("acceptance-submit").click()
    page.wait_for_selector('[data-testid="acceptance"]')

    # the city draws the acceptance group
    logout(page, live_server)
    login(page, live_server, "city_staff")
    page.goto(project_url)
    page.get_by_test_id("acceptance-draw").click()
    page.wait_for_selector('[data-testid="acceptance-group"]')
    assert "专家乙" in page.get_by_test_id("acceptance-excluded").first.inner_text()

    # an acceptance expert finds the task next to the review tasks, accepts and gives an
    # opinion per 考核指标 with the conclusion they recommend
    from kechuang.projects.models import AcceptanceTask

    task = AcceptanceTask.objects.filter(acceptance__project=project, status="invited"
                                         ).select_related("reviewer").order_by("rank").first()
    logout(page, live_server)
    login(page, live_server, task.reviewer.username)
    page.goto(f"{live_server.url}/projects/acceptance-tasks/")
    page.get_by_test_id("acceptance-task-row").get_by_role("link").click()
    page.wait_for_load_state()
    page.get_by_test_id("task-accept").click()
    page.wait_for_selector('[data-testid="self-evaluation"]')
    page.check("#id_rating_0_0")  # 已完成
    page.check("#id_rating_1_1")  # 部分完成
    page.select_option("#id_recommendation", "passed")
    page.fill("#id_opinion", "专利已授权，示范线已建成，同意通过")
    page.get_by_test_id("submit-opinion").click()
    page.wait_for_selector('[data-testid="my-opinion"]')

    # the city sees the opinion and concludes: 通过
    logout(page, live_server)
    login(page, live_server, "city_staff")
    page.goto(project_url)
    assert page.get_by_test_id("expert-recommendation").inner_text() == "通过"
    page.select_option("#id_conclusion", "passed")
    page.fill("#id_opinion", "考核指标全部完成，同意通过验收")
    page.get_by_test_id("acceptance-conclude").click()
    page.wait_for_selector('[data-testid="acceptance-conclusion"]')
    assert page.get_by_test_id("acceptance-conclusion").inner_text() == "通过"
    assert Project.objects.get(pk=project.pk).stage == "accepted"
