"""Editing the plan through its services: audited, validated, city roles only."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import DomainError
from kechuang.plans import services
from kechuang.plans.models import CountyAllocation, Indicator, Plan, PlanTask

from .conftest import records_for


@pytest.mark.django_db
def test_update_plan_records_before_and_after(users, plan):
    actor = users["city_staff"]
    services.update_plan(plan=plan, actor=actor, data={
        "title": "长治市2025年科技工作要点（修订）", "on_track_ratio": Decimal("0.95"),
        "region": None})  # fields outside the edit set are ignored
    rec = records_for(plan).get()
    assert rec.action == "update" and rec.actor == actor
    assert rec.before["title"] == "长治市2025年科技工作要点"
    assert rec.after["title"].endswith("（修订）")
    assert Decimal(rec.before["on_track_ratio"]) == Decimal("0.90")
    assert Decimal(rec.after["on_track_ratio"]) == Decimal("0.95")
    plan.refresh_from_db()
    assert plan.region.code == "140400"


@pytest.mark.django_db
@pytest.mark.parametrize(("on_track", "at_risk", "ok"), [
    ("0.90", "0.70", True), ("0.80", "0.80", True), ("1", "0.5", True),
    ("0.70", "0.90", False), ("1.1", "0.5", False), ("0.90", "0", False),
])
def test_thresholds_must_be_ordered(users, plan, on_track, at_risk, ok):
    data = {"on_track_ratio": Decimal(on_track), "at_risk_ratio": Decimal(at_risk)}
    if ok:
        services.update_plan(plan=plan, actor=users["city_staff"], data=data)
        return
    with pytest.raises(ValidationError) as err:
        services.update_plan(plan=plan, actor=users["city_staff"], data=data)
    assert "阈值须满足" in str(err.value)
    assert not records_for(plan).exists()


@pytest.mark.django_db
def test_county_staff_cannot_edit_the_plan(users, plan):
    with pytest.raises(PermissionDenied):
        services.update_plan(plan=plan, actor=users["county_a_staff"], data={"title": "x"})
    task = PlanTask.objects.first()
    with pytest.raises(PermissionDenied):
        services.update_task(task=task, actor=users["county_a_staff"], data={"status": "done"})
    assert not ChangeRecord.objects.exists()


@pytest.mark.django_db
def test_task_add_edit_status_delete_are_audited(users, plan):
    actor = users["city_staff"]
    action = plan.actions.get(number=1)
    n = action.tasks.count()
    task = services.create_task(action=action, actor=actor, data={
        "text": "新任务", "responsible_unit": "市科技局", "due_date": date(2025, 6, 30)})
    assert task.sort_order == n + 1
    services.update_task(task=task, actor=actor, data={"status": "in_progress"})
    task.refresh_from_db()
    assert task.status == "in_progress"
    services.delete_task(task=task, actor=actor)
    assert not PlanTask.objects.filter(pk=task.pk).exists()
    assert list(records_for(task).order_by("pk").values_list("action", flat=True)) == [
        "create", "update", "delete"]
    update = records_for(task).get(action="update")
    assert (update.before["status"], update.after["status"]) == ("", "in_progress")


@pytest.mark.django_db
def test_indicator_metric_binding_is_checked_against_the_registry(users, plan, stub_metric):
    actor = users["city_staff"]
    action = plan.actions.get(number=4)
    with pytest.raises(DomainError, match="计算口径“nope”不存在"):
        services.create_indicator(action=action, actor=actor, data={
            "key": "x_new", "name": "新指标", "target": Decimal(5), "metric": "nope"})
    stub_metric("test_bound", {})
    ind = services.create_indicator(action=action, actor=actor, data={
        "key": "x_new", "name": "新指标", "unit": "家", "target": Decimal(5),
        "metric": "test_bound"})
    assert ind.metric_key == "test_bound"
    assert records_for(ind).get().action == "create"


@pytest.mark.django_db
def test_indicator_key_is_unique_in_the_plan(users, plan):
    other_action = plan.actions.get(number=1)
    with pytest.raises(DomainError, match="已使用") as err:
        services.create_indicator(action=other_action, actor=users["city_staff"], data={
            "key": "high_tech_recognized", "name": "重复", "target": Decimal(1)})
    assert err.value.field == "key"


@pytest.mark.django_db
def test_reference_value_of_a_relative_target(users, plan):
    ind = Indicator.objects.get(key="rd_intensity_vs_province")
    services.update_indicator(indicator=ind, actor=users["city_staff"], data={
        "reference_value": Decimal("1.21"), "reference_value_note": "山西省统计局 2024年公报"})
    ind.refresh_from_db()
    assert ind.reference_value == Decimal("1.21")
    rec = records_for(ind).get()
    assert rec.before["reference_value"] is None
    assert Decimal(rec.after["reference_value"]) == Decimal("1.21")


@pytest.mark.django_db
def test_deleting_an_indicator_audits_its_shares(users, plan, high_tech, county_a, county_b):
    actor = users["city_staff"]
    services.set_allocations(indicator=high_tech, actor=actor,
                             shares={county_a.pk: Decimal(50), county_b.pk: Decimal(44)})
    shares = list(high_tech.allocations.all())
    services.delete_indicator(indicator=high_tech, actor=actor)
    assert not CountyAllocation.objects.exists()
    for share in shares:
        assert records_for(share).filter(action="delete").exists()
    assert records_for(high_tech).filter(action="delete").exists()


@pytest.mark.django_db
def test_an_indicator_with_frozen_figures_cannot_be_deleted(users, plan, high_tech):
    from kechuang.kpi.services import take_snapshot

    take_snapshot(plan=plan, period_end=date(2025, 10, 31))
    with pytest.raises(DomainError, match="月度快照"):
        services.delete_indicator(indicator=high_tech, actor=users["city_staff"])
    assert Indicator.objects.filter(pk=high_tech.pk).exists()


# ---- copy -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_copy_plan_to_next_year(users, plan, high_tech, county_a, county_b):
    actor = users["city_admin"]
    task = PlanTask.objects.filter(action__plan=plan).first()
    services.update_task(task=task, actor=actor, data={
        "status": "done", "responsible_unit": "高新科", "due_date": date(2025, 2, 28)})
    services.set_allocations(indicator=high_tech, actor=actor,
                             shares={county_a.pk: Decimal(50), county_b.pk: Decimal(44)})
    before = ChangeRecord.objects.count()

    new = services.copy_plan(plan=plan, year=2026, actor=actor)

    assert (new.year, new.region_id, new.title) == (2026, plan.region_id,
                                                      "长治市2026年科技工作要点")
    assert new.actions.count() == 8
    assert PlanTask.objects.filter(action__plan=new).count() == \
        PlanTask.objects.filter(action__plan=plan).count()
    assert Indicator.objects.filter(action__plan=new).count() == \
        Indicator.objects.filter(action__plan=plan).count()
    copied = PlanTask.objects.get(action__plan=new, action__number=task.action.number,
                                  sort_order=task.sort_order)
    assert (copied.status, copied.responsible_unit, copied.due_date) == (
        "", "高新科", date(2026, 2, 28))
    ht = Indicator.objects.get(action__plan=new, key="high_tech_recognized")
    assert ht.target == Decimal(94)
    assert dict(ht.allocations.values_list("county_id", "target")) == {
        county_a.pk: Decimal(50), county_b.pk: Decimal(44)}
    created = ChangeRecord.objects.count() - before
    rows = (1 + 8 + PlanTask.objects.filter(action__plan=new).count()
            + Indicator.objects.filter(action__plan=new).count() + 2)
    assert created == rows
    assert records_for(new).get().action == "create"


@pytest.mark.django_db
def test_copy_refuses_a_year_that_has_a_plan(users, plan):
    services.copy_plan(plan=plan, year=2026, actor=users["city_staff"])
    n = Plan.objects.count()
    with pytest.raises(DomainError, match="2026年度的工作要点已存在"):
        services.copy_plan(plan=plan, year=2026, actor=users["city_staff"])
    assert Plan.objects.count() == n


@pytest.mark.django_db
def test_county_staff_cannot_copy(users, plan):
    with pytest.raises(PermissionDenied):
        services.copy_plan(plan=plan, year=2026, actor=users["county_a_staff"])
