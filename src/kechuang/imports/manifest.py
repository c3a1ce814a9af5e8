"""The Excel importer's pages and jobs (the specs come from the apps' manifests)."""

from kechuang.core.manifests import Manifest

MANIFEST = Manifest(
    app="imports",
    url_prefix="imports/",
    jobs=("kechuang.imports.jobs",),
    scheduled=("kechuang.imports.retention",),  # the daily file clean-up
)
