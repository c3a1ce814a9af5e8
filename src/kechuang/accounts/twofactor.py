"""TOTP two-factor authentication (django-otp) for staff and administrator roles.

A staff account signs in with its password, then with a code from its authenticator app
(or a one-off recovery code). Until then the session is not verified and every page except
the 2FA pages and logout is refused (accounts/middleware.py).
"""

from __future__ import annotations

import hashlib

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kechuang.accounts.roles import Role

# Everyone who works inside the bureau or administers the platform: every role except the
# outside ones (so administrator roles added later are covered without a change here).
STAFF_2FA_ROLES = frozenset(Role) - {Role.ENTERPRISE, Role.EXPERT, Role.PROVIDER}
RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "authenticator"


def has_device(user) -> bool:
    """A confirmed authenticator app (recovery codes alone do not count)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def required(user) -> bool:
    """Must this account pass a second factor? Its role (when enforced) or its own choice."""
    if not getattr(user, "is_authenticated", False):
        return False
    if settings.KECHUANG_REQUIRE_2FA and user.role in STAFF_2FA_ROLES:
        return True
    return has_device(user)


def is_verified(request: HttpRequest) -> bool:
    """Has this session passed the second factor (django-otp's OTPMiddleware decides)?"""
    user = request.user
    return bool(getattr(user, "is_verified", lambda: False)())


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (a fresh secret once; kept across reloads)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (server-side; no script, no CDN)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


def recovery_digest(code: str) -> str:
    """What is stored for a recovery code (≤ 16 characters, django-otp's column)."""
    normalised = "".join(code.split()).lower().replace("-", "")
    return hashlib.sha256(normalised.encode()).hexdigest()[:16]


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=recovery_digest(c)) for c in codes])
    return codes


@transaction.atomic
def confirm_enrolment(request: HttpRequest, token: str) -> list[str] | None:
    """Check the first code of the new device; on success → verified session + recovery codes.

    Returns the recovery codes in clear (shown once; only digests are stored), or None
    when the code is wrong.
    """
    user = request.user
    device = pending_device(user)
    if not device.verify_token(token.strip()):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    request.session.cycle_key()  # a new session id for the elevated session
    otp_login(request, device)
    return _new_recovery_codes(user)


@transaction.atomic
def verify(request: HttpRequest, token: str) -> bool:
    """A TOTP code or a recovery code (used up) → the session is verified."""
    user = request.user
    token = "".join(token.split())
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        candidate = recovery_digest(token) if isinstance(device, StaticDevice) else token
        if device.verify_token(candidate):
            request.session.cycle_key()  # a new session id for the elevated session
            otp_login(request, device)
            return True
    return False


def verify_user_token(user, token: str) -> bool:
    """A code for the token API (no session): TOTP or recovery code of a confirmed device."""
    token = "".join(str(token or "").split())
    if not token:
        return False
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            candidate = recovery_digest(token) if isinstance(device, StaticDevice) else token
            if device.verify_token(candidate):
                return True
    return False


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
