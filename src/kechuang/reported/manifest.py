"""Reported values of `source: reported` indicators."""

from django.utils.translation import gettext_lazy as _

from kechuang.core.manifests import DemoStep, Manifest, MenuEntry
from kechuang.reported.demo import demo_step

MANIFEST = Manifest(
    app="reported",
    url_prefix="reported/",
    api="kechuang.reported.api",
    demo=(DemoStep(demo_step, order=30),),
    jobs=("kechuang.reported.exports",),
    workflows=("kechuang.reported.workflows",),
    menu=(
        MenuEntry(
            "workbench",
            _("指标上报"),
            "reported:value_list",
            "clipboard-data",
            model="reported.ReportedValue",
            order=40,
        ),
    ),
)
