"""The Django admin shows the audit trail read-only: no add, change or delete."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from kechuang.audit.models import AuthEvent, ChangeRecord
from kechuang.audit.services import record_change, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(users, enterprise_a):
    return record_change(actor=users["city_staff"], action="create", obj=enterprise_a,
                         after=snapshot(enterprise_a))


@pytest.mark.parametrize("model", [ChangeRecord, AuthEvent])
def test_admin_permissions_are_read_only(rf, users, model):
    request = rf.get("/")
    request.user = users["city_admin"]  # a superuser: only the ModelAdmin can refuse
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.get_actions(request)  # no "delete selected"


def test_city_admin_views_records_in_the_admin_but_cannot_edit(client_for, users, record):
    client = client_for(users["city_admin"])
    changelist = reverse("admin:audit_changerecord_changelist")
    assert client.get(changelist).status_code == 200
    change = reverse("admin:audit_changerecord_change", args=[record.pk])
    resp = client.get(change)
    assert resp.status_code == 200 and b'name="_save"' not in resp.content
    client.post(change, {"actor_name": "tampered"})
    record.refresh_from_db()
    assert record.actor_name != "tampered"
    assert client.get(reverse("admin:audit_changerecord_add")).status_code == 403
    delete = reverse("admin:audit_changerecord_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ChangeRecord.objects.filter(pk=record.pk).exists()


def test_auditor_has_no_admin_access(client_for, users):
    resp = client_for(users["auditor"]).get(reverse("admin:audit_changerecord_changelist"))
    assert resp.status_code == 302  # the admin site is for city administrators only
