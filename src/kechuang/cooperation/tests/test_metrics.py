"""Action 7's figures as of a date match direct counts; county totals add up to the city."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang import metrics
from kechuang.cooperation import services
from kechuang.cooperation.models import Achievement, CooperationProject, Talent
from kechuang.cooperation.tests.conftest import achievement, project, talent

D = dt.date
pytestmark = pytest.mark.django_db
KEYS = ("university_cooperation_projects", "cooperation_projects_on_schedule",
        "talent_teams_introduced", "young_talents", "achievements_transferred")


@pytest.fixture
def book(office, county_a, county_b, enterprise_a, enterprise_b, plan):
    p1 = project(office, county_a, [enterprise_a], name="甲", agreement_on=D(2023, 4, 1))
    project(office, county_b, [enterprise_b], name="乙", agreement_on=D(2025, 5, 1))
    project(office, county_b, [enterprise_b], name="丙", agreement_on=D(2024, 1, 1),
            status="ended", ended_on=D(2025, 3, 1))
    project(office, county_a, [enterprise_a], name="丁", provincial=False,
            agreement_on=D(2024, 2, 1))
    services.add_milestone(project=p1, actor=office, data={"title": "挂牌",
                                                           "due_on": D(2025, 6, 1)})
    talent(office, enterprise_a, category="team", started_on=D(2025, 2, 1))
    talent(office, enterprise_b, category="leader", started_on=D(2025, 7, 1))
    talent(office, enterprise_b, category="leader", started_on=D(2024, 7, 1))
    talent(office, enterprise_a, category="young", started_on=D(2025, 3, 1), mode="full_time")
    talent(office, enterprise_b, category="young", started_on=D(2025, 9, 1), mode="cultivated")
    achievement(office, enterprise_a, transferred_on=D(2025, 1, 5))
    achievement(office, enterprise_b, transferred_on=D(2025, 8, 5), title="二")
    achievement(office, enterprise_b, transferred_on=D(2024, 8, 5), title="三")


@pytest.fixture
def plan(regions):
    from kechuang.plans.services import load_plan

    return load_plan()["plan"]


def _direct(key, on):
    y0 = D(on.year, 1, 1)
    if key == "university_cooperation_projects":
        return sum(1 for p in CooperationProject.objects.filter(provincial=True)
                   if p.agreement_on <= on and (p.ended_on is None or p.ended_on > on))
    if key == "cooperation_projects_on_schedule":
        return sum(1 for p in CooperationProject.objects.all()
                   if p.agreement_on <= on and (p.ended_on is None or p.ended_on > on)
                   and not any(m.due_on < on and (m.done_on is None or m.done_on > on)
                               for m in p.milestones.all()))
    if key == "talent_teams_introduced":
        return Talent.objects.filter(category__in=("team", "leader"), started_on__gte=y0,
                                     started_on__lte=on).count()
    if key == "young_talents":
        return Talent.objects.filter(category="young", started_on__gte=y0,
                                     started_on__lte=on).count()
    return Achievement.objects.filter(transferred_on__gte=y0, transferred_on__lte=on).count()


@pytest.mark.parametrize("on", [D(2025, 2, 15), D(2025, 6, 30), D(2025, 12, 31)])
def test_counts_as_of_a_date_match_direct_counts_and_counties_add_up(book, on):
    for key in KEYS:
        m = metrics.get(key)
        city = m.value(year=2025, as_of=on)
        assert city == _direct(key, on), (key, on)
        figures = m.figures(year=2025, as_of=on)
        assert sum(figures.counties.values(), Decimal(0)) == city == figures.city, key


def test_specific_values(book):
    v = {k: metrics.get(k).value(year=2025, as_of=D(2025, 6, 30)) for k in KEYS}
    # 甲 standing, 乙 from May, 丙 ended in March; 丁 is not provincial
    assert v["university_cooperation_projects"] == 2
    # 甲's milestone due 1 June is overdue on 30 June; 乙 and 丁 are on schedule
    assert v["cooperation_projects_on_schedule"] == 2
    assert v["talent_teams_introduced"] == 1 and v["young_talents"] == 1
    assert v["achievements_transferred"] == 1


def test_plan_indicators_have_metrics():
    for key in ("university_cooperation_projects", "talent_teams_introduced", "young_talents",
                "achievements_transferred"):
        assert metrics.get(key) is not None


def test_drill_down_pages_list_the_records(book, client_for, users):
    from django.urls import reverse

    from kechuang.plans.models import Indicator

    client = client_for(users["city_staff"])
    for key in ("university_cooperation_projects", "talent_teams_introduced", "young_talents",
                "achievements_transferred"):
        ind = Indicator.objects.get(key=key, action__plan__year=2025)
        resp = client.get(reverse("kpi:indicator_detail", args=[ind.pk]),
                          {"as_of": "2025-12-31"})
        assert resp.status_code == 200, key
    ind = Indicator.objects.get(key="talent_teams_introduced", action__plan__year=2025)
    page = client.get(reverse("kpi:indicator_detail", args=[ind.pk]),
                      {"as_of": "2025-12-31"}).content.decode()
    assert "光电创新团队" in page and "张明" not in page  # no personal data in the drill-down
