"""The work plan: actions, tasks, indicators, county allocations."""

from kechuang.core.manifests import DemoStep, Manifest
from kechuang.plans.demo import demo_step

MANIFEST = Manifest(
    app="plans",
    url_prefix="plan/",
    api="kechuang.plans.api",
    demo=(DemoStep(demo_step, order=60),),  # allocations by the year's demo figures: last
)
