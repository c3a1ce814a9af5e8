"""R&D-input pages. Thin: selectors read, services write; no right → 403, outside the
scope → 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kechuang.accounts.scoping import can
from kechuang.core.errors import DomainError
from kechuang.core.shortcuts import (
    export_view,
    form_page,
    get_or_404,
    list_page,
    require,
    row_action,
)
from kechuang.core.uploads import serve_private
from kechuang.rdinput import jobs, selectors, services, tables
from kechuang.rdinput.filters import FiscalFilter, IntensityFilter, ReserveFilter, ResultFilter
from kechuang.rdinput.forms import (
    FiscalForm,
    IntensityForm,
    PointsModelForm,
    ReasonForm,
    ReserveForm,
    RunForm,
)
from kechuang.rdinput.models import (
    FiscalReport,
    IntensityFigure,
    PointsModel,
    PointsResult,
    PointsRun,
    RdReserveFund,
)
from kechuang.rdinput.workflows import FISCAL_FLOW
from kechuang.workflow.services import available_actions


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year - 1)
    except ValueError:
        return timezone.localdate().year - 1


# -- fiscal reports ----------------------------------------------------------------------------

@login_required
@require_safe
def fiscal_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=FiscalReport, filter_cls=FiscalFilter,
                     selector=selectors.fiscal_list, table=tables.FISCAL,
                     template="rdinput/fiscal_list.html",
                     sorts={"year", "budget_wan", "actual_wan"})


fiscal_export = export_view(jobs.FISCAL_EXPORT, model=FiscalReport, form=FiscalFilter.page_form)


def _fiscal_form(request: HttpRequest, report: FiscalReport | None) -> HttpResponse:
    user = request.user
    post = request.POST if request.method == "POST" else None
    form = FiscalForm(post, request.FILES if post is not None else None, instance=report,
                      user=user)
    if report is None:
        return form_page(request, form, save=lambda d: services.submit_fiscal(
            actor=user, data=d, files=request.FILES.getlist("files")),
            message=lambda o: _("已提交“%(r)s”，等待市局审核。") % {"r": o},
            done=lambda o: o, template="rdinput/form.html",
            context={"title": _("填报县区财政科技投入"), "multipart": True,
                     "back": "rdinput:fiscal_list"})
    return form_page(request, form, save=lambda d: services.correct_fiscal(
        report=report, actor=user, data=d, files=request.FILES.getlist("files")),
        message=lambda o: _("已保存“%(r)s”。") % {"r": o}, done=lambda o: o,
        template="rdinput/form.html",
        context={"title": _("修改县区财政科技投入"), "multipart": True, "obj": report,
                 "back": "rdinput:fiscal_list"})


@login_required
def fiscal_add(request: HttpRequest) -> HttpResponse:
    require(request.user, "add", FiscalReport)
    return _fiscal_form(request, None)


@login_required
def fiscal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "change", FiscalReport)
    report = get_or_404(selectors.fiscal_detail, user=request.user, pk=pk, action="change")
    if report.status == FiscalReport.Status.APPROVED:
        messages.error(request, _("已审核通过的报告不能修改。"))
        return redirect(report)
    return _fiscal_form(request, report)


@login_required
@require_safe
def fiscal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", FiscalReport)
    report = get_or_404(selectors.fiscal_detail, user=user, pk=pk)
    actions = {s.action for s in available_actions(report, workflow=FISCAL_FLOW, actor=user)}
    return render(request, "rdinput/fiscal_detail.html", {
        "report": report, "evidence": selectors.evidence_of(report=report),
        "actions": actions, "reason_form": ReasonForm(),
        "status_badge": tables.fiscal_status(report),
        "can_edit": (report.status != FiscalReport.Status.APPROVED
                     and can(user, "change", FiscalReport))})


def _decide(request: HttpRequest, pk: int, act: Any, done: str) -> HttpResponse:
    user = request.user
    require(user, "approve", FiscalReport)
    report = get_or_404(selectors.fiscal_detail, user=user, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        act(report, user, (form.cleaned_data.get("reason") or "").strip())
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(report)


@login_required
@require_POST
def fiscal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, lambda r, u, reason: services.approve_fiscal(
        report=r, actor=u, reason=reason), _("已审核通过。"))


@login_required
@require_POST
def fiscal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, lambda r, u, reason: services.reject_fiscal(
        report=r, actor=u, reason=reason), _("已退回。"))


@login_required
@require_safe
def fiscal_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "view", FiscalReport)
    ev = get_or_404(selectors.evidence_detail, user=request.user, pk=pk)
    return serve_private(ev.file, ev.original_name)


@login_required
@require_safe
def fiscal_ranking(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "view", FiscalReport)
    year = _year(request)
    rows = selectors.fiscal_ranking(user=user, year=year)
    total, last_total = selectors.ranking_total(rows)
    years = selectors.fiscal_years(user=user) or [year]
    return render(request, "rdinput/fiscal_ranking.html", {
        "rows": rows, "year": year, "years": years, "total": total, "last_total": last_total,
        "growth": selectors._growth(total, last_total) if last_total else None})


# -- reserve funds -----------------------------------------------------------------------------

@login_required
@require_safe
def reserve_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    year = _year(request)
    return list_page(request, model=RdReserveFund, filter_cls=ReserveFilter,
                     selector=selectors.reserve_list, table=tables.RESERVES,
                     template="rdinput/reserve_list.html",
                     sorts={"year", "provision_yuan", "enterprise__name"},
                     flags={"can_change": can(user, "change", RdReserveFund)},
                     missing=selectors.anchors_without_reserve(user=user, year=year)[:20],
                     missing_year=year)


reserve_export = export_view(jobs.RESERVE_EXPORT, model=RdReserveFund,
                             form=ReserveFilter.page_form)


@login_required
def reserve_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", RdReserveFund)
    form = ReserveForm(request.POST or None, user=user)
    return form_page(request, form, save=lambda d: services.save_reserve(actor=user, data=d),
                     message=lambda o: _("已登记“%(r)s”。") % {"r": o},
                     done=lambda o: "rdinput:reserve_list", template="rdinput/form.html",
                     context={"title": _("登记企业研发准备金"), "back": "rdinput:reserve_list"})


@login_required
def reserve_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", RdReserveFund)
    fund = get_or_404(selectors.reserve_detail, user=user, pk=pk, action="change")
    form = ReserveForm(request.POST or None, instance=fund, user=user)
    return form_page(request, form, save=lambda d: services.save_reserve(actor=user, data=d,
                                                                         fund=fund),
                     message=lambda o: _("已保存“%(r)s”。") % {"r": o},
                     done=lambda o: "rdinput:reserve_list", template="rdinput/form.html",
                     context={"title": _("修改企业研发准备金"), "obj": fund,
                              "back": "rdinput:reserve_list"})


# -- R&D intensity -----------------------------------------------------------------------------

@login_required
@require_safe
def intensity_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=IntensityFigure, filter_cls=IntensityFilter,
                     selector=selectors.intensity_list, table=tables.INTENSITY,
                     template="rdinput/intensity_list.html",
                     flags={"can_change": can(request.user, "change", IntensityFigure)})


intensity_export = export_view(jobs.INTENSITY_EXPORT, model=IntensityFigure,
                               form=IntensityFilter.page_form)


@login_required
def intensity_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", IntensityFigure)
    form = IntensityForm(request.POST or None)
    return form_page(request, form, save=lambda d: services.save_intensity(actor=user, data=d),
                     message=lambda o: _("已登记 %(y)s 年R&D投入强度。") % {"y": o.year},
                     done=lambda o: "rdinput:intensity_list", template="rdinput/form.html",
                     context={"title": _("登记R&D投入强度"), "back": "rdinput:intensity_list"})


@login_required
def intensity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", IntensityFigure)
    figure = get_or_404(selectors.intensity_detail, user=user, pk=pk, action="change")
    form = IntensityForm(request.POST or None, instance=figure)
    return form_page(request, form, save=lambda d: services.save_intensity(
        actor=user, data=d, figure=figure),
        message=lambda o: _("已保存 %(y)s 年R&D投入强度。") % {"y": o.year},
        done=lambda o: "rdinput:intensity_list", template="rdinput/form.html",
        context={"title": _("修改R&D投入强度"), "obj": figure, "back": "rdinput:intensity_list"})


# -- innovation points -------------------------------------------------------------------------

@login_required
@require_safe
def points_models(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "view", PointsModel)
    return render(request, "rdinput/points_models.html", {
        "models": selectors.points_models(user=user), "runs": selectors.runs_of(user=user)[:20],
        "can_add": can(user, "add", PointsModel)})


@login_required
def points_model_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", PointsModel)
    form = PointsModelForm(request.POST or None)
    return form_page(request, form, save=lambda d: services.save_points_model(actor=user, data=d),
                     message=lambda o: _("已保存模型“%(m)s”。") % {"m": o}, done=lambda o: o,
                     template="rdinput/form.html",
                     context={"title": _("新建创新积分模型"), "back": "rdinput:points_models"})


@login_required
def points_model(request: HttpRequest, pk: int) -> HttpResponse:
    """A model: its configuration (editable by the city) and its runs; start a run."""
    user = request.user
    require(user, "view", PointsModel)
    model = get_or_404(selectors.points_model, user=user, pk=pk)
    can_change = can(user, "change", PointsModel)
    form = PointsModelForm(request.POST or None, instance=model)
    if request.method == "POST":
        require(user, "change", PointsModel)
        response = form_page(request, form, save=lambda d: services.save_points_model(
            actor=user, data=d, model=model), message=lambda o: _("已保存模型“%(m)s”。") % {
            "m": o}, done=lambda o: o, template="rdinput/points_model.html",
            context={"model": model, "runs": selectors.runs_of(user=user, model=model),
                     "can_change": can_change, "run_form": RunForm()})
        return response
    return render(request, "rdinput/points_model.html", {
        "model": model, "form": form, "runs": selectors.runs_of(user=user, model=model),
        "can_change": can_change, "can_run": can(user, "add", PointsRun),
        "run_form": RunForm(initial={"year": timezone.localdate().year - 1})})


@login_required
@require_POST
def points_run_start(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "add", PointsRun)
    model = get_or_404(selectors.points_model, user=user, pk=pk)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的数据年度"))
        return redirect(model)
    try:
        run = services.start_points_run(actor=user, model=model, year=form.cleaned_data["year"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(model)
    messages.info(request, _("已开始测算，完成后在本页查看结果。"))
    return redirect(run)


@login_required
@require_safe
def points_run(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", PointsRun)
    run = get_or_404(selectors.points_run, user=user, pk=pk)
    return list_page(request, model=PointsResult, filter_cls=ResultFilter,
                     selector=lambda **kw: selectors.result_list(
                         **{**kw, "filters": {**kw["filters"], "run": run.pk}}),
                     table=tables.RESULTS, template="rdinput/points_run.html",
                     sorts={"total", "rank", "enterprise__name"}, run=run,
                     can_publish=(can(user, "approve", PointsRun) and run.published_at is None
                                  and run.status == PointsRun.Status.DONE))


points_export = export_view(jobs.RESULT_EXPORT, model=PointsResult, form=ResultFilter.page_form,
                            params=lambda filters, pk: {**filters, "run": pk})


@login_required
@require_POST
def points_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return row_action(request, model=PointsRun, action="approve",
                      read=selectors.points_run, pk=pk,
                      do=lambda run, user: services.publish_run(run=run, actor=user),
                      done=_("已公布，企业可查看本企业的积分。"))


@login_required
@require_safe
def points_mine(request: HttpRequest) -> HttpResponse:
    """An enterprise's own scores in published runs and what moves them."""
    user = request.user
    require(user, "view", PointsResult)
    results = list(selectors.my_results(user=user)[:5])
    return render(request, "rdinput/points_mine.html", {
        "results": [(r, selectors.explain(r)) for r in results]})
