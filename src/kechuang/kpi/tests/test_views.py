"""Dashboard pages: who sees what, county landing, drill-down to records, export, snapshots."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from conftest import make_enterprise
from kechuang import metrics as registry
from kechuang.kpi.models import IndicatorSnapshot
from kechuang.plans.models import Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def founded(regions, dated_metric):
    make_enterprise(regions["140403"], "潞州新企业", 701, established_on=dt.date(2025, 2, 1))
    make_enterprise(regions["140423"], "襄垣新企业", 702, established_on=dt.date(2025, 3, 1))


def test_bureau_staff_land_on_the_dashboard(client_for, users, plan, enterprise_a,
                                            enterprise_b):
    response = client_for(users["city_staff"]).get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"] == reverse("kpi:dashboard")
    # an enterprise user stays on its own workbench: its enterprise, not the plan's dashboard
    page = client_for(users["enterprise_a_user"]).get(reverse("web:home"))
    html = page.content.decode()
    assert page.status_code == 200 and enterprise_a.name in html
    assert enterprise_b.name not in html and 'data-testid="action-card"' not in html


def test_city_dashboard_shows_eight_actions_and_the_ranking(client_for, users, plan, founded):
    html = client_for(users["city_staff"]).get(
        reverse("kpi:dashboard"), {"as_of": "2025-10-31"}).content.decode()
    assert html.count('data-testid="action-card"') == 8
    assert "县区排名" in html and "统计截至 2025年10月31日" in html
    # every figure says where it comes from: counted from records, or reported and approved
    assert html.count('data-testid="figure-source"') == 26
    # as many counted figures as the plan has indicators with a registered metric
    counted = sum(registry.get(i.metric_key) is not None
                  for i in Indicator.objects.filter(action__plan=plan))
    assert counted >= 6  # the enterprise register's, cultivation's, and the modules' since
    assert html.count('data-kind="metric"') == counted
    assert html.count('data-kind="reported"') == 26 - counted
    assert "暂无数据来源" not in html  # an indicator without a module takes reported values
    assert 'data-key="tech_sme_registered"' in html


def test_county_staff_see_their_county_view(client_for, users, plan, founded):
    html = client_for(users["county_a_staff"]).get(
        reverse("kpi:dashboard"), {"county": "999"}).content.decode()
    assert "潞州区 · 长治市2025年科技工作要点" in html
    assert 'name="county"' not in html  # no county picker for county staff


def test_drill_down_lists_the_records_in_the_users_scope(client_for, users, plan, founded):
    ind = Indicator.objects.get(key="tech_sme_registered")
    url = reverse("kpi:indicator_detail", kwargs={"pk": ind.pk})
    city = client_for(users["city_staff"]).get(url, {"as_of": "2025-12-31"}).content.decode()
    assert "潞州新企业" in city and "襄垣新企业" in city and 'id="line-chart"' in city
    county = client_for(users["county_b_staff"]).get(url, {"as_of": "2025-12-31"})
    html = county.content.decode()
    assert "襄垣新企业" in html and "潞州新企业" not in html
    early = client_for(users["city_staff"]).get(url, {"as_of": "2025-02-15"}).content.decode()
    assert "潞州新企业" in early and "襄垣新企业" not in early


def test_records_export_holds_only_the_county_rows(client_for, users, plan, founded,
                                                   django_capture_on_commit_callbacks):
    from python_calamine import CalamineWorkbook

    from kechuang.jobs.models import Job

    ind = Indicator.objects.get(key="tech_sme_registered")
    client = client_for(users["county_a_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("kpi:indicator_records_export", kwargs={"pk": ind.pk}),
                               {"as_of": "2025-12-31"})
    assert response.status_code == 302
    job = Job.objects.filter(owner=users["county_a_staff"]).latest("pk")
    assert job.status == "succeeded", job.error
    with job.result_file.open("rb") as fh:
        rows = CalamineWorkbook.from_filelike(fh).get_sheet_by_index(0).to_python()
    cells = [str(c) for row in rows for c in row]
    assert "潞州新企业" in cells and "襄垣新企业" not in cells


def test_snapshot_by_hand_then_listed(client_for, users, plan, founded):
    client = client_for(users["city_staff"])
    response = client.post(reverse("kpi:snapshot_take"),
                           {"year": "2025", "period_end": "2025-09-30"})
    assert response.status_code == 302
    assert IndicatorSnapshot.objects.filter(period_end=dt.date(2025, 9, 30)).exists()
    html = client.get(response["Location"]).content.decode()
    assert "2025-09-30" in html and 'data-testid="snapshot-table"' in html
    bad = client.post(reverse("kpi:snapshot_take"), {"year": "2025", "period_end": "2024-09-30"},
                      follow=True)
    assert "统计截止日须在工作要点年度" in bad.content.decode()


def test_county_staff_cannot_take_snapshots(client_for, users, plan):
    response = client_for(users["county_a_staff"]).post(
        reverse("kpi:snapshot_take"), {"year": "2025", "period_end": "2025-09-30"})
    assert response.status_code == 403


def test_dashboard_without_a_plan_says_what_to_do(client_for, users, regions):
    html = client_for(users["city_staff"]).get(reverse("kpi:dashboard")).content.decode()
    assert 'data-testid="empty-state"' in html and "导入工作要点文本" in html
    assert "manage.py" not in html


def test_reported_indicator_shows_the_approved_value_and_its_trail(client_for, users, plan,
                                                                  reform_reported):
    from kechuang.kpi.progress import Status
    from kechuang.kpi.selectors import build_dashboard
    from kechuang.reported.services import approve_value, submit_value

    ind = Indicator.objects.get(key="reform_measures_done")
    first = submit_value(actor=users["city_staff"], data={
        "indicator": ind, "county": None, "period_end": dt.date(2025, 9, 30), "value": 9})
    approve_value(value=first, actor=users["city_admin"])
    pending = submit_value(actor=users["city_staff"], data={
        "indicator": ind, "county": None, "period_end": dt.date(2025, 10, 31), "value": 11})
    row = build_dashboard(plan=plan, as_of=dt.date(2025, 10, 31)).row(ind.key)
    assert row.progress.value == 9  # the October figure awaits approval: not counted yet
    approve_value(value=pending, actor=users["city_admin"])
    row = build_dashboard(plan=plan, as_of=dt.date(2025, 10, 31)).row(ind.key)
    assert row.source_kind == "reported" and row.progress.value == 11
    # expected by 31 Oct: 16 × 304/365 = 13.33; 11 is 82.5% of it → at risk
    assert row.progress.status == Status.AT_RISK
    html = client_for(users["county_a_staff"]).get(
        reverse("kpi:indicator_detail", kwargs={"pk": ind.pk}),
        {"as_of": "2025-10-31"}).content.decode()
    assert 'data-testid="reported-trail"' in html
    assert "2025-10-31" in html and "2025-09-30" in html
    assert users["city_admin"].get_full_name() or users["city_admin"].username in html


def test_records_table_headers_follow_the_language(client_for, users, plan, founded):
    """The metric's columns are translatable: the same drill-down in English."""
    from django.conf import settings

    ind = Indicator.objects.get(key="tech_sme_registered")
    url = reverse("kpi:indicator_detail", kwargs={"pk": ind.pk})
    client = client_for(users["city_staff"])
    assert "<th>统一社会信用代码</th>" in client.get(url, {"as_of": "2025-12-31"}).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(url, {"as_of": "2025-12-31"}).content.decode()
    assert "<th>Unified social credit code</th>" in html and "<th>统一社会信用代码</th>" not in html
