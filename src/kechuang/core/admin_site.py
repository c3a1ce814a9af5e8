"""The Django admin: open to the administrator roles only, each limited to its own models.

Who may enter is the role (``ADMIN_SITE_ROLES``), not ``is_staff`` or ``is_superuser``: a
superuser made with ``createsuperuser`` and left with the enterprise role does not get in, and
no role needs to be a superuser. What each role sees inside is ``ADMIN_PERMISSIONS`` (see
``kechuang.accounts.backends``). Every admin action is also written to the audit trail
(``kechuang.audit.signals.on_admin_log_entry``) and, for data, as a change record
(``kechuang.core.admin.AuditedAdminMixin``).
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.roles import ADMIN_SITE_ROLES


def restrict_admin_to_admin_roles(site: AdminSite) -> None:
    site.site_header = _("科创平台管理后台")
    site.site_title = _("科创平台")

    def has_permission(request) -> bool:
        user = request.user
        return bool(user.is_active and getattr(user, "role", "") in ADMIN_SITE_ROLES)

    site.has_permission = has_permission  # type: ignore[method-assign]


# The name urls.py has always imported.
restrict_admin_to_city_admins = restrict_admin_to_admin_roles
