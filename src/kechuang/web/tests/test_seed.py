"""``manage.py seed``: regions, the plan and one demo login per role — idempotently."""

from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command

from kechuang.accounts.models import User
from kechuang.accounts.roles import Role
from kechuang.audit.models import ChangeRecord
from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport, Organisation
from kechuang.plans.models import Indicator, Plan
from kechuang.regions.models import Region
from kechuang.web.management.commands.seed import DEMO_LOGINS, DEMO_PASSWORD


def seed(**options) -> str:
    out = StringIO()
    call_command("seed", stdout=out, **options)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (
        User, Organisation, EnterpriseAnnualReport, Region, Plan, Indicator, ChangeRecord)}


@pytest.mark.django_db
def test_seed_creates_one_login_per_role():
    out = seed()
    users = {u.username: u for u in User.objects.select_related("county", "organisation")}
    roles = [u.role for u in users.values()]
    assert set(roles) == set(Role.values) and roles.count(Role.COUNTY_STAFF) == 2
    assert len(users) == len(DEMO_LOGINS) == 10
    for u in users.values():
        assert u.check_password(DEMO_PASSWORD), u.username
        u.full_clean()
        assert u.username in out
    admin = users["city_admin"]
    assert admin.role == "city_admin" and admin.is_staff
    assert not any(u.is_superuser for u in users.values())  # 三权分立: nobody is a superuser
    assert {u.username for u in users.values() if u.is_staff} == {
        "city_admin", "auditor", "sysadmin", "secadmin"}
    assert users["sysadmin"].role == "system_admin"
    assert users["secadmin"].role == "security_admin"
    assert users["luzhou_staff"].county.name == "潞州区"
    assert users["xiangyuan_staff"].county.name == "襄垣县"
    assert users["enterprise"].organisation.kind == "enterprise"
    assert users["provider"].organisation.kind == "service_provider"
    assert "初始密码" in out and out.count(DEMO_PASSWORD) == 10


@pytest.mark.django_db
def test_seed_loads_regions_chains_and_the_plan():
    out = seed()
    assert Region.objects.filter(level="county").count() == 13
    plan = Plan.objects.get()
    assert plan.year == 2025 and plan.actions.count() == 8
    assert "长治市2025年科技工作要点" in out


@pytest.mark.django_db
def test_demo_enterprise_is_a_valid_tech_sme_with_reports():
    seed()
    ent = Enterprise.objects.get(users__username="enterprise")
    ent.full_clean()
    assert ent.tier == "tech_sme" and ent.county.code == "140403"
    assert list(ent.annual_reports.order_by("year").values_list("year", flat=True)) == [
        2022, 2023, 2024, 2025]
    for report in ent.annual_reports.all():
        report.full_clean()


@pytest.mark.django_db
def test_second_seed_creates_nothing_and_keeps_changed_passwords():
    seed()
    staff = User.objects.get(username="city_staff")
    staff.set_password("Changed-Pass-2026")
    staff.save()
    before = _counts()
    out = seed()
    assert _counts() == before
    staff.refresh_from_db()
    assert staff.check_password("Changed-Pass-2026")
    assert "新增 0 个，已存在 10 个" in out
    assert out.count(DEMO_PASSWORD) == 10  # the initial password is still shown


@pytest.mark.django_db
def test_demo_password_satisfies_the_validators():
    for login in DEMO_LOGINS:
        validate_password(DEMO_PASSWORD, User(username=login.username,
                                              first_name=login.full_name))


@pytest.mark.django_db
def test_account_creation_is_audited_without_the_password_hash():
    seed()
    records = ChangeRecord.objects.filter(content_type__model="user")
    assert records.count() == 10
    for record in records:
        assert record.source == "cli:seed" and record.actor is None
        assert "password" not in record.after


@pytest.mark.django_db
def test_production_refuses_demo_logins_without_the_flag(settings):
    settings.PRODUCTION = True
    out = seed()
    assert not User.objects.exists() and not Organisation.objects.exists()
    assert Plan.objects.exists() and Region.objects.exists()
    assert "--demo-logins" in out
    seed(demo_logins=True)
    assert User.objects.count() == 10


@pytest.mark.django_db
def test_seeded_county_staff_see_only_their_county():
    seed()
    call_command("demo", enterprises=60, seed=1, stdout=StringIO())
    clerk = User.objects.get(username="xiangyuan_staff")
    rows = Enterprise.objects.restrict(clerk, "view")
    assert rows.exists()
    assert set(rows.values_list("county__code", flat=True)) == {"140423"}
    own = User.objects.get(username="enterprise")
    assert list(Enterprise.objects.restrict(own, "view")) == [own.organisation]
