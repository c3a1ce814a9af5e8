"""Organisations, enterprises and annual reports."""

from kechuang.core.manifests import DemoStep, Manifest
from kechuang.orgs.demo import demo_step

MANIFEST = Manifest(
    app="orgs",
    url_prefix="enterprises/",
    api="kechuang.orgs.api",
    demo=(DemoStep(demo_step, order=10),),
    metrics=("kechuang.orgs.metrics",),
    import_specs=("kechuang.orgs.imports",),
    jobs=("kechuang.orgs.exports",),
)
