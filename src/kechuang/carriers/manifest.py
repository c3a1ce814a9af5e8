"""Innovation platforms and 晋创谷 carriers (行动三、五): the registry, occupants, the annual
evaluation (年度绩效评价)."""

from django.utils.translation import gettext_lazy as _

from kechuang.carriers.demo import demo_step
from kechuang.core.manifests import DemoStep, Manifest, MenuEntry

MANIFEST = Manifest(
    app="carriers",
    url_prefix="carriers/",
    api="kechuang.carriers.api",
    demo=(DemoStep(demo_step, order=55),),  # before the plan's allocations (60)
    metrics=("kechuang.carriers.metrics",),
    import_specs=("kechuang.carriers.imports",),
    jobs=("kechuang.carriers.exports",),
    workflows=("kechuang.carriers.workflows",),
    scheduled=("kechuang.carriers.services",),  # evaluation reminders
    menu=(
        MenuEntry("action5", _("创新平台"), "carriers:platform_list", "building",
                  model="carriers.Platform", order=10),
        MenuEntry("action5", _("平台统计"), "carriers:platform_stats", "bar-chart",
                  model="carriers.Platform", order=20),
        MenuEntry("action5", _("年度绩效评价"), "carriers:evaluation_list", "clipboard-check",
                  model="carriers.Evaluation", order=30),
        MenuEntry("action3", _("晋创谷入驻主体"), "carriers:occupant_list", "people",
                  model="carriers.Occupant", order=10),
    ),
)
