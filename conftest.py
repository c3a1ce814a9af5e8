"""Shared fixtures: one user per role and place, data in county A and county B.

county A = 潞州区 (140403), county B = 襄垣县 (140423).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

# fixtures shared by every app's Excel-import tests (do_upload, do_commit)
pytest_plugins = ["kechuang.imports.tests.fixtures"]


@pytest.fixture(autouse=True)
def _reset_language():
    """A request activates its language for the thread; do not let it leak into the next test."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def regions(db):
    from django.conf import settings

    from kechuang.orgs.services import load_city
    from kechuang.regions.models import Region

    load_city(path=settings.KECHUANG_REGION_FILE)
    return {r.code: r for r in Region.objects.all()}


@pytest.fixture
def county_a(regions):
    return regions["140403"]


@pytest.fixture
def county_b(regions):
    return regions["140423"]


def make_enterprise(county, name: str, serial: int, **extra):
    from kechuang.orgs.models import Enterprise
    from kechuang.policy.credit_code import make_code

    code = make_code(f"91{county.code}MA{serial:07d}"[:17])
    defaults = dict(kind="enterprise", name=name, credit_code=code, county=county,
                    industry_code="C26", established_on=dt.date(2015, 5, 1))
    defaults.update(extra)
    return Enterprise.objects.create(**defaults)


def make_report(enterprise, year: int, **extra):
    from kechuang.orgs.models import EnterpriseAnnualReport

    defaults = dict(enterprise=enterprise, year=year, employees=100, st_staff=20,
                    revenue_yuan=Decimal("30000000"), total_income_yuan=Decimal("30500000"),
                    high_tech_revenue_yuan=Decimal("20000000"),
                    total_costs_yuan=Decimal("25000000"), total_assets_yuan=Decimal("40000000"),
                    net_assets_yuan=Decimal("15000000"), rd_expense_yuan=Decimal("1500000"),
                    rd_domestic_yuan=Decimal("1500000"), rd_personnel_yuan=Decimal("900000"),
                    rd_direct_input_yuan=Decimal("500000"), rd_other_yuan=Decimal("100000"),
                    ip_class_1_count=1, ip_class_2_count=3, has_rd_activity=True)
    defaults.update(extra)
    return EnterpriseAnnualReport.objects.create(**defaults)


@pytest.fixture
def enterprise_a(county_a):
    return make_enterprise(county_a, "长治甲科技有限公司", 1)


@pytest.fixture
def enterprise_a2(county_a):
    return make_enterprise(county_a, "长治丙材料有限公司", 3, industry_code="C30")


@pytest.fixture
def enterprise_b(county_b):
    return make_enterprise(county_b, "襄垣乙化工有限公司", 2)


@pytest.fixture
def report_a(enterprise_a):
    return make_report(enterprise_a, 2024)


@pytest.fixture
def report_b(enterprise_b):
    return make_report(enterprise_b, 2024)


@pytest.fixture
def provider_org(county_a):
    return make_enterprise(county_a, "长治检测服务有限公司", 9, kind="service_provider",
                           industry_code="M74")


def _user(username: str, role: str, **extra):
    from kechuang.accounts.models import User

    return User.objects.create_user(username=username, password="Kc-test-Pass-2025",
                                    role=role, **extra)


@pytest.fixture
def users(enterprise_a, enterprise_b, provider_org, county_a, county_b):
    """One user per role and place (the names style.md §9 uses)."""
    return {
        "city_admin": _user("city_admin", "city_admin", is_staff=True),
        "city_staff": _user("city_staff", "city_staff"),
        "county_a_staff": _user("county_a_staff", "county_staff", county=county_a),
        "county_b_staff": _user("county_b_staff", "county_staff", county=county_b),
        "enterprise_a_user": _user("enterprise_a_user", "enterprise", organisation=enterprise_a),
        "enterprise_b_user": _user("enterprise_b_user", "enterprise", organisation=enterprise_b),
        "expert": _user("expert", "expert"),
        "provider": _user("provider", "provider", organisation=provider_org),
        "auditor": _user("auditor", "auditor", is_staff=True),
        "system_admin": _user("system_admin", "system_admin", is_staff=True),
        "security_admin": _user("security_admin", "security_admin", is_staff=True),
    }


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user (force_login: axes-safe)."""

    def login(user):
        client.force_login(user)
        return client

    return login
