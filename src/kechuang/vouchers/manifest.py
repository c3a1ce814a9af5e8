"""Innovation vouchers (科技创新券, 行动四): policy, providers, vouchers, claims, ledger."""

from kechuang.core.manifests import Manifest

MANIFEST = Manifest(
    app="vouchers",
    workflows=("kechuang.vouchers.workflows",),
    scheduled=("kechuang.vouchers.services",),  # daily year-end lapse
)
