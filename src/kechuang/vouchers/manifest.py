"""Innovation vouchers (科技创新券, 行动四): policy, providers, vouchers, claims, ledger."""

from django.utils.translation import gettext_lazy as _

from kechuang.core.manifests import DemoStep, Manifest, MenuEntry
from kechuang.vouchers.demo import demo_step

MANIFEST = Manifest(
    app="vouchers",
    url_prefix="vouchers/",
    api="kechuang.vouchers.api",
    demo=(DemoStep(demo_step, order=56),),  # before the plan's allocations (60)
    metrics=("kechuang.vouchers.metrics",),
    jobs=("kechuang.vouchers.exports",),
    workflows=("kechuang.vouchers.workflows",),
    scheduled=("kechuang.vouchers.services",),  # daily year-end lapse
    menu=(
        MenuEntry("action4", _("科技创新券"), "vouchers:voucher_list", "ticket-perforated",
                  model="vouchers.Voucher", order=50),
        MenuEntry("action4", _("创新券兑付"), "vouchers:claim_list", "receipt",
                  model="vouchers.Claim", order=51),
        MenuEntry("action4", _("创新券服务机构"), "vouchers:provider_list", "building-check",
                  model="vouchers.Provider", order=52),
    ),
)
