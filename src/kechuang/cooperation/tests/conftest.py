"""Fixtures: cooperation records written through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

D = dt.date


def pdf(name="验收报告.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def project(actor, county, partners, *, name="示范联合实验室", agreement_on=dt.date(2024, 5, 1),
            provincial=True, **extra):
    from kechuang.cooperation import services

    data = {"name": name, "kind": "joint_lab", "partner_name": "北京大学", "county": county,
            "agreement_on": agreement_on, "provincial": provincial, "status": "building"}
    data.update(extra)
    return services.create_project(actor=actor, data=data, local_partners=partners)


def talent(actor, host, *, category="leader", started_on=dt.date(2025, 3, 1), name="张明",
           **extra):
    from kechuang.cooperation import services

    data = {"category": category, "mode": "part_time", "name": name, "host": host,
            "field": "光电材料", "started_on": started_on,
            "team_name": "光电创新团队" if category == "team" else "",
            "members": 6 if category == "team" else 1}
    data.update(extra)
    return services.create_talent(actor=actor, data=data)


def achievement(actor, receiver, *, transferred_on=dt.date(2025, 4, 1), title="催化剂制备技术",
                **extra):
    from kechuang.cooperation import services

    data = {"title": title, "source": "山西大学", "receiver": receiver, "mode": "licence",
            "amount_yuan": Decimal("500000.00"), "transferred_on": transferred_on}
    data.update(extra)
    return services.create_achievement(actor=actor, data=data)


@pytest.fixture
def office(users):
    return users["city_staff"]
