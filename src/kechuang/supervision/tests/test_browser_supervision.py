"""Browser (Debian Chromium through Playwright), issue #18's done-when: the bureau assigns a
task to a unit, the unit files an update with evidence, the task turns 滞后 after its milestone
passes without an update, a 督办 notice is issued and answered."""

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


class _Clock:
    """The supervision selectors' clock, moved on by the test (the milestone "passes")."""

    def __init__(self) -> None:
        from django.utils import timezone

        self.real = timezone
        self.shift = dt.timedelta(0)

    def localdate(self, *args, **kwargs):
        return self.real.localdate(*args, **kwargs) + self.shift

    def __getattr__(self, name):
        return getattr(self.real, name)


def _as(pg, live_server, username):
    pg.context.clear_cookies()
    login(pg, live_server, username)


def _status(pg) -> str:
    return pg.get_by_test_id("item-title").get_by_test_id("status").get_attribute(
        "data-status")


@pytest.mark.django_db(transaction=True)
def test_assign_update_late_notice_answer(page, live_server, users, plan, county_a,  # noqa: F811
                                          monkeypatch, tmp_path, settings):
    from kechuang.supervision import selectors, services

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    clock = _Clock()
    monkeypatch.setattr(selectors, "timezone", clock)
    services.save_unit(actor=users["city_admin"], data={
        "name": "潞州区科技局", "kind": "county_bureau", "county": county_a},
        members=[users["county_a_staff"]])
    task = plan.actions.get(number=1).tasks.order_by("sort_order").first()
    today = dt.date.today()
    first, second = today + dt.timedelta(days=3), today + dt.timedelta(days=10)

    # the bureau assigns the task
    _as(page, live_server, "city_staff")
    page.goto(f"{live_server.url}/supervision/")
    page.get_by_test_id(f"assign-{task.pk}").click()
    page.select_option("#id_lead_unit", label="潞州区科技局")
    page.fill("#id_due_date", (today + dt.timedelta(days=60)).isoformat())
    page.fill("#id_milestones", f"{first} 制定方案\n{second} 印发实施")
    page.get_by_test_id("save").click()
    page.wait_for_url("**/supervision/items/**")
    assert _status(page) == "not_started"
    item_url = page.url
    assert "潞州区科技局" in page.get_by_test_id("lead-unit").inner_text()

    # the unit files an update with evidence, reaching the first milestone
    _as(page, live_server, "county_a_staff")
    page.goto(item_url)
    page.fill("#update_text", "已起草实施方案，报局务会审议")
    page.select_option("#update_milestone", label=f"{first:%Y-%m-%d} 制定方案")
    ev = tmp_path / "方案.pdf"
    ev.write_bytes(PDF)
    page.set_input_files("#update_files", str(ev))
    page.get_by_test_id("file-update").click()
    page.wait_for_selector('[data-testid="update"]')
    assert "方案.pdf" in page.get_by_test_id("updates").inner_text()
    assert _status(page) == "in_progress"

    # the second milestone passes without an update: 滞后
    clock.shift = dt.timedelta(days=11)
    page.reload()
    assert _status(page) == "late"
    assert "已逾期" in page.get_by_test_id("milestones").inner_text()

    # the bureau issues a 督办 notice, the unit answers it
    _as(page, live_server, "city_staff")
    page.goto(item_url)
    page.fill("#notice_text", "印发实施节点已逾期，请说明原因")
    page.fill("#notice_answer_due", (today + dt.timedelta(days=20)).isoformat())
    page.get_by_test_id("issue-notice").click()
    page.wait_for_url("**/supervision/notices/**")
    notice_url = page.url
    assert page.get_by_test_id("notice-state").get_attribute("data-state") == "open"

    _as(page, live_server, "county_a_staff")
    page.goto(notice_url)
    page.fill("#id_answer", "已于本周召开专题会，月底前印发")
    page.get_by_test_id("answer-submit").click()
    page.wait_for_selector('[data-testid="answer"]')
    assert page.get_by_test_id("notice-state").get_attribute("data-state") == "answered"
    assert "专题会" in page.get_by_test_id("answer").inner_text()
