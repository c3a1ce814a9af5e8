"""Tiered cultivation: registrations, certificates, leaders, candidate pool."""

from django.utils.translation import gettext_lazy as _

from kechuang.core.manifests import DemoStep, Manifest, MenuEntry, Panel
from kechuang.cultivation.demo import demo_step
from kechuang.cultivation.panels import enterprise_section_context

MANIFEST = Manifest(
    app="cultivation",
    url_prefix="cultivation/",
    api="kechuang.cultivation.api",
    panels=(
        Panel(
            "enterprise_sections",
            "cultivation/partials/enterprise_section.html",
            enterprise_section_context,
            order=10,
        ),
    ),
    demo=(DemoStep(demo_step, order=50),),
    metrics=("kechuang.cultivation.metrics",),
    import_specs=("kechuang.cultivation.imports",),
    jobs=("kechuang.cultivation.exports",),
    scheduled=("kechuang.cultivation.services",),  # daily tier refresh, expiry reminders
    menu=(
        MenuEntry(
            "action4",
            _("培育目标进展"),
            "cultivation:targets",
            "bar-chart-steps",
            model="plans.Plan",
            order=60,
        ),
        MenuEntry(
            "action4",
            _("科技型中小企业"),
            "cultivation:registration_list",
            "patch-check",
            model="cultivation.TechSmeRegistration",
            order=70,
        ),
        MenuEntry(
            "action4",
            _("高新技术企业"),
            "cultivation:certificate_list",
            "award",
            model="cultivation.HighTechCertificate",
            order=80,
        ),
        MenuEntry(
            "action4",
            _("领军企业"),
            "cultivation:leader_list",
            "trophy",
            model="cultivation.LeaderDesignation",
            order=90,
        ),
        MenuEntry(
            "action4",
            _("后备库"),
            "cultivation:candidate_list",
            "people",
            model="cultivation.CandidateEntry",
            order=100,
        ),
    ),
)
