"""The call ranking (trimmed mean, disagreement), the 会审 decision and its 公示."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kechuang.projects import selectors, services
from kechuang.projects.models import Draw, Review, ReviewAssignment
from kechuang.projects.tests import fixtures as fx

pytestmark = pytest.mark.django_db


def scored(app, pool, totals, staff):
    draw = Draw.objects.create(application=app, seed=1, rule_version="t", drawn_by=staff)
    for rank, total in enumerate(totals, 1):
        expert = fx.expert(f"评{app.pk}-{rank}")
        a = ReviewAssignment.objects.create(draw=draw, application=app, expert_profile=expert,
                                            rank=rank, status="accepted")
        Review.objects.create(assignment=a, scores={}, total=Decimal(total), opinion="x")


@pytest.fixture
def ranked(rd_call, enterprise_a, enterprise_b, users, pool):
    staff = users["city_staff"]
    apps = []
    for i, totals in enumerate(([90, 88, 60, 86, 99], [80, 81, 79], [70, 95])):
        lead = enterprise_a if i % 2 == 0 else enterprise_b
        app = fx.application(rd_call, lead, users["enterprise_a_user"], status="reviewing",
                             title=f"排名项目{i}", pi_name=f"负责人{i}")
        scored(app, pool, totals, staff)
        apps.append(app)
    return apps


def test_ranking_by_trimmed_mean_with_the_disagreement_flag(ranked, users, rd_call):
    rows = selectors.call_ranking(user=users["city_staff"], call=rd_call)
    assert [r["app"].title for r in rows] == ["排名项目0", "排名项目2", "排名项目1"]
    first = rows[0]
    assert first["count"] == 5 and first["trimmed"] == Decimal("88.00")  # 60 and 99 dropped
    assert first["disagree"] and rows[1]["disagree"] and not rows[2]["disagree"]


def test_ranking_reads_a_fixed_number_of_queries(ranked, users, rd_call, enterprise_a, pool):
    with CaptureQueriesContext(connection) as few:
        selectors.call_ranking(user=users["city_staff"], call=rd_call)
    for i in range(5):
        app = fx.application(rd_call, enterprise_a, users["enterprise_a_user"],
                             status="reviewing", title=f"加{i}", pi_name=f"加{i}")
        scored(app, pool, [70, 80, 90], users["city_staff"])
    with CaptureQueriesContext(connection) as many:
        selectors.call_ranking(user=users["city_staff"], call=rd_call)
    assert len(many) == len(few)


def test_deliberation_records_who_and_why_and_publishes(ranked, users, rd_call, client):
    staff = users["city_staff"]
    with pytest.raises(ValidationError) as exc:
        services.deliberate(call=rd_call, actor=staff, proposed=[], reason="",
                            publicity_from=dt.date(2025, 7, 1))
    assert "请填写会审意见" in exc.value.messages and "请选择拟立项的申报" in exc.value.messages
    client.force_login(staff)
    url = reverse("projects:call_ranking", args=[rd_call.pk])
    html = client.get(url).content.decode()
    assert html.count('data-testid="ranking-row"') == 3 and "分歧大" in html
    resp = client.post(url, {"proposed": [ranked[0].pk, ranked[2].pk],
                             "reason": "按评分排序择优，经局党组会审同意",
                             "publicity_from": "2025-07-01", "days": "7"}, follow=True)
    html = resp.content.decode()
    assert "会审结果已记录" in html and "经局党组会审同意" in html
    assert "2025-07-07" in html
    client.force_login(users["enterprise_b_user"])
    html = client.get(reverse("projects:call_publicity", args=[rd_call.pk])).content.decode()
    assert "排名项目0" in html and "排名项目2" in html and "排名项目1" not in html
    assert "88.00" not in html and "平均分" not in html  # no scores in the 公示
    assert client.get(url).status_code == 403
