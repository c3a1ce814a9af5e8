"""The results list renders its rows from assessment/tables.py with no query per row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from conftest import make_enterprise, make_report
from kechuang.assessment import services
from kechuang.assessment.models import EvaluationRun
from kechuang.core.tests.listqueries import page_queries

pytestmark = pytest.mark.django_db


def test_result_list_queries_do_not_grow_with_rows(client_for, users, county_a):
    staff = users["city_staff"]

    def batch(year: int, n: int) -> None:
        for i in range(n):
            make_report(make_enterprise(county_a, f"长治列表{year}{i}有限公司", year * 100 + i),
                        year)
        run = EvaluationRun.objects.create(year=year, as_of=dt.date(2025, 6, 1),
                                           started_by=staff)
        services.run_batch(run=run, actor=staff, progress=lambda *a: None)

    client = client_for(staff)
    url = reverse("assessment:result_list")
    batch(2023, 1)
    page_queries(client, url, "result-row")
    q_few, rows_few = page_queries(client, url, "result-row")
    batch(2024, 12)
    q_many, rows_many = page_queries(client, url, "result-row")
    assert 0 < rows_few < rows_many
    assert q_many == q_few
