"""The UI shell and the home page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_enterprise
from kechuang.orgs.models import ChainMembership, IndustrialChain
from kechuang.web.navigation import menu_for

pytestmark = pytest.mark.django_db
HOME = reverse("web:home")
OVERVIEW = reverse("web:overview")  # bureau staff: their home is the KPI dashboard
TOTAL = ('data-testid="kpi-total"><span class="[^"]*" data-metric="enterprises_total" '
         'data-value="{}"')


def test_home_kpis_are_scoped(client_for, users, enterprise_a, enterprise_a2, enterprise_b):
    html = client_for(users["county_a_staff"]).get(OVERVIEW).content.decode()
    assert re.search(TOTAL.format(2), html)
    assert "kc-county-data" in html and "襄垣县" not in html
    html = client_for(users["city_staff"]).get(OVERVIEW).content.decode()
    assert re.search(TOTAL.format(3), html)
    assert "/static/vendor/echarts-6.1.0/echarts.min.js" in html


def test_home_counts_each_enterprise_once_whatever_its_chains(client_for, users, enterprise_a):
    for chain in IndustrialChain.objects.all()[:3]:
        ChainMembership.objects.create(organisation=enterprise_a, chain=chain)
    html = client_for(users["county_a_staff"]).get(OVERVIEW).content.decode()
    assert re.search(TOTAL.format(1), html)


def test_enterprise_user_home_shows_its_own_enterprise(client_for, users, enterprise_a,
                                                       enterprise_b, report_a):
    html = client_for(users["enterprise_a_user"]).get(HOME).content.decode()
    assert enterprise_a.name in html and enterprise_b.name not in html
    assert reverse("orgs:report_add", args=[enterprise_a.pk]) in html
    assert reverse("orgs:report_edit", args=[report_a.pk]) in html


@pytest.mark.parametrize("role", ["expert", "auditor", "provider"])
def test_other_roles_get_a_welcome(client_for, users, role):
    html = client_for(users[role]).get(HOME).content.decode()
    assert "kpi-total" not in html and "欢迎使用科创平台" in html


def test_home_query_count_does_not_grow_with_rows(client_for, users, county_a,
                                                  django_assert_max_num_queries):
    client = client_for(users["city_staff"])
    client.get(OVERVIEW)
    with CaptureQueriesContext(connection) as few:
        before = _total(client.get(OVERVIEW))
    for i in range(30):
        make_enterprise(county_a, f"首页计数{i:02d}", 500 + i)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(OVERVIEW)
    # the same queries, and the page still counts every enterprise (30 more than before)
    assert response.status_code == 200 and _total(response) == before + 30


def _total(response) -> int:
    return int(re.search(TOTAL.format(r"(\d+)"), response.content.decode())[1])


def test_shell_parts(client_for, users):
    html = client_for(users["county_a_staff"]).get(OVERVIEW).content.decode()
    assert 'data-testid="user-role">县区工作人员<' in html
    assert 'data-testid="user-county"' in html and "潞州区" in html
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert f'action="{reverse("accounts:logout")}" method="post"' in html
    assert 'id="kc-sidebar"' in html and 'data-bs-toggle="offcanvas"' in html
    assert "/static/vendor/htmx-2.0.11/htmx.min.js" in html


def test_anonymous_home_redirects_and_login_page_is_styled(client):
    resp = client.get(HOME)
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    html = client.get(reverse("accounts:login")).content.decode()
    assert "bootstrap.min.css" in html and "账号登录" in html
    assert f'action="{reverse("set_language")}"' in html


def test_language_switch(client_for, users):
    client = client_for(users["city_staff"])
    resp = client.post(reverse("set_language"), {"language": "en", "next": OVERVIEW})
    assert resp.status_code == 302 and resp["Location"] == OVERVIEW
    assert client.get(OVERVIEW).content.decode().startswith("<!doctype html>")


def test_menu_marks_only_the_most_specific_entry(users):
    menu = menu_for(users["city_staff"], reverse("orgs:report_list"))
    active = [i.url_name for g in menu for i in g.items if i.active]
    assert active == ["orgs:report_list"]
    menu = menu_for(users["city_staff"], reverse("orgs:enterprise_add"))
    assert [i.url_name for g in menu for i in g.items if i.active] == ["orgs:enterprise_list"]
