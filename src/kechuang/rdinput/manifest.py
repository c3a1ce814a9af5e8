"""R&D input (行动八): county fiscal S&T spending, reserve funds, innovation points, intensity."""

from django.utils.translation import gettext_lazy as _

from kechuang.accounts.access import is_enterprise_user
from kechuang.core.manifests import DemoStep, Manifest, MenuEntry, Panel
from kechuang.rdinput.demo import demo_step
from kechuang.rdinput.panels import enterprise_intensity_context

MANIFEST = Manifest(
    app="rdinput",
    url_prefix="rdinput/",
    api="kechuang.rdinput.api",
    # the enterprise page: 研发费用 ÷ 营业收入 per annual-report year, scope named
    panels=(Panel("enterprise_sections", "rdinput/partials/enterprise_intensity.html",
                  enterprise_intensity_context, order=30),),
    demo=(DemoStep(demo_step, order=57),),  # after the enterprises and reports, before 60
    metrics=("kechuang.rdinput.metrics",),
    jobs=("kechuang.rdinput.jobs",),
    workflows=("kechuang.rdinput.workflows",),
    import_specs=("kechuang.rdinput.imports",),
    menu=(
        MenuEntry("action8", _("县区财政科技投入"), "rdinput:fiscal_list", "bank",
                  model="rdinput.FiscalReport", order=10),
        MenuEntry("action8", _("企业研发准备金"), "rdinput:reserve_list", "piggy-bank",
                  model="rdinput.RdReserveFund", order=20),
        MenuEntry("action8", _("企业创新积分"), "rdinput:points_models", "trophy",
                  model="rdinput.PointsModel", action="add", order=30),
        MenuEntry("action8", _("本企业创新积分"), "rdinput:points_mine", "trophy",
                  visible=is_enterprise_user, order=31),
        MenuEntry("action8", _("R&D投入强度"), "rdinput:intensity_list", "graph-up",
                  model="rdinput.IntensityFigure", order=40),
    ),
)
