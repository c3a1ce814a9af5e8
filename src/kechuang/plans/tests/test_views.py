from decimal import Decimal

import pytest
from django.conf import settings

from kechuang.audit.models import ChangeRecord
from kechuang.plans.models import CountyAllocation, Indicator, Plan, PlanTask
from kechuang.plans.services import load_plan


@pytest.mark.django_db
def test_plan_page_shows_the_eight_actions_and_targets(users, client_for, regions,
                                                       django_assert_max_num_queries):
    load_plan(path=settings.KECHUANG_PLAN_FILE)
    client = client_for(users["county_a_staff"])
    # 13: one of them is the second-factor check (does this user have an enrolled device?)
    with django_assert_max_num_queries(13):
        resp = client.get("/plan/")
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "长治市2025年科技工作要点" in body
    assert body.count('id="action-') == 8
    assert "高新技术企业认定" in body and "94" in body


@pytest.mark.django_db
def test_plan_page_without_a_plan_says_what_to_do(users, client_for, regions):
    """In the UI, not as a shell command: who can import one does it here, others are told."""
    html = client_for(users["city_staff"]).get("/plan/").content.decode()
    assert "manage.py" not in html
    assert "导入该年度的工作要点文本" in html and 'href="/plan/import/"' in html
    html = client_for(users["county_a_staff"]).get("/plan/?year=2024").content.decode()
    assert "2024年还没有工作要点。" in html and "工作要点由市科技局录入" in html
    assert "manage.py" not in html and 'href="/plan/import/"' not in html


# ---- editing pages --------------------------------------------------------------------------


@pytest.mark.django_db
def test_city_staff_see_edit_buttons_county_staff_do_not(users, client_for, plan):
    body = client_for(users["city_staff"]).get("/plan/").content.decode()
    assert f"/plan/{plan.pk}/edit/" in body and "复制到下一年度" in body
    assert "/allocations/edit/" in body
    body = client_for(users["county_a_staff"]).get("/plan/").content.decode()
    assert "/edit/" not in body and "复制到下一年度" not in body
    assert "/allocations/" in body  # read-only shares


@pytest.mark.django_db
def test_city_staff_edit_the_plan_thresholds(users, client_for, plan):
    client = client_for(users["city_staff"])
    url = f"/plan/{plan.pk}/edit/"
    resp = client.post(url, {"title": plan.title, "aim": "", "on_track_ratio": "0.7",
                             "at_risk_ratio": "0.9"})
    assert resp.status_code == 200 and "阈值须满足" in resp.content.decode()
    resp = client.post(url, {"title": plan.title, "aim": "新的总体要求",
                             "on_track_ratio": "0.95", "at_risk_ratio": "0.75",
                             "zone_attribution": "host"})
    assert resp.status_code == 302
    plan.refresh_from_db()
    assert (plan.aim, plan.on_track_ratio) == ("新的总体要求", Decimal("0.95"))


@pytest.mark.django_db
def test_city_staff_set_where_zone_enterprises_count_and_it_is_audited(users, client_for,
                                                                       plan):
    """The plan's zone setting is edited in its settings form, audited, and shown."""
    from kechuang.plans.selectors import allocation_counties

    client = client_for(users["city_staff"])
    assert plan.zone_attribution == Plan.ZoneAttribution.HOST
    names = [c.name for c in allocation_counties(user=users["city_staff"], plan=plan)]
    assert len(names) == 12 and "长治高新区" not in names
    resp = client.post(f"/plan/{plan.pk}/edit/", {
        "title": plan.title, "aim": "", "on_track_ratio": "0.9", "at_risk_ratio": "0.7",
        "zone_attribution": "zone"})
    assert resp.status_code == 302
    plan.refresh_from_db()
    assert plan.zone_attribution == Plan.ZoneAttribution.ZONE
    record = ChangeRecord.objects.filter(action="update", object_id=str(plan.pk)).get()
    assert (record.before["zone_attribution"], record.after["zone_attribution"]) == ("host", "zone")
    names = [c.name for c in allocation_counties(user=users["city_staff"], plan=plan)]
    assert len(names) == 13 and names[-1] == "长治高新区"
    page = client.get(f"/plan/?year={plan.year}").content.decode()
    assert "功能区单列为一个县区单位" in page


@pytest.mark.django_db
def test_the_zone_cannot_go_back_under_its_host_while_it_has_its_own_shares(users, plan,
                                                                            high_tech):
    """Counting the zone under 潞州区 again would drop its share out of the county table."""
    from kechuang.core.errors import DomainError
    from kechuang.plans import services
    from kechuang.regions.models import Region

    services.update_plan(plan=plan, actor=users["city_staff"], data={"zone_attribution": "zone"})
    zone = Region.objects.get(code="140471")
    counties = services.allocation_counties(plan)
    shares = {c.pk: Decimal(0) for c in counties}
    shares[zone.pk] = high_tech.target
    services.set_allocations(indicator=high_tech, shares=shares, actor=users["city_staff"])
    with pytest.raises(DomainError, match="长治高新区已有单独的任务分解"):
        services.update_plan(plan=plan, actor=users["city_staff"],
                             data={"zone_attribution": "host"})
    plan.refresh_from_db()
    assert plan.zone_attribution == "zone"


@pytest.mark.django_db
def test_task_edit_sets_status_and_is_audited(users, client_for, plan):
    task = PlanTask.objects.filter(action__plan=plan).first()
    resp = client_for(users["city_staff"]).post(f"/plan/tasks/{task.pk}/edit/", {
        "text": task.text, "responsible_unit": "市科技局", "due_date": "2025-09-30",
        "status": "in_progress"})
    assert resp.status_code == 302
    task.refresh_from_db()
    assert task.status == "in_progress" and str(task.due_date) == "2025-09-30"
    assert ChangeRecord.objects.filter(action="update").count() == 1


@pytest.mark.django_db
def test_indicator_add_and_delete_pages(users, client_for, plan):
    client = client_for(users["city_staff"])
    action = plan.actions.get(number=2)
    resp = client.post(f"/plan/actions/{action.pk}/indicators/add/", {
        "key": "new_one", "name": "新增指标", "unit": "项", "target": "3",
        "comparison": ">=", "scope": "city", "source": "projects", "metric": ""})
    assert resp.status_code == 302, resp.content.decode()
    ind = Indicator.objects.get(key="new_one")
    assert ind.action == action and ind.target == 3
    resp = client.post(f"/plan/actions/{action.pk}/indicators/add/", {
        "key": "new_one", "name": "重复", "unit": "项", "target": "3",
        "comparison": ">=", "scope": "city", "source": "projects", "metric": ""})
    assert "已使用" in resp.content.decode()
    assert client.get(f"/plan/indicators/{ind.pk}/delete/").status_code == 200
    assert client.post(f"/plan/indicators/{ind.pk}/delete/").status_code == 302
    assert not Indicator.objects.filter(key="new_one").exists()


@pytest.mark.django_db
def test_county_staff_get_403_on_every_edit(users, client_for, plan, high_tech):
    client = client_for(users["county_a_staff"])
    action = plan.actions.first()
    task = PlanTask.objects.filter(action=action).first()
    for url in (f"/plan/{plan.pk}/edit/", f"/plan/{plan.pk}/copy/", "/plan/import/",
                f"/plan/actions/{action.pk}/edit/", f"/plan/actions/{action.pk}/tasks/add/",
                f"/plan/tasks/{task.pk}/edit/", f"/plan/tasks/{task.pk}/delete/",
                f"/plan/actions/{action.pk}/indicators/add/",
                f"/plan/indicators/{high_tech.pk}/edit/",
                f"/plan/indicators/{high_tech.pk}/delete/",
                f"/plan/indicators/{high_tech.pk}/allocations/edit/"):
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url
    assert not ChangeRecord.objects.exists()


@pytest.mark.django_db
def test_copy_page_copies_after_confirmation(users, client_for, plan):
    client = client_for(users["city_admin"])
    resp = client.get(f"/plan/{plan.pk}/copy/")
    assert 'value="2026"' in resp.content.decode()
    resp = client.post(f"/plan/{plan.pk}/copy/", {"year": "2026"})
    assert resp.status_code == 302 and resp["Location"].endswith("year=2026")
    assert Plan.objects.filter(year=2026).exists()
    resp = client.post(f"/plan/{plan.pk}/copy/", {"year": "2026"})
    assert "2026年度的工作要点已存在" in resp.content.decode()


# ---- allocation pages -----------------------------------------------------------------------


def _shares_post(counties, values):
    return {f"county_{c.pk}": str(v) for c, v in zip(counties, values, strict=True)}


@pytest.mark.django_db
def test_allocation_page_saves_exact_shares_and_shows_the_gap(users, client_for, plan,
                                                             high_tech):
    from kechuang.plans.services import allocation_counties

    counties = list(allocation_counties(plan))
    client = client_for(users["city_staff"])
    url = f"/plan/indicators/{high_tech.pk}/allocations/edit/"
    body = client.get(url).content.decode()
    assert body.count("data-county=") == 12 and "按上年实绩比例建议" in body
    resp = client.post(url, _shares_post(counties, [8] * 11 + [5]) | {"save": ""})
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "各县区分解合计 93，与全市目标 94 相差 1" in body
    assert not CountyAllocation.objects.exists()
    resp = client.post(url, _shares_post(counties, [8] * 11 + [6]) | {"save": ""})
    assert resp.status_code == 302
    assert CountyAllocation.objects.count() == 12


@pytest.mark.django_db
def test_allocation_proposal_fills_the_form_and_saves_nothing(users, client_for, plan,
                                                            high_tech):
    client = client_for(users["city_staff"])
    url = f"/plan/indicators/{high_tech.pk}/allocations/edit/"
    resp = client.post(url, {"propose": "1"})
    body = resp.content.decode()
    assert resp.status_code == 200 and 'data-testid="proposal-basis"' in body
    assert "平均分配" in body or "实绩比例" in body
    assert 'value="8"' in body and 'value="7"' in body
    assert not CountyAllocation.objects.exists()


@pytest.mark.django_db
def test_county_staff_read_their_own_share(users, client_for, plan, high_tech, county_a,
                                          county_b):
    from kechuang.plans.services import set_allocations

    set_allocations(indicator=high_tech, actor=users["city_staff"],
                    shares={county_a.pk: Decimal(60), county_b.pk: Decimal(34)})
    body = client_for(users["county_a_staff"]).get(
        f"/plan/indicators/{high_tech.pk}/allocations/").content.decode()
    assert 'data-county="140403" class="table-primary"' in body
    assert 'data-county="140423"' not in body
    assert "合计" not in body  # a sum over one's own row would mislead
