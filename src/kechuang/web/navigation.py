"""Left navigation: the installed apps' menu entries (their manifests), grouped by the plan's
actions and modules, each shown to the users who may open its page.

An entry is shown when ``can(user, action, Model)`` holds for the model the page reads, or the
named access helper the entry gives says so (``core.manifests.MenuEntry``) — the same question
the page itself asks. Nothing here names an app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import can
from kechuang.core import manifests

Visible = Callable[[Any], bool]

# The groups, in menu order: the workbench, the plan's eight actions, the system pages. A group
# no installed app adds entries to is not shown.
GROUPS: dict[str, Any] = {
    "workbench": _("工作台"),
    "action1": _("科技体制改革深化（行动一）"),
    "action2": _("关键核心技术攻坚（行动二）"),
    "action3": _("“晋创谷”样板打造（行动三）"),
    "action4": _("科技创新主体强化（行动四）"),
    "action5": _("创新平台建设提质增效（行动五）"),
    "action6": _("科技服务业培育壮大（行动六）"),
    "action7": _("校地科技合作深化（行动七）"),
    "action8": _("研发投入提升（行动八）"),
    "system": _("系统"),
}


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


def _visible(entry: manifests.MenuEntry) -> Visible | None:
    if entry.visible is not None:
        return entry.visible
    if not entry.model:
        return None
    model, action = apps.get_model(entry.model), entry.action
    return lambda user: can(user, action, model)


@cache
def menu() -> list[NavGroup]:
    """The whole menu from the installed apps' manifests (built once, after the apps load)."""
    entries = sorted(manifests.menu_entries(), key=lambda e: (list(GROUPS).index(e.group),
                                                               e.order))
    groups: dict[str, NavGroup] = {}
    for e in entries:
        group = groups.setdefault(e.group, NavGroup(GROUPS[e.group]))
        group.items.append(NavItem(e.label, e.url_name, e.icon, _visible(e)))
    return list(groups.values())


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
            items.append(NavItem(item.label, item.url_name, item.icon, item.visible, item.note,
                                 url, active))
        if items:
            out.append(NavGroup(group.label, items))
    # only the most specific match stays active (/enterprises/reports/ is 年度报表, not 企业库)
    matches = [i for g in out for i in g.items if i.active]
    if len(matches) > 1:
        best = max(matches, key=lambda i: len(i.url))
        for i in matches:
            i.active = i is best
    return out
