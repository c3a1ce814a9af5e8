"""The pages: register a platform with its first recognition, promote it, delist it; a host
records an occupant; the host sees only its own carriers; the stats page counts as of a date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kechuang.carriers.models import Occupant, Platform, Recognition
from kechuang.carriers.tests.conftest import kind, make_platform
from kechuang.core.tests.listqueries import assert_flat

pytestmark = pytest.mark.django_db


def test_bureau_registers_promotes_and_delists(client_for, users, enterprise_a, enterprise_b,
                                               county_a):
    client = client_for(users["city_staff"])
    resp = client.post(reverse("carriers:platform_add"), {
        "name": "长治市光电材料工程技术研究中心", "kind": kind("engineering_centre").pk,
        "lead_host": enterprise_a.credit_code, "co_hosts": enterprise_b.name,
        "established_on": "2020-05-01", "level": "city", "recognised_on": "2021-06-01",
        "document_no": "长科发〔2021〕9号"})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    p = Platform.objects.get()
    assert p.level == "city" and p.county == county_a
    assert set(p.hosts.all()) == {enterprise_a, enterprise_b}
    resp = client.post(reverse("carriers:platform_recognise", args=[p.pk]), {
        "level": "provincial", "recognised_on": "2025-07-15", "document_no": "晋科发〔2025〕8号"})
    assert resp.status_code == 302
    p.refresh_from_db()
    assert p.level == "provincial" and Recognition.objects.filter(platform=p).count() == 2
    page = client.get(p.get_absolute_url()).content.decode()
    assert page.count('data-testid="recognition"') == 2
    client.post(reverse("carriers:platform_end", args=[p.pk]),
                {"action": "delist", "reason": "绩效评价不合格", "on": "2025-10-01"})
    p.refresh_from_db()
    assert p.status == "delisted" and p.ended_on == dt.date(2025, 10, 1)
    # the co-host's user sees it too (a host of its own)
    from conftest import _user

    co = _user("co_host", "enterprise", organisation=enterprise_b)
    assert client_for(co).get(p.get_absolute_url()).status_code == 200


def test_host_records_occupants_and_sees_only_its_own(client_for, users, enterprise_a,
                                                      enterprise_b):
    bureau = users["city_staff"]
    mine = make_platform(bureau, enterprise_a, name="甲孵化器", kind_code="incubator",
                         capacity=20)
    theirs = make_platform(bureau, enterprise_b, name="乙孵化器", kind_code="incubator")
    client = client_for(users["enterprise_a_user"])
    page = client.get(reverse("carriers:platform_list")).content.decode()
    assert "甲孵化器" in page and "乙孵化器" not in page
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(reverse("carriers:occupant_add", args=[theirs.pk])).status_code == 404
    resp = client.post(reverse("carriers:occupant_add", args=[mine.pk]), {
        "name": "太行新材料团队", "kind": "team", "settled_on": "2025-03-01",
        "origin": "北京研发、长治转化（双向飞地）"})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    o = Occupant.objects.get()
    resp = client.post(reverse("carriers:occupant_edit", args=[o.pk]), {
        "name": o.name, "kind": "team", "settled_on": "2025-03-01",
        "graduated_on": "2025-02-01", "version": o.version})
    assert "毕业日期不能早于入驻日期" in resp.content.decode()
    client.post(reverse("carriers:occupant_edit", args=[o.pk]), {
        "name": o.name, "kind": "team", "settled_on": "2025-03-01",
        "graduated_on": "2025-11-01", "version": o.version})
    o.refresh_from_db()
    assert o.graduated_on == dt.date(2025, 11, 1)
    page = client.get(mine.get_absolute_url()).content.decode()
    assert 'data-testid="occupant"' in page


def test_stats_page_counts_by_level_as_of_a_date(client_for, users, enterprise_a):
    bureau = users["city_staff"]
    p = make_platform(bureau, enterprise_a, name="工程中心", kind_code="engineering_centre",
                      level="city", on=dt.date(2022, 1, 1))
    from kechuang.carriers import services

    services.add_recognition(platform=p, actor=bureau, data={
        "level": "provincial", "recognised_on": dt.date(2025, 7, 15)})
    client = client_for(users["county_a_staff"])
    url = reverse("carriers:platform_stats")
    before = client.get(url, {"as_of": "2025-07-14"}).content.decode()
    after = client.get(url, {"as_of": "2025-07-15"}).content.decode()
    assert 'data-testid="provincial-up">0<' in before
    assert 'data-testid="provincial-up">1<' in after
    assert "其中2025年新增 1" in after


def test_lists_are_flat(client_for, users, enterprise_a, enterprise_b):
    from kechuang.carriers import services

    bureau = users["city_staff"]
    client = client_for(bureau)

    def add(start, n):
        for i in range(start, start + n):
            host = enterprise_a if i % 2 else enterprise_b
            inc = make_platform(bureau, host, name=f"孵化器{i}", kind_code="incubator",
                                level="city", on=dt.date(2024, 1, 1))
            services.add_occupant(carrier=inc, actor=bureau, data={
                "name": f"团队{i}", "kind": "team", "settled_on": dt.date(2025, 1, 1)})

    assert_flat(client, reverse("carriers:platform_list"), "platform-row", add)


def test_occupant_list_is_flat(client_for, users, enterprise_a):
    from kechuang.carriers import services

    bureau = users["city_staff"]
    inc = make_platform(bureau, enterprise_a, name="孵化器", kind_code="incubator")

    def add(start, n):
        for i in range(start, start + n):
            services.add_occupant(carrier=inc, actor=bureau, data={
                "name": f"团队{i}", "kind": "team", "settled_on": dt.date(2025, 1, 1)})

    assert_flat(client_for(bureau), reverse("carriers:occupant_list"), "occupant-row", add)


def test_bureau_adds_a_kind(client_for, users):
    client = client_for(users["city_admin"])
    resp = client.post(reverse("carriers:kind_list"), {"code": "field_station",
                                                        "name": "野外科学观测研究站",
                                                        "sort_order": 200})
    assert resp.status_code == 302
    page = client_for(users["county_a_staff"]).get(reverse("carriers:kind_list"))
    assert "野外科学观测研究站" in page.content.decode()


def test_planning_platform_goes_into_operation_and_converts(client_for, users, enterprise_a,
                                                            enterprise_b):
    from kechuang.carriers import services
    from kechuang.carriers.models import Conversion

    bureau = users["city_staff"]
    p = services.create_platform(actor=bureau, planning=True, data={
        "name": "煤基合成化学品山西省实验室（筹）", "kind": kind("key_lab"),
        "lead_host": enterprise_a, "established_on": dt.date(2024, 6, 1)},
        recognition={"level": "provincial", "recognised_on": dt.date(2024, 12, 18)})
    assert p.status == "planning"
    client = client_for(bureau)
    page = client.get(p.get_absolute_url()).content.decode()
    assert 'data-testid="operate"' in page
    client.post(reverse("carriers:platform_operate", args=[p.pk]))
    p.refresh_from_db()
    assert p.status == "operating"
    client.post(reverse("carriers:platform_convert", args=[p.pk]), {
        "enterprise": enterprise_b.credit_code, "converted_on": "2025-09-01",
        "note": "组建法人实体"})
    assert Conversion.objects.get(platform=p).enterprise == enterprise_b
    assert 'data-testid="conversion"' in client.get(p.get_absolute_url()).content.decode()
