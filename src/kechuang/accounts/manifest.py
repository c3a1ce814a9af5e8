"""Accounts: sign-in, password and second factor, account administration."""

from django.utils.translation import gettext_lazy as _

from kechuang.accounts.access import role_permission
from kechuang.core.manifests import Manifest, MenuEntry

MANIFEST = Manifest(
    app="accounts",
    url_prefix="accounts/",
    menu=(
        MenuEntry(
            "system",
            _("用户管理"),
            "accounts:user_list",
            "people",
            visible=role_permission("accounts.view_user"),
            order=60,
        ),
        MenuEntry(
            "system",
            _("账号锁定"),
            "accounts:lockout_list",
            "unlock",
            visible=role_permission("axes.delete_accessattempt"),
            order=70,
        ),
    ),
)
