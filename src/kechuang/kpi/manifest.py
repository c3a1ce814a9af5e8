"""The dashboard, monthly snapshots and the monthly report."""

from kechuang.core.manifests import Manifest

MANIFEST = Manifest(
    app="kpi",
    url_prefix="kpi/",
    api="kechuang.kpi.api",
    jobs=("kechuang.kpi.exports", "kechuang.kpi.jobs"),
    scheduled=("kechuang.kpi.services",),  # last month's indicator snapshot
)
