"""POST/DELETE /api/v1/auth/token: API tokens, through axes-aware authenticate().

Kept apart from core/api.py, which DRF's settings import (a view module there would be a
circular import). Belongs with accounts; core owns it until accounts has an api.py.
"""

from __future__ import annotations

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kechuang.accounts import throttle, twofactor
from kechuang.accounts.models import ApiToken
from kechuang.accounts.passwords import password_change_due
from kechuang.accounts.roles import Role
from kechuang.core.api import ERROR_CODES
from kechuang.core.authentication import ExpiringTokenAuthentication


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "locked_out"
    default_detail = gettext_lazy("登录失败次数过多，账号已被暂时锁定，请稍后再试或联系管理员解锁")


class AddressLimited(exceptions.APIException):
    """429 with Retry-After: this address used up its failure budget (accounts/throttle.py)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "throttled"

    def __init__(self, wait: int, detail: str) -> None:
        super().__init__(detail)
        self.wait = wait  # DRF's handler turns it into the Retry-After header


def _lockout_message(request) -> str:
    cool_off = get_cool_off(request)
    if not cool_off:
        return str(LockedOut.default_detail)
    minutes = max(1, int(cool_off.total_seconds() // 60))
    return _("登录失败次数过多，账号已被锁定 %(minutes)s 分钟，请稍后再试或联系管理员解锁") % {
        "minutes": minutes}


class TokenRequestSerializer(serializers.Serializer):
    """用户名和密码。"""

    username = serializers.CharField(max_length=150, label=gettext_lazy("用户名"))
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True,
                                     style={"input_type": "password"},
                                     label=gettext_lazy("密码"))
    otp = serializers.CharField(max_length=32, required=False, allow_blank=True,
                                label=gettext_lazy("两步验证码"),
                                help_text=gettext_lazy(
                                    "已启用两步验证的账号（工作人员和管理员）必填："
                                    "身份验证器的 6 位验证码或恢复码"))


class TokenSerializer(serializers.Serializer):
    """API 令牌及其用户。"""

    token = serializers.CharField(read_only=True, label=gettext_lazy("令牌"),
                                  help_text=gettext_lazy("请求头 Authorization: Token <令牌>"))
    username = serializers.CharField(read_only=True, label=gettext_lazy("用户名"))
    role = serializers.ChoiceField(choices=Role.choices, read_only=True,
                                   label=gettext_lazy("角色"))
    role_display = serializers.CharField(read_only=True, label=gettext_lazy("角色名称"))


class AuthTokenView(APIView):
    """POST: exchange username/password for an API token; DELETE: revoke the caller's token.

    Goes through ``authenticate(request=...)`` so django-axes counts failures and locks the
    account from that address, and the audit trail records the failed login, the lockout and
    the login. Failures also spend the address's budget (accounts/throttle.py). An account
    with two-factor authentication must send its code too; the token is shown only here,
    once (only its digest is stored).
    """

    authentication_classes = [ExpiringTokenAuthentication]  # no session: no CSRF on the login POST
    throttle_classes: list = []

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        summary=gettext_lazy("用用户名和密码换取 API 令牌"),
        description=gettext_lazy(
            "失败会计入登录失败次数并记入审计；同一账号在同一地址连续失败达到上限后暂时锁定，"
            "返回 403；同一地址一分钟内失败过多返回 429。已启用两步验证的账号须同时提交 otp。"
            "令牌只在此处显示一次，服务器只保存其摘要。"
            "之后的请求带请求头 Authorization: Token <令牌>。"),
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 429: OpenApiResponse(
            description=gettext_lazy("本地址登录失败次数过多，稍后再试（Retry-After 秒）"))},
        auth=[], extensions={ERROR_CODES: ["400", "403"]})
    def post(self, request):
        wait = throttle.retry_after(request)
        if wait:
            raise AddressLimited(wait, detail=throttle.limited_message(wait))
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        # the DRF request: axes flags a lockout on it, so AxesMiddleware leaves our JSON alone
        user = authenticate(request=request, username=form.validated_data["username"],
                            password=form.validated_data["password"])
        if getattr(request, "axes_locked_out", False):
            raise LockedOut(_lockout_message(request))
        if user is None:
            throttle.note_failure(request)
            raise exceptions.ValidationError(
                _("用户名或密码错误。连续多次失败将暂时锁定账号。"), code="invalid_login")
        if twofactor.required(user):
            if not twofactor.has_device(user):
                raise exceptions.PermissionDenied(
                    _("该账号须先在网页上登录并设置两步验证，才能获取 API 令牌。"))
            if not twofactor.verify_user_token(user, form.validated_data.get("otp", "")):
                throttle.note_failure(request)
                raise exceptions.ValidationError(
                    {"otp": [_("两步验证码不正确或已过期。")]}, code="invalid_otp")
        if password_change_due(user):
            raise exceptions.PermissionDenied(_("请先在网页上登录并修改密码，再获取 API 令牌。"))
        _token, key = ApiToken.issue(user)
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response(TokenSerializer({
            "token": key, "username": user.get_username(), "role": user.role,
            "role_display": user.get_role_display(),
        }).data)

    @extend_schema(summary=gettext_lazy("注销当前令牌"),
                   description=gettext_lazy("删除本次请求所用的 API 令牌；之后须重新换取。"),
                   request=None, responses={204: None}, extensions={ERROR_CODES: ["401"]})
    def delete(self, request):
        if isinstance(request.auth, ApiToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
