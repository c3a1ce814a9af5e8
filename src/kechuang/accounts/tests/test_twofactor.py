"""TOTP two-factor for staff and administrators (django-otp), with the enforcement on.

Codes are computed from the device's key as an authenticator app would.
"""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from kechuang.accounts import twofactor
from kechuang.accounts.roles import Role

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:otp_verify")
SETUP = reverse("accounts:otp_setup")
PASSWORD = "Kc-test-Pass-2025"  # conftest's
PAGE = reverse("jobs:job_list")


@pytest.fixture
def enforced(settings):
    settings.KECHUANG_REQUIRE_2FA = True
    return settings


def code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def password_login(client, username: str):
    resp = client.post(LOGIN, {"username": username, "password": PASSWORD},
                       REMOTE_ADDR="10.20.30.40")
    assert resp.status_code == 302, resp.content.decode()[:500]
    return resp


def enrol(client, username: str) -> tuple[TOTPDevice, list[str]]:
    """Sign in with the password, enrol from the setup page; returns the device and codes."""
    password_login(client, username)
    resp = client.get(PAGE)
    assert resp.status_code == 302 and resp["Location"].startswith(SETUP)
    resp = client.get(resp["Location"])
    html = resp.content.decode()
    assert resp.status_code == 200 and "<svg" in html  # QR code rendered on the server
    assert "<script>" not in html  # no inline script
    # nothing loaded from another host (a bare "cdn" can occur in a random token)
    assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", html)
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    secret = html.split('data-testid="otp-secret">')[1].split("<")[0].replace(" ", "")
    import base64
    assert base64.b32decode(secret) == device.bin_key
    resp = client.post(SETUP, {"code": code(device), "next": PAGE})
    assert resp.status_code == 200
    codes = [c.strip() for c in resp.content.decode().split('data-testid="recovery-code">')[1:]]
    codes = [c.split("<")[0] for c in codes]
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


def test_staff_roles_cover_the_administrators():
    assert {Role.CITY_ADMIN, Role.CITY_STAFF, Role.COUNTY_STAFF, Role.AUDITOR} <= \
        twofactor.STAFF_2FA_ROLES
    for name in ("SYSTEM_ADMIN", "SECURITY_ADMIN"):
        if hasattr(Role, name):
            assert getattr(Role, name) in twofactor.STAFF_2FA_ROLES
    assert not {Role.ENTERPRISE, Role.EXPERT, Role.PROVIDER} & twofactor.STAFF_2FA_ROLES


def test_enrol_then_every_page_works_and_recovery_codes_are_shown_once(client, users, enforced):
    device, codes = enrol(client, "county_a_staff")
    assert len(codes) == twofactor.RECOVERY_CODE_COUNT and len(set(codes)) == len(codes)
    # only digests are stored
    stored = set(StaticToken.objects.filter(device__user=users["county_a_staff"])
                 .values_list("token", flat=True))
    assert not stored & set(codes)
    assert stored == {twofactor.recovery_digest(c) for c in codes}
    assert client.get(PAGE).status_code == 200
    # the enrol page cannot be reopened to see the secret again without the verified session
    client.post(reverse("accounts:logout"))
    password_login(client, "county_a_staff")
    assert client.get(SETUP)["Location"] == VERIFY


def test_login_with_a_device_asks_for_the_code_before_anything_else(client, users, enforced):
    device, _codes = enrol(client, "city_staff")
    client.post(reverse("accounts:logout"))
    password_login(client, "city_staff")
    for url in (PAGE, reverse("web:home"), reverse("accounts:profile"), "/admin/"):
        resp = client.get(url)
        assert resp.status_code == 302 and resp["Location"].startswith(VERIFY), url
    resp = client.post(VERIFY, {"code": "000000" if code(device, 30) != "000000" else "111111"})
    assert resp.status_code == 200 and "验证码不正确" in resp.content.decode()
    assert client.get(PAGE).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # django-otp delays the next try after a wrong code (1 s, doubling)
    resp = client.post(VERIFY, {"code": code(device, 30), "next": PAGE})
    assert resp.status_code == 302 and resp["Location"] == PAGE
    assert client.get(PAGE).status_code == 200


def test_a_recovery_code_works_once(client, users, enforced):
    _device, codes = enrol(client, "auditor")
    client.post(reverse("accounts:logout"))
    password_login(client, "auditor")
    assert client.post(VERIFY, {"code": codes[0].upper()}).status_code == 302
    assert client.get(PAGE).status_code in (200, 403)  # past the gate (403 = role's own rule)
    client.post(reverse("accounts:logout"))
    password_login(client, "auditor")
    resp = client.post(VERIFY, {"code": codes[0]})
    assert resp.status_code == 200 and "验证码不正确" in resp.content.decode()
    assert twofactor.remaining_recovery_codes(users["auditor"]) == len(codes) - 1


def test_force_login_is_gated_too_and_the_api_answers_403_json(client, users, enforced):
    client.force_login(users["city_staff"])
    resp = client.get("/api/v1/regions/")
    assert resp.status_code == 403 and resp.json()["code"] == "authentication_incomplete"
    assert client.get(PAGE)["Location"].startswith(SETUP)
    # logout stays reachable
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_outside_roles_are_not_asked(client, users, enforced):
    password_login(client, "enterprise_a_user")
    assert client.get(reverse("web:home")).status_code == 200


def test_an_enrolled_user_is_asked_even_when_not_enforced(client, users, settings):
    settings.KECHUANG_REQUIRE_2FA = True
    device, _codes = enrol(client, "county_b_staff")
    settings.KECHUANG_REQUIRE_2FA = False
    client.post(reverse("accounts:logout"))
    password_login(client, "county_b_staff")
    assert client.get(PAGE)["Location"].startswith(VERIFY)


def test_token_api_needs_the_code_of_an_enrolled_staff_user(client, users, enforced):
    api = APIClient()
    url = "/api/v1/auth/token"
    resp = api.post(url, {"username": "city_staff", "password": PASSWORD}, format="json")
    assert resp.status_code == 403 and "两步验证" in resp.json()["message"]  # not enrolled
    device, codes = enrol(client, "city_staff")
    resp = api.post(url, {"username": "city_staff", "password": PASSWORD}, format="json")
    assert resp.status_code == 400 and resp.json()["errors"][0]["field"] == "otp"
    resp = api.post(url, {"username": "city_staff", "password": PASSWORD,
                          "otp": code(device, 30)}, format="json")
    assert resp.status_code == 200 and resp.json()["token"]
    resp = api.post(url, {"username": "city_staff", "password": PASSWORD, "otp": codes[1]},
                    format="json")
    assert resp.status_code == 200
