"""The dashboard, monthly snapshots and the monthly report."""

from django.utils.translation import gettext_lazy as _

from kechuang.core.manifests import Manifest, MenuEntry

MANIFEST = Manifest(
    app="kpi",
    url_prefix="kpi/",
    api="kechuang.kpi.api",
    jobs=("kechuang.kpi.exports", "kechuang.kpi.jobs"),
    scheduled=("kechuang.kpi.services",),  # last month's indicator snapshot
    menu=(
        MenuEntry(
            "workbench",
            _("工作进展"),
            "kpi:dashboard",
            "speedometer2",
            model="plans.Plan",
            order=20,
        ),
    ),
)
