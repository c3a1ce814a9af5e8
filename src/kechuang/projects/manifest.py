"""R&D projects (行动二): calls, applications, the expert pool, draws, reviews, projects."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kechuang.core.manifests import DemoStep, Manifest, MenuEntry
from kechuang.projects.demo import demo_step


def keeps_own_profile(user: Any) -> bool:
    from kechuang.projects.selectors import keeps_own_profile as own

    return own(user)


MANIFEST = Manifest(
    app="projects",
    url_prefix="projects/",
    api="kechuang.projects.api",
    demo=(DemoStep(demo_step, order=55),),
    metrics=("kechuang.projects.metrics",),
    import_specs=("kechuang.projects.imports",),
    jobs=("kechuang.projects.exports",),
    workflows=("kechuang.projects.workflows",),
    scheduled=("kechuang.projects.services",),  # daily report reminders
    menu=(
        MenuEntry("action2", _("申报指南"), "projects:call_list", "megaphone",
                  model="projects.Call", order=10),
        MenuEntry("action2", _("项目申报"), "projects:application_list", "file-earmark-text",
                  model="projects.Application", order=20),
        MenuEntry("action2", _("评审任务"), "projects:assignment_list", "clipboard-check",
                  model="projects.ReviewAssignment", order=30),
        MenuEntry("action2", _("验收任务"), "projects:acceptance_task_list", "patch-check",
                  model="projects.AcceptanceTask", order=35),
        MenuEntry("action2", _("专家库"), "projects:expert_list", "people",
                  model="projects.Expert", action="export", order=40),
        # the expert's workbench: their own profile (the bureau edits profiles from 专家库)
        MenuEntry("action2", _("我的专家信息"), "projects:expert_me", "person-badge",
                  visible=keeps_own_profile, order=45),
        MenuEntry("action2", _("科技项目"), "projects:project_list", "kanban",
                  model="projects.Project", order=50),
        MenuEntry("action2", _("拨付记录"), "projects:disbursement_list", "cash-coin",
                  model="projects.Disbursement", order=60),
        MenuEntry("action2", _("逾期报告"), "projects:report_overdue_list", "alarm",
                  model="projects.ReportDue", action="export", order=65),
    ),
)
