"""Organisations, enterprises and annual reports."""

from django.utils.translation import gettext_lazy as _

from kechuang.core.manifests import DemoStep, Manifest, MenuEntry
from kechuang.orgs.demo import demo_step

MANIFEST = Manifest(
    app="orgs",
    url_prefix="enterprises/",
    api="kechuang.orgs.api",
    demo=(DemoStep(demo_step, order=10),),
    metrics=("kechuang.orgs.metrics",),
    import_specs=("kechuang.orgs.imports",),
    jobs=("kechuang.orgs.exports",),
    menu=(
        MenuEntry(
            "action4",
            _("企业库"),
            "orgs:enterprise_list",
            "buildings",
            model="orgs.Enterprise",
            order=20,
        ),
        MenuEntry(
            "action4",
            _("年度报表"),
            "orgs:report_list",
            "table",
            model="orgs.EnterpriseAnnualReport",
            order=30,
        ),
    ),
)
