"""In-app notices and the reviewers' to-do list."""

from django.utils.translation import gettext_lazy as _

from kechuang.core.manifests import Manifest, MenuEntry

MANIFEST = Manifest(
    app="notices",
    url_prefix="notices/",
    menu=(
        MenuEntry("workbench", _("站内提醒"), "notices:notice_list", "bell", order=50),
        MenuEntry(
            "workbench",
            _("待办事项"),
            "notices:todo",
            "list-check",
            model="reported.ReportedValue",
            action="approve",
            order=60,
        ),
    ),
)
