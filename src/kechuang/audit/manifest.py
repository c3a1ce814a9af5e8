"""The audit trail and the audit administrator's pages."""

from django.utils.translation import gettext_lazy as _

from kechuang.core.manifests import Manifest, MenuEntry

MANIFEST = Manifest(
    app="audit",
    url_prefix="audit/",
    jobs=("kechuang.audit.exports",),
    signals=("kechuang.audit.signals",),  # login, logout and lockout events
    menu=(
        MenuEntry(
            "system",
            _("审计日志"),
            "audit:change_list",
            "shield-check",
            model="audit.ChangeRecord",
            order=30,
        ),
        MenuEntry(
            "system",
            _("登录日志"),
            "audit:authevent_list",
            "person-lock",
            model="audit.AuthEvent",
            order=40,
        ),
        MenuEntry(
            "system",
            _("访问日志"),
            "audit:accessevent_list",
            "eye",
            model="audit.AccessEvent",
            order=50,
        ),
    ),
)
