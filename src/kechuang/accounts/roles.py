"""The roles of the platform. One role per account (see docs/decisions.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市局管理员")
    CITY_STAFF = "city_staff", _("市局工作人员")
    COUNTY_STAFF = "county_staff", _("县区工作人员")
    ENTERPRISE = "enterprise", _("企业用户")
    EXPERT = "expert", _("评审专家")
    PROVIDER = "provider", _("服务机构")
    AUDITOR = "auditor", _("安全审计员")


BUREAU_ROLES = frozenset({Role.CITY_ADMIN, Role.CITY_STAFF, Role.COUNTY_STAFF})
CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.CITY_STAFF})
