"""The Django admin shows the audit trail read-only, to the audit administrator only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from kechuang.accounts.models import User
from kechuang.audit.models import AccessEvent, AuthEvent, ChangeRecord
from kechuang.audit.services import record_change, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(users, enterprise_a):
    return record_change(actor=users["city_staff"], action="create", obj=enterprise_a,
                         after=snapshot(enterprise_a))


@pytest.mark.parametrize("model", [ChangeRecord, AuthEvent, AccessEvent])
def test_admin_permissions_are_read_only_even_for_a_superuser(rf, users, model):
    su = User.objects.create_user("root", password="Kc-test-Pass-2025", role="auditor",
                                  is_superuser=True)
    request = rf.get("/")
    request.user = su  # has every permission: only the ModelAdmin can refuse
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.get_actions(request)  # no "delete selected"


def test_auditor_views_records_in_the_admin_but_cannot_edit(client_for, users, record):
    client = client_for(users["auditor"])
    changelist = reverse("admin:audit_changerecord_changelist")
    assert client.get(changelist).status_code == 200
    change = reverse("admin:audit_changerecord_change", args=[record.pk])
    resp = client.get(change)
    assert resp.status_code == 200 and b'name="_save"' not in resp.content
    # snapshots (personal data) are not shown in the admin: a link to the masked page instead
    assert "长治甲科技有限公司" in resp.content.decode()  # object_repr is
    assert reverse("audit:change_detail", args=[record.pk]) in resp.content.decode()
    client.post(change, {"actor_name": "tampered"})
    record.refresh_from_db()
    assert record.actor_name != "tampered"
    assert client.get(reverse("admin:audit_changerecord_add")).status_code == 403
    delete = reverse("admin:audit_changerecord_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ChangeRecord.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("role", ["city_admin", "system_admin", "security_admin"])
def test_other_administrators_do_not_read_the_audit_trail_in_the_admin(client_for, users, role):
    resp = client_for(users[role]).get(reverse("admin:audit_changerecord_changelist"))
    assert resp.status_code == 403
