"""The notice list renders its rows from notices/tables.py with no query per row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kechuang.core.tests.listqueries import assert_flat
from kechuang.notices import services

pytestmark = pytest.mark.django_db


def test_notice_list_queries_do_not_grow_with_rows(client_for, users):
    me = users["county_a_staff"]

    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            services.notify(recipients=[me], title=f"提醒 {i}", body="第一行\n第二行 <b>",
                            url="/reported/" if i % 2 else "")

    client = client_for(me)
    assert_flat(client, reverse("notices:notice_list"), "notice-row", add)
    html = client.get(reverse("notices:notice_list")).content.decode()
    assert "第一行<br>第二行 &lt;b&gt;" in html  # linebreaksbr, escaped
    assert 'class="table-light"' in html and 'name="csrfmiddlewaretoken"' in html
