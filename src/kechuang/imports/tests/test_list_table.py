"""The import-run list renders its rows from imports/tables.py with no query per row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kechuang.core.tests.listqueries import assert_flat
from kechuang.imports.models import ImportRun

pytestmark = pytest.mark.django_db


def test_run_list_queries_do_not_grow_with_rows(client_for, users):
    me = users["city_staff"]

    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            ImportRun.objects.create(owner=me, kind="orgs.enterprise", title="企业名单",
                                     original_name=f"企业{i}.xlsx", total_rows=3,
                                     error_row_count=i % 2)

    client = client_for(me)
    assert_flat(client, reverse("imports:run_list"), "run-row", add)
    html = client.get(reverse("imports:run_list")).content.decode()
    assert '<td class="text-end"><span class="text-danger">1</span></td>' in html
