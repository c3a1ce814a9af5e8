from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.roles import BUREAU_ROLES, CITY_ROLES, Role


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

    @property
    def is_city(self) -> bool:
        return self.role in CITY_ROLES

    @property
    def is_bureau(self) -> bool:
        return self.role in BUREAU_ROLES

    def __str__(self) -> str:
        name = self.get_full_name() or self.username
        return f"{name}（{self.get_role_display()}）"
