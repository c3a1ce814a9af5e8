"""The Django admin: open to the administrator roles only, each limited to its own models.

Who may enter is the role (``may_open_admin_site``), not ``is_staff`` or ``is_superuser``: a
superuser made with ``createsuperuser`` and left with the enterprise role does not get in, and
no role needs to be a superuser. What each role sees inside is ``ADMIN_PERMISSIONS`` (see
``kechuang.accounts.backends``). Every admin action is also written to the audit trail
(``kechuang.audit.signals.on_admin_log_entry``) and, for data, as a change record
(``kechuang.core.admin.AuditedAdminMixin``).
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.apps import apps
from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.access import may_open_admin_site

# Third-party apps ship English names (and no zh-Hans translation): "AXES", "Access attempts",
# "Task Results". Their models' own verbose names are not changed (that would make
# makemigrations want migrations inside the packages); the admin shows these instead.
APP_NAMES = {
    "axes": _("登录防护"),
    "django_tasks_database": _("任务队列"),
    "otp_totp": _("动态口令设备"),
    "otp_static": _("备用验证码"),
}
MODEL_NAMES = {  # label → (singular, plural)
    "axes.AccessAttempt": (_("登录尝试"), _("登录尝试")),
    "axes.AccessFailureLog": (_("登录失败记录"), _("登录失败记录")),
    "axes.AccessLog": (_("登录记录"), _("登录记录")),
    "django_tasks_database.DBTaskResult": (_("任务执行结果"), _("任务执行结果")),
    "otp_totp.TOTPDevice": (_("动态口令（TOTP）设备"), _("动态口令（TOTP）设备")),
    "otp_static.StaticDevice": (_("备用验证码设备"), _("备用验证码设备")),
}


def _chinese_names(site: AdminSite) -> None:
    """App and model names in Chinese on the index, app pages, sidebar and list titles."""
    for label, name in APP_NAMES.items():
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name

    build = site._build_app_dict

    @wraps(build)
    def build_app_dict(request: Any, label: str | None = None) -> dict[str, Any]:
        app_dict = build(request, label)
        for app in app_dict.values():  # {app label: app dict}, filtered to one app or not
            for model in app.get("models", ()):
                names = MODEL_NAMES.get(model["model"]._meta.label)
                if names:
                    model["name"] = str(names[1])
        return app_dict

    site._build_app_dict = build_app_dict  # type: ignore[method-assign]

    for model, model_admin in site._registry.items():
        names = MODEL_NAMES.get(model._meta.label)
        if names:
            _titled(model_admin, str(names[0]), str(names[1]))


def _titled(model_admin: Any, name: str, plural: str) -> None:
    """List and form pages of one model: Chinese title and breadcrumbs (web/templates/admin)."""
    changelist = model_admin.changelist_view
    change = model_admin.changeform_view
    model_admin.change_list_template = "admin/kc_named_change_list.html"
    model_admin.change_form_template = "admin/kc_named_change_form.html"

    @wraps(changelist)
    def changelist_view(request: Any, extra_context: dict | None = None) -> Any:
        return changelist(request, {"title": _("%(name)s列表") % {"name": name},
                                    "kc_model_plural": plural, **(extra_context or {})})

    @wraps(change)
    def changeform_view(request: Any, object_id: Any = None, form_url: str = "",
                        extra_context: dict | None = None) -> Any:
        return change(request, object_id, form_url,
                      {"title": name, "kc_model_plural": plural, **(extra_context or {})})

    model_admin.changelist_view = changelist_view
    model_admin.changeform_view = changeform_view


def restrict_admin_to_admin_roles(site: AdminSite) -> None:
    site.site_header = _("科创平台管理后台")
    site.site_title = _("科创平台")
    _chinese_names(site)

    def has_permission(request) -> bool:
        user = request.user
        return bool(user.is_active and may_open_admin_site(user))

    site.has_permission = has_permission  # type: ignore[method-assign]


# The name urls.py has always imported.
restrict_admin_to_city_admins = restrict_admin_to_admin_roles
