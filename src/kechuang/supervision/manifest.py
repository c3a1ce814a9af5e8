"""Supervision (督查督办) of plan tasks and reform measures (行动一, issue #18)."""

from django.utils.translation import gettext_lazy as _

from kechuang.core.manifests import DemoStep, Manifest, MenuEntry
from kechuang.supervision.demo import demo_step

MANIFEST = Manifest(
    app="supervision",
    url_prefix="supervision/",
    api="kechuang.supervision.api",
    demo=(DemoStep(demo_step, order=58),),  # after the plan (10), before allocations (60)
    metrics=("kechuang.supervision.metrics",),
    import_specs=("kechuang.supervision.imports",),
    jobs=("kechuang.supervision.exports",),
    scheduled=("kechuang.supervision.services",),  # daily warnings of late items
    menu=(
        MenuEntry("action1", _("督查督办"), "supervision:board", "list-check",
                  model="supervision.SupervisedItem", order=10),
    ),
)
