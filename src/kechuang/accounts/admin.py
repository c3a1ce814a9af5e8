"""Accounts in the Django admin: the system administrator's desk, every action audited.

* Users are created and changed here (with a change record each, password resets included) but
  never deleted: deactivate instead, so the account's audit trail keeps its actor.
* No superuser flag, groups or per-user permissions on the form: rights come from the role.
* Nobody edits their own account here (no self-promotion to another role).
* API tokens have no admin at all: nobody reads another user's token or mints one for them.
* Lockouts (django-axes) are the security administrator's; lifting one is a change record too.
"""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin  # registers axes' admins first; replaced below
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.models import User
from kechuang.accounts.services import lift_lockout
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot
from kechuang.core.admin import AuditedAdminMixin


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = ("username", "first_name", "role", "county", "organisation", "is_active")
    list_filter = ("role", "county", "is_active")
    search_fields = ("username", "first_name", "last_name", "phone")
    raw_id_fields = ("organisation",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("角色与范围"), {"fields": ("role", "county", "organisation", "is_active", "is_staff")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("角色与范围"), {"fields": ("role", "county", "organisation")}),
    )
    actions = None  # no "delete selected"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.pk == request.user.pk:
            return False  # one's own role and flags are changed by another administrator
        return super().has_change_permission(request, obj)

    def user_change_password(self, request: HttpRequest, id: str,
                             form_url: str = "") -> HttpResponse:
        """The admin's "reset password" form saves outside save_model: audit it here."""
        user = self.get_object(request, id)
        before = snapshot(user) if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if user is not None and request.method == "POST":
            user.refresh_from_db()
            after = snapshot(user)
            if after != before:
                record_change(actor=request.user, action=ChangeRecord.Action.UPDATE, obj=user,
                              before=before, after=after, reason="admin: 重置密码")
        return response


class AuditedAccessAttemptAdmin(AuditedAdminMixin, AccessAttemptAdmin):
    """Lifting a lockout (deleting the attempt row) leaves a change record: the same service
    as the in-app 账号锁定 page (``services.lift_lockout``)."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request, obj):  # type: ignore[override]
        lift_lockout(actor=request.user, attempt=obj, reason="admin")

    def delete_queryset(self, request, queryset):  # type: ignore[override]
        for obj in queryset:
            lift_lockout(actor=request.user, attempt=obj, reason="admin")


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AuditedAccessAttemptAdmin)

# Rights come from the role; a group would be a second, unaudited way to grant them.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)

# Two-factor devices: the security administrator may look and delete (reset a lost phone), never
# add, change or see a secret (settings.OTP_ADMIN_HIDE_SENSITIVE_DATA hides keys and QR codes).
if apps.is_installed("django_otp.plugins.otp_totp"):
    from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
    from django_otp.plugins.otp_totp.models import TOTPDevice

    class _DeviceAdminMixin(AuditedAdminMixin):
        def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False

        def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False

        def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list:
            return []  # StaticDevice's inline lists the recovery codes

    class AuditedTOTPDeviceAdmin(_DeviceAdminMixin, TOTPDeviceAdmin):
        pass

    class AuditedStaticDeviceAdmin(_DeviceAdminMixin, StaticDeviceAdmin):
        pass

    for _model, _admin in ((TOTPDevice, AuditedTOTPDeviceAdmin),
                           (StaticDevice, AuditedStaticDeviceAdmin)):
        if admin.site.is_registered(_model):
            admin.site.unregister(_model)
        admin.site.register(_model, _admin)

# DRF registers Token and TokenProxy admins (plain-text tokens, "create for any user").
if apps.is_installed("rest_framework.authtoken"):
    from rest_framework.authtoken import admin as _token_admin  # noqa: F401  (registers first)
    from rest_framework.authtoken.models import Token, TokenProxy

    for _model in (Token, TokenProxy):
        if admin.site.is_registered(_model):
            admin.site.unregister(_model)
