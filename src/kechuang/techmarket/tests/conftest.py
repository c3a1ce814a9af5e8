"""Fixtures: contracts written through the services (the office applies on a party's behalf)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest


def apply(actor, seller, buyer, *, turnover="1000000", applied_on=dt.date(2025, 3, 3),
          costs=(), **extra):
    from kechuang.techmarket import services

    data = {"contract_type": "development", "sub_type": "commissioned",
            "subject": extra.pop("subject", f"技术开发 {seller.name}→{buyer.name}"),
            "seller": seller, "buyer": buyer, "turnover_yuan": Decimal(turnover),
            "signed_on": applied_on - dt.timedelta(days=5), "applied_on": applied_on}
    data.update(extra)
    return services.apply_contract(actor=actor, data=data, costs=list(costs))


_numbers = iter(range(1, 10**6))


def register(contract, actor, on):
    from kechuang.techmarket import services

    return services.register_contract(contract=contract, actor=actor, registered_on=on,
                                      registration_no=f"T{on.year}{next(_numbers):06d}")


@pytest.fixture
def office(users):
    return users["city_staff"]


@pytest.fixture
def plan(regions):
    from kechuang.plans.services import load_plan

    return load_plan()["plan"]
