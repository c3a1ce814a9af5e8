"""The "my account" page: who I am, my role and what it lets me see."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


def test_anonymous_is_sent_to_login(client):
    resp = client.get(PROFILE)
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


@pytest.mark.parametrize(("role", "label", "scope"), [
    ("city_admin", "市局管理员", "全市数据；业务数据管理"),
    ("city_staff", "市局工作人员", "全市数据"),
    ("county_a_staff", "县区工作人员", "潞州区"),
    ("county_b_staff", "县区工作人员", "襄垣县"),
    ("enterprise_a_user", "企业用户", "长治甲科技有限公司"),
    ("provider", "服务机构", "长治检测服务有限公司"),
    ("expert", "评审专家", "分配给本人的评审任务"),
    ("auditor", "审计管理员", "审计日志、登录日志与访问日志（只读）"),
    ("system_admin", "系统管理员", "账号与角色管理"),
    ("security_admin", "安全管理员", "账号锁定与安全策略"),
])
def test_profile_shows_role_and_scope(client_for, users, role, label, scope):
    resp = client_for(users[role]).get(PROFILE)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert users[role].username in html
    role_cell = html.split('data-testid="profile-role">', 1)[1].split("<", 1)[0]
    scope_cell = html.split('data-testid="profile-scope">', 1)[1].split("</dd>", 1)[0]
    assert role_cell == label and scope in scope_cell
    assert reverse("accounts:password_change") in html


def test_profile_is_read_only(client_for, users):
    assert client_for(users["city_staff"]).post(PROFILE).status_code == 405
