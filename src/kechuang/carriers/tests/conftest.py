"""Fixtures: platforms written through the services (the bureau registers them)."""

from __future__ import annotations

import datetime as dt

import pytest


def kind(code):
    from kechuang.carriers.models import PlatformKind
    from kechuang.carriers.services import ensure_kinds

    ensure_kinds()  # a transactional test's flush removes the migration's rows
    return PlatformKind.objects.get(code=code)


def make_platform(actor, host, *, name=None, kind_code="key_lab", level="", on=None,
                  established_on=dt.date(2020, 1, 1), **extra):
    from kechuang.carriers import services

    data = {"name": name or f"{host.name}{kind(kind_code).name}", "kind": kind(kind_code),
            "lead_host": host, "established_on": established_on, **extra}
    rec = {"level": level, "recognised_on": on or established_on,
           "document_no": "晋科发〔2024〕1号", "issuer": "山西省科学技术厅"} if level else None
    return services.create_platform(actor=actor, data=data, recognition=rec)


@pytest.fixture
def bureau(users):
    return users["city_staff"]


@pytest.fixture
def plan(regions):
    from kechuang.plans.services import load_plan

    return load_plan()["plan"]
