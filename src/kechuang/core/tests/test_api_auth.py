"""POST/DELETE /api/v1/auth/token: tokens through axes-aware authenticate(), audited."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from rest_framework.test import APIClient

from kechuang.accounts.models import ApiToken as Token
from kechuang.accounts.models import token_digest
from kechuang.audit.models import AuthEvent

URL = "/api/v1/auth/token"
PASSWORD = "Kc-test-Pass-2025"  # conftest's


def login(username: str, password: str = PASSWORD, **extra):
    return APIClient().post(URL, {"username": username, "password": password}, format="json",
                            REMOTE_ADDR="10.0.0.7", **extra)


@pytest.mark.django_db
def test_token_login_and_use(users, enterprise_a, enterprise_b):
    resp = login("county_a_staff")
    assert resp.status_code == 200, resp.json()
    body = resp.json()
    assert body["username"] == "county_a_staff" and body["role"] == "county_staff"
    assert body["role_display"] == "县区工作人员"
    # shown once; the database keeps only its SHA-256 digest
    stored = Token.objects.get(user=users["county_a_staff"])
    assert stored.digest == token_digest(body["token"]) and body["token"] not in stored.digest
    event = AuthEvent.objects.get(kind="login")
    assert event.user == users["county_a_staff"] and event.ip == "10.0.0.7"

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    rows = client.get("/api/v1/enterprises/").json()["results"]
    assert {r["id"] for r in rows} == {enterprise_a.pk}  # the token user's scope
    second = login("county_a_staff").json()["token"]  # a new token each time (shown once)
    assert second != body["token"]
    assert Token.objects.filter(user=users["county_a_staff"]).count() == 2


@pytest.mark.django_db
def test_wrong_password_is_400_counted_and_audited(users):
    resp = login("county_a_staff", "wrong-password")
    assert resp.status_code == 400
    message = "用户名或密码错误。连续多次失败将暂时锁定账号。"
    assert resp.json() == {"code": "invalid", "message": message,
                           "errors": [{"field": "", "message": message}]}
    assert AccessAttempt.objects.get(username="county_a_staff").failures_since_start == 1
    assert AuthEvent.objects.filter(kind="login_failed", username="county_a_staff").count() == 1
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_lockout_is_403_in_chinese_even_with_the_right_password(users):
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [login("county_b_staff", f"wrong-{i}").status_code for i in range(limit)]
    assert statuses == [400] * (limit - 1) + [403]
    resp = login("county_b_staff")
    assert resp.status_code == 403
    body = resp.json()
    assert body["code"] == "locked_out"
    assert body["message"].startswith("登录失败次数过多，账号已被锁定")
    assert resp["Content-Type"] == "application/json"
    assert AuthEvent.objects.filter(kind="locked_out", username="county_b_staff").exists()
    assert not Token.objects.exists()
    # other accounts are not affected (lockout is per username and address)
    assert login("county_a_staff").status_code == 200


@pytest.mark.django_db
def test_inactive_user_gets_no_token(users):
    users["expert"].is_active = False
    users["expert"].save()
    assert login("expert").status_code == 400
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_missing_credentials_name_the_fields(users):
    resp = APIClient().post(URL, {}, format="json")
    assert resp.status_code == 400
    assert {e["field"] for e in resp.json()["errors"]} == {"username", "password"}


@pytest.mark.django_db
def test_revoke_token(users):
    token = login("city_staff").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.delete(URL).status_code == 204
    resp = client.get("/api/v1/regions/")
    assert resp.status_code == 401
    assert resp.json()["code"] == "authentication_failed"
    assert APIClient().delete(URL).status_code == 401


@pytest.mark.django_db
def test_expired_token_is_refused_and_a_new_login_renews_it(users, settings):
    import datetime as dt

    from django.utils import timezone

    user = users["city_staff"]
    token, key = Token.issue(user)
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS, minutes=1))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    resp = api.get("/api/v1/enterprises/")
    assert resp.status_code == 401 and "过期" in resp.json()["message"]
    resp = APIClient().post("/api/v1/auth/token",
                            {"username": "city_staff", "password": "Kc-test-Pass-2025"})
    assert resp.status_code == 200 and resp.json()["token"] != key
