"""The roles of the platform. One role per account (see docs/decisions.md).

Administration is split three ways (三权分立, docs/security.md §2): the system administrator
manages accounts and roles, the security administrator lockouts and security settings, the
audit administrator reads every audit trail. None of them is a Django superuser; what each may
do in the Django admin is :data:`ADMIN_PERMISSIONS` (granted by
``kechuang.accounts.backends.RolePermissionBackend``), nothing else.
"""

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
    AUDITOR = "auditor", _("审计管理员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")


BUREAU_ROLES = frozenset({Role.CITY_ADMIN, Role.CITY_STAFF, Role.COUNTY_STAFF})
CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.CITY_STAFF})
# The three separated administrators; none of them sees the bureau's business data.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})
# Roles that may open the Django admin at all (each only for the models below).
ADMIN_SITE_ROLES = ADMIN_ROLES | {Role.CITY_ADMIN}


def _perms(app: str, models_: tuple[str, ...], actions: tuple[str, ...]) -> set[str]:
    return {f"{app}.{a}_{m}" for m in models_ for a in actions}


_CRUD = ("view", "add", "change", "delete")

# Django-admin permissions by role. Deliberately absent: deleting users (accounts are
# deactivated, their audit trail stays), groups and per-user permissions (rights come from the
# role), API tokens (nobody reads or mints another user's token), deleting jobs or import runs,
# and any change to an audit record.
ADMIN_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset({"accounts.view_user", "accounts.add_user",
                                  "accounts.change_user"}),
    Role.SECURITY_ADMIN: frozenset(
        {"accounts.view_user"}
        | _perms("axes", ("accessattempt",), ("view", "delete"))
        | _perms("axes", ("accesslog", "accessfailurelog"), ("view",))
        | _perms("otp_totp", ("totpdevice",), ("view", "delete"))
        | _perms("otp_static", ("staticdevice",), ("view", "delete"))),
    Role.AUDITOR: frozenset(
        _perms("audit", ("changerecord", "authevent", "accessevent"), ("view",))
        | {"jobs.view_job", "imports.view_importrun", "workflow.view_transition",
           "axes.view_accesslog", "axes.view_accessattempt",
           "axes.view_accessfailurelog"}),
    Role.CITY_ADMIN: frozenset(
        _perms("plans", ("plan", "action", "indicator", "plantask", "countyallocation"), _CRUD)
        | _perms("orgs", ("organisation", "enterpriseannualreport", "industrialchain"), _CRUD)
        | _perms("regions", ("region",), ("view", "add", "change"))
        | {"notices.view_notice", "workflow.view_transition"}),
}
