"""Left navigation, grouped by the plan's actions and modules; filtered by what the user may see.

An entry is shown when the user may open its page: ``can(user, action, Model)`` for the model
the page reads, or the named access helper / Django permission the page itself asks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.access import (
    has_role_permission,
    is_bureau_user,
    is_enterprise_user,
    may_open_admin_site,
)
from kechuang.accounts.scoping import can

Visible = Callable[[Any], bool]


@dataclass
class NavItem:
    label: Any
    url_name: str | None = None
    icon: str = ""
    visible: Visible | None = None  # None: every signed-in user
    note: Any = ""  # shown for modules that are not built yet
    url: str = ""
    active: bool = False


@dataclass
class NavGroup:
    label: Any
    items: list[NavItem] = field(default_factory=list)


def may(action: str, model: type[models.Model]) -> Visible:
    """Shown to the users who may take the action on the model (what the page asks too)."""
    return lambda user: can(user, action, model)


def may_not(action: str, model: type[models.Model]) -> Visible:
    return lambda user: not can(user, action, model)


def has_perm(perm: str) -> Visible:
    """The in-app administration pages ask the role's Django permission."""
    return lambda user: has_role_permission(user, perm)


def _menu() -> list[NavGroup]:
    from kechuang.assessment.models import EvaluationResult
    from kechuang.audit.models import AccessEvent, AuthEvent, ChangeRecord
    from kechuang.cultivation.models import (
        CandidateEntry,
        HighTechCertificate,
        LeaderDesignation,
        TechSmeRegistration,
    )
    from kechuang.imports.models import ImportRun
    from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport
    from kechuang.plans.models import Plan
    from kechuang.reported.models import ReportedValue

    return [
        NavGroup(_("工作台"), [
            # the workbench of those who do not land on the plan's dashboard
            NavItem(_("首页"), "web:home", "house", may_not("view", Plan)),
            NavItem(_("工作进展"), "kpi:dashboard", "speedometer2", may("view", Plan)),
            NavItem(_("工作要点"), "plans:plan_detail", "journal-text", may("view", Plan)),
            NavItem(_("指标上报"), "reported:value_list", "clipboard-data",
                    may("view", ReportedValue)),
            NavItem(_("站内提醒"), "notices:notice_list", "bell"),
            NavItem(_("待办事项"), "notices:todo", "list-check", may("approve", ReportedValue)),
        ]),
        NavGroup(_("科技创新主体强化（行动四）"), [
            NavItem(_("企业概况"), "web:overview", "bar-chart", may("add", Enterprise)),
            NavItem(_("企业库"), "orgs:enterprise_list", "buildings", may("view", Enterprise)),
            NavItem(_("年度报表"), "orgs:report_list", "table",
                    may("view", EnterpriseAnnualReport)),
            NavItem(_("自评"), "assessment:home", "clipboard-check", is_enterprise_user),
            NavItem(_("批量测评"), "assessment:home", "clipboard-data",
                    may("add", EvaluationResult)),
            NavItem(_("培育目标进展"), "cultivation:targets", "bar-chart-steps",
                    may("view", Plan)),
            NavItem(_("科技型中小企业"), "cultivation:registration_list", "patch-check",
                    may("view", TechSmeRegistration)),
            NavItem(_("高新技术企业"), "cultivation:certificate_list", "award",
                    may("view", HighTechCertificate)),
            NavItem(_("领军企业"), "cultivation:leader_list", "trophy",
                    may("view", LeaderDesignation)),
            NavItem(_("后备库"), "cultivation:candidate_list", "people",
                    may("view", CandidateEntry)),
        ]),
        NavGroup(_("系统"), [
            NavItem(_("数据导入"), "imports:run_list", "upload", may("add", ImportRun)),
            NavItem(_("我的后台任务"), "jobs:job_list", "hourglass"),
            NavItem(_("审计日志"), "audit:change_list", "shield-check",
                    may("view", ChangeRecord)),
            NavItem(_("登录日志"), "audit:authevent_list", "person-lock",
                    may("view", AuthEvent)),
            NavItem(_("访问日志"), "audit:accessevent_list", "eye", may("view", AccessEvent)),
            NavItem(_("用户管理"), "accounts:user_list", "people",
                    has_perm("accounts.view_user")),
            NavItem(_("账号锁定"), "accounts:lockout_list", "unlock",
                    has_perm("axes.delete_accessattempt")),
            NavItem(_("管理后台"), "admin:index", "gear", may_open_admin_site),
            NavItem(_("接口文档"), "api-docs", "code-square", is_bureau_user),
        ]),
    ]


@cache
def menu() -> list[NavGroup]:
    """The whole menu (built once, after the apps are loaded)."""
    return _menu()


def menu_for(user: Any, path: str) -> list[NavGroup]:
    out: list[NavGroup] = []
    for group in menu():
        items = []
        for item in group.items:
            if item.visible is not None and not item.visible(user):
                continue
            try:
                url = reverse(item.url_name) if item.url_name else ""
            except NoReverseMatch:
                continue
            active = bool(url) and (path == url or (url != "/" and path.startswith(url)))
            items.append(NavItem(item.label, item.url_name, item.icon, item.visible, item.note, url,
                                 active))
        if items:
            out.append(NavGroup(group.label, items))
    # only the most specific match stays active (/enterprises/reports/ is 年度报表, not 企业库)
    matches = [i for g in out for i in g.items if i.active]
    if len(matches) > 1:
        best = max(matches, key=lambda i: len(i.url))
        for i in matches:
            i.active = i is best
    return out
