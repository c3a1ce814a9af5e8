"""Fixtures: the 2025 plan's reported indicators and values in county A, county B and the city."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

# Indicators these tests submit as reported values. A module may count them from records
# (rdinput counts county fiscal spending and the R&D intensity); the bureau's choice of the
# official statistic (SourceOverride) keeps them reported, which is what is tested here.
AS_REPORTED = ("county_fiscal_st_spending", "rd_intensity", "rd_intensity_vs_province")


def keep_reported(keys=AS_REPORTED):
    """Set the bureau's official-statistic choice on ``keys`` that a module counts, so tests
    of reported values can still submit them."""
    from kechuang.plans.models import Indicator
    from kechuang.reported.models import SourceOverride, has_live_source

    for ind in Indicator.objects.filter(key__in=keys):
        if has_live_source(ind):
            SourceOverride.objects.get_or_create(indicator=ind, defaults={
                "use_reported": True, "reason": "以统计、财政部门公布数为准"})


@pytest.fixture
def plan(regions):
    from kechuang.plans.services import load_plan

    plan = load_plan()["plan"]
    keep_reported()
    return plan


@pytest.fixture
def indicators(plan):
    from kechuang.plans.models import Indicator

    return {i.key: i for i in Indicator.objects.filter(action__plan=plan)}


def make_value(indicator, submitted_by, *, county=None, period_end=dt.date(2025, 6, 30),
               value="10", status="submitted", reviewed_by=None, note="", **extra):
    """A row written directly (no service): for fixtures of lists and selectors."""
    from django.utils import timezone

    from kechuang.reported.models import ReportedValue

    return ReportedValue.objects.create(
        indicator=indicator, county=county, period_end=period_end, value=Decimal(value),
        status=status, submitted_by=submitted_by, reviewed_by=reviewed_by, note=note,
        reviewed_at=timezone.now() if reviewed_by else None, **extra)


@pytest.fixture
def values(users, indicators, county_a, county_b):
    """One submitted value per place: county A, county B (county fiscal spending), city."""
    ind = indicators["county_fiscal_st_spending"]
    return {
        "a": make_value(ind, users["county_a_staff"], county=county_a, note="甲县区数值"),
        "b": make_value(ind, users["county_b_staff"], county=county_b, note="乙县区数值"),
        "city": make_value(indicators["rd_intensity"], users["city_admin"], value="2.3",
                           note="全市数值"),
    }


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf_file(name="统计公报.pdf", content=PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def uncounted():
    """Every indicator of the 2025 plan now has a module counting it; tests of an indicator
    no module counts (it takes reported values) set that indicator's metric aside with
    ``uncounted("vouchers_redeemed", …)`` — put back after the test."""
    from kechuang import metrics

    taken = []

    def set_aside(*keys: str) -> None:
        for key in keys:
            metric = metrics.get(key)
            if metric is not None:
                metrics.unregister(key)
                taken.append(metric)

    yield set_aside
    for metric in taken:
        metrics.register(metric)


@pytest.fixture
def reform_reported(uncounted):
    """改革措施落实 (counted by supervision.metrics) as the city-level indicator without a
    module, taking reported values."""
    uncounted("reform_measures_done")


@pytest.fixture
def vouchers_reported(uncounted):
    """科技创新券兑付 (counted by vouchers.metrics) as an indicator without a module."""
    uncounted("vouchers_redeemed")
