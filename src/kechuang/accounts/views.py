from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from kechuang.accounts.forms import ChangePasswordForm, LoginForm
from kechuang.accounts.roles import Role
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": gettext_lazy("登录")}


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link or an image tag cannot sign anyone out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (old password + AUTH_PASSWORD_VALIDATORS); audited."""

    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:profile")

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
        return _("全市数据；系统管理")
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
        return _("审计日志与登录日志（只读）")
    return "—"


@login_required
@require_safe
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "accounts/profile.html", {
        "account": user, "scope": scope_label(user),
    })
