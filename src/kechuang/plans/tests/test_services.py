"""Loading the work plan from its data file."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from kechuang.core.errors import DomainError
from kechuang.plans.models import Action, Indicator, Plan, PlanTask
from kechuang.plans.services import load_plan

PLAN_FILE = Path(settings.KECHUANG_PLAN_FILE)


def test_plan_file_is_package_data():
    assert PLAN_FILE == Path(settings.BASE_DIR) / "plans" / "data" / "plan-2025.yaml"
    assert PLAN_FILE.exists()


@pytest.mark.django_db
def test_loads_the_eight_actions_tasks_and_indicators(regions):
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    result = load_plan(PLAN_FILE)
    plan = Plan.objects.get()
    assert result["plan"] == plan
    assert (plan.region.code, plan.year, plan.title) == ("140400", 2025, "长治市2025年科技工作要点")
    assert plan.aim.startswith("聚焦建设高水平国家创新型城市")
    assert plan.source == "plan-2025.yaml"
    assert list(plan.actions.values_list("number", flat=True)) == list(range(1, 9))
    assert PlanTask.objects.count() == sum(len(a["tasks"]) for a in data["actions"])
    assert Indicator.objects.count() == sum(len(a["indicators"]) for a in data["actions"])
    assert result["counties_missing"] == []
    assert result["stale"] == 0


@pytest.mark.django_db
def test_indicator_fields_follow_the_file(regions):
    load_plan(PLAN_FILE)
    ht = Indicator.objects.get(key="high_tech_recognized")
    assert (ht.target, ht.unit, ht.comparison, ht.source, ht.scope) == (
        Decimal("94"), "家", ">=", "enterprises", "city")
    assert ht.note == "按《省政府工作报告》量化任务分解"
    assert ht.action.number == 4
    relative = Indicator.objects.get(key="rd_intensity_vs_province")
    assert relative.target is None and relative.comparison == ">"
    assert relative.reference == "全省平均水平"
    county = Indicator.objects.get(key="county_fiscal_st_spending")
    assert (county.scope, county.direction, county.target) == ("county", "increase", None)
    turnover = Indicator.objects.get(key="tech_contract_turnover")
    assert (turnover.target, turnover.unit) == (Decimal("9"), "亿元")
    first_task = PlanTask.objects.filter(action__number=1).first()
    assert first_task.sort_order == 1 and "不对称创新战略" in first_task.text


@pytest.mark.django_db
def test_loading_twice_adds_nothing(regions):
    first = load_plan(PLAN_FILE)
    counts = [m.objects.count() for m in (Plan, Action, PlanTask, Indicator)]
    second = load_plan(PLAN_FILE)
    assert first["actions_created"] == 8 and first["indicators_created"] == counts[3]
    assert {k: v for k, v in second.items() if k.endswith("_created")} == {
        "plans_created": 0, "actions_created": 0, "tasks_created": 0, "indicators_created": 0}
    assert [m.objects.count() for m in (Plan, Action, PlanTask, Indicator)] == counts


@pytest.mark.django_db
def test_reload_updates_definitions_and_keeps_task_progress(regions, tmp_path):
    load_plan(PLAN_FILE)
    task = PlanTask.objects.filter(action__number=4).first()
    task.responsible_unit = "市科技局高新科"
    task.status = PlanTask.Status.IN_PROGRESS
    task.save()
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    data["actions"][3]["indicators"][0]["target"] = 100  # high_tech_recognized 94 → 100
    data["actions"][3]["name"] = "科技创新主体强化行动（修订）"
    changed = tmp_path / "plan-2025.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = load_plan(changed)
    assert result["indicators_created"] == 0
    assert Indicator.objects.get(key="high_tech_recognized").target == Decimal("100")
    assert Action.objects.get(number=4).name.endswith("（修订）")
    task.refresh_from_db()
    assert task.responsible_unit == "市科技局高新科" and task.status == "in_progress"


@pytest.mark.django_db
def test_indicator_moved_to_another_action_is_not_duplicated(regions, tmp_path):
    load_plan(PLAN_FILE)
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    moved = data["actions"][3]["indicators"].pop(0)
    data["actions"][4]["indicators"].append(moved)
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_plan(f)
    ind = Indicator.objects.get(key="high_tech_recognized")
    assert ind.action.number == 5


@pytest.mark.django_db
def test_duplicate_indicator_key_is_refused(regions, tmp_path):
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    data["actions"][1]["indicators"].append(dict(data["actions"][0]["indicators"][0]))
    f = tmp_path / "p.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DomainError, match="重复"):
        load_plan(f)
    assert not Plan.objects.exists()  # one transaction: nothing half-loaded


@pytest.mark.django_db
def test_plan_needs_its_region_loaded_first():
    with pytest.raises(DomainError, match="请先加载行政区划"):
        load_plan(PLAN_FILE)
