"""Session rules (MLPS level 3) applied to every request of a signed-in session.

* Idle timeout: no request for SESSION_IDLE_TIMEOUT → log out. The last-seen stamp is
  rewritten at most once a minute, so a page view does not cost a session write.
* Absolute lifetime: SESSION_MAX_LIFETIME after sign-in the session ends, however active
  (the sign-in time is kept in the session; activity never moves it).
* Gate: a session that still owes a second factor, or whose password must be changed
  (first login, administrator reset, expiry), reaches only the pages that settle that.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from kechuang.accounts import twofactor
from kechuang.accounts.passwords import password_change_due

KEY = "_last_seen"
LOGIN_AT = "_login_at"
RESTAMP_AFTER = 60  # seconds


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(KEY)
            login_at = request.session.get(LOGIN_AT)
            if login_at is not None and now - int(login_at) > settings.SESSION_MAX_LIFETIME:
                logout(request)
                request.session["session_expired"] = True
            elif last is not None and now - int(last) > settings.SESSION_IDLE_TIMEOUT:
                logout(request)  # flushes the session; the flag goes into the new one
                request.session["idle_expired"] = True
            else:
                if login_at is None:  # first request of this session (login or force_login)
                    request.session[LOGIN_AT] = now
                if last is None or now - int(last) >= RESTAMP_AFTER:
                    request.session[KEY] = now
        return self.get_response(request)


# URL names a session may open while it owes a second factor or a password change
OTP_OPEN = frozenset({"accounts:logout", "accounts:otp_verify", "accounts:otp_setup",
                      "set_language"})
PASSWORD_OPEN = OTP_OPEN | {"accounts:password_change"}


def _refuse(request: HttpRequest, url_name: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "authentication_incomplete", "message": message,
                             "errors": []}, status=403)
    query = ""
    if request.method == "GET":
        query = "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(reverse(url_name) + query)


class AuthGateMiddleware:
    """Refuse everything but the 2FA / password-change pages until the session has settled."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = _url_name(request)
        if name == "admin:login":  # one sign-in path: address limit, 2FA, forced change
            query = urlencode({"next": request.GET.get("next") or reverse("admin:index")})
            return HttpResponseRedirect(f"{reverse('accounts:login')}?{query}")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if _owes_second_factor(request, user):
            if name in OTP_OPEN:
                return self.get_response(request)
            target = ("accounts:otp_verify" if twofactor.has_device(user)
                      else "accounts:otp_setup")
            return _refuse(request, target, _("请先完成两步验证。"))
        if password_change_due(user) and name not in PASSWORD_OPEN:
            if request.method == "GET" and not request.path.startswith("/api/"):
                messages.warning(request, _("请先修改密码后再继续使用。"))
            return _refuse(request, "accounts:password_change", _("请先修改密码。"))
        return self.get_response(request)


NO_SECOND_FACTOR = "_2fa_not_required"


def _owes_second_factor(request: HttpRequest, user) -> bool:
    """Verified, or known (for this session) to need no second factor → False, no query."""
    if twofactor.is_verified(request):
        return False
    if request.session.get(NO_SECOND_FACTOR) == user.pk:
        return False
    if twofactor.required(user):
        return True
    request.session[NO_SECOND_FACTOR] = user.pk  # enrolling later verifies the session
    return False


def _url_name(request: HttpRequest) -> str:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return ""
    return match.view_name
