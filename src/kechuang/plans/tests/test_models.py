"""Plan invariants and who may see the plan."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kechuang.accounts.scoping import can
from kechuang.plans.models import Action, Indicator, Plan, PlanTask
from kechuang.plans.services import load_plan


@pytest.fixture
def plan(regions):
    return load_plan()["plan"]


@pytest.mark.django_db
def test_one_plan_per_region_and_year(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(region=plan.region, year=plan.year, title="重复")


@pytest.mark.django_db
def test_indicator_needs_a_target_a_direction_or_a_reference(plan):
    action = plan.actions.first()
    ind = Indicator(action=action, key="x_y", name="测试", unit="项")
    with pytest.raises(ValidationError):
        ind.full_clean()
    ind.direction = Indicator.Direction.INCREASE
    ind.full_clean()


@pytest.mark.django_db
def test_indicator_comparison_is_one_of_three(plan):
    ind = Indicator(action=plan.actions.first(), key="x", name="测试", target=1, comparison="<")
    with pytest.raises(ValidationError) as err:
        ind.full_clean()
    assert "comparison" in err.value.message_dict


@pytest.mark.django_db
def test_city_roles_manage_the_plan_county_staff_only_read(users, plan):
    for name in ("city_admin", "city_staff"):
        for model in (Plan, Action, PlanTask, Indicator):
            assert can(users[name], "change", model)
            assert model.objects.restrict(users[name], "view").count() == model.objects.count()
    for name in ("county_a_staff", "county_b_staff"):
        u = users[name]
        assert can(u, "view", Plan) and not can(u, "change", Plan)
        assert not can(u, "change", PlanTask) and not can(u, "export", Indicator)
        assert list(Plan.objects.restrict(u, "view")) == [plan]
        assert Indicator.objects.restrict(u, "view").count() == Indicator.objects.count()
        assert PlanTask.objects.restrict(u, "view").count() == PlanTask.objects.count()


@pytest.mark.django_db
def test_other_roles_do_not_see_the_plan(users, plan):
    for name in ("enterprise_a_user", "expert", "provider", "auditor"):
        for model in (Plan, Action, PlanTask, Indicator):
            assert not can(users[name], "view", model)
            assert not model.objects.restrict(users[name], "view").exists()


@pytest.mark.django_db
def test_county_staff_of_another_city_do_not_see_this_plan(users, plan, tmp_path):
    from kechuang.orgs.services import load_city
    from kechuang.regions.models import Region

    f = tmp_path / "jincheng.yaml"
    f.write_text("province: {code: '140000', name: 山西省}\ncity: {code: '140500', name: 晋城市}\n"
                 "counties:\n  - {code: '140502', name: 城区, kind: district}\n", encoding="utf-8")
    load_city(path=f)
    clerk = users["county_a_staff"]
    clerk.county = Region.objects.get(code="140502")
    assert not Plan.objects.restrict(clerk, "view").exists()
