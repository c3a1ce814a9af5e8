"""A snapshot run is audited as what it is: 生成月度指标快照 2025-10, not 新增 工作要点."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kechuang.audit import chain
from kechuang.audit.models import ChangeRecord
from kechuang.kpi import services

pytestmark = pytest.mark.django_db


def test_the_record_says_which_month_was_frozen(plan, users):
    services.take_snapshot(plan=plan, period_end=dt.date(2025, 10, 31), actor=users["city_staff"])
    services.take_snapshot(plan=plan, period_end=dt.date(2025, 10, 31), replace=True)
    first, second = ChangeRecord.objects.filter(object_id=str(plan.pk)).order_by("pk")
    assert first.reason == "生成月度指标快照 2025-10"
    assert second.reason.startswith("生成月度指标快照 2025-10（重新生成，替换原有 ")
    assert chain.verify()[2] is None  # still one unbroken chain


def test_the_audit_pages_name_the_snapshot_run(plan, users, client_for):
    services.take_snapshot(plan=plan, period_end=dt.date(2025, 9, 30))
    record = ChangeRecord.objects.get(object_id=str(plan.pk))
    client = client_for(users["auditor"])
    html = client.get(reverse("audit:change_list")).content.decode()
    assert f"生成月度指标快照 2025-09 · {plan.title}" in html and "指标月度快照" in html
    detail = client.get(reverse("audit:change_detail", args=[record.pk])).content.decode()
    assert "快照截止日" in detail and "快照行数" in detail
    assert "snapshot_period_end" not in detail and "replaced_rows" not in detail
