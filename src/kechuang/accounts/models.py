from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.roles import BUREAU_ROLES, CITY_ROLES, Role


class UserManager(DjangoUserManager):
    """Django's, but a superuser's password must pass AUTH_PASSWORD_VALIDATORS.

    ``createsuperuser --noinput`` (DJANGO_SUPERUSER_PASSWORD) skips the validators in Django;
    validating here covers it and every other path that creates an administrator.
    """

    def create_superuser(self, username: str, email: str | None = None,
                         password: str | None = None, **extra_fields: Any) -> User:
        if password is not None:
            password_validation.validate_password(
                password, self.model(username=username, email=email or "", **{
                    k: v for k, v in extra_fields.items()
                    if k in ("first_name", "last_name")}))
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """An account with exactly one role and the place that role is bound to."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.ENTERPRISE)
    county = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所属县区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("县区工作人员必填"),
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("企业用户、服务机构必填；评审专家填写其工作单位（用于回避）"),
    )
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    last_activity = models.DateTimeField(_("最近活动"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False,
        help_text=_("由他人设置或重置密码后，本人下次登录时必须先修改密码"))
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def clean(self) -> None:
        super().clean()
        if self.role == Role.COUNTY_STAFF and not self.county_id:
            raise ValidationError({"county": _("县区工作人员必须绑定县区")})
        if self.role in (Role.ENTERPRISE, Role.PROVIDER) and not self.organisation_id:
            raise ValidationError({"organisation": _("企业用户和服务机构用户必须绑定单位")})

    def set_password(self, raw_password: str | None, *, by_owner: bool = False) -> None:
        """Set the password; one set by someone else (reset, new account) must be changed.

        Saving the new password also revokes the account's API tokens (``save``).
        """
        super().set_password(raw_password)
        self.must_change_password = raw_password is not None and not by_owner

    def save(self, *args: Any, **kwargs: Any) -> None:
        password_set = self._password is not None
        if password_set or self.password_changed_at is None:
            self.password_changed_at = timezone.now()
            fields = kwargs.get("update_fields")
            if fields is not None:
                kwargs["update_fields"] = {*fields, "password_changed_at",
                                           "must_change_password"}
        revoke = self.pk is not None and (password_set or not self.is_active)
        super().save(*args, **kwargs)
        if revoke:  # a changed password or a deactivated account ends every API token
            ApiToken.objects.filter(user=self).delete()

    @property
    def is_city(self) -> bool:
        return self.role in CITY_ROLES

    @property
    def is_bureau(self) -> bool:
        return self.role in BUREAU_ROLES

    def __str__(self) -> str:
        name = self.get_full_name() or self.username
        return f"{name}（{self.get_role_display()}）"


def token_digest(key: str) -> str:
    """SHA-256 of an API token: what the database keeps (the token itself is shown once)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """An API token, stored as its SHA-256 digest: a database reader cannot use it."""

    digest = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    created = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created:%Y-%m-%d %H:%M}"

    @classmethod
    def issue(cls, user: User) -> tuple[ApiToken, str]:
        """A new token for ``user``: (row, the token in clear — to be shown once, never again)."""
        key = secrets.token_hex(20)
        return cls.objects.create(user=user, digest=token_digest(key)), key


class AddressFailure(models.Model):
    """One failed sign-in step (password, token, old password, 2FA code) from an address.

    Counted over a short window per address, across user names (accounts/throttle.py): the
    per-address limit that complements axes' per-account-and-address lock.
    """

    address = models.CharField(_("IP 地址"), max_length=45)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("地址失败记录")
        verbose_name_plural = _("地址失败记录")
        indexes = [models.Index(fields=["address", "at"], name="accounts_addrfail_addr_at")]

    def __str__(self) -> str:
        return f"{self.address} {self.at:%H:%M:%S}"
