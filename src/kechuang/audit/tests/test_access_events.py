"""Downloads, refused requests, reveals of personal data and admin use leave access events."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from kechuang.audit.context import audit_context
from kechuang.audit.models import AccessEvent, ChangeRecord
from kechuang.jobs.models import Job
from kechuang.orgs import services as org_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def job_a(users):
    job = Job.objects.create(owner=users["county_a_staff"], kind="test", title="导出",
                             status="succeeded", result_name="企业名录.xlsx")
    job.result_file.save("r.xlsx", ContentFile(b"PK"))
    return job


@pytest.fixture
def evidence(users, county_a):
    from kechuang.plans.models import Indicator
    from kechuang.plans.services import load_plan
    from kechuang.reported.models import Evidence, ReportedValue

    load_plan()
    value = ReportedValue.objects.create(
        indicator=Indicator.objects.get(key="county_fiscal_st_spending"), county=county_a,
        value=1, period_end="2025-06-30", submitted_by=users["county_a_staff"])
    ev = Evidence(reported_value=value, original_name="拨付凭证.pdf", size=5,
                  content_type="application/pdf", uploaded_by=users["county_a_staff"])
    ev.file.save("a.pdf", ContentFile(b"%PDF-"), save=True)
    return ev


@pytest.fixture
def contact_edit(users, enterprise_a):
    with audit_context(source="web"):
        org_services.update_enterprise(actor=users["county_a_staff"], enterprise=enterprise_a,
                                       data={"contact_name": "李四",
                                             "contact_phone": "13812345678"})
    return ChangeRecord.objects.filter(object_id=str(enterprise_a.pk)).latest("id")


def events(kind: str) -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(kind=kind).order_by("id"))


# ---- downloads ----------------------------------------------------------------------------


def test_an_export_download_is_an_access_event(client_for, users, job_a):
    resp = client_for(users["county_a_staff"]).get(reverse("jobs:job_download", args=[job_a.pk]))
    assert resp.status_code == 200
    [event] = events("download")
    assert event.user == users["county_a_staff"] and event.view == "jobs:job_download"
    assert event.path == reverse("jobs:job_download", args=[job_a.pk])
    assert "attachment" in event.detail and event.request_id == resp["X-Request-ID"]


def test_an_evidence_download_is_an_access_event(client_for, users, evidence):
    url = reverse("reported:evidence_download", args=[evidence.pk])
    resp = client_for(users["city_staff"]).get(url)
    assert resp.status_code == 200
    [event] = events("download")
    assert event.username == "city_staff" and event.path == url and event.status == 200


def test_pages_that_are_not_downloads_leave_no_event(client_for, users, job_a):
    resp = client_for(users["county_a_staff"]).get(reverse("jobs:job_detail", args=[job_a.pk]))
    assert resp.status_code == 200
    assert not AccessEvent.objects.exists()


# ---- refused access -------------------------------------------------------------------------


def test_an_object_outside_the_scope_is_a_not_found_event(client_for, users, job_a, evidence):
    client = client_for(users["county_b_staff"])
    assert client.get(reverse("jobs:job_download", args=[job_a.pk])).status_code == 404
    assert client.get(reverse("reported:evidence_download",
                              args=[evidence.pk])).status_code == 404
    found = events("not_found")
    assert [e.view for e in found] == ["jobs:job_download", "reported:evidence_download"]
    assert {e.user for e in found} == {users["county_b_staff"]} and not events("download")


def test_a_refused_role_is_a_denied_event(client_for, users):
    resp = client_for(users["enterprise_a_user"]).get(reverse("audit:change_list"))
    assert resp.status_code == 403
    [event] = events("denied")
    assert event.username == "enterprise_a_user" and event.status == 403
    assert event.view == "audit:change_list" and event.method == "GET"


def test_unrouted_paths_are_not_logged(client_for, users):
    client = client_for(users["city_staff"])
    assert client.get("/wp-login.php").status_code == 404
    assert client.get("/static/nope.css").status_code == 404
    assert not AccessEvent.objects.exists()


def test_a_client_sent_request_id_is_ignored(client_for, users):
    resp = client_for(users["expert"]).get(reverse("audit:change_list"),
                                           HTTP_X_REQUEST_ID="forged-id")
    [event] = events("denied")
    assert resp["X-Request-ID"] == event.request_id != "forged-id"


# ---- personal data: masked, revealed on request, the reveal audited --------------------------


def test_personal_fields_are_masked_on_the_detail_page(client_for, users, contact_edit):
    html = client_for(users["auditor"]).get(
        reverse("audit:change_detail", args=[contact_edit.pk])).content.decode()
    assert "13812345678" not in html and "138****5678" in html
    assert "李四" not in html and "李*" in html
    assert 'data-testid="reveal-contact_phone"' in html
    assert not AccessEvent.objects.exists()


def test_revealing_a_field_shows_it_once_and_is_audited(client_for, users, contact_edit):
    client = client_for(users["auditor"])
    url = reverse("audit:change_reveal", args=[contact_edit.pk])
    resp = client.post(url, {"field": "contact_phone"})
    html = resp.content.decode()
    assert resp.status_code == 200 and "13812345678" in html
    assert "李四" not in html  # only the field asked for
    [event] = events("reveal")
    assert event.user == users["auditor"] and "contact_phone" in event.detail
    assert f"#{contact_edit.pk}" in event.detail
    # the next look is masked again
    again = client.get(reverse("audit:change_detail", args=[contact_edit.pk])).content.decode()
    assert "13812345678" not in again


def test_only_personal_fields_of_the_record_can_be_revealed(client_for, users, contact_edit):
    client = client_for(users["auditor"])
    url = reverse("audit:change_reveal", args=[contact_edit.pk])
    assert client.post(url, {"field": "name"}).status_code == 404
    assert client.post(url, {"field": "password"}).status_code == 404
    assert client.get(url, {"field": "contact_phone"}).status_code == 405
    assert not events("reveal")


@pytest.mark.parametrize("role", ["city_admin", "system_admin", "security_admin", "city_staff"])
def test_other_roles_cannot_reveal(client_for, users, contact_edit, role):
    resp = client_for(users[role]).post(reverse("audit:change_reveal", args=[contact_edit.pk]),
                                        {"field": "contact_phone"})
    assert resp.status_code == 403 and "13812345678" not in resp.content.decode()
    assert not events("reveal") and events("denied")


def test_the_auditor_reads_the_access_log(client_for, users, job_a):
    client_for(users["county_b_staff"]).get(reverse("jobs:job_download", args=[job_a.pk]))
    client = client_for(users["auditor"])
    html = client.get(reverse("audit:accessevent_list")).content.decode()
    assert html.count('data-testid="accessevent-row"') == 1 and "county_b_staff" in html
    assert "对象不存在或无权查看" in html
    filtered = client.get(reverse("audit:accessevent_list"), {"kind": "download"})
    assert 'data-testid="accessevent-row"' not in filtered.content.decode()
