"""Fixtures: a 2025 policy, a listed provider, an issued voucher — all through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

D = dt.date
KINDS = [{"code": "testing", "name": "检验检测"}, {"code": "rd", "name": "研究开发"},
         {"code": "consulting", "name": "技术咨询", "ratio": Decimal("0.3")}]


def make_policy(actor, **kw):
    from kechuang.vouchers import services

    data = {"year": 2025, "name": "2025年度科技创新券", "ratio": Decimal("0.5"),
            "annual_cap_fen": 10_000_000, "face_value_fen": 5_000_000,
            "budget_fen": 1_000_000_000, "valid_from": D(2025, 1, 1),
            "valid_to": D(2025, 12, 31), "required_tiers": "", "in_city_only": True}
    data.update(kw)
    return services.create_policy(actor=actor, data=data, kinds=KINDS)


JAN_10 = D(2025, 1, 10)


def list_provider(org, applicant, city, on=JAN_10, **kw):
    from kechuang.vouchers import services

    p = services.apply_listing(actor=applicant, organisation=org, data={
        "services": "testing,rd,consulting", "legal_representative": kw.pop("rep", "李四"),
        "shareholders": kw.pop("shareholders", "王五")})
    return services.decide_listing(actor=city, provider=p, action="list", on=on)


def issue_voucher(policy, enterprise, applicant, county, city, **data):
    from kechuang.vouchers import services

    v = services.apply_voucher(actor=applicant, policy=policy, enterprise=enterprise,
                               data={"legal_representative": "张三", "shareholders": "赵六",
                                     **data})
    v = services.decide_voucher(actor=county, voucher=v, action="review")
    return services.decide_voucher(actor=city, voucher=v, action="approve", on=D(2025, 2, 1))


_numbers = iter(range(1, 10**6))


def contract(voucher, provider, ent_user, prov_user, *, kind="testing", fee=2_000_000,
             related=False):
    from kechuang.vouchers import services

    c = services.create_contract(actor=ent_user, voucher=voucher, provider=provider, data={
        "contract_no": f"HT-{next(_numbers)}", "service_kind": kind, "subject": "检测服务",
        "fee_fen": fee, "signed_on": D(2025, 3, 1), "related_declared": related})
    return services.confirm_contract(actor=prov_user, contract=c)


@pytest.fixture
def city(users):
    return users["city_staff"]


@pytest.fixture
def policy(city):
    return make_policy(city)


@pytest.fixture
def provider(provider_org, users, city):
    return list_provider(provider_org, users["provider"], city)


@pytest.fixture
def voucher(policy, enterprise_a, users, city):
    return issue_voucher(policy, enterprise_a, users["enterprise_a_user"],
                         users["county_a_staff"], city)


@pytest.fixture
def service_contract(voucher, provider, users):
    return contract(voucher, provider, users["enterprise_a_user"], users["provider"])


def _user_for(org):
    from kechuang.accounts.models import User

    return User.objects.create_user(username=f"u{org.pk}", password="Kc-test-Pass-2025",
                                    role=org.kind if org.kind == "enterprise" else "provider",
                                    organisation=org)
