"""Reviewers of a submitted value: who gets the notice, and their to-do list (issue #12)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kechuang.notices.models import Notice
from kechuang.reported import services
from kechuang.reported.tests.conftest import make_value
from kechuang.reported.workflows import REPORTED_FLOW
from kechuang.workflow import selectors as workflow_selectors
from kechuang.workflow.services import REVIEW_SOURCES, reviewers

pytestmark = pytest.mark.django_db

JUNE = dt.date(2025, 6, 30)


def _data(indicators, county=None, key="county_fiscal_st_spending"):
    return {"indicator": indicators[key], "county": county, "period_end": JUNE, "value": "12"}


def test_county_submission_notifies_city_reviewers_only(indicators, users, county_a):
    obj = services.submit_value(actor=users["county_a_staff"], data=_data(indicators, county_a))
    got = set(Notice.objects.values_list("recipient__username", flat=True))
    assert got == {"city_admin", "city_staff"}  # the roles of REPORTED_FLOW's steps
    n = Notice.objects.get(recipient=users["city_staff"])
    assert n.url == obj.get_absolute_url() and "待审核" in n.title


def test_the_submitter_is_not_told_to_review_their_own(indicators, users):
    services.submit_value(actor=users["city_staff"],
                          data=_data(indicators, key="rd_intensity"))
    got = set(Notice.objects.values_list("recipient__username", flat=True))
    assert got == {"city_admin"}  # self-approval is forbidden (forbid_self)


def test_inactive_users_get_no_notice(indicators, users, county_a):
    users["city_admin"].is_active = False
    users["city_admin"].save(update_fields=["is_active"])
    obj = make_value(indicators["county_fiscal_st_spending"], users["county_a_staff"],
                     county=county_a)
    assert [u.username for u in reviewers(obj, workflow=REPORTED_FLOW)] == ["city_staff"]


def test_decided_values_have_no_reviewers(indicators, users, county_a):
    obj = make_value(indicators["county_fiscal_st_spending"], users["county_a_staff"],
                     county=county_a, status="approved", reviewed_by=users["city_staff"])
    assert reviewers(obj, workflow=REPORTED_FLOW) == []


def test_todo_lists_what_waits_for_the_user(values, users, indicators, county_a):
    decided = make_value(indicators["county_fiscal_st_spending"], users["county_a_staff"],
                         county=county_a, status="approved", reviewed_by=users["city_staff"],
                         period_end=dt.date(2025, 3, 31))
    source = REVIEW_SOURCES["reported"]
    staff_todo = set(workflow_selectors.todo_list(user=users["city_staff"], source=source))
    assert staff_todo == {values["a"], values["b"], values["city"]}
    admin_todo = set(workflow_selectors.todo_list(user=users["city_admin"], source=source))
    assert admin_todo == {values["a"], values["b"]}  # the city value is the admin's own
    assert decided not in staff_todo
    assert source not in workflow_selectors.todo_sources(user=users["county_a_staff"])


def test_todo_page_links_each_item_in_one_query(values, users, client_for):
    client = client_for(users["city_staff"])
    url = reverse("notices:todo")
    client.get(url)
    for i in range(5):  # more rows must not mean more queries
        make_value(values["a"].indicator, users["county_b_staff"], county=values["b"].county,
                   period_end=dt.date(2024, 1 + i, 28))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    html = resp.content.decode()
    assert resp.status_code == 200
    assert html.count('data-testid="todo-row"') == 8
    assert values["a"].get_absolute_url() in html
    row_queries = [q for q in ctx.captured_queries if "reported_reportedvalue" in q["sql"]]
    assert len(row_queries) == 2  # the page's count and the page itself


def test_todo_page_empty_for_a_county_clerk(values, users, client_for):
    resp = client_for(users["county_a_staff"]).get(reverse("notices:todo"))
    assert resp.status_code == 200
    assert 'data-testid="todo-row"' not in resp.content.decode()
