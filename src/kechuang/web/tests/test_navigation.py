"""Who sees which menu entry: the role sets the menu had when it listed roles by hand, written
out here, so deriving the entries from ``can()`` must keep exactly the same menus."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kechuang.web.navigation import menu_for

pytestmark = pytest.mark.django_db

BUREAU = {"city_admin", "city_staff", "county_staff"}
EXPECTED = {
    "首页": {"enterprise", "expert", "provider", "auditor", "system_admin", "security_admin"},
    "工作进展": BUREAU, "工作要点": BUREAU, "指标上报": BUREAU,
    "站内提醒": None, "待办事项": {"city_admin", "city_staff"},
    "企业概况": BUREAU, "企业库": BUREAU | {"enterprise"}, "年度报表": BUREAU | {"enterprise"},
    "自评": {"enterprise"}, "批量测评": BUREAU, "培育目标进展": BUREAU,
    "科技型中小企业": BUREAU | {"enterprise"}, "高新技术企业": BUREAU | {"enterprise"},
    "领军企业": BUREAU | {"enterprise"}, "后备库": BUREAU,
    "数据导入": BUREAU, "我的后台任务": None,
    "审计日志": {"auditor"}, "登录日志": {"auditor"}, "访问日志": {"auditor"},
    "用户管理": {"system_admin", "security_admin"}, "账号锁定": {"security_admin"},
    "管理后台": {"system_admin", "security_admin", "auditor", "city_admin"},
    "接口文档": BUREAU,
}
USERS = {"city_admin": "city_admin", "city_staff": "city_staff",
         "county_staff": "county_a_staff", "enterprise": "enterprise_a_user",
         "expert": "expert", "provider": "provider", "auditor": "auditor",
         "system_admin": "system_admin", "security_admin": "security_admin"}


@pytest.mark.parametrize("role", sorted(USERS))
def test_each_role_sees_exactly_its_entries(users, role):
    menu = menu_for(users[USERS[role]], reverse("web:home"))
    # the entries of the apps listed here (a new module's entries come on top, from its
    # manifest: core/tests/test_manifests.py)
    shown = [str(i.label) for g in menu for i in g.items if str(i.label) in EXPECTED]
    expected = [label for label, roles in EXPECTED.items() if roles is None or role in roles]
    assert shown == expected


def test_every_role_is_covered():
    from kechuang.accounts.roles import Role

    assert set(USERS) == set(Role.values)
