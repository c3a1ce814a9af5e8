"""In-app account administration (三权分立): lockouts for the security administrator,
accounts for the system administrator. Rights come from ``roles.ADMIN_PERMISSIONS``."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kechuang.accounts import selectors, services, tables
from kechuang.accounts.filters import UserFilter
from kechuang.accounts.forms import AccountForm, NewAccountForm, ResetPasswordForm, UnlockForm
from kechuang.accounts.models import User
from kechuang.core.shortcuts import paginate

LOCKOUTS = "axes.delete_accessattempt"


def _need(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_safe
def lockout_list(request: HttpRequest) -> HttpResponse:
    """账号锁定: accounts axes locks now, with when the lock ends."""
    _need(request, LOCKOUTS)
    page = paginate(request, selectors.locked_attempts(), per_page=30)
    return render(request, "accounts/lockout_list.html", {
        "page_obj": page,
        **tables.LOCKOUTS.context(request.GET, page, csrf_token=get_token(request))})


@login_required
@require_POST
def lockout_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request, LOCKOUTS)
    attempt = get_object_or_404(AccessAttempt, pk=pk)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写解锁原因"))
        return redirect("accounts:lockout_list")
    reason = _("解除锁定：%(reason)s") % {"reason": form.cleaned_data["reason"]}
    services.lift_lockout(actor=request.user, attempt=attempt, reason=reason)
    messages.success(request, _("已解除账号“%(name)s”的锁定。") % {"name": attempt.username})
    return redirect("accounts:lockout_list")


@login_required
@require_safe
def user_list(request: HttpRequest) -> HttpResponse:
    """用户管理: every account, filtered by role, county and state."""
    _need(request, "accounts.view_user")
    form = UserFilter.page_form(request.GET or None, user=request.user)
    filters = form.filters()
    page = paginate(request, selectors.accounts(**filters), per_page=30)
    return render(request, "accounts/user_list.html", {
        "page_obj": page, "form": form, "filters": filters,
        **tables.USERS.context(request.GET, page, me=request.user.pk,
                               can_change=request.user.has_perm("accounts.change_user")),
        "can_add": request.user.has_perm("accounts.add_user")})


@login_required
def user_add(request: HttpRequest) -> HttpResponse:
    _need(request, "accounts.add_user")
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in AccountForm.Meta.fields}
        try:
            user = services.create_account(actor=request.user, data=data,
                                           password=form.cleaned_data["password1"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已创建账号“%(name)s”，首次登录须修改密码。")
                             % {"name": user.username})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "target": None})


def _target(request: HttpRequest, pk: int) -> User:
    _need(request, "accounts.change_user")
    target = get_object_or_404(User, pk=pk)
    if target.pk == request.user.pk:
        raise PermissionDenied  # one's own account is changed by another administrator
    return target


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    form = AccountForm(request.POST or None, instance=User.objects.get(pk=target.pk))
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in AccountForm.Meta.fields}
        try:
            services.update_account(actor=request.user, user=target, data=data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已保存账号“%(name)s”。") % {"name": target.username})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


@login_required
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    form = ResetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(actor=request.user, user=target,
                                    password=form.cleaned_data["password1"])
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            messages.success(request, _("已重置账号“%(name)s”的密码，本人下次登录时须修改密码。")
                             % {"name": target.username})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_password.html", {"form": form, "target": target})
