"""Permission-matrix rows of the R&D-input pages and API: a county sees its own fiscal
reports, an enterprise its own reserve funds and (published) scores."""

from __future__ import annotations

from kechuang.tests.matrix import (
    BUREAU,
    CITY,
    ENTERPRISE_USERS,
    REVIEWERS,
    SIGNED_IN,
    Route,
    ent_name,
)


def document(ctx, place):
    return f"财政文件-{place}"


def system_document(ctx, place):
    return f"准备金制度-{place}"


def fiscal(ctx, place):
    """No URL kwargs: a submitted report of county A and one of county B (filed by the city)."""
    from decimal import Decimal

    from kechuang.rdinput import services
    from kechuang.rdinput.models import FiscalReport
    from kechuang.rdinput.tests.conftest import pdf

    for p in ("a", "b"):
        if FiscalReport.objects.filter(document=document(ctx, p)).exists():
            continue
        services.submit_fiscal(actor=ctx["users"]["city_admin"], data={
            "county": ctx[f"enterprise_{p}"].county, "year": 2025,
            "budget_wan": Decimal("1000"), "actual_wan": Decimal("1100"),
            "document": document(ctx, p)}, files=[pdf()])
    return {}


def report(ctx, place):
    from kechuang.rdinput.models import FiscalReport

    fiscal(ctx, place)
    return {"pk": FiscalReport.objects.get(document=document(ctx, place)).pk}


def filed(ctx, place):
    """A report each county's own staff filed (the city may review it: not its own)."""
    from decimal import Decimal

    from kechuang.rdinput import services
    from kechuang.rdinput.models import FiscalReport
    from kechuang.rdinput.tests.conftest import pdf

    doc = f"县区自报-{place}"
    r = FiscalReport.objects.filter(document=doc).first()
    if r is None:
        r = services.submit_fiscal(actor=ctx["users"][f"county_{place}_staff"], data={
            "county": ctx[f"enterprise_{place}"].county, "year": 2024,
            "budget_wan": Decimal("900"), "actual_wan": Decimal("950"), "document": doc},
            files=[pdf()])
    return {"pk": r.pk}


def evidence(ctx, place):
    from kechuang.rdinput.models import FiscalEvidence

    return {"pk": FiscalEvidence.objects.get(report_id=report(ctx, place)["pk"]).pk}


def reserves(ctx, place):
    import datetime as dt
    from decimal import Decimal

    from kechuang.rdinput import services
    from kechuang.rdinput.models import RdReserveFund

    for p in ("a", "b"):
        if RdReserveFund.objects.filter(system_document=system_document(ctx, p)).exists():
            continue
        services.save_reserve(actor=ctx["users"]["city_staff"], data={
            "enterprise": ctx[f"enterprise_{p}"], "year": 2025,
            "provision_yuan": Decimal("100000"), "used_yuan": Decimal("5000"),
            "system_document": system_document(ctx, p), "approved_on": dt.date(2025, 2, 1)})
    return {}


def fund(ctx, place):
    from kechuang.rdinput.models import RdReserveFund

    reserves(ctx, place)
    return {"pk": RdReserveFund.objects.get(system_document=system_document(ctx, place)).pk}


def figure(ctx, place):
    from decimal import Decimal

    from kechuang.rdinput import services
    from kechuang.rdinput.models import IntensityFigure

    f = IntensityFigure.objects.filter(year=2025).first()
    if f is None:
        f = services.save_intensity(actor=ctx["users"]["city_staff"], data={
            "year": 2025, "official_pct": Decimal("2.31"), "official_source": "统计公报"})
    return {"pk": f.pk}


def model(ctx, place):
    from kechuang.rdinput import points, services
    from kechuang.rdinput.models import PointsModel

    m = PointsModel.objects.filter(name="示例").first()
    if m is None:
        m = services.save_points_model(actor=ctx["users"]["city_staff"], data={
            "name": "示例", "spec": points.EXAMPLE_SPEC, "example": True})
    return {"pk": m.pk}


def run(ctx, place):
    """A published run over the 2024 reports of enterprises A and B."""
    from kechuang.rdinput import services
    from kechuang.rdinput.models import PointsModel, PointsRun

    r = PointsRun.objects.first()
    if r is None:
        m = PointsModel.objects.get(pk=model(ctx, place)["pk"])
        r = PointsRun.objects.create(model=m, year=2024, spec=m.spec,
                                     started_by=ctx["users"]["city_staff"])
        services.run_points(run=r, progress=lambda *a, **k: None)
        r = services.publish_run(run=r, actor=ctx["users"]["city_admin"])
    return {"pk": r.pk}


def result(ctx, place):
    from kechuang.rdinput.models import PointsResult

    pk = run(ctx, place)["pk"]
    return {"pk": PointsResult.objects.get(run_id=pk, enterprise=ctx[f"enterprise_{place}"]).pk}


def runs(ctx, place):
    run(ctx, place)
    return {}


OWNERS = BUREAU | ENTERPRISE_USERS

ROUTES: dict[str, Route] = {
    "rdinput:fiscal_list": Route(allowed=BUREAU, kwargs=fiscal, scoped=False,
                                 list_marker=document),
    "rdinput:fiscal_add": Route(allowed=BUREAU, also_post=True),
    "rdinput:fiscal_export": Route(allowed=BUREAU, kwargs=fiscal, scoped=False, method="POST",
                                   ok=(302,), export_marker=document),
    "rdinput:fiscal_ranking": Route(allowed=BUREAU),
    "rdinput:fiscal_detail": Route(allowed=BUREAU, kwargs=report),
    "rdinput:fiscal_edit": Route(allowed=BUREAU, kwargs=report, also_post=True),
    "rdinput:fiscal_approve": Route(allowed=REVIEWERS, kwargs=report, method="POST", ok=(302,)),
    "rdinput:fiscal_reject": Route(allowed=REVIEWERS, kwargs=report, method="POST", ok=(302,)),
    "rdinput:fiscal_evidence": Route(allowed=BUREAU, kwargs=evidence),
    "rdinput:reserve_list": Route(allowed=OWNERS, kwargs=reserves, scoped=False,
                                  list_marker=system_document),
    "rdinput:reserve_add": Route(allowed=OWNERS, also_post=True),
    "rdinput:reserve_export": Route(allowed=OWNERS, kwargs=reserves, scoped=False,
                                    method="POST", ok=(302,), export_marker=system_document),
    "rdinput:reserve_edit": Route(allowed=OWNERS, kwargs=fund, also_post=True),
    # published statistics: every signed-in user reads them; the city records them
    "rdinput:intensity_list": Route(allowed=SIGNED_IN),
    "rdinput:intensity_add": Route(allowed=CITY, also_post=True),
    "rdinput:intensity_export": Route(allowed=BUREAU, method="POST", ok=(302,)),
    "rdinput:intensity_edit": Route(allowed=CITY, kwargs=figure, scoped=False, also_post=True),
    # the models and published runs are public to signed-in users; results are scoped
    "rdinput:points_models": Route(allowed=SIGNED_IN),
    "rdinput:points_model_add": Route(allowed=CITY, also_post=True),
    "rdinput:points_mine": Route(allowed=OWNERS),
    "rdinput:points_model": Route(allowed=SIGNED_IN, kwargs=model, scoped=False),
    "rdinput:points_run_start": Route(allowed=CITY, kwargs=model, scoped=False, method="POST",
                                      ok=(302,)),
    "rdinput:points_run": Route(allowed=OWNERS, kwargs=run, scoped=False, list_marker=ent_name),
    "rdinput:points_export": Route(allowed=BUREAU, kwargs=run, scoped=False, method="POST",
                                   ok=(302,), export_marker=ent_name),
    "rdinput:points_publish": Route(allowed=CITY, kwargs=run, scoped=False, method="POST",
                                    ok=(302,)),
    # POST on the list files a report (an empty body: 400 for the filers, 403 for the rest)
    "api-fiscal-st-report-list": Route(allowed=BUREAU, api=True, kwargs=fiscal, scoped=False,
                                       list_marker=document, also_post=True),
    # an empty body approves (the city; a county's report) / is refused without a reason
    "api-fiscal-st-report-approve": Route(allowed=REVIEWERS, api=True, kwargs=filed,
                                          method="POST", ok=(200,)),
    "api-fiscal-st-report-reject": Route(allowed=REVIEWERS, api=True, kwargs=filed,
                                         method="POST", ok=(400,)),
    "api-fiscal-st-report-detail": Route(allowed=BUREAU, api=True, kwargs=report),
    "api-rd-reserve-fund-list": Route(allowed=OWNERS, api=True, kwargs=reserves, scoped=False,
                                      list_marker=system_document, also_post=True),
    "api-rd-reserve-fund-detail": Route(allowed=OWNERS, api=True, kwargs=fund),
    "api-innovation-points-list": Route(allowed=OWNERS, api=True, kwargs=runs, scoped=False,
                                        list_marker=ent_name),
    "api-innovation-points-detail": Route(allowed=OWNERS, api=True, kwargs=result),
    "api-rd-intensity-list": Route(allowed=SIGNED_IN, api=True),
    "api-rd-intensity-detail": Route(allowed=SIGNED_IN, api=True, kwargs=figure, scoped=False),
}
