"""The action-2 metrics: registered under the plan's indicator keys and counting the right
projects."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang import metrics
from kechuang.projects.models import Project
from kechuang.projects.tests import fixtures as fx

pytestmark = pytest.mark.django_db


def test_every_projects_indicator_of_the_plan_has_a_metric(regions):
    from kechuang.plans.models import Indicator
    from kechuang.plans.services import load_plan

    load_plan()
    keys = set(Indicator.objects.filter(action__number=2).values_list("key", flat=True))
    assert len(keys) == 6
    assert all(metrics.get(k) is not None for k in keys)


def _project(code, lead, *, year=2025, level="key_rd_project", carried=False, stage="running",
             partners=(), approved_on=dt.date(2025, 6, 1)):
    p = Project.objects.create(programme=fx.programme(level), code=code, title=code, year=year,
                               level=level, lead=lead, county=lead.county, pi_name="甲",
                               approved_on=approved_on, carried_over=carried, stage=stage)
    p.partners.set(partners)
    return p


def test_counts_by_kind_year_and_partner(enterprise_a, enterprise_b, county_a):
    from conftest import make_enterprise

    luan = make_enterprise(county_a, "潞安化工集团有限公司", 77)
    _project("A", enterprise_a, partners=[luan])
    _project("B", enterprise_b, level="basic_research")
    _project("C", enterprise_a, year=2024, level="major_project", carried=True,
             approved_on=dt.date(2024, 5, 1))
    _project("D", enterprise_a, year=2024, level="major_project", carried=True,
             stage="terminated", approved_on=dt.date(2024, 5, 1), partners=[luan])
    as_of = dt.date(2025, 12, 31)

    def value(key, county=None):
        return int(metrics.get(key).value(year=2025, as_of=as_of, county_id=county))

    assert value("rd_projects_total") == 2
    assert value("major_and_key_projects_new") == 1
    assert value("carryover_major_2024") == 1  # the terminated one does not count
    assert value("luan_cooperation_projects") == 1
    assert value("rd_projects_total", enterprise_b.county_id) == 1
    # dated by approval: nothing before June
    assert int(metrics.get("rd_projects_total").value(year=2025, as_of=dt.date(2025, 5, 31))) == 0
