"""Issue #12 item 6: the drill-down's record list says "显示 50 / 共 N 条", pages, and links
each name to the enterprise page when the user may open it — without a query per row."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_enterprise
from kechuang.kpi import selectors
from kechuang.metrics import Column, RecordMetric
from kechuang.plans.models import Indicator

pytestmark = pytest.mark.django_db
AS_OF = "2025-12-31"


def _make(county, n: int, start: int) -> None:
    for i in range(n):
        make_enterprise(county, f"钻取企业{start + i:03d}", 1000 + start + i,
                        established_on=dt.date(2025, 1 + i % 12, 5))


@pytest.fixture
def url(plan, dated_metric):
    ind = Indicator.objects.get(action__plan=plan, key="tech_sme_registered")
    return reverse("kpi:indicator_detail", kwargs={"pk": ind.pk})


def _links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" data-testid="record-link">', html)


def test_record_list_pages_with_counts_and_links(client_for, users, url, county_a, county_b):
    _make(county_a, 40, 0)
    _make(county_b, 23, 40)
    client = client_for(users["city_staff"])
    first = client.get(url, {"as_of": AS_OF}).content.decode()
    assert "显示 50 / 共 63 条" in first
    assert first.count('data-testid="record-link"') == 50
    assert 'aria-label="分页"' in first and "page=2" in first
    links = _links(first)
    assert len(set(links)) == 50
    assert all(re.fullmatch(r"/enterprises/\d+/", link) for link in links)
    assert client.get(links[0]).status_code == 200

    second = client.get(url, {"as_of": AS_OF, "page": 2}).content.decode()
    assert "显示 13 / 共 63 条" in second
    assert not set(_links(second)) & set(links)  # the rest, not the first page again


def test_county_staff_page_and_link_within_their_county(client_for, users, url, county_a,
                                                        county_b):
    _make(county_a, 5, 0)
    _make(county_b, 3, 5)
    html = client_for(users["county_b_staff"]).get(url, {"as_of": AS_OF}).content.decode()
    assert "显示 3 / 共 3 条" in html  # 襄垣县's three, none of 潞州区's
    assert "钻取企业000" not in html


def test_links_only_to_enterprises_the_user_may_open(users, plan, dated_metric, county_a,
                                                     county_b):
    from kechuang.orgs.models import Organisation

    _make(county_a, 2, 0)
    _make(county_b, 1, 2)
    records = list(Organisation.objects.filter(name__startswith="钻取企业").order_by("name"))
    city = selectors.record_links(user=users["city_staff"], metric=dated_metric,
                                  records=records)
    assert all(city) and city[0] == reverse("orgs:enterprise_detail",
                                            kwargs={"pk": records[0].pk})
    county_b_view = selectors.record_links(user=users["county_b_staff"], metric=dated_metric,
                                           records=records)
    assert county_b_view == ["", "", city[2]]


def test_no_query_per_row(client_for, users, url, county_a):
    client = client_for(users["city_staff"])
    _make(county_a, 3, 0)
    client.get(url, {"as_of": AS_OF})  # warm: session, content types, first-use caches
    with CaptureQueriesContext(connection) as few:
        assert "显示 3 / 共 3 条" in client.get(url, {"as_of": AS_OF}).content.decode()
    _make(county_a, 40, 3)
    with CaptureQueriesContext(connection) as many:
        assert "显示 43 / 共 43 条" in client.get(url, {"as_of": AS_OF}).content.decode()
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_no_link_when_the_first_column_is_not_an_organisation(users, plan, county_a):
    """A "…name" column of another kind of record (a team's name, a related row's name) is
    no enterprise: no link at all, never one to the enterprise that happens to share its pk."""
    from kechuang.orgs.models import Organisation
    from kechuang.reported.models import ReportedValue

    _make(county_a, 1, 0)
    records = list(Organisation.objects.filter(name__startswith="钻取企业"))
    for model, path in ((Organisation, "team_name"), (Organisation, "county.name"),
                        (Organisation, "pk"), (ReportedValue, "indicator.name"),
                        (ReportedValue, "name")):
        metric = RecordMetric(key="kc_test_links", name="测试", unit="个", model=model,
                              columns=(Column("名称", path),))
        assert selectors.record_links(user=users["city_staff"], metric=metric,
                                      records=records) == [""], path
    org = RecordMetric(key="kc_test_links", name="测试", unit="个", model=Organisation,
                       columns=(Column("名称", "name"),))
    assert selectors.record_links(user=users["city_staff"], metric=org, records=records) == [
        reverse("orgs:enterprise_detail", kwargs={"pk": records[0].pk})]
