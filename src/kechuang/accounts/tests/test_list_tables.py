"""The account and lockout lists render their rows from accounts/tables.py with no query per
row; the account list's filters come from accounts/filters.py."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from kechuang.accounts.models import User
from kechuang.core.tests.listqueries import assert_flat

pytestmark = pytest.mark.django_db


def test_user_list_queries_do_not_grow_with_rows(client_for, users, county_a):
    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            User.objects.create(username=f"zz_clerk_{i:02d}", role="county_staff",
                                county=county_a, first_name="县")

    client = client_for(users["system_admin"])
    assert_flat(client, reverse("accounts:user_list") + "?q=zz_clerk", "user-row", add)
    html = client.get(reverse("accounts:user_list"), {"q": "zz_clerk", "role": "nope"}
                      ).content.decode()
    assert html.count('data-testid="user-row"') == 20  # a bad choice is shown, not applied
    assert 'data-testid="filter-bar"' in html


def test_lockout_list_queries_do_not_grow_with_rows(client_for, users):
    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            AccessAttempt.objects.create(username=f"locked{i}", ip_address="10.0.0.1",
                                         user_agent="t", failures_since_start=99,
                                         attempt_time=timezone.now())

    client = client_for(users["security_admin"])
    assert_flat(client, reverse("accounts:lockout_list"), "lockout-row", add)
