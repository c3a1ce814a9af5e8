"""The audit trail end to end: a service edit is recorded, records cannot be changed or deleted,
the auditor reads them, and nothing in the admin or the job machinery removes them."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from kechuang.audit.context import audit_context
from kechuang.audit.models import AuthEvent, ChangeRecord
from kechuang.orgs import services as org_services
from kechuang.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def records_for(obj):
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return ChangeRecord.objects.filter(content_type=ct, object_id=str(obj.pk))


@pytest.fixture
def record(users, enterprise_a):
    staff = users["county_a_staff"]
    staff.first_name = "张三"
    staff.save()
    with audit_context(source="web", request_id="0f3c9d2e8a7b4c1d"):
        org_services.update_enterprise(actor=staff, enterprise=enterprise_a,
                                       data={"contact_name": "李四",
                                             "contact_phone": "13800000000"})
    return records_for(enterprise_a).get()


def test_update_enterprise_records_actor_source_request_and_before_after(record, users,
                                                                         enterprise_a):
    staff = users["county_a_staff"]
    assert record.action == ChangeRecord.Action.UPDATE
    assert record.actor == staff and record.actor_name == "张三"
    assert record.source == "web" and record.request_id == "0f3c9d2e8a7b4c1d"
    assert record.content_type.model_class() is Organisation
    assert record.object_id == str(enterprise_a.pk) and record.object_repr == enterprise_a.name
    assert record.before["contact_name"] == "" and record.after["contact_name"] == "李四"
    assert record.before["contact_phone"] == "" and record.after["contact_phone"] == "13800000000"
    # ("version" is the optimistic-lock counter every save bumps)
    assert {k for k, _b, _a in record.changed_fields} - {"version"} == {"contact_name",
                                                                       "contact_phone"}
    assert "updated_at" not in record.after  # automatic timestamps are not changes


def test_a_web_request_stamps_its_server_side_request_id_on_the_record(client, users):
    """RequestContextMiddleware's id reaches the change record and the response header; a
    client-sent X-Request-ID is ignored (it could file changes under another request)."""
    user = users["expert"]
    client.force_login(user)
    resp = client.post(reverse("accounts:password_change"), {
        "old_password": "Kc-test-Pass-2025", "new_password1": "Review-Expert-2026",
        "new_password2": "Review-Expert-2026"}, HTTP_X_REQUEST_ID="abc-123")
    assert resp.status_code == 302
    server_id = resp["X-Request-ID"]
    assert server_id != "abc-123" and len(server_id) == 32
    record = records_for(user).get()
    assert record.request_id == server_id and record.source == "web" and record.actor == user
    assert not ChangeRecord.objects.filter(request_id="abc-123").exists()


def test_queryset_update_and_delete_raise(record):
    qs = ChangeRecord.objects.filter(pk=record.pk)
    with pytest.raises(PermissionError):
        qs.update(actor_name="someone else")
    with pytest.raises(PermissionError):
        qs.delete()
    with pytest.raises(PermissionError):
        ChangeRecord.objects.all().delete()
    # bulk_update's atomic(savepoint=False) poisons the surrounding transaction: own savepoint
    with pytest.raises(PermissionError), transaction.atomic():
        ChangeRecord.objects.bulk_update([record], ["actor_name"])
    record.refresh_from_db()
    assert record.actor_name == "张三"


def test_instance_save_and_delete_raise(record):
    record.reason = "tampered"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    assert ChangeRecord.objects.filter(pk=record.pk, reason="").exists()


def test_login_events_are_append_only_too(users):
    event = AuthEvent.objects.create(kind="login_failed", username="mallory", ip="10.0.0.9")
    with pytest.raises(PermissionError):
        AuthEvent.objects.filter(pk=event.pk).update(username="nobody")
    with pytest.raises(PermissionError):
        AuthEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        event.delete()


def test_auditor_reads_the_change_list_and_detail(client_for, users, record):
    client = client_for(users["auditor"])
    resp = client.get(reverse("audit:change_list"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert record.object_repr in html and "张三" in html
    resp = client.get(reverse("audit:change_detail", args=[record.pk]))
    assert resp.status_code == 200
    html = resp.content.decode()
    # contact name and phone are personal data: masked until the auditor asks (audited)
    assert "0f3c9d2e8a7b4c1d" in html and "联系人" in html
    assert "李四" not in html and "李*" in html
    assert "13800000000" not in html and "138****0000" in html


def test_auditor_cannot_write_through_the_audit_pages(client_for, users, record):
    client = client_for(users["auditor"])
    for url in (reverse("audit:change_list"), reverse("audit:authevent_list"),
                reverse("audit:change_detail", args=[record.pk])):
        assert client.post(url, {"reason": "x"}).status_code == 405
    record.refresh_from_db()
    assert record.reason == ""


def test_deleting_a_user_keeps_their_records_and_frozen_name(record, users):
    """The actor link is nulled by the database cascade; the record and the name stay."""
    staff = users["county_a_staff"]
    staff.delete()
    record = ChangeRecord.objects.get(pk=record.pk)
    assert record.actor is None and record.actor_name == "张三"


def test_pruning_task_results_leaves_the_audit_trail_alone(record, settings):
    """django-tasks-db's own cleanup command touches only task results."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    before = ChangeRecord.objects.count()
    call_command("prune_db_task_results", "--min-age-days", "0", verbosity=0)
    assert ChangeRecord.objects.count() == before
