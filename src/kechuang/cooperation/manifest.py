"""University–city cooperation (行动七): projects, milestones, talents, achievements."""

from django.utils.translation import gettext_lazy as _

from kechuang.cooperation.demo import demo_step
from kechuang.core.manifests import DemoStep, Manifest, MenuEntry

MANIFEST = Manifest(
    app="cooperation",
    url_prefix="cooperation/",
    api="kechuang.cooperation.api",
    demo=(DemoStep(demo_step, order=56),),  # after the enterprises and universities (10)
    metrics=("kechuang.cooperation.metrics",),
    import_specs=("kechuang.cooperation.imports",),
    jobs=("kechuang.cooperation.exports",),
    scheduled=("kechuang.cooperation.services",),  # daily milestone reminders
    menu=(
        MenuEntry("action7", _("校地合作项目"), "cooperation:project_list", "building",
                  model="cooperation.CooperationProject", order=70),
        MenuEntry("action7", _("人才团队"), "cooperation:talent_list", "people",
                  model="cooperation.Talent", order=71),
        MenuEntry("action7", _("转化科技成果"), "cooperation:achievement_list", "arrow-left-right",
                  model="cooperation.Achievement", order=72),
    ),
)
