import pytest
from django.conf import settings

from kechuang.plans.services import load_plan


@pytest.mark.django_db
def test_plan_page_shows_the_eight_actions_and_targets(users, client_for, regions,
                                                       django_assert_max_num_queries):
    load_plan(path=settings.KECHUANG_PLAN_FILE)
    client = client_for(users["county_a_staff"])
    with django_assert_max_num_queries(12):
        resp = client.get("/plan/")
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "长治市2025年科技工作要点" in body
    assert body.count('id="action-') == 8
    assert "高新技术企业认定" in body and "94" in body


@pytest.mark.django_db
def test_plan_page_without_a_plan_says_what_to_do(users, client_for, regions):
    resp = client_for(users["city_staff"]).get("/plan/")
    assert "manage.py seed" in resp.content.decode()
