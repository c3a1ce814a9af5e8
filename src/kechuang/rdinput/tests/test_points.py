"""Innovation points: the batch job equals the pure rule on the same cohort; weights must be
loaded first; results are seen by the city, and by an enterprise (its own) once published."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse

from conftest import make_enterprise, make_report
from kechuang.core.errors import DomainError
from kechuang.policy.innovation_points import InnovationPointsInput, evaluate_innovation_points
from kechuang.rdinput import points as catalogue
from kechuang.rdinput import selectors, services
from kechuang.rdinput.models import PointsModel, PointsResult, PointsRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(county_a, county_b, enterprise_a, enterprise_b):
    """Reports of 2024 across the 温州 stages, with ties, zeros and a zero revenue."""
    out = [enterprise_a, enterprise_b]
    make_report(enterprise_a, 2024, revenue_yuan=Decimal("3000000"))
    make_report(enterprise_b, 2024, revenue_yuan=Decimal("3000000"),
                rd_expense_yuan=Decimal("0"), rd_domestic_yuan=Decimal("0"),
                rd_personnel_yuan=Decimal("0"), rd_direct_input_yuan=Decimal("0"),
                rd_other_yuan=Decimal("0"))
    for i in range(18):
        e = make_enterprise(county_a if i % 2 else county_b, f"企业{i:02d}", 100 + i)
        revenue = Decimal(500_000 * (i % 7) ** 3)
        rd = Decimal(20_000 * ((i * 7) % 11))
        make_report(e, 2024, revenue_yuan=revenue, rd_expense_yuan=rd, rd_domestic_yuan=rd,
                    rd_personnel_yuan=rd, rd_direct_input_yuan=Decimal(0),
                    rd_other_yuan=Decimal(0), st_staff=i % 5, employees=10 + i,
                    ip_class_1_count=i % 3, achievements_converted=i % 4)
        out.append(e)
    make_report(out[3], 2023)  # another year: not in the cohort
    return out


@pytest.fixture
def example(users):
    return services.save_points_model(actor=users["city_staff"], data={
        "name": "示例", "spec": catalogue.EXAMPLE_SPEC, "example": True})


def run_batch(actor, model, django_capture_on_commit_callbacks, year=2024):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_points_run(actor=actor, model=model, year=year)
    run.refresh_from_db()
    return run


def test_batch_equals_the_pure_rule(users, cohort, example, django_capture_on_commit_callbacks):
    run = run_batch(users["city_staff"], example, django_capture_on_commit_callbacks)
    assert run.status == PointsRun.Status.DONE and run.enterprises == len(cohort)
    assert run.job.status == "succeeded"
    # the pure rule over the same cohort, read independently
    from kechuang.orgs.models import EnterpriseAnnualReport

    rows = EnterpriseAnnualReport.objects.filter(year=2024).values(
        "enterprise_id", *catalogue.REPORT_FIELDS)
    codes = catalogue.indicator_codes(example.spec)
    expected = evaluate_innovation_points(InnovationPointsInput(
        year=2024, config=catalogue.parse_config(example.spec, 2024),
        enterprises=tuple(catalogue.enterprise_values(rows, codes))))
    stored = {r.enterprise_id: r for r in PointsResult.objects.filter(run=run)}
    assert len(stored) == len(expected.enterprises)
    for p in expected.enterprises:
        r = stored[int(p.enterprise_id)]
        assert Fraction(r.total_exact) == p.total_exact and r.total == p.total
        assert (r.stage, r.rank, r.cohort_size, r.tier) == (p.stage, p.rank, p.cohort_size,
                                                            p.tier or "")
        assert r.scores == [s.to_dict() for s in p.scores]
    assert len({r.stage for r in stored.values()}) > 1


def test_no_weights_no_run(users, cohort):
    model = services.save_points_model(actor=users["city_staff"], data={
        "name": "默认", "spec": catalogue.DEFAULT_SPEC})
    with pytest.raises(DomainError):
        services.start_points_run(actor=users["city_staff"], model=model, year=2024)
    with pytest.raises(DomainError):
        services.save_points_model(actor=users["city_staff"], model=model, data={
            "spec": {**catalogue.DEFAULT_SPEC, "weights": {"*": {"rd_expense": "0.5"}}}})
    with pytest.raises(DomainError):
        services.save_points_model(actor=users["city_staff"], data={
            "name": "未知", "spec": {"indicators": ["nonsense"], "weights": {}}})


def test_publication_and_the_enterprise_view(users, cohort, example, enterprise_a, client_for,
                                             django_capture_on_commit_callbacks):
    run = run_batch(users["city_staff"], example, django_capture_on_commit_callbacks)
    ent = users["enterprise_a_user"]
    assert not selectors.result_list(user=ent).exists()
    assert not selectors.runs_of(user=ent).exists()
    html = client_for(ent).get(reverse("rdinput:points_mine")).content.decode()
    assert "还没有公布的创新积分" in html
    services.publish_run(run=run, actor=users["city_admin"])
    mine = list(selectors.result_list(user=ent))
    assert [r.enterprise_id for r in mine] == [enterprise_a.pk]
    county = selectors.result_list(user=users["county_a_staff"])
    assert {r.enterprise.county_id for r in county} == {users["county_a_staff"].county_id}
    html = client_for(ent).get(reverse("rdinput:points_mine")).content.decode()
    assert "data-testid=\"my-total\"" in html, html[html.find("<main"):][:3000]
    assert "非官方" in html and "data-testid=\"headroom\"" in html
    with pytest.raises(DomainError):
        services.publish_run(run=run, actor=users["city_admin"])


def test_run_pages(users, cohort, example, client_for, django_capture_on_commit_callbacks):
    client = client_for(users["city_staff"])
    resp = client.post(reverse("rdinput:points_run_start", args=[example.pk]), {"year": 2024})
    assert resp.status_code == 302
    run = PointsRun.objects.get()
    html = client.get(run.get_absolute_url()).content.decode()
    assert "非官方" in html
    assert client.get(reverse("rdinput:points_models")).status_code == 200
    assert PointsModel.objects.filter(example=True).exists()


def test_the_batch_pauses_the_cyclic_collector_and_restores_it(users, cohort, example,
                                                               monkeypatch):
    import gc

    seen = []
    real = services.evaluate_innovation_points
    monkeypatch.setattr(services, "evaluate_innovation_points",
                        lambda inp: (seen.append(gc.isenabled()), real(inp))[1])
    run = PointsRun.objects.create(model=example, year=2024, spec=example.spec,
                                   started_by=users["city_staff"])
    assert gc.isenabled()
    services.run_points(run=run, progress=lambda *a, **k: None)
    assert seen == [False] and gc.isenabled()
    gc.disable()  # a caller that had it off keeps it off
    try:
        with services.cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(RuntimeError), services.cyclic_gc_paused():  # restored on error too
        raise RuntimeError
    assert gc.isenabled()
