"""Fixtures: records written directly (no service) for lists and figures; files; the plan."""

from __future__ import annotations

import datetime as dt

import pytest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_file(name="入库通知.pdf", content=PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_registration(enterprise, year=2025, registered_on=None, status="registered", **kw):
    from kechuang.cultivation.models import TechSmeRegistration

    n = TechSmeRegistration.objects.count() + 1
    return TechSmeRegistration.objects.create(
        enterprise=enterprise, year=year, status=status,
        registration_no=kw.pop("registration_no", f"{year}140403A{n:07d}"),
        registered_on=registered_on or dt.date(year, 4, 15), **kw)


def make_certificate(enterprise, issued_on=dt.date(2025, 11, 20), kind="new",
                     status="valid", **kw):
    from kechuang.cultivation.models import HighTechCertificate, certificate_expiry

    n = HighTechCertificate.objects.count() + 1
    return HighTechCertificate.objects.create(
        enterprise=enterprise, issued_on=issued_on, expires_on=certificate_expiry(issued_on),
        certificate_no=kw.pop("certificate_no", f"GR{issued_on.year}14{n:06d}"), kind=kind,
        status=status, **kw)


def make_leader(enterprise, year=2025, designated_on=None, **kw):
    from kechuang.cultivation.models import LeaderDesignation

    return LeaderDesignation.objects.create(
        enterprise=enterprise, year=year, designated_on=designated_on or dt.date(year, 9, 1),
        document_no=kw.pop("document_no", f"长科发〔{year}〕1号"), **kw)


@pytest.fixture
def plan(regions):
    from kechuang.plans.services import load_plan

    return load_plan()["plan"]


@pytest.fixture
def records(enterprise_a, enterprise_b):
    """One registration, certificate and leader designation in county A, one of each in B."""
    return {
        "reg_a": make_registration(enterprise_a, registration_no="2025140403A0000001"),
        "reg_b": make_registration(enterprise_b, registration_no="2025140423A0000002"),
        "cert_a": make_certificate(enterprise_a, certificate_no="GR202514000101"),
        "cert_b": make_certificate(enterprise_b, certificate_no="GR202514000202"),
        "leader_a": make_leader(enterprise_a, document_no="长科发〔2025〕甲号"),
        "leader_b": make_leader(enterprise_b, document_no="长科发〔2025〕乙号"),
    }
