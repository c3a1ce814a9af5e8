"""In-app account administration (issue #12): lockouts (security administrator), accounts
(system administrator) — every change audited, validators enforced, nobody edits themselves."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kechuang.accounts import selectors, services
from kechuang.accounts.models import User
from kechuang.audit.models import ChangeRecord

pytestmark = pytest.mark.django_db

GOOD = "Lz#2025-keji-Cz"


def _attempt(username: str, failures: int = 5, minutes_ago: int = 0) -> AccessAttempt:
    a = AccessAttempt.objects.create(username=username, ip_address="10.0.0.9", user_agent="x",
                                     failures_since_start=failures, get_data="", post_data="",
                                     http_accept="", path_info="/accounts/login/")
    if minutes_ago:
        AccessAttempt.objects.filter(pk=a.pk).update(
            attempt_time=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return a


def test_only_current_lockouts_are_listed(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 0.5  # hours
    locked = _attempt("locked")
    _attempt("below_limit", failures=4)
    _attempt("expired", minutes_ago=31)
    assert list(selectors.locked_attempts()) == [locked]
    assert selectors.locked_until(locked) == locked.attempt_time + dt.timedelta(minutes=30)


def test_security_admin_unlocks_in_app_with_a_reason(client_for, users):
    attempt = _attempt("county_a_staff")
    client = client_for(users["security_admin"])
    page = client.get(reverse("accounts:lockout_list"))
    assert page.status_code == 200 and "county_a_staff" in page.content.decode()
    url = reverse("accounts:lockout_unlock", args=[attempt.pk])
    client.post(url, {"reason": ""})
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()  # no reason, no unlock
    resp = client.post(url, {"reason": "本人来电核实"})
    assert resp.status_code == 302
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    record = ChangeRecord.objects.get(content_type__app_label="axes", action="delete")
    assert record.actor == users["security_admin"]
    assert record.before["username"] == "county_a_staff" and "本人来电核实" in record.reason


def test_unlock_service_refuses_other_roles(users):
    attempt = _attempt("expert")
    for role in ("system_admin", "auditor", "city_admin"):
        with pytest.raises(PermissionDenied):
            services.lift_lockout(actor=users[role], attempt=attempt, reason="x")
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert not ChangeRecord.objects.filter(content_type__app_label="axes").exists()


def test_user_list_filters(client_for, users, county_a):
    client = client_for(users["system_admin"])
    url = reverse("accounts:user_list")
    html = client.get(url, {"role": "county_staff", "county": county_a.pk}).content.decode()
    assert html.count('data-testid="user-row"') == 1 and "<td>county_a_staff</td>" in html
    users["expert"].is_active = False
    users["expert"].save()
    html = client.get(url, {"active": "0"}).content.decode()
    assert html.count('data-testid="user-row"') == 1 and "<td>expert</td>" in html


def test_system_admin_creates_an_account_audited(client_for, users, county_a):
    client = client_for(users["system_admin"])
    resp = client.post(reverse("accounts:user_add"), {
        "username": "new_clerk", "first_name": "新", "role": "county_staff",
        "county": county_a.pk, "is_active": "on", "password1": GOOD, "password2": GOOD})
    assert resp.status_code == 302
    user = User.objects.get(username="new_clerk")
    assert user.must_change_password and user.check_password(GOOD) and user.county == county_a
    record = ChangeRecord.objects.get(content_type__app_label="accounts", action="create",
                                      object_id=str(user.pk))
    assert record.actor == users["system_admin"] and user.password not in str(record.after)


def test_new_account_is_validated(client_for, users):
    client = client_for(users["system_admin"])
    resp = client.post(reverse("accounts:user_add"), {
        "username": "weak", "role": "county_staff", "is_active": "on",
        "password1": "12345678", "password2": "12345678"})
    assert resp.status_code == 200
    assert not User.objects.filter(username="weak").exists()
    html = resp.content.decode()
    assert "县区工作人员必须绑定县区" in html


def test_password_validators_apply_in_the_service(users):
    with pytest.raises(ValidationError):
        services.create_account(actor=users["system_admin"],
                                data={"username": "x1", "role": "expert"}, password="abc")
    with pytest.raises(ValidationError):
        services.reset_password(actor=users["system_admin"], user=users["expert"],
                                password="password")


def test_edit_role_and_state_audited(client_for, users, county_b):
    target = users["county_a_staff"]
    client = client_for(users["system_admin"])
    resp = client.post(reverse("accounts:user_edit", args=[target.pk]), {
        "username": target.username, "role": "county_staff", "county": county_b.pk})
    assert resp.status_code == 302
    target.refresh_from_db()
    assert target.county == county_b and not target.is_active  # unchecked box: deactivated
    record = ChangeRecord.objects.get(content_type__app_label="accounts", action="update",
                                      object_id=str(target.pk))
    assert record.before["is_active"] is True and record.after["is_active"] is False


def test_password_reset_forces_a_change(client_for, users):
    target = users["expert"]
    client = client_for(users["system_admin"])
    resp = client.post(reverse("accounts:user_password", args=[target.pk]),
                       {"password1": GOOD, "password2": GOOD})
    assert resp.status_code == 302
    target.refresh_from_db()
    assert target.check_password(GOOD) and target.must_change_password
    assert ChangeRecord.objects.filter(content_type__app_label="accounts", action="update",
                                       object_id=str(target.pk)).count() == 1


def test_nobody_edits_their_own_account(client_for, users):
    me = users["system_admin"]
    client = client_for(me)
    assert client.get(reverse("accounts:user_edit", args=[me.pk])).status_code == 403
    assert client.get(reverse("accounts:user_password", args=[me.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.update_account(actor=me, user=me, data={"role": "city_admin"})


def test_security_admin_reads_but_cannot_change_accounts(client_for, users):
    client = client_for(users["security_admin"])
    html = client.get(reverse("accounts:user_list")).content.decode()
    assert "county_a_staff" in html
    assert reverse("accounts:user_edit", args=[users["expert"].pk]) not in html
    with pytest.raises(PermissionDenied):
        services.update_account(actor=users["security_admin"], user=users["expert"],
                                data={"is_active": False})


def test_navigation_by_role(client_for, users):
    from kechuang.web.navigation import menu_for

    def urls(role):
        return {i.url_name for g in menu_for(users[role], "/") for i in g.items}

    assert {"accounts:user_list", "accounts:lockout_list"} <= urls("security_admin")
    assert "accounts:user_list" in urls("system_admin")
    assert "accounts:lockout_list" not in urls("system_admin")
    assert not {"accounts:user_list", "accounts:lockout_list"} & urls("city_admin")
    assert "notices:todo" in urls("city_staff") and "notices:todo" not in urls("county_a_staff")


def test_enterprise_user_bound_by_credit_code(client_for, users, enterprise_a, enterprise_b):
    target = users["enterprise_a_user"]
    client = client_for(users["system_admin"])
    url = reverse("accounts:user_edit", args=[target.pk])
    assert f'value="{enterprise_a.credit_code}"' in client.get(url).content.decode()
    resp = client.post(url, {"username": target.username, "role": "enterprise",
                             "organisation": enterprise_b.credit_code, "is_active": "on"})
    assert resp.status_code == 302
    target.refresh_from_db()
    assert target.organisation_id == enterprise_b.pk
    resp = client.post(url, {"username": target.username, "role": "enterprise",
                             "organisation": "不存在", "is_active": "on"})
    assert "没有该统一社会信用代码的单位" in resp.content.decode()
