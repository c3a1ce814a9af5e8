"""Monthly snapshots: frozen figures, idempotent, audited, and "behind" warnings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_enterprise
from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import DomainError
from kechuang.kpi import services
from kechuang.kpi.models import IndicatorSnapshot
from kechuang.kpi.progress import Status
from kechuang.kpi.selectors import build_dashboard, snapshot_dashboard

pytestmark = pytest.mark.django_db
OCT = dt.date(2025, 10, 31)


def test_snapshot_freezes_the_figures_and_reproduces_the_dashboard(plan, regions, users,
                                                                    dated_metric):
    make_enterprise(regions["140403"], "甲", 501, established_on=dt.date(2025, 3, 1))
    result = services.take_snapshot(plan=plan, period_end=OCT, actor=users["city_staff"])
    assert not result.skipped
    n_indicators = plan.actions.values("indicators").count()
    assert result.rows == IndicatorSnapshot.objects.filter(plan=plan, period_end=OCT).count()
    assert IndicatorSnapshot.objects.filter(county__isnull=True).count() == n_indicators
    # records change afterwards: the live figure moves, the snapshot does not
    make_enterprise(regions["140403"], "乙", 502, established_on=dt.date(2025, 4, 1))
    live = build_dashboard(plan=plan, as_of=OCT).row("tech_sme_registered")
    frozen = snapshot_dashboard(plan=plan, period_end=OCT).row("tech_sme_registered")
    assert live.progress.value == 2 and frozen.progress.value == 1
    assert frozen.county(regions["140403"].pk).value == 1
    record = ChangeRecord.objects.filter(object_id=str(plan.pk)).latest("pk")
    assert record.actor_id == users["city_staff"].pk
    assert record.after["snapshot_period_end"] == "2025-10-31"


def test_a_second_snapshot_of_the_period_is_skipped_unless_replaced(plan, regions, users,
                                                                     dated_metric):
    services.take_snapshot(plan=plan, period_end=OCT)
    make_enterprise(regions["140403"], "甲", 503, established_on=dt.date(2025, 3, 1))
    again = services.take_snapshot(plan=plan, period_end=OCT)
    assert again.skipped
    assert snapshot_dashboard(plan=plan, period_end=OCT).row(
        "tech_sme_registered").progress.value == 0
    redone = services.take_snapshot(plan=plan, period_end=OCT, replace=True,
                                    actor=users["city_admin"])
    assert redone.replaced == again.rows and not redone.skipped
    assert snapshot_dashboard(plan=plan, period_end=OCT).row(
        "tech_sme_registered").progress.value == 1


def test_county_staff_cannot_take_snapshots(plan, users):
    with pytest.raises(PermissionDenied):
        services.take_snapshot(plan=plan, period_end=OCT, actor=users["county_a_staff"])


def test_period_outside_the_plan_year_is_refused(plan, users):
    with pytest.raises(DomainError, match="2025"):
        services.take_snapshot(plan=plan, period_end=dt.date(2026, 1, 31),
                               actor=users["city_staff"])


def test_county_staff_are_warned_once_when_an_indicator_turns_behind(plan, regions, users,
                                                                      dated_metric):
    from kechuang.notices.models import Notice
    from kechuang.plans.models import CountyAllocation, Indicator

    ind = Indicator.objects.get(action__plan=plan, key="tech_sme_registered")
    a, b = regions["140403"], regions["140423"]
    CountyAllocation.objects.create(indicator=ind, county=a, target=D(10))
    CountyAllocation.objects.create(indicator=ind, county=b, target=D(2))
    make_enterprise(b, "襄垣甲", 601, established_on=dt.date(2025, 1, 5))
    make_enterprise(b, "襄垣乙", 602, established_on=dt.date(2025, 1, 6))
    # 潞州区 has 0 of 10 by 30 June (expected ≈ 5): behind; 襄垣县 has achieved its 2
    first = services.take_snapshot(plan=plan, period_end=dt.date(2025, 6, 30))
    warned = Notice.objects.filter(recipient=users["county_a_staff"])
    assert first.warnings >= 1 and warned.count() == 1
    notice = warned.get()
    assert notice.level == "warning" and ind.name in notice.title and "潞州区" in notice.body
    assert not Notice.objects.filter(recipient=users["county_b_staff"],
                                     title__contains=ind.name).exists()
    # still behind a month later: no second warning for the same indicator
    services.take_snapshot(plan=plan, period_end=dt.date(2025, 7, 31))
    assert warned.count() == 1
    snap = IndicatorSnapshot.objects.get(indicator=ind, county=a, period_end=dt.date(2025, 7, 31))
    assert snap.status == Status.BEHIND


def test_scheduler_takes_last_months_snapshot_once(plan, dated_metric):
    [result] = services.take_due_snapshots(today=dt.date(2025, 11, 3))
    assert result.period_end == OCT and not result.skipped
    [again] = services.take_due_snapshots(today=dt.date(2025, 11, 20))
    assert again.skipped
    assert services.take_due_snapshots(today=dt.date(2027, 3, 1)) == []  # no 2027 plan
