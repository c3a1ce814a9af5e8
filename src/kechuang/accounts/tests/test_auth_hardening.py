"""Tokens hashed and revoked, absolute session lifetime, address limit, account+address lock,
the client address behind a proxy, forced and expired password changes, createsuperuser."""

from __future__ import annotations

import datetime as dt
import importlib
import ipaddress
import time

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from kechuang.accounts.models import AddressFailure, ApiToken, User, token_digest
from kechuang.audit.models import AuthEvent

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
CHANGE = reverse("accounts:password_change")
TOKEN = "/api/v1/auth/token"
PASSWORD = "Kc-test-Pass-2025"  # conftest's
NEW = "Luzhou-Office-2026"
PAGE = reverse("jobs:job_list")


def post_login(client, username, password=PASSWORD, ip="10.20.30.40", **extra):
    return client.post(LOGIN, {"username": username, "password": password},
                       REMOTE_ADDR=ip, **extra)


def token_for(username: str, ip: str = "10.0.0.7") -> str:
    resp = APIClient().post(TOKEN, {"username": username, "password": PASSWORD},
                            format="json", REMOTE_ADDR=ip)
    assert resp.status_code == 200, resp.json()
    return resp.json()["token"]


def api_status(token: str) -> int:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api.get("/api/v1/regions/").status_code


# ---- API tokens ---------------------------------------------------------------------------


def test_token_is_stored_as_its_digest_only(users):
    token = token_for("city_staff")
    row = ApiToken.objects.get(user=users["city_staff"])
    assert row.digest == token_digest(token) and len(row.digest) == 64
    assert not ApiToken.objects.filter(digest=token).exists()
    assert api_status(token) == 200
    assert api_status(row.digest) == 401  # a database reader cannot use what is stored


def test_token_revoked_when_the_owner_changes_the_password(client, users):
    token = token_for("county_a_staff")
    assert api_status(token) == 200
    post_login(client, "county_a_staff")
    resp = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": NEW,
                                "new_password2": NEW})
    assert resp.status_code == 302
    assert api_status(token) == 401
    assert not ApiToken.objects.filter(user=users["county_a_staff"]).exists()


def test_token_revoked_by_an_administrator_reset_and_by_deactivation(users):
    user = users["city_staff"]
    token = token_for("city_staff")
    user.set_password("Reset-By-Admin-2026")
    user.save()
    assert api_status(token) == 401
    user.must_change_password = False
    user.set_password(PASSWORD, by_owner=True)
    user.save()
    token = token_for("city_staff")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api_status(token) == 401


def test_existing_plain_tokens_are_hashed_by_the_migration(users):
    from rest_framework.authtoken.models import Token

    plain = Token.objects.create(user=users["expert"])
    migration = importlib.import_module(
        "kechuang.accounts.migrations.0002_password_policy_tokens")
    migration.hash_existing_tokens(apps, None)
    assert not Token.objects.exists()
    assert ApiToken.objects.get(user=users["expert"]).digest == token_digest(plain.key)
    assert api_status(plain.key) == 200  # the same token keeps working


# ---- absolute session lifetime -----------------------------------------------------------


def test_session_ends_after_its_maximum_lifetime_despite_activity(client, users):
    assert settings.SESSION_MAX_LIFETIME == 12 * 3600
    post_login(client, "county_b_staff")
    assert client.get(PAGE).status_code == 200
    login_at = client.session["_login_at"]
    assert abs(login_at - time.time()) < 5
    almost = int(time.time()) - settings.SESSION_MAX_LIFETIME + 60
    session = client.session
    session["_login_at"] = almost
    session["_last_seen"] = int(time.time()) - 120  # activity now restamps _last_seen only
    session.save()
    assert client.get(PAGE).status_code == 200
    assert client.session["_login_at"] == almost

    session = client.session
    session["_login_at"] = int(time.time()) - settings.SESSION_MAX_LIFETIME - 1
    session.save()
    resp = client.get(PAGE)
    assert resp.status_code == 302 and resp["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    assert client.session.get("session_expired") is True
    assert "最长时限" in client.get(LOGIN).content.decode()


# ---- per-address limit and account+address lock -----------------------------------------


def test_address_limit_across_user_names_is_429_with_how_long(client, users, settings):
    settings.AUTH_ADDRESS_FAILURE_LIMIT = 3
    for name in ("city_staff", "expert", "nobody"):
        assert post_login(client, name, "wrong-password", ip="10.9.9.9").status_code == 200
    resp = post_login(client, "auditor", PASSWORD, ip="10.9.9.9")  # even the right password
    assert resp.status_code == 429 and "_auth_user_id" not in client.session
    assert "秒后再试" in resp.content.decode() and int(resp["Retry-After"]) > 0
    api = APIClient().post(TOKEN, {"username": "auditor", "password": PASSWORD},
                           format="json", REMOTE_ADDR="10.9.9.9")
    assert api.status_code == 429 and "秒后再试" in api.json()["message"]
    assert post_login(client, "auditor", PASSWORD, ip="10.9.9.10").status_code == 302
    # the window passes: the address may try again
    AddressFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=2))
    client.post(reverse("accounts:logout"))
    assert post_login(client, "auditor", PASSWORD, ip="10.9.9.9").status_code == 302


def test_attacker_cannot_lock_the_administrator_out_from_elsewhere(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "city_admin", "wrong-password", ip="203.0.113.9")
    resp = post_login(client, "city_admin", PASSWORD, ip="203.0.113.9")
    assert resp.status_code == 429 and "锁定" in resp.content.decode()
    assert "30 分钟" in resp.content.decode()  # says for how long
    resp = post_login(client, "city_admin", PASSWORD, ip="10.20.30.40")  # the real admin
    assert resp.status_code == 302 and "_auth_user_id" in client.session


# ---- the client address behind the proxy -------------------------------------------------


def test_forwarded_for_is_used_only_behind_the_trusted_proxy(client, users, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    post_login(client, "expert", "wrong", ip="127.0.0.1",
               HTTP_X_FORWARDED_FOR="198.51.100.1, 10.1.2.3")  # spoofed left, nginx appended
    assert AuthEvent.objects.get(kind="login_failed").ip == "10.1.2.3"
    settings.TRUSTED_PROXY_COUNT = 0
    post_login(client, "provider", "wrong", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert AuthEvent.objects.get(kind="login_failed", username="provider").ip == "127.0.0.1"


@pytest.mark.parametrize("proxies", [0, 1])
def test_lockout_not_bypassable_by_forwarded_for(client, users, settings, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    for i in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "city_staff", "wrong", ip="127.0.0.1",
                   HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 10.1.2.3")
    resp = post_login(client, "city_staff", PASSWORD, ip="127.0.0.1",
                      HTTP_X_FORWARDED_FOR="198.51.100.200, 10.1.2.3")
    assert resp.status_code == 429
    assert AccessAttempt.objects.get(username="city_staff").ip_address == (
        "10.1.2.3" if proxies else "127.0.0.1")


# a client address nginx can see (ipware never returns unspecified/multicast/reserved ones,
# nor 0.0.0.0/8 "this network": for those it falls back to the proxy's address, which no
# client chooses either)
THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
CLIENTS = st.ip_addresses().filter(
    lambda a: not (a.is_unspecified or a.is_multicast or a.is_reserved
                   or (a.version == 4 and a in THIS_NETWORK))).map(str)


@given(spoofed=st.lists(st.ip_addresses().map(str), max_size=4), client=CLIENTS)
@hyp_settings(max_examples=40, deadline=None)
def test_client_address_is_what_the_trusted_proxy_appended(spoofed, client):
    from django.test import RequestFactory, override_settings

    from kechuang.accounts.clientip import client_ip

    header = ", ".join([*spoofed, client])
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=header)
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == client
    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert client_ip(request) == "127.0.0.1"


# ---- forced change and expiry ------------------------------------------------------------


def test_password_set_by_an_administrator_must_be_changed_first(client, users):
    user = users["county_a_staff"]
    user.set_password("Reset-By-Admin-2026")
    user.save()
    assert user.must_change_password
    post_login(client, "county_a_staff", "Reset-By-Admin-2026")
    resp = client.get(PAGE)
    assert resp.status_code == 302 and resp["Location"].startswith(CHANGE)
    assert client.get("/api/v1/regions/").status_code == 403
    assert 'data-testid="password-forced"' in client.get(CHANGE).content.decode()
    resp = client.post(CHANGE + "?next=" + PAGE, {"old_password": "Reset-By-Admin-2026",
                                                  "new_password1": NEW, "new_password2": NEW})
    assert resp.status_code == 302 and resp["Location"] == PAGE
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(PAGE).status_code == 200


def test_staff_password_expires(client, users, settings):
    assert settings.PASSWORD_MAX_AGE_DAYS == 90
    old = timezone.now() - dt.timedelta(days=91)
    User.objects.filter(username__in=["city_staff", "enterprise_a_user"]).update(
        password_changed_at=old)
    client.force_login(users["city_staff"])
    resp = client.get(PAGE)
    assert resp.status_code == 302 and resp["Location"].startswith(CHANGE)
    assert 'data-testid="password-expired"' in client.get(CHANGE).content.decode()
    client.force_login(users["enterprise_a_user"])  # not a staff role: no expiry
    assert client.get(reverse("web:home")).status_code == 200
    settings.PASSWORD_MAX_AGE_DAYS = 0
    client.force_login(users["city_staff"])
    assert client.get(PAGE).status_code == 200


def test_wrong_old_passwords_lock_and_are_audited(client, users):
    user = users["city_staff"]
    client.force_login(user)
    statuses = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        statuses.append(client.post(CHANGE, {"old_password": "wrong", "new_password1": NEW,
                                             "new_password2": NEW},
                                    REMOTE_ADDR="10.4.4.4").status_code)
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    resp = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": NEW,
                                "new_password2": NEW}, REMOTE_ADDR="10.4.4.4")
    assert resp.status_code == 429 and "锁定" in resp.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    events = AuthEvent.objects.filter(username="city_staff")
    assert events.filter(kind="password_failed").count() == settings.AXES_FAILURE_LIMIT
    assert events.get(kind="locked_out").ip == "10.4.4.4"
    assert events.filter(kind="password_failed").first().user == user


# ---- createsuperuser ---------------------------------------------------------------------


def test_createsuperuser_noinput_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="密码"):
        call_command("createsuperuser", "--noinput", username="root2",
                     email="root@example.cn", verbosity=0)
    assert not User.objects.filter(username="root2").exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Strong-Admin-Pass-2026")
    call_command("createsuperuser", "--noinput", username="root3", email="r@example.cn",
                 verbosity=0)
    validate_password("Strong-Admin-Pass-2026")
    assert User.objects.get(username="root3").is_superuser


def test_the_admin_login_form_sends_to_the_one_sign_in_page(client):
    resp = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert resp.status_code == 302 and resp["Location"].startswith(LOGIN + "?next=")
