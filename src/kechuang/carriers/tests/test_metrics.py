"""The three indicators counted from the registry: by level and as-of date, occupants'
graduation, county totals adding up to the city, a promotion counting from its date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import make_enterprise
from kechuang import metrics
from kechuang.carriers import services
from kechuang.carriers.models import Occupant, Platform, Recognition
from kechuang.carriers.tests.conftest import make_platform

pytestmark = pytest.mark.django_db
YEAR = 2025


def value(key, as_of, county=None):
    return metrics.get(key).value(year=YEAR, as_of=as_of, county_id=county)


def direct_provincial(as_of):
    """Counted the long way: each platform's level on the date, from its recognitions."""
    n = 0
    for p in Platform.objects.all():
        if p.ended_on and p.ended_on <= as_of:
            continue
        levels = {r.level for r in Recognition.objects.filter(platform=p,
                                                               recognised_on__lte=as_of)}
        if levels & {"national", "provincial"}:
            n += 1
    return n


def test_provincial_by_level_and_date(bureau, enterprise_a, enterprise_b, plan):
    make_platform(bureau, enterprise_a, name="国家级中心", kind_code="tech_innovation_centre",
                  level="national", on=dt.date(2023, 5, 1))
    make_platform(bureau, enterprise_a, name="省级实验室", level="provincial",
                  on=dt.date(2025, 3, 1))
    make_platform(bureau, enterprise_b, name="市级中心", kind_code="engineering_centre",
                  level="city", on=dt.date(2024, 1, 1))
    ended = make_platform(bureau, enterprise_b, name="摘牌实验室", level="provincial",
                          on=dt.date(2022, 1, 1))
    services.end_platform(platform=ended, actor=bureau, action="delist", reason="评估不合格",
                          on=dt.date(2025, 6, 1))
    for day in (dt.date(2024, 12, 31), dt.date(2025, 3, 1), dt.date(2025, 5, 31),
                dt.date(2025, 6, 1), dt.date(2025, 12, 31)):
        assert value("provincial_platforms", day) == direct_provincial(day), day
    assert value("provincial_platforms", dt.date(2025, 2, 28)) == 2  # national + delisted
    assert value("provincial_platforms", dt.date(2025, 6, 1)) == 2  # +province −delisted


def test_promotion_counts_from_recognition_date(bureau, enterprise_a, county_a, plan):
    p = make_platform(bureau, enterprise_a, name="长治市某工程中心",
                      kind_code="engineering_centre", level="city", on=dt.date(2023, 1, 1))
    assert value("provincial_platforms", dt.date(2025, 12, 31)) == 0
    p = services.add_recognition(platform=p, actor=bureau, data={
        "level": "provincial", "recognised_on": dt.date(2025, 7, 15),
        "document_no": "晋科发〔2025〕88号"})
    assert p.level == "provincial"
    assert Recognition.objects.filter(platform=p).count() == 2  # history kept
    assert value("provincial_platforms", dt.date(2025, 7, 14)) == 0
    assert value("provincial_platforms", dt.date(2025, 7, 15)) == 1
    assert value("provincial_platforms", dt.date(2025, 7, 15), county_a.pk) == 1


def test_county_totals_add_up(bureau, enterprise_a, enterprise_b, county_a, county_b, plan):
    third = make_enterprise(county_a, "长治丁科技有限公司", 33)
    for n, host in enumerate((enterprise_a, enterprise_b, third, enterprise_b)):
        make_platform(bureau, host, name=f"平台{n}", level="provincial",
                      on=dt.date(2024, 1, 1))
    inc = make_platform(bureau, enterprise_a, name="孵化器", kind_code="incubator")
    make_platform(bureau, enterprise_b, name="中试基地", kind_code="pilot_base")
    services.add_occupant(carrier=inc, actor=bureau, data={
        "name": "团队甲", "kind": "team", "settled_on": dt.date(2025, 2, 1)})
    day = dt.date(2025, 6, 30)
    for key in ("provincial_platforms", "incubators_and_pilot_bases", "startups_settled"):
        m = metrics.get(key)
        by_county = m.by_county(year=YEAR, as_of=day)
        assert sum(by_county.values(), Decimal(0)) == value(key, day), key
        for cid, v in by_county.items():
            assert value(key, day, cid) == v
    assert metrics.get("provincial_platforms").by_county(year=YEAR, as_of=day) == {
        county_a.pk: 2, county_b.pk: 2}
    assert value("incubators_and_pilot_bases", day) == 2


def test_graduated_occupant_not_counted_after_the_date(bureau, enterprise_a, plan):
    inc = make_platform(bureau, enterprise_a, name="孵化器", kind_code="incubator")
    a = services.add_occupant(carrier=inc, actor=bureau, data={
        "name": "初创甲", "kind": "startup", "settled_on": dt.date(2025, 1, 10)})
    services.add_occupant(carrier=inc, actor=bureau, data={
        "name": "团队乙", "kind": "team", "settled_on": dt.date(2025, 3, 1),
        "left_on": dt.date(2025, 8, 1)})
    services.update_occupant(occupant=a, actor=bureau, data={"graduated_on": dt.date(2025, 9, 1)})
    assert value("startups_settled", dt.date(2025, 1, 9)) == 0
    assert value("startups_settled", dt.date(2025, 3, 1)) == 2
    assert value("startups_settled", dt.date(2025, 8, 1)) == 1
    assert value("startups_settled", dt.date(2025, 8, 31)) == 1
    assert value("startups_settled", dt.date(2025, 9, 1)) == 0
    direct = [o for o in Occupant.objects.all() if o.present_on(dt.date(2025, 8, 15))]
    assert value("startups_settled", dt.date(2025, 8, 15)) == len(direct)


def test_records_are_the_counted_rows(bureau, enterprise_a, plan):
    make_platform(bureau, enterprise_a, name="省级实验室", level="provincial",
                  on=dt.date(2025, 3, 1))
    rows = metrics.get("provincial_platforms").records(year=YEAR, as_of=dt.date(2025, 4, 1))
    assert [p.name for p in rows] == ["省级实验室"]


def test_drill_down_lists_the_counted_platforms(bureau, enterprise_a, enterprise_b, plan,
                                                client_for, users):
    from django.urls import reverse

    from kechuang.plans.models import Indicator

    make_platform(bureau, enterprise_a, name="甲省级实验室", level="provincial",
                  on=dt.date(2024, 3, 1))
    make_platform(bureau, enterprise_b, name="乙省级实验室", level="provincial",
                  on=dt.date(2024, 3, 1))
    ind = Indicator.objects.get(action__plan=plan, key="provincial_platforms")
    url = reverse("kpi:indicator_detail", args=[ind.pk])
    page = client_for(users["city_staff"]).get(url, {"as_of": "2025-06-30"}).content.decode()
    assert "甲省级实验室" in page and "乙省级实验室" in page
    page = client_for(users["county_a_staff"]).get(url, {"as_of": "2025-06-30"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "甲省级实验室" in text and "乙省级实验室" not in text
