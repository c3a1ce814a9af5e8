"""Two clerks editing the same row: the second save is refused, the first one's change kept.

Optimistic locking (core.services.update_object): each editable row has a ``version``; the
edit page carries it as a hidden field, the API as ``version``; a save against an older
version is refused (form error / 409) and writes nothing.
"""

from __future__ import annotations

import re
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import ConflictError
from kechuang.orgs import services
from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport
from kechuang.orgs.tests.test_views import REPORT_POST, enterprise_post

CONFLICT = "已被"


def records_for(obj):
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return ChangeRecord.objects.filter(content_type=ct, object_id=str(obj.pk))


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def hidden_version(html: str) -> str:
    match = re.search(r'<input type="hidden" name="version" value="(\d+)"', html)
    assert match, "the edit page carries the row's version"
    return match.group(1)


@pytest.fixture
def clerks(users, enterprise_a, county_a):
    other = users["city_staff"]
    other.first_name = "李"
    other.last_name = "四"
    other.save()
    return other, users["county_a_staff"]  # 李四 saves first, the county clerk second


@pytest.mark.django_db
def test_second_enterprise_save_is_refused_and_the_first_kept(clerks, enterprise_a, county_a):
    first, second = logged_in(clerks[0]), logged_in(clerks[1])
    url = reverse("orgs:enterprise_edit", args=[enterprise_a.pk])
    v1 = hidden_version(first.get(url).content.decode())
    v2 = hidden_version(second.get(url).content.decode())
    assert v1 == v2 == "1"
    base = {"name": enterprise_a.name, "credit_code": enterprise_a.credit_code,
            "industry_code": enterprise_a.industry_code, "established_on": "2015-05-01"}

    resp = first.post(url, enterprise_post(county_a, **base, address="英雄南路1号",
                                           version=v1))
    assert resp.status_code == 302
    resp = second.post(url, enterprise_post(county_a, **base, contact_phone="0355-1234567",
                                            version=v2))
    assert resp.status_code == 200  # the form again, with the refusal
    html = resp.content.decode()
    assert "请刷新后重试" in html, re.findall(r"alert[^>]*>[^<]*<[^<]*", html)
    assert "李四" in html or "李 四" in html
    assert 'value="0355-1234567"' in html  # the second clerk's input is kept on the form

    enterprise_a.refresh_from_db()
    assert enterprise_a.address == "英雄南路1号"
    assert enterprise_a.contact_phone == ""
    assert enterprise_a.version == 2
    assert records_for(enterprise_a).count() == 1

    # after reloading, the second clerk sees the first one's change and can save
    v3 = hidden_version(second.get(url).content.decode())
    assert v3 == "2"
    resp = second.post(url, enterprise_post(county_a, **base, address="英雄南路1号",
                                            contact_phone="0355-1234567", version=v3))
    assert resp.status_code == 302
    enterprise_a.refresh_from_db()
    assert (enterprise_a.address, enterprise_a.contact_phone) == ("英雄南路1号", "0355-1234567")
    assert enterprise_a.version == 3


@pytest.mark.django_db
def test_second_report_save_is_refused(clerks, report_a):
    first, second = logged_in(clerks[0]), logged_in(clerks[1])
    url = reverse("orgs:report_edit", args=[report_a.pk])
    v1 = hidden_version(first.get(url).content.decode())
    v2 = hidden_version(second.get(url).content.decode())
    data = {**REPORT_POST, "year": report_a.year}
    assert first.post(url, {**data, "employees": 130, "version": v1}).status_code == 302
    resp = second.post(url, {**data, "employees": 99, "version": v2})
    assert resp.status_code == 200 and "请刷新后重试" in resp.content.decode()
    report_a.refresh_from_db()
    assert report_a.employees == 130 and report_a.version == 2


@pytest.mark.django_db
def test_api_stale_version_is_409_and_the_first_change_kept(clerks, enterprise_a, report_a):
    first, second = APIClient(), APIClient()
    first.force_login(clerks[0])
    second.force_login(clerks[1])
    url = f"/api/v1/enterprises/{enterprise_a.pk}/"
    version = first.get(url).json()["version"]
    assert second.get(url).json()["version"] == version == 1

    resp = first.patch(url, {"address": "英雄南路1号", "version": version}, format="json")
    assert resp.status_code == 200 and resp.json()["version"] == 2
    resp = second.patch(url, {"contact_phone": "0355-1234567", "version": version},
                        format="json")
    assert resp.status_code == 409
    body = resp.json()
    assert body["code"] == "conflict" and "李 四" in body["message"], body
    enterprise_a.refresh_from_db()
    assert (enterprise_a.address, enterprise_a.contact_phone) == ("英雄南路1号", "")

    # the same through /organisations/ and /annual-reports/
    resp = second.patch(f"/api/v1/organisations/{enterprise_a.pk}/",
                        {"contact_phone": "1", "version": 1}, format="json")
    assert resp.status_code == 409
    rurl = f"/api/v1/annual-reports/{report_a.pk}/"
    assert first.patch(rurl, {"employees": 130, "version": 1}, format="json").status_code == 200
    resp = second.patch(rurl, {"employees": 99, "version": 1}, format="json")
    assert resp.status_code == 409
    report_a.refresh_from_db()
    assert report_a.employees == 130

    # without a version the API does not check (and still bumps the version)
    resp = second.patch(rurl, {"employees": 140}, format="json")
    assert resp.status_code == 200 and resp.json()["version"] == 3


@pytest.mark.django_db
def test_every_update_bumps_the_version_so_older_forms_are_refused(users, enterprise_a):
    clerk = users["county_a_staff"]
    services.update_enterprise(actor=clerk, enterprise=enterprise_a, data={"address": "a"})
    services.update_enterprise(actor=clerk, enterprise=enterprise_a, data={"address": "b"})
    assert Enterprise.objects.get(pk=enterprise_a.pk).version == 3
    with pytest.raises(ConflictError):
        services.update_enterprise(actor=clerk, enterprise=enterprise_a,
                                   data={"address": "c", "version": 2})
    assert Enterprise.objects.get(pk=enterprise_a.pk).address == "b"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'",
                    reason="row locks and concurrent transactions: PostgreSQL")
def test_concurrent_saves_with_the_same_version_only_one_wins(users, report_a):
    """Two threads, two connections, the same expected version at the same moment."""
    clerk = users["county_a_staff"]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(employees: int) -> None:
        try:
            start.wait()
            services.update_annual_report(actor=clerk, report=report_a,
                                          data={"employees": employees, "version": 1})
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in (201, 202)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    report = EnterpriseAnnualReport.objects.get(pk=report_a.pk)
    assert report.version == 2 and report.employees in (201, 202)
