"""The candidate pool renders its rows from cultivation/tables.py with no query per row."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import make_enterprise, make_report
from kechuang.core.tests.listqueries import assert_flat
from kechuang.cultivation import services

pytestmark = pytest.mark.django_db


def test_candidate_list_queries_do_not_grow_with_rows(client_for, users, county_a, county_b):
    staff = users["city_admin"]

    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            e = make_enterprise(county_a if i % 2 else county_b, f"后备{i:02d}有限公司",
                                5000 + i)
            make_report(e, 2024)
            services.add_candidate(actor=staff, data={"enterprise": e,
                                                      "target_rung": "high_tech",
                                                      "year": 2025})

    client = client_for(staff)
    assert_flat(client, reverse("cultivation:candidate_list"), "candidate-row", add)
    html = client.get(reverse("cultivation:candidate_list")).content.decode()
    assert '<th scope="col" class="text-end">辅导</th>' in html


def test_candidate_list_pages_by_50_and_counts_each_countys_whole_pool(client_for, users,
                                                                       county_a, county_b):
    staff = users["city_admin"]
    for i in range(60):
        e = make_enterprise(county_a if i < 40 else county_b, f"分页{i:02d}有限公司", 6000 + i)
        make_report(e, 2024)
        services.add_candidate(actor=staff, data={"enterprise": e, "target_rung": "high_tech",
                                                  "year": 2025})
    client = client_for(staff)
    url = reverse("cultivation:candidate_list")
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert first.count('data-testid="candidate-row"') == 50
    assert second.count('data-testid="candidate-row"') == 10
    # a county split over two pages still shows its whole pool in its badge
    counts = re.findall(r'data-testid="county-count">(\d+)<', first + second)
    assert sorted(set(counts)) == ["20", "40"]
    names = set(re.findall(r"分页\d\d有限公司", first)) | set(re.findall(r"分页\d\d有限公司",
                                                                    second))
    assert len(names) == 60
