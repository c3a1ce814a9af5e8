from __future__ import annotations

import base64
import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from kechuang.accounts import throttle, twofactor
from kechuang.accounts.forms import ChangePasswordForm, LoginForm, OTPCodeForm
from kechuang.accounts.middleware import LOGIN_AT
from kechuang.accounts.passwords import password_expired
from kechuang.accounts.roles import Role
from kechuang.audit.models import AuthEvent, ChangeRecord
from kechuang.audit.services import auth_event, record_change, snapshot


def _too_many(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse | None:
    """429 when this address has used up its failure budget (accounts/throttle.py)."""
    seconds = throttle.retry_after(request)
    if not seconds:
        return None
    response = render(request, template, {**context, "limited": throttle.limited_message(seconds)},
                      status=429)
    response["Retry-After"] = str(seconds)
    return response


class LoginView(auth_views.LoginView):
    """Password sign-in; a per-address failure budget on top of axes' per-account lock."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": gettext_lazy("登录")}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limited = _too_many(request, self.template_name,
                            {"form": self.get_form(), "title": _("登录")})
        return limited or super().post(request, *args, **kwargs)

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        throttle.note_failure(self.request)
        return super().form_invalid(form)

    def form_valid(self, form: LoginForm) -> HttpResponse:
        response = super().form_valid(form)
        # the absolute session lifetime counts from here (accounts/middleware.py)
        self.request.session[LOGIN_AT] = int(time.time())
        return response


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


@method_decorator(never_cache, name="dispatch")
@method_decorator(login_required, name="dispatch")
@method_decorator(require_http_methods(["GET", "POST"]), name="dispatch")
class OTPVerifyView(View):
    """Second step of sign-in: a code from the authenticator app or a recovery code."""

    template_name = "accounts/otp_verify.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if not twofactor.has_device(request.user):
            return redirect("accounts:otp_setup")
        if twofactor.is_verified(request):
            return HttpResponseRedirect(_safe_next(request))
        return render(request, self.template_name, {"form": OTPCodeForm(),
                                                    "next": request.GET.get("next", "")})

    def post(self, request: HttpRequest) -> HttpResponse:
        context = {"form": OTPCodeForm(request.POST), "next": request.POST.get("next", "")}
        limited = _too_many(request, self.template_name, context)
        if limited:
            return limited
        form = context["form"]
        if form.is_valid() and twofactor.verify(request, form.cleaned_data["code"]):
            return HttpResponseRedirect(_safe_next(request))
        throttle.note_failure(request)
        form.add_error(None, _("验证码不正确或已过期，请重新输入。"))
        return render(request, self.template_name, context, status=200)


@method_decorator(never_cache, name="dispatch")
@method_decorator(login_required, name="dispatch")
@method_decorator(require_http_methods(["GET", "POST"]), name="dispatch")
class OTPSetupView(View):
    """Enrol an authenticator app: QR code (server-side SVG), first code, recovery codes."""

    template_name = "accounts/otp_setup.html"

    def _allowed(self, request: HttpRequest) -> bool:
        # a second factor in place must be passed before it can be replaced
        return not twofactor.has_device(request.user) or twofactor.is_verified(request)

    def _context(self, request: HttpRequest, form: OTPCodeForm) -> dict[str, Any]:
        device = twofactor.pending_device(request.user)
        secret = base64.b32encode(device.bin_key).decode()
        return {"form": form, "qr_svg": twofactor.qr_svg(device),
                "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
                "next": request.GET.get("next") or request.POST.get("next", "")}

    def get(self, request: HttpRequest) -> HttpResponse:
        if not self._allowed(request):
            return redirect("accounts:otp_verify")
        return render(request, self.template_name, self._context(request, OTPCodeForm()))

    def post(self, request: HttpRequest) -> HttpResponse:
        if not self._allowed(request):
            return redirect("accounts:otp_verify")
        form = OTPCodeForm(request.POST)
        limited = _too_many(request, self.template_name, self._context(request, form))
        if limited:
            return limited
        codes = None
        if form.is_valid():
            codes = twofactor.confirm_enrolment(request, form.cleaned_data["code"])
        if codes is None:
            throttle.note_failure(request)
            form.add_error(None, _("验证码不正确或已过期，请重新输入。"))
            return render(request, self.template_name, self._context(request, form))
        return render(request, "accounts/otp_recovery_codes.html", {
            "codes": codes, "next": _safe_next(request)})


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link or an image tag cannot sign anyone out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (old password + AUTH_PASSWORD_VALIDATORS); audited.

    A wrong old password counts like a failed login (axes: account + address, and the
    address budget) and is written to the login log; the lock answers 429 like the login.
    """

    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:profile")

    def _credentials(self) -> dict[str, str]:
        return {"username": self.request.user.get_username()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["forced"] = user.must_change_password
        context["expired"] = not user.must_change_password and password_expired(user)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limited = _too_many(request, self.template_name, {"form": self.get_form()})
        if limited:
            return limited
        if AxesProxyHandler.is_locked(request, self._credentials()):
            request.axes_locked_out = True  # AxesMiddleware answers with the lockout page
            request.axes_credentials = self._credentials()
            return HttpResponse(status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: ChangePasswordForm) -> HttpResponse:
        if form.has_error("old_password", "password_incorrect"):
            request = self.request
            throttle.note_failure(request)
            auth_event(request, kind=AuthEvent.Kind.PASSWORD_FAILED, user=request.user)
            # axes counts it as a failure of this account from this address (and may lock)
            AxesProxyHandler.user_login_failed(sender=type(self), request=request,
                                               credentials=self._credentials())
            if getattr(request, "axes_locked_out", False):
                request.axes_credentials = self._credentials()
                return HttpResponse(status=429)
        return super().form_invalid(form)

    def get_success_url(self) -> str:
        if self.request.GET.get("next"):
            return _safe_next(self.request)
        return str(self.success_url)

    def form_valid(self, form: ChangePasswordForm) -> HttpResponse:
        user = self.request.user
        with transaction.atomic():
            before = snapshot(user)
            response = super().form_valid(form)  # saves; keeps this session signed in
            record_change(actor=user, action=ChangeRecord.Action.UPDATE, obj=user,
                          before=before, after=snapshot(user), reason=_("本人修改密码"))
        messages.success(self.request, _("密码已修改。下次登录请使用新密码。"))
        return response


def scope_label(user: Any) -> str:
    """What the account's role lets it see, in words (same rules as accounts.scoping)."""
    role = user.role
    if role == Role.CITY_ADMIN:
        return _("全市数据；业务数据管理")
    if role == Role.CITY_STAFF:
        return _("全市数据")
    if role == Role.COUNTY_STAFF:
        if user.county_id:
            return user.county.name
        return _("未绑定县区（看不到任何数据，请联系管理员）")
    if role in (Role.ENTERPRISE, Role.PROVIDER):
        if user.organisation_id:
            return user.organisation.name
        return _("未绑定单位（看不到任何数据，请联系管理员）")
    if role == Role.EXPERT:
        return _("分配给本人的评审任务（按回避规则排除）")
    if role == Role.AUDITOR:
        return _("审计日志、登录日志与访问日志（只读）")
    if role == Role.SYSTEM_ADMIN:
        return _("账号与角色管理（管理后台）")
    if role == Role.SECURITY_ADMIN:
        return _("账号锁定与安全策略（管理后台）")
    return "—"


@login_required
@require_safe
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    has_2fa = twofactor.has_device(user)
    return render(request, "accounts/profile.html", {
        "account": user, "scope": scope_label(user), "has_2fa": has_2fa,
        "recovery_left": twofactor.remaining_recovery_codes(user) if has_2fa else 0,
    })
