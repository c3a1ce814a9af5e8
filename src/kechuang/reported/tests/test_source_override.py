"""The bureau's per-indicator choice of the official statistic over the counted figure:
set on its page by a city administrator, audited, and followed by the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kechuang.audit.models import ChangeRecord
from kechuang.kpi.selectors import build_dashboard
from kechuang.reported.models import SourceOverride
from kechuang.reported.tests.conftest import make_value

pytestmark = pytest.mark.django_db
KEY = "tech_sme_registered"


def test_the_city_admin_switches_a_counted_indicator_to_the_official_figure_and_back(
        client_for, users, plan, indicators):
    ind = indicators[KEY]
    url = reverse("reported:indicator_source", args=[ind.pk])
    client = client_for(users["city_admin"])
    detail = client.get(reverse("kpi:indicator_detail", args=[ind.pk])).content.decode()
    assert url in detail  # the indicator page links to the setting

    resp = client.post(url, {"use_reported": "on", "reason": "以市统计局公布数为准"})
    assert resp.status_code == 302
    assert SourceOverride.objects.get(indicator=ind).use_reported
    make_value(ind, users["city_staff"], value="288", status="approved",
               reviewed_by=users["city_admin"], period_end=dt.date(2025, 6, 30))
    row = build_dashboard(plan=plan, as_of=dt.date(2025, 6, 30)).row(KEY)
    assert row.source_kind == "reported" and row.progress.value == 288

    client.post(url, {"reason": "统计局数据撤回，恢复按记录计数"})
    assert not SourceOverride.objects.get(indicator=ind).use_reported
    row = build_dashboard(plan=plan, as_of=dt.date(2025, 6, 30)).row(KEY)
    assert row.source_kind == "metric" and row.progress.value == 0

    override = SourceOverride.objects.get(indicator=ind)
    changes = ChangeRecord.objects.filter(object_id=str(override.pk))
    assert [c.action for c in changes.order_by("at", "pk")] == ["create", "update"]
    assert set(changes.values_list("reason", flat=True)) == {
        "以市统计局公布数为准", "统计局数据撤回，恢复按记录计数"}


def test_the_setting_needs_a_reason_and_a_counted_indicator(client_for, users, indicators,
                                                            vouchers_reported):
    client = client_for(users["city_admin"])
    url = reverse("reported:indicator_source", args=[indicators[KEY].pk])
    resp = client.post(url, {"use_reported": "on", "reason": ""})
    assert resp.status_code == 200
    assert not SourceOverride.objects.filter(indicator=indicators[KEY]).exists()
    # an indicator no module counts takes reported values anyway: nothing to choose
    other = indicators["vouchers_redeemed"]
    assert client.get(reverse("reported:indicator_source", args=[other.pk])).status_code == 404


def test_only_the_city_admin_sets_it(client_for, users, indicators):
    url = reverse("reported:indicator_source", args=[indicators[KEY].pk])
    for who in ("city_staff", "county_a_staff"):
        assert client_for(users[who]).post(url, {"use_reported": "on",
                                                 "reason": "x"}).status_code == 403
    assert not SourceOverride.objects.filter(indicator=indicators[KEY]).exists()
