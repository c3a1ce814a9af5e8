"""The work plan: actions, tasks, indicators, county allocations."""

from django.utils.translation import gettext_lazy as _

from kechuang.core.manifests import DemoStep, Manifest, MenuEntry
from kechuang.plans.demo import demo_step

MANIFEST = Manifest(
    app="plans",
    url_prefix="plan/",
    api="kechuang.plans.api",
    demo=(DemoStep(demo_step, order=60),),  # allocations by the year's demo figures: last
    menu=(
        MenuEntry(
            "workbench",
            _("工作要点"),
            "plans:plan_detail",
            "journal-text",
            model="plans.Plan",
            order=30,
        ),
    ),
)
