"""The named access helpers answer what the role checks they replaced answered."""

from __future__ import annotations

import pytest

from kechuang.accounts import access
from kechuang.accounts.roles import ADMIN_PERMISSIONS

pytestmark = pytest.mark.django_db

NAMES = ("city_admin", "city_staff", "county_a_staff", "enterprise_a_user", "expert",
         "provider", "auditor", "system_admin", "security_admin")


def test_role_questions(users):
    def who(helper):
        return {n for n in NAMES if helper(users[n])}

    assert who(access.is_city_user) == {"city_admin", "city_staff"}
    assert who(access.can_report_city_indicator) == {"city_admin", "city_staff"}
    assert who(access.is_county_user) == {"county_a_staff"}
    assert who(access.is_bureau_user) == {"city_admin", "city_staff", "county_a_staff"}
    assert who(access.is_enterprise_user) == {"enterprise_a_user"}
    assert who(access.may_open_admin_site) == {"city_admin", "auditor", "system_admin",
                                               "security_admin"}
    assert {n: access.county_of(users[n]) for n in NAMES if access.county_of(users[n])} == {
        "county_a_staff": users["county_a_staff"].county_id}


def test_role_permission_agrees_with_has_perm(users):
    perms = set().union(*ADMIN_PERMISSIONS.values()) | {"accounts.delete_user"}
    for name in NAMES:
        user = users[name]
        for perm in perms:
            assert access.has_role_permission(user, perm) is user.has_perm(perm), (name, perm)


def test_recipients(users, county_a, county_b, enterprise_a):
    from kechuang.accounts.models import User

    assert set(access.county_staff([county_a.pk])) == {users["county_a_staff"]}
    assert set(access.enterprise_users([enterprise_a.pk])) == {users["enterprise_a_user"]}
    User.objects.filter(pk=users["county_a_staff"].pk).update(is_active=False)
    assert not access.county_staff([county_a.pk]).exists()
