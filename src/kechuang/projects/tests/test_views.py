"""Pages: create with the budget grid, submit messages, the draw page's reasons, the expert's
review page (accept first, blind call), what applicants never see, list query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kechuang.projects import services
from kechuang.projects.models import Application, Project, ReviewAssignment
from kechuang.projects.tests import fixtures as fx

pytestmark = pytest.mark.django_db


def test_enterprise_creates_an_application_with_its_budget(client_for, users, rd_call,
                                                           enterprise_a, enterprise_b):
    client = client_for(users["enterprise_a_user"])
    assert client.get(reverse("projects:application_add")).status_code == 200
    resp = client.post(reverse("projects:application_add"), {
        "call": rd_call.pk, "title": "焦化除尘灰资源化", "lead": enterprise_a.pk,
        "partners": [enterprise_b.pk], "pi_name": "赵工", "total_budget_yuan": "500000",
        "objectives": "目标", "targets": "指标",
        "budget_equipment_city": "200000", "budget_equipment_enterprise": "300000"})
    app = Application.objects.get(title="焦化除尘灰资源化")
    assert resp.status_code == 302 and resp["Location"] == app.get_absolute_url()
    assert {(b.category, b.source, b.amount_yuan) for b in app.budget_lines.all()} == {
        ("equipment", "city", Decimal(200000)), ("equipment", "enterprise", Decimal(300000))}
    # submit: the rule breaks show as messages, one each
    rd_call.deadline = dt.date(2020, 1, 1)
    rd_call.save()
    resp = client.post(reverse("projects:application_submit", args=[app.pk]), follow=True)
    assert "申报截止日期（2020-01-01）已过" in resp.content.decode()
    app.refresh_from_db()
    assert app.status == "draft"


def test_enterprise_cannot_name_another_lead(client_for, users, rd_call, enterprise_b):
    client = client_for(users["enterprise_a_user"])
    resp = client.post(reverse("projects:application_add"), {
        "call": rd_call.pk, "title": "冒名申报", "lead": enterprise_b.pk, "pi_name": "赵工",
        "total_budget_yuan": "1"})
    assert resp.status_code == 200 and not Application.objects.filter(title="冒名申报").exists()


def _under_review(app, users):
    services.submit_application(application=app, actor=users["enterprise_a_user"],
                                as_of=dt.date(2025, 1, 1))
    services.take_step(application=app, actor=users["county_a_staff"], action="recommend")
    services.take_step(application=app, actor=users["city_staff"], action="pass_check")


def test_draw_page_runs_and_shows_the_conflict_reason(client_for, users, app_a, pool):
    _under_review(app_a, users)
    client = client_for(users["city_staff"])
    url = reverse("projects:application_draw", args=[app_a.pk])
    resp = client.post(url, {"size": 2, "reserves": 1, "seed": 99}, follow=True)
    html = resp.content.decode()
    assert "随机种子 99" in html or "99" in html
    assert "专家乙" in html and "回避：同一单位" in html
    assert html.count('data-testid="assignment"') == 3


def test_draw_page_overrides_a_conflict_with_a_reason(client_for, users, app_a, pool):
    _under_review(app_a, users)
    client = client_for(users["city_staff"])
    url = reverse("projects:application_draw", args=[app_a.pk])
    who = pool["conflicted"].pk
    html = client.post(url, {"size": 5, "reserves": 0, "overrides": f"{who}"}).content.decode()
    assert "格式不对" in html
    html = client.post(url, {"size": 5, "reserves": 0, "overrides": f"{who} 唯一同行专家"},
                       follow=True).content.decode()
    assert f"解除回避 #{who}：唯一同行专家" in html


def test_expert_reviews_after_accepting_and_applicant_never_sees_scores(client_for, users,
                                                                        app_a, pool):
    app_a.call.blind = True
    app_a.call.save()
    _under_review(app_a, users)
    services.run_draw(application=app_a, actor=users["city_staff"], size=4, seed=5)
    mine = ReviewAssignment.objects.get(expert_profile=pool["mine"])
    client = client_for(users["expert"])
    url = reverse("projects:review", args=[mine.pk])
    html = client.get(url).content.decode()
    assert "请先接受评审任务" in html and "长治甲科技有限公司" not in html
    client.post(reverse("projects:assignment_accept", args=[mine.pk]))
    html = client.get(url).content.decode()
    assert 'name="score_0"' in html and "长治甲科技有限公司" not in html  # blind call
    client.post(url, {"score_0": "90", "score_1": "80", "score_2": "70", "opinion": "很好"})
    mine.refresh_from_db()
    assert mine.review.total == Decimal("81.00")
    html = client.get(reverse("projects:application_list")).content.decode()
    assert app_a.title in html and "长治甲科技有限公司" not in html and "匿名" in html
    # the applicant sees the public label, no reviewer names, no scores
    html = client_for(users["enterprise_a_user"]).get(app_a.get_absolute_url()).content.decode()
    assert "评审中" in html and "专家甲" not in html and "81.00" not in html
    # the city sees them
    html = client_for(users["city_staff"]).get(app_a.get_absolute_url()).content.decode()
    assert "专家甲" in html and "81.00" in html


def test_expert_gets_404_on_an_application_not_assigned(client_for, users, app_a, pool):
    resp = client_for(users["expert"]).get(app_a.get_absolute_url())
    assert resp.status_code == 404


@pytest.mark.parametrize("url_name", ["projects:application_list", "projects:project_list"])
def test_list_query_count_is_constant(client_for, users, rd_call, enterprise_a, url_name,
                                      django_assert_max_num_queries):
    client = client_for(users["city_staff"])
    url = reverse(url_name)
    for i in range(25):
        fx.application(rd_call, enterprise_a, users["enterprise_a_user"], title=f"申报{i}")
        Project.objects.create(programme=rd_call.programme, code=f"P{i}", title=f"项目{i}",
                               year=2025, level="major_project", lead=enterprise_a,
                               county=enterprise_a.county, pi_name="甲",
                               approved_on=dt.date(2025, 5, 1))
    with django_assert_max_num_queries(16):
        resp = client.get(url)
    assert resp.status_code == 200 and resp.content.decode().count("-row") >= 25
