"""Tiered cultivation: registrations, certificates, leaders, candidate pool."""

from kechuang.core.manifests import DemoStep, Manifest, Panel
from kechuang.cultivation.demo import demo_step
from kechuang.cultivation.panels import enterprise_section_context

MANIFEST = Manifest(
    app="cultivation",
    url_prefix="cultivation/",
    api="kechuang.cultivation.api",
    panels=(Panel("enterprise_sections", "cultivation/partials/enterprise_section.html",
                  enterprise_section_context, order=10),),
    demo=(DemoStep(demo_step, order=50),),
    metrics=("kechuang.cultivation.metrics",),
    import_specs=("kechuang.cultivation.imports",),
    jobs=("kechuang.cultivation.exports",),
    scheduled=("kechuang.cultivation.services",),  # daily tier refresh, expiry reminders
)
