import pytest

from kechuang.accounts.scoping import can
from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport


@pytest.mark.django_db
def test_county_staff_sees_only_own_county(users, enterprise_a, enterprise_b, enterprise_a2):
    rows = set(Enterprise.objects.restrict(users["county_a_staff"], "view"))
    assert rows == {enterprise_a, enterprise_a2}


@pytest.mark.django_db
def test_enterprise_user_sees_only_itself(users, enterprise_a, enterprise_b, report_a, report_b):
    u = users["enterprise_a_user"]
    assert list(Enterprise.objects.restrict(u, "view")) == [enterprise_a]
    assert list(EnterpriseAnnualReport.objects.restrict(u, "view")) == [report_a]
    assert not can(u, "delete", Enterprise)


@pytest.mark.django_db
def test_auditor_and_expert_see_no_enterprises(users, enterprise_a):
    for name in ("auditor", "expert"):
        assert not can(users[name], "view", Enterprise)
        assert not Enterprise.objects.restrict(users[name], "view").exists()
