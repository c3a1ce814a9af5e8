"""Technology market (行动六): technology contracts and their registration."""

from django.utils.translation import gettext_lazy as _

from kechuang.accounts.access import is_bureau_user
from kechuang.core.manifests import DemoStep, Manifest, MenuEntry
from kechuang.techmarket.demo import demo_step

MANIFEST = Manifest(
    app="techmarket",
    url_prefix="techmarket/",
    api="kechuang.techmarket.api",
    demo=(DemoStep(demo_step, order=55),),  # before the plan's allocations (60)
    metrics=("kechuang.techmarket.metrics",),
    import_specs=("kechuang.techmarket.imports",),
    jobs=("kechuang.techmarket.exports",),
    workflows=("kechuang.techmarket.workflows",),
    scheduled=("kechuang.techmarket.services",),  # daily deadline warnings
    menu=(
        MenuEntry(
            "action6",
            _("技术合同登记"),
            "techmarket:contract_list",
            "file-earmark-text",
            model="techmarket.TechContract",
            order=60,
        ),
        MenuEntry("action6", _("技术市场统计"), "techmarket:statistics", "bar-chart",
                  visible=is_bureau_user, order=61),
        MenuEntry("action6", _("科技服务业企业"), "techmarket:service_enterprises",
                  "building-check", visible=is_bureau_user, order=62),
    ),
)
