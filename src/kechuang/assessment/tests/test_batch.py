"""Batch evaluation end to end, re-runs, the results list and its filters, export, metric."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_enterprise, make_report
from kechuang.assessment import selectors, services
from kechuang.assessment.models import EvaluationResult, EvaluationRun
from kechuang.assessment.tests.helpers import docs_report
from kechuang.audit.models import ChangeRecord
from kechuang.jobs.models import Job

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 6, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run(user, capture, year=2024) -> Job:
    with capture(execute=True):
        job = services.start_batch(actor=user, year=year, as_of=AS_OF)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    return job


@pytest.fixture
def data(users, county_a, county_b, enterprise_a, enterprise_b):
    """County A: enterprise_a (docs example, fails tech SME) + a2 (passes); county B: one; and
    an enterprise without a 2024 report (not evaluated)."""
    docs_report(enterprise_a)
    a2 = make_enterprise(county_a, "长治丙材料有限公司", 3, industry_code="C30")
    make_report(a2, 2024, st_staff=30, rd_expense_yuan=Decimal("2000000"),
                rd_domestic_yuan=Decimal("2000000"))
    make_report(enterprise_b, 2024)
    make_enterprise(county_a, "长治无报表有限公司", 7)
    return {"a": enterprise_a, "a2": a2, "b": enterprise_b}


def test_city_batch_evaluates_every_enterprise_with_a_report(users, data,
                                                              django_capture_on_commit_callbacks):
    job = run(users["city_staff"], django_capture_on_commit_callbacks)
    assert job.result["enterprises"] == 3 and job.result["results"] == 9
    rows = EvaluationResult.objects.all()
    assert rows.count() == 9
    assert set(rows.values_list("enterprise_id", flat=True)) == {e.pk for e in data.values()}
    versions = dict(rows.values_list("rule", "rule_version").distinct())
    assert versions == {"tech_sme": "tech_sme/2017-115", "high_tech": "high_tech/2016-32",
                        "rd_deduction": "rd_deduction/2023-7"}
    sme = rows.get(enterprise=data["a"], rule="tech_sme")
    assert (sme.outcome, sme.eligible, sme.score, sme.gap_points) == (
        "ineligible", False, Decimal(54), Decimal(6))
    assert sme.gap_text.startswith("研发费用需增加 ¥123,400.00")
    assert sme.failed_conditions == ["c5_total"]
    hnte = rows.get(enterprise=data["a"], rule="high_tech")
    assert hnte.outcome == "error" and "缺少 2022、2023 年度的数据" in hnte.error
    rd = rows.get(enterprise=data["a"], rule="rd_deduction")
    assert rd.eligible and rd.rd_deduction_amount_yuan > 0
    the_run = EvaluationRun.objects.get()
    assert the_run.finished_at and the_run.county_id is None and the_run.job_id == job.pk
    assert the_run.rule_versions["tech_sme"] == "tech_sme/2017-115"
    record = ChangeRecord.objects.filter(object_id=str(the_run.pk)).get()
    assert record.after["results"] == 9


def test_county_clerk_runs_over_their_county_only(users, data,
                                                  django_capture_on_commit_callbacks):
    run(users["county_a_staff"], django_capture_on_commit_callbacks)
    ids = set(EvaluationResult.objects.values_list("enterprise_id", flat=True))
    assert ids == {data["a"].pk, data["a2"].pk}
    assert EvaluationRun.objects.get().county == data["a"].county


def test_rerun_replaces_the_results_of_its_scope(users, data,
                                                 django_capture_on_commit_callbacks):
    run(users["city_staff"], django_capture_on_commit_callbacks)
    first = EvaluationRun.objects.get()
    run(users["city_staff"], django_capture_on_commit_callbacks)
    assert EvaluationResult.objects.count() == 9
    assert set(EvaluationResult.objects.values_list("run_id", flat=True)) != {first.pk}
    # a county re-run replaces only that county's rows
    run(users["county_b_staff"], django_capture_on_commit_callbacks)
    county_run = EvaluationRun.objects.filter(county=data["b"].county).get()
    assert EvaluationResult.objects.count() == 9
    assert set(EvaluationResult.objects.filter(run=county_run)
               .values_list("enterprise_id", flat=True)) == {data["b"].pk}
    assert EvaluationResult.objects.filter(enterprise=data["a"]).exclude(
        run=county_run).count() == 3


def test_unfinished_run_is_invisible_and_a_failed_run_leaves_nothing(users, data, monkeypatch):
    the_run = EvaluationRun.objects.create(year=2024, as_of=AS_OF,
                                           started_by=users["city_staff"])
    calls = []

    def boom(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("engine crashed")

    monkeypatch.setattr(services, "assess", boom)
    with pytest.raises(RuntimeError):
        services.run_batch(run=the_run, actor=users["city_staff"], progress=lambda *a: None)
    assert calls and not EvaluationResult.objects.exists()
    # rows of a run that has not finished are not read
    EvaluationResult.objects.create(run=the_run, enterprise=data["a"], year=2024,
                                    rule="tech_sme", outcome="eligible", eligible=True,
                                    computed_at=timezone.now())
    assert not selectors.result_list(user=users["city_staff"]).exists()
    assert selectors.latest_results(enterprise_ids=[data["a"].pk], year=2024,
                                    rule="tech_sme") == {}


def test_batch_reads_in_chunks_without_per_row_queries(users, county_a):
    def measure(n: int, offset: int) -> tuple[int, int]:
        for i in range(n):
            e = make_enterprise(county_a, f"长治批量{offset + i}有限公司", 1000 + offset + i)
            make_report(e, 2030 + offset // 1000)
        the_run = EvaluationRun.objects.create(year=2030 + offset // 1000, as_of=AS_OF,
                                               started_by=users["city_staff"])
        with CaptureQueriesContext(connection) as ctx:
            services.run_batch(run=the_run, actor=users["city_staff"],
                               progress=lambda *a: None)
        sql = [q["sql"] for q in ctx.captured_queries]
        inserts = sum(s.startswith("INSERT") for s in sql)
        return len(sql) - inserts, inserts

    other_small, inserts_small = measure(20, 0)
    other_big, inserts_big = measure(200, 1000)
    assert other_small == other_big  # reads, delete, run update, audit: no per-row queries
    assert inserts_big <= 600 // 50 + 2  # bulk inserts only (SQLite caps rows per INSERT)


def _result(run_, enterprise, rule="high_tech", **kw):
    defaults = dict(year=2024, outcome="unlikely", eligible=False, computed_at=timezone.now())
    return EvaluationResult.objects.create(run=run_, enterprise=enterprise, rule=rule,
                                           **defaults | kw)


def test_filters_within_n_points_boundary_and_not_registered(users, county_a, enterprise_a,
                                                             enterprise_b):
    from kechuang.cultivation.models import TechSmeRegistration

    done = EvaluationRun.objects.create(year=2024, as_of=AS_OF, finished_at=timezone.now())
    near = {}
    for i, gap in enumerate(["5", "5.01", "4", None]):
        e = make_enterprise(county_a, f"长治候选{i}有限公司", 300 + i)
        near[gap] = _result(done, e, gap_points=None if gap is None else Decimal(gap))
    _result(done, enterprise_b, outcome="possible", eligible=True, gap_points=Decimal(0))
    user = users["city_staff"]
    got = set(selectors.result_list(user=user, filters={"near": 5}))
    assert got == {near["5"], near["4"]}  # exactly 5 included, 5.01 not, no score gap not
    assert set(selectors.result_list(user=user, filters={"near": 4})) == {near["4"]}

    sme_a = _result(done, enterprise_a, rule="tech_sme", outcome="eligible", eligible=True)
    sme_b = _result(done, enterprise_b, rule="tech_sme", outcome="eligible", eligible=True)
    TechSmeRegistration.objects.create(enterprise=enterprise_a, year=2025,
                                       registration_no="2025140403A0000001",
                                       registered_on=dt.date(2025, 5, 1))
    assert set(selectors.result_list(user=user, filters={"unregistered": True})) == {sme_b}
    assert sme_a in selectors.result_list(user=user, filters={"rule": "tech_sme",
                                                              "eligible": "1"})
    # the page: filters from the query string, county clerk sees their county only
    client_rows = selectors.result_list(user=users["county_a_staff"], filters={})
    assert enterprise_b.pk not in {r.enterprise_id for r in client_rows}
    assert selectors.latest_results(enterprise_ids=[enterprise_a.pk, enterprise_b.pk],
                                    year=2024, rule="tech_sme") == {
        enterprise_a.pk: sme_a, enterprise_b.pk: sme_b}


def test_results_page_and_batch_page(client, users, data, django_capture_on_commit_callbacks):
    client.force_login(users["county_a_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("assessment:batch"), {"year": 2024})
    assert resp.status_code == 302 and "/jobs/" in resp["Location"]
    page = client.get(reverse("assessment:result_list") + "?rule=tech_sme&eligible=0").content
    html = page.decode()
    assert data["a"].name in html and data["b"].name not in html
    assert data["a2"].name not in html  # passes: filtered out by eligible=0
    assert reverse("assessment:enterprise_assessment", args=[data["a"].pk]) in html
    html = client.get(reverse("assessment:batch")).content.decode()
    assert 'data-testid="run-table"' in html and "潞州区" in html
    # bad filter values are ignored, not a 500
    assert client.get(reverse("assessment:result_list") + "?near=abc").status_code == 200


def test_results_table_names_the_policy_document_and_keeps_names_whole(
        client, users, data, django_capture_on_commit_callbacks):
    """Rule ids (tech_sme/2017-115) are codes; a clerk reads the document number instead, and
    the enterprise column has a minimum width (class, not an inline style: strict CSP)."""
    client.force_login(users["city_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessment:batch"), {"year": 2024})
    html = client.get(reverse("assessment:result_list")).content.decode()
    assert "国科发政〔2017〕115号" in html and "国科发火〔2016〕32号" in html
    assert "tech_sme/2017-115" not in html and "high_tech/2016-32" not in html
    assert f'<td class="fw-semibold kc-col-name">{data["a"].name}</td>' in html
    css = (finders.find("web/kechuang.css") or "")
    assert ".kc-col-name { min-width:" in open(css, encoding="utf-8").read()


def test_export_is_scoped(client, users, data, django_capture_on_commit_callbacks):
    from python_calamine import CalamineWorkbook

    run(users["city_staff"], django_capture_on_commit_callbacks)

    def export(role):
        client.force_login(users[role])
        with django_capture_on_commit_callbacks(execute=True):
            resp = client.post(reverse("assessment:result_export"), {"rule": "tech_sme"})
        assert resp.status_code == 302
        job = Job.objects.filter(owner=users[role]).latest("pk")
        assert job.status == "succeeded", job.error
        with job.result_file.open("rb") as fh:
            rows = CalamineWorkbook.from_filelike(fh).get_sheet_by_index(0).to_python()
        return rows

    city = export("city_staff")
    assert len(city) == 1 + 3
    county = export("county_a_staff")
    names = {r[0] for r in county[1:]}
    assert names == {data["a"].name, data["a2"].name}


def test_metric_equals_the_direct_sum(users, data, django_capture_on_commit_callbacks):
    from kechuang.metrics import get

    run(users["city_staff"], django_capture_on_commit_callbacks)
    metric = get("rd_super_deduction_amount")
    assert metric is not None and metric.unit == "亿元" and not metric.dated
    total = EvaluationResult.objects.filter(rule="rd_deduction", year=2024).aggregate(
        s=Sum("rd_deduction_amount_yuan"))["s"]
    assert total > 0
    expected = (total * Decimal("1e-8")).quantize(Decimal("0.01"))
    assert metric.value(year=2024, as_of=AS_OF) == expected
    county_a = data["a"].county_id
    a_total = EvaluationResult.objects.filter(
        rule="rd_deduction", year=2024, enterprise__county_id=county_a).aggregate(
        s=Sum("rd_deduction_amount_yuan"))["s"]
    assert metric.by_county(year=2024, as_of=AS_OF)[county_a] == (
        a_total * Decimal("1e-8")).quantize(Decimal("0.01"))
    assert metric.value(year=2023, as_of=AS_OF) == 0
    assert "最近一次" in metric.description


def test_results_keep_the_county_of_their_run(users, data, county_b,
                                              django_capture_on_commit_callbacks):
    """The deduction figure groups by the county stored at the run (no join with 1M
    organisations); an enterprise that moves counts for its new county after the next run."""
    from kechuang.metrics import get

    run(users["city_staff"], django_capture_on_commit_callbacks)
    stored = dict(EvaluationResult.objects.values_list("enterprise_id", "county_id").distinct())
    assert stored == {e.pk: e.county_id for e in data.values()}
    metric = get("rd_super_deduction_amount")
    before = metric.by_county(year=2024, as_of=AS_OF)
    moved = data["a2"]
    moved.county = county_b
    moved.save()
    assert metric.by_county(year=2024, as_of=AS_OF) == before  # a state as of the last run
    run(users["city_staff"], django_capture_on_commit_callbacks)
    after = metric.by_county(year=2024, as_of=AS_OF)
    amount = EvaluationResult.objects.get(enterprise=moved, rule="rd_deduction")
    assert amount.county_id == county_b.pk and amount.rd_deduction_amount_yuan > 0
    assert after[county_b.pk] > before.get(county_b.pk, 0)
    assert after[data["a"].county_id] < before[data["a"].county_id]
