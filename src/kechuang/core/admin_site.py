"""The Django admin stays available, to city administrators only."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _


def restrict_admin_to_city_admins(site: AdminSite) -> None:
    site.site_header = _("科创平台管理后台")
    site.site_title = _("科创平台")

    def has_permission(request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "role", "") == "city_admin")

    site.has_permission = has_permission  # type: ignore[method-assign]
