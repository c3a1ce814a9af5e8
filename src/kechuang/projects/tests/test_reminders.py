"""The report schedule and the daily reminders: the schedule from the contract to the planned
end, a filed report fulfils the earliest one owed, notices before / on / after the due date to
the organisation's users and the county's staff, once per report and stage however often the
job runs; the bureau's overdue list and its export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kechuang.core.scheduler import checks
from kechuang.notices.models import Notice
from kechuang.policy import rd_reports
from kechuang.projects import selectors, services
from kechuang.projects.models import ReportDue
from kechuang.projects.tests import fixtures as fx

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_schedule_has_half_yearly_reports_and_the_midterm():
    dues = rd_reports.report_schedule(D(2024, 8, 10), D(2026, 8, 9))
    assert [(d.kind, d.period, d.due_on) for d in dues] == [
        ("progress", "2024年下半年", D(2025, 1, 15)),
        ("progress", "2025年上半年", D(2025, 7, 15)),
        ("midterm", "2025年中期", D(2025, 8, 15)),
        ("progress", "2025年下半年", D(2026, 1, 15)),
        ("progress", "2026年上半年", D(2026, 7, 15))]
    assert rd_reports.report_schedule(D(2025, 1, 1), None) == []


def test_the_reminder_stages():
    due = D(2025, 7, 15)
    assert rd_reports.reminder_stage(due, D(2025, 7, 7)) is None
    assert rd_reports.reminder_stage(due, D(2025, 7, 8)) == "before"
    assert rd_reports.reminder_stage(due, due) == "due"
    assert rd_reports.reminder_stage(due, D(2025, 9, 1)) == "overdue"


@pytest.fixture
def running(enterprise_a, users):
    project = fx.project(enterprise_a, code="XM-R-1", approved_on=D(2024, 8, 10),
                         ends_on=D(2026, 8, 9))
    services.sign_contract(project=project, actor=users["city_staff"], on=D(2024, 9, 1))
    return project


def test_signing_plans_the_reports_and_a_filed_report_fulfils_the_earliest(running, users):
    assert running.report_dues.count() == 5
    assert services.plan_reports(project=running, actor=users["city_staff"]) == 0
    report = services.file_report(project=running, actor=users["enterprise_a_user"],
                                  kind="progress", period="2024年下半年", summary="进展")
    first = running.report_dues.order_by("due_on").first()
    assert first.report == report


def test_reminders_before_on_and_after_the_due_date_once_each(running, users):
    ent, county = users["enterprise_a_user"], users["county_a_staff"]
    other = users["enterprise_b_user"]
    assert services.send_report_reminders(today=D(2025, 1, 7)) == 0
    assert services.send_report_reminders(today=D(2025, 1, 8)) == 2  # 7 days before
    assert services.send_report_reminders(today=D(2025, 1, 9)) == 0  # already told
    assert services.send_report_reminders(today=D(2025, 1, 15)) == 2  # on the day
    assert services.send_report_reminders(today=D(2025, 1, 15)) == 0
    assert services.send_report_reminders(today=D(2025, 1, 20)) == 2  # overdue
    assert services.send_report_reminders(today=D(2025, 1, 21)) == 0
    titles = list(Notice.objects.filter(recipient=ent).order_by("pk")
                  .values_list("title", flat=True))
    assert titles == [
        "项目报告即将到期：测试项目 · 进展报告（2024年下半年）（应于 2025-01-15 前提交）",
        "项目报告今日到期：测试项目 · 进展报告（2024年下半年）（应于 2025-01-15 提交）",
        "项目报告已逾期：测试项目 · 进展报告（2024年下半年）（应于 2025-01-15 提交）"]
    assert Notice.objects.filter(recipient=county).count() == 3
    assert not Notice.objects.filter(recipient=other).exists()
    # filed: no more; an ended project: none either
    services.file_report(project=running, actor=ent, kind="progress", period="2024年下半年",
                         summary="进展")
    assert services.send_report_reminders(today=D(2025, 7, 1)) == 0
    running.stage = "accepted"
    running.save()
    assert services.send_report_reminders(today=D(2025, 7, 10)) == 0
    assert "projects.report_reminders" in checks()


def test_the_overdue_list_is_the_bureaus_and_exports(running, users, client_for):
    assert [d.period for d in selectors.overdue_reports(
        user=users["city_staff"], today=D(2025, 8, 20))] == ["2024年下半年", "2025年上半年",
                                                              "2025年中期"]
    assert not selectors.overdue_reports(user=users["county_b_staff"], today=D(2025, 8, 20))
    url = reverse("projects:report_overdue_list")
    page = client_for(users["county_a_staff"]).get(url)
    assert page.status_code == 200 and "XM-R-1" in page.content.decode()
    assert client_for(users["enterprise_a_user"]).get(url).status_code == 403
    resp = client_for(users["city_staff"]).post(reverse("projects:report_overdue_export"))
    assert resp.status_code == 302


def test_staff_plan_reports_for_a_carry_over(enterprise_a, users, client_for):
    project = fx.project(enterprise_a, code="XM-R-2", approved_on=D(2024, 3, 1),
                         ends_on=D(2025, 2, 28))
    client = client_for(users["city_staff"])
    resp = client.post(reverse("projects:project_report_plan", args=[project.pk]))
    assert resp.status_code == 302
    assert list(ReportDue.objects.filter(project=project).values_list("period", flat=True)) == [
        "2024年上半年", "2024年中期", "2024年下半年"]
