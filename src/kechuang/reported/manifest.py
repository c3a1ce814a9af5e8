"""Reported values of `source: reported` indicators."""

from kechuang.core.manifests import DemoStep, Manifest
from kechuang.reported.demo import demo_step

MANIFEST = Manifest(
    app="reported",
    url_prefix="reported/",
    api="kechuang.reported.api",
    demo=(DemoStep(demo_step, order=30),),
    jobs=("kechuang.reported.exports",),
    workflows=("kechuang.reported.workflows",),
)
