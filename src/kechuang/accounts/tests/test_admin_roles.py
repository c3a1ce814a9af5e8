"""三权分立 in the Django admin: each administrator role does its own part, audited; nobody is a
superuser, nobody reads or mints another user's token, jobs and import runs cannot be deleted."""

from __future__ import annotations

import os
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from kechuang.accounts.backends import RolePermissionBackend
from kechuang.accounts.models import User
from kechuang.audit.models import AccessEvent, ChangeRecord
from kechuang.imports.models import ImportRun
from kechuang.jobs.models import Job

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Reset-By-Admin-2026"


def user_records(user: User):
    return ChangeRecord.objects.filter(content_type__app_label="accounts",
                                       content_type__model="user", object_id=str(user.pk))


def change_form_data(client, user: User, **changes) -> dict:
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()
            if k not in ("password", "last_login", "date_joined")}
    data = {k: v for k, v in data.items() if v is not False}
    data.update(changes)
    return data


# ---- who enters the admin and sees what -------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [
    ("system_admin", 200), ("security_admin", 200), ("auditor", 200), ("city_admin", 200),
    ("city_staff", 302), ("county_a_staff", 302), ("enterprise_a_user", 302), ("expert", 302),
])
def test_the_admin_opens_for_administrator_roles_only(client_for, users, role, status):
    users[role].is_staff = True
    users[role].save()
    assert client_for(users[role]).get("/admin/").status_code == status


def test_a_superuser_without_an_administrator_role_does_not_get_in(client):
    """What `createsuperuser` makes (default role: enterprise) is not an administrator."""
    root = User.objects.create_superuser("root", password="Kc-test-Pass-2025")
    client.force_login(root)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(("role", "url", "status"), [
    ("system_admin", "admin:accounts_user_changelist", 200),
    ("security_admin", "admin:accounts_user_changelist", 200),
    ("city_admin", "admin:accounts_user_changelist", 403),
    ("auditor", "admin:accounts_user_changelist", 403),
    ("security_admin", "admin:axes_accessattempt_changelist", 200),
    ("system_admin", "admin:axes_accessattempt_changelist", 403),
    ("city_admin", "admin:axes_accessattempt_changelist", 403),
    ("city_admin", "admin:orgs_organisation_changelist", 200),
    ("system_admin", "admin:orgs_organisation_changelist", 403),
    ("auditor", "admin:jobs_job_changelist", 200),
    ("city_admin", "admin:jobs_job_changelist", 403),
])
def test_each_role_sees_only_its_models(client_for, users, role, url, status):
    assert client_for(users[role]).get(reverse(url)).status_code == status


def test_role_permissions_come_from_the_role_only(users):
    backend = RolePermissionBackend()
    assert backend.has_perm(users["system_admin"], "accounts.change_user")
    assert not backend.has_perm(users["system_admin"], "accounts.delete_user")
    assert not backend.has_perm(users["city_admin"], "accounts.change_user")
    assert not backend.has_perm(users["security_admin"], "accounts.change_user")
    assert backend.has_perm(users["security_admin"], "axes.delete_accessattempt")
    assert not backend.has_perm(users["auditor"], "audit.change_changerecord")
    users["system_admin"].is_active = False
    assert not backend.has_perm(users["system_admin"], "accounts.view_user")


def test_no_token_or_group_admin():
    from rest_framework.authtoken.models import Token, TokenProxy

    assert not admin.site.is_registered(TokenProxy)
    assert not admin.site.is_registered(Token)
    assert not admin.site.is_registered(Group)


@pytest.mark.parametrize("role", ["system_admin", "security_admin", "auditor", "city_admin"])
def test_the_token_admin_pages_are_gone(client_for, users, role):
    client = client_for(users[role])
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 404
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 404
    assert client.get("/admin/authtoken/token/").status_code == 404


# ---- the system administrator: accounts and roles, every action audited -----------------------


def test_creating_a_user_in_the_admin_is_audited(client_for, users):
    client = client_for(users["system_admin"])
    resp = client.post(reverse("admin:accounts_user_add"), {
        "username": "new_clerk", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
        "usable_password": "true", "role": "city_staff"})
    assert resp.status_code == 302, resp.context["adminform"].form.errors
    new = User.objects.get(username="new_clerk")
    assert not new.is_superuser
    record = user_records(new).get(action="create")
    assert record.actor == users["system_admin"] and record.reason == "admin"
    assert record.after["role"] == "city_staff"
    assert not record.after["password"] or record.after["password"].startswith("secret:")
    assert AccessEvent.objects.filter(kind="admin", user=users["system_admin"],
                                      detail__contains="new_clerk").exists()


def test_changing_a_role_in_the_admin_is_audited(client_for, users):
    client = client_for(users["system_admin"])
    target = users["expert"]
    data = change_form_data(client, target, role="auditor", is_active="on")
    resp = client.post(reverse("admin:accounts_user_change", args=[target.pk]), data)
    assert resp.status_code == 302, resp.context["adminform"].form.errors
    target.refresh_from_db()
    assert target.role == "auditor"
    record = user_records(target).get(action="update")
    assert record.actor == users["system_admin"]
    assert (record.before["role"], record.after["role"]) == ("expert", "auditor")
    assert AccessEvent.objects.filter(kind="admin", user=users["system_admin"]).exists()


def test_the_user_form_has_no_superuser_flag_or_permissions(client_for, users):
    client = client_for(users["system_admin"])
    target = users["expert"]
    page = client.get(reverse("admin:accounts_user_change", args=[target.pk]))
    form = page.context["adminform"].form
    assert not {"is_superuser", "groups", "user_permissions"} & set(form.fields)
    data = change_form_data(client, target, is_superuser="on", is_active="on")
    client.post(reverse("admin:accounts_user_change", args=[target.pk]), data)
    target.refresh_from_db()
    assert not target.is_superuser


def test_a_password_reset_in_the_admin_is_audited_without_the_hash(client_for, users):
    client = client_for(users["system_admin"])
    target = users["auditor"]
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    resp = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                             "usable_password": "true"})
    assert resp.status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)
    record = user_records(target).get(reason="admin: 重置密码")
    assert record.actor == users["system_admin"]
    assert record.before["password"] != record.after["password"]
    assert record.after["password"].startswith("secret:")
    assert target.password not in str(record.after)


def test_nobody_deletes_users_or_edits_their_own_account(client_for, users):
    client = client_for(users["system_admin"])
    target = users["expert"]
    assert client.post(reverse("admin:accounts_user_delete", args=[target.pk]),
                       {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=target.pk).exists()
    me = users["system_admin"]
    data = change_form_data(client, me, role="auditor", is_active="on")
    assert client.post(reverse("admin:accounts_user_change", args=[me.pk]),
                       data).status_code == 403
    me.refresh_from_db()
    assert me.role == "system_admin"


def test_the_security_administrator_reads_but_does_not_change_accounts(client_for, users):
    client = client_for(users["security_admin"])
    target = users["expert"]
    resp = client.post(reverse("admin:accounts_user_change", args=[target.pk]),
                       {"username": "expert", "role": "auditor"})
    assert resp.status_code == 403
    target.refresh_from_db()
    assert target.role == "expert"


# ---- the security administrator: lockouts ----------------------------------------------------


def test_lifting_a_lockout_is_audited(client_for, users):
    attempt = AccessAttempt.objects.create(username="expert", ip_address="10.0.0.9",
                                           user_agent="x", failures_since_start=5,
                                           get_data="", post_data="", http_accept="",
                                           path_info="/accounts/login/")
    client = client_for(users["security_admin"])
    resp = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]),
                       {"post": "yes"})
    assert resp.status_code == 302
    assert not AccessAttempt.objects.exists()
    record = ChangeRecord.objects.get(content_type__app_label="axes", action="delete")
    assert record.actor == users["security_admin"] and record.before["username"] == "expert"
    assert AccessEvent.objects.filter(kind="admin", user=users["security_admin"]).exists()


# ---- jobs and import runs are kept --------------------------------------------------------------


@pytest.fixture
def job(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    j = Job.objects.create(owner=users["county_a_staff"], kind="test", title="导出",
                           status="succeeded")
    j.result_file.save("r.xlsx", ContentFile(b"PK"))
    return j


@pytest.fixture
def run(users):
    r = ImportRun(owner=users["county_a_staff"], kind="orgs.annual_report", title="年报",
                  original_name="年报.xlsx", status="invalid")
    r.file.save("u.xlsx", ContentFile(b"PK"), save=False)
    r.save()
    return r


@pytest.mark.parametrize("role", ["auditor", "system_admin", "security_admin", "city_admin"])
def test_jobs_and_import_runs_cannot_be_deleted_in_the_admin(client_for, users, job, run, role):
    client = client_for(users[role])
    for url in (reverse("admin:jobs_job_delete", args=[job.pk]),
                reverse("admin:imports_importrun_delete", args=[run.pk])):
        assert client.post(url, {"post": "yes"}).status_code == 403
    for changelist, pk in (("admin:jobs_job_changelist", job.pk),
                           ("admin:imports_importrun_changelist", run.pk)):
        client.post(reverse(changelist), {"action": "delete_selected", "_selected_action": [pk],
                                          "post": "yes"})
    assert Job.objects.filter(pk=job.pk).exists() and ImportRun.objects.filter(pk=run.pk).exists()


def test_the_admins_offer_no_bulk_actions(rf, users):
    request = rf.get("/")
    request.user = User.objects.create_superuser("root", password="Kc-test-Pass-2025",
                                                 role="auditor")
    for model in (Job, ImportRun, User):
        model_admin = admin.site._registry[model]
        assert not model_admin.get_actions(request)
        assert not model_admin.has_delete_permission(request)


def test_jobs_and_import_runs_refuse_deletion_in_the_model(job, run):
    with pytest.raises(PermissionError):
        job.delete()
    with pytest.raises(PermissionError):
        run.delete()
    assert Job.objects.filter(pk=job.pk).exists() and ImportRun.objects.filter(pk=run.pk).exists()


# ---- manage.py create_admin ------------------------------------------------------------------


def test_create_admin_makes_a_role_account_not_a_superuser(monkeypatch):
    monkeypatch.setenv("KC_ADMIN_PW", NEW_PASSWORD)
    out = StringIO()
    call_command("create_admin", "it_admin", "--role", "system_admin", "--full-name", "陈刚",
                 "--password-env", "KC_ADMIN_PW", stdout=out)
    user = User.objects.get(username="it_admin")
    assert user.role == "system_admin" and user.is_staff and not user.is_superuser
    assert user.check_password(NEW_PASSWORD) and "系统管理员" in out.getvalue()
    record = user_records(user).get()
    assert record.source == "cli:create_admin" and record.action == "create"


def test_create_admin_refuses_a_weak_password_and_other_roles(monkeypatch):
    monkeypatch.setenv("KC_ADMIN_PW", "12345678")
    with pytest.raises(CommandError):
        call_command("create_admin", "weak", "--role", "security_admin",
                     "--password-env", "KC_ADMIN_PW")
    assert not User.objects.filter(username="weak").exists()
    monkeypatch.setenv("KC_ADMIN_PW", NEW_PASSWORD)
    with pytest.raises(CommandError):
        call_command("create_admin", "ent", "--role", "enterprise",
                     "--password-env", "KC_ADMIN_PW")
    assert os.environ["KC_ADMIN_PW"] == NEW_PASSWORD


# ---- two-factor devices: looked at and reset by the security administrator, audited ----------


def test_the_security_administrator_resets_a_device_without_seeing_its_secret(client_for,
                                                                               users):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=users["city_staff"], name="手机", confirmed=True)
    client = client_for(users["security_admin"])
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200 and device.key not in page.content.decode()
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    resp = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]),
                       {"post": "yes"})
    assert resp.status_code == 302 and not TOTPDevice.objects.exists()
    record = ChangeRecord.objects.get(content_type__app_label="otp_totp", action="delete")
    assert record.actor == users["security_admin"]
    assert device.key not in str(record.before)  # the secret is not copied into the trail
    for role in ("system_admin", "city_admin", "auditor"):
        assert client_for(users[role]).get(
            reverse("admin:otp_totp_totpdevice_changelist")).status_code == 403
