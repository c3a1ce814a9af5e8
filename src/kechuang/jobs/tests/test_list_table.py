"""The job list renders its rows from jobs/tables.py with no query per row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kechuang.core.tests.listqueries import assert_flat
from kechuang.jobs.models import Job

pytestmark = pytest.mark.django_db


def test_job_list_queries_do_not_grow_with_rows(client_for, users):
    me = users["city_staff"]

    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            Job.objects.create(owner=me, kind="x.export", title=f"导出 {i}",
                               status="succeeded" if i % 2 else "failed")

    html_client = client_for(me)
    assert_flat(html_client, reverse("jobs:job_list"), "job-row", add)
    html = html_client.get(reverse("jobs:job_list")).content.decode()
    assert '<th scope="col"><span class="visually-hidden">操作</span></th>' in html
    assert 'data-testid="job-status">失败</span>' in html
