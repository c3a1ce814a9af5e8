"""Fixtures: fiscal reports written through the services, private media in a temp dir."""

from __future__ import annotations

from decimal import Decimal

import pytest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="决算报告.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def file_report(actor, county, year, *, budget="1000", actual="1100", approve_by=None):
    from kechuang.rdinput import services

    r = services.submit_fiscal(actor=actor, data={
        "county": county, "year": year, "budget_wan": Decimal(budget),
        "actual_wan": None if actual is None else Decimal(actual),
        "document": f"{county.name}{year}年财政决算报告"}, files=[pdf()])
    if approve_by is not None:
        r = services.approve_fiscal(report=r, actor=approve_by)
    return r


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan(regions):
    from kechuang.plans.services import load_plan

    return load_plan()["plan"]
