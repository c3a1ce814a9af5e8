"""Left navigation, grouped by the plan's actions and modules; filtered by what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass
class NavItem:
    label: Any
    url_name: str | None = None
    icon: str = ""
    roles: frozenset[str] | None = None  # None: every signed-in role
    note: Any = ""  # shown for modules that are not built yet
    url: str = ""
    active: bool = False


@dataclass
class NavGroup:
    label: Any
    items: list[NavItem] = field(default_factory=list)


BUREAU = frozenset({"city_admin", "city_staff", "county_staff"})
AUDIT = frozenset({"auditor"})  # the audit administrator alone (三权分立)
ADMIN_SITE = frozenset({"system_admin", "security_admin", "auditor", "city_admin"})
REVIEWERS = frozenset({"city_admin", "city_staff"})  # approve submitted reported values
SECURITY = frozenset({"security_admin"})
SYSADMIN = frozenset({"system_admin"})

MENU: list[NavGroup] = [
    NavGroup(_("工作台"), [
        NavItem(_("首页"), "web:home", "house", roles=frozenset(
            {"enterprise", "expert", "provider", "auditor", "system_admin", "security_admin"})),
        NavItem(_("工作进展"), "kpi:dashboard", "speedometer2", roles=BUREAU),
        NavItem(_("工作要点"), "plans:plan_detail", "journal-text", roles=BUREAU),
        NavItem(_("指标上报"), "reported:value_list", "clipboard-data", roles=BUREAU),
        NavItem(_("站内提醒"), "notices:notice_list", "bell"),
        NavItem(_("待办事项"), "notices:todo", "list-check", roles=REVIEWERS),
    ]),
    NavGroup(_("科技创新主体强化（行动四）"), [
        NavItem(_("企业概况"), "web:overview", "bar-chart", roles=BUREAU),
        NavItem(_("企业库"), "orgs:enterprise_list", "buildings",
                roles=BUREAU | {"enterprise"}),
        NavItem(_("年度报表"), "orgs:report_list", "table", roles=BUREAU | {"enterprise"}),
        NavItem(_("自评"), "assessment:home", "clipboard-check", roles=frozenset({"enterprise"})),
        NavItem(_("批量测评"), "assessment:home", "clipboard-data", roles=BUREAU),
        NavItem(_("培育目标进展"), "cultivation:targets", "bar-chart-steps", roles=BUREAU),
        NavItem(_("科技型中小企业"), "cultivation:registration_list", "patch-check",
                roles=BUREAU | {"enterprise"}),
        NavItem(_("高新技术企业"), "cultivation:certificate_list", "award",
                roles=BUREAU | {"enterprise"}),
        NavItem(_("领军企业"), "cultivation:leader_list", "trophy",
                roles=BUREAU | {"enterprise"}),
        NavItem(_("后备库"), "cultivation:candidate_list", "people", roles=BUREAU),
    ]),
    NavGroup(_("系统"), [
        NavItem(_("数据导入"), "imports:run_list", "upload", roles=BUREAU),
        NavItem(_("我的后台任务"), "jobs:job_list", "hourglass"),
        NavItem(_("审计日志"), "audit:change_list", "shield-check", roles=AUDIT),
        NavItem(_("登录日志"), "audit:authevent_list", "person-lock", roles=AUDIT),
        NavItem(_("访问日志"), "audit:accessevent_list", "eye", roles=AUDIT),
        NavItem(_("用户管理"), "accounts:user_list", "people", roles=SYSADMIN | SECURITY),
        NavItem(_("账号锁定"), "accounts:lockout_list", "unlock", roles=SECURITY),
        NavItem(_("管理后台"), "admin:index", "gear", roles=ADMIN_SITE),
        NavItem(_("接口文档"), "api-docs", "code-square", roles=BUREAU),
    ]),
]


def menu_for(user: Any, path: str) -> list[NavGroup]:
    out: list[NavGroup] = []
    for group in MENU:
        items = []
        for item in group.items:
            if item.roles is not None and user.role not in item.roles:
                continue
            try:
                url = reverse(item.url_name) if item.url_name else ""
            except NoReverseMatch:
                continue
            active = bool(url) and (path == url or (url != "/" and path.startswith(url)))
            items.append(NavItem(item.label, item.url_name, item.icon, item.roles, item.note, url,
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
