"""The site shell: landing pages, overview, favicon."""

from django.utils.translation import gettext_lazy as _

from kechuang.accounts.access import is_bureau_user, may_open_admin_site
from kechuang.accounts.scoping import can
from kechuang.core.manifests import Manifest, MenuEntry
from kechuang.plans.models import Plan

MANIFEST = Manifest(
    app="web",
    url_prefix="",
    menu=(
        MenuEntry(
            "workbench",
            _("首页"),
            "web:home",
            "house",
            visible=lambda u: not can(u, "view", Plan),
            order=10,
        ),
        MenuEntry(
            "action4",
            _("企业概况"),
            "web:overview",
            "bar-chart",
            model="orgs.Enterprise",
            action="add",
            order=10,
        ),
        MenuEntry(
            "system", _("管理后台"), "admin:index", "gear", visible=may_open_admin_site, order=80
        ),
        MenuEntry(
            "system", _("接口文档"), "api-docs", "code-square", visible=is_bureau_user, order=90
        ),
    ),
)
