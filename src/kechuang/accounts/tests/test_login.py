"""Sign-in security through the real login form (axes needs the request: no client.login()).

Lockout after AXES_FAILURE_LIMIT failures, login events in the audit log, POST-only logout,
idle sessions signed out after SESSION_IDLE_TIMEOUT.
"""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from kechuang.audit.models import AuthEvent

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
PASSWORD = "Kc-test-Pass-2025"  # conftest's


def post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password},
                       REMOTE_ADDR="10.20.30.40", HTTP_USER_AGENT="Mozilla/5.0 (测试)", **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def kinds(username: str) -> list[str]:
    return list(AuthEvent.objects.filter(username=username).order_by("at", "id")
                .values_list("kind", flat=True))


def test_correct_password_signs_in_and_writes_a_login_event(client, users):
    resp = post_login(client, "county_a_staff", PASSWORD)
    assert resp.status_code == 302 and resp["Location"] == reverse("web:home")
    assert signed_in(client)
    event = AuthEvent.objects.get(kind="login")
    assert event.user == users["county_a_staff"] and event.username == "county_a_staff"
    assert event.ip == "10.20.30.40" and event.user_agent == "Mozilla/5.0 (测试)"


def test_wrong_password_is_refused_in_chinese_and_logged(client, users):
    resp = post_login(client, "county_a_staff", "wrong-password")
    assert resp.status_code == 200 and not signed_in(client)
    assert "用户名或密码错误" in resp.content.decode()
    event = AuthEvent.objects.get(kind="login_failed")
    assert event.username == "county_a_staff" and event.ip == "10.20.30.40"
    assert event.user is None


def test_five_failures_lock_the_account_even_for_the_right_password(client, users):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _ in range(limit - 1):
        resp = post_login(client, "city_staff", "wrong-password")
        assert resp.status_code == 200
    resp = post_login(client, "city_staff", "wrong-password")  # the 5th: locked now
    assert resp.status_code == 429
    assert "账号已暂时锁定" in resp.content.decode()

    resp = post_login(client, "city_staff", PASSWORD)  # the 6th, correct, is refused
    assert resp.status_code == 429 and not signed_in(client)
    assert "账号已暂时锁定" in resp.content.decode()

    events = kinds("city_staff")
    assert events.count("login_failed") >= limit
    assert "locked_out" in events and "login" not in events
    locked = AuthEvent.objects.filter(kind="locked_out", username="city_staff").first()
    assert locked.ip == "10.20.30.40"


def test_lockout_is_per_account_not_per_address(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "city_staff", "wrong-password")
    # a colleague behind the same county NAT address still signs in
    resp = post_login(client, "county_a_staff", PASSWORD)
    assert resp.status_code == 302 and signed_in(client)


def test_axes_reset_username_unlocks_the_account(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "city_staff", "wrong-password")
    assert post_login(client, "city_staff", PASSWORD).status_code == 429
    call_command("axes_reset_username", "city_staff", verbosity=0)
    assert not AccessAttempt.objects.filter(username="city_staff").exists()
    resp = post_login(client, "city_staff", PASSWORD)
    assert resp.status_code == 302 and signed_in(client)


def test_success_resets_the_failure_count(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        post_login(client, "city_staff", "wrong-password")
    assert post_login(client, "city_staff", PASSWORD).status_code == 302
    client.post(LOGOUT)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert post_login(client, "city_staff", "wrong-password").status_code == 200
    assert post_login(client, "city_staff", PASSWORD).status_code == 302


def test_logout_is_post_only_and_logged(client, users):
    post_login(client, "auditor", PASSWORD)
    assert client.get(LOGOUT).status_code == 405  # a link or <img> cannot sign anyone out
    assert signed_in(client)
    resp = client.post(LOGOUT)
    assert resp.status_code == 302 and resp["Location"] == reverse("accounts:login")
    assert not signed_in(client)
    assert kinds("auditor") == ["login", "logout"]
    assert AuthEvent.objects.get(kind="logout").user == users["auditor"]


def test_idle_session_is_signed_out(client, users):
    post_login(client, "county_b_staff", PASSWORD)
    assert client.get(reverse("jobs:job_list")).status_code == 200  # stamps _last_seen
    session = client.session
    assert abs(session["_last_seen"] - time.time()) < 5
    session["_last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()

    resp = client.get(reverse("jobs:job_list"))
    assert resp.status_code == 302 and resp["Location"].startswith(LOGIN)
    assert not signed_in(client)
    assert client.session.get("idle_expired") is True  # the login page explains why
    assert kinds("county_b_staff") == ["login", "logout"]


def test_session_within_the_idle_timeout_stays_signed_in(client, users):
    post_login(client, "county_b_staff", PASSWORD)
    client.get(reverse("jobs:job_list"))
    session = client.session
    session["_last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT + 60
    session.save()
    assert client.get(reverse("jobs:job_list")).status_code == 200
    assert signed_in(client)
    assert client.session["_last_seen"] >= int(time.time()) - 5  # activity renews it


def test_idle_timeout_is_thirty_minutes_by_default():
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
