"""Platform, occupant and evaluation pages. Thin: selectors read, services write.

No right to the action → 403; the right, but the row outside ``restrict()`` → 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kechuang.accounts.scoping import can
from kechuang.carriers import exports, selectors, services, tables
from kechuang.carriers.filters import EvaluationFilter, OccupantFilter, PlatformFilter
from kechuang.carriers.forms import (
    AsOfForm,
    CampaignForm,
    ConfirmForm,
    ConversionForm,
    EndForm,
    EvaluationForm,
    GradeForm,
    KindForm,
    OccupantForm,
    PlatformForm,
    ReasonForm,
    RecognitionForm,
)
from kechuang.carriers.models import (
    Campaign,
    Conversion,
    Evaluation,
    Occupant,
    Platform,
    PlatformKind,
    Recognition,
)
from kechuang.carriers.workflows import EVALUATION_FLOW, PLATFORM_FLOW
from kechuang.core.errors import DomainError
from kechuang.core.shortcuts import (
    apply_service_error,
    export_view,
    form_page,
    get_or_404,
    list_page,
    paginate,
    require,
    row_action,
)
from kechuang.core.uploads import serve_private
from kechuang.workflow.services import available_actions

# ---- platforms ------------------------------------------------------------------------------


@login_required
@require_safe
def platform_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=Platform, filter_cls=PlatformFilter,
                     selector=selectors.platform_list, table=tables.PLATFORMS,
                     template="carriers/platform_list.html",
                     sorts={"name", "level", "established_on"})


platform_export = export_view(exports.PLATFORM_EXPORT, model=Platform,
                              form=PlatformFilter.page_form)


@login_required
def platform_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", Platform)
    form = PlatformForm(request.POST or None)
    return form_page(
        request, form, template="carriers/platform_form.html",
        save=lambda d: services.create_platform(
            actor=user, data=d, hosts=form.cleaned_data.get("co_hosts") or (),
            recognition=form.recognition(), planning=form.cleaned_data.get("planning", False)),
        message=lambda p: _("已登记“%(name)s”。") % {"name": p}, done=lambda p: p)


@login_required
def platform_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", Platform)
    platform = get_or_404(selectors.platform_detail, user=user, pk=pk, action="change")
    form = PlatformForm(request.POST or None, instance=platform)
    return form_page(
        request, form, template="carriers/platform_form.html", context={"obj": platform},
        save=lambda d: services.update_platform(
            platform=platform, actor=user, data=d,
            hosts=form.cleaned_data.get("co_hosts") or ()),
        message=lambda p: _("已保存。"), done=lambda p: p)


@login_required
@require_safe
def platform_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", Platform)
    platform = get_or_404(selectors.platform_detail, user=user, pk=pk)
    actions = {s.action for s in available_actions(platform, workflow=PLATFORM_FLOW,
                                                   actor=user)}
    is_carrier = platform.kind.carrier or platform.jinchuanggu
    occupants = list(selectors.occupants_of(platform=platform)) if is_carrier else []
    today = timezone.localdate()
    return render(request, "carriers/platform_detail.html", {
        "platform": platform, "hosts": selectors.hosts_of(platform=platform),
        "recognitions": selectors.recognitions_of(platform=platform),
        "conversion": selectors.conversion_of(platform=platform),
        "evaluations": selectors.evaluations_of(platform=platform),
        "occupants": occupants, "is_carrier": is_carrier,
        "present": sum(1 for o in occupants if o.present_on(today)),
        "graduated": sum(1 for o in occupants if o.graduated_on),
        "level_badge": tables.level_badge(platform), "status_badge": tables.status_badge(platform),
        "actions": actions, "can_change": can(user, "change", Platform),
        "can_recognise": can(user, "add", Recognition) and not platform.ended,
        "can_convert": can(user, "add", Conversion),
        "can_add_occupant": is_carrier and can(user, "add", Occupant),
        "can_change_occupant": can(user, "change", Occupant),
        "recognition_form": RecognitionForm(), "end_form": EndForm(),
        "conversion_form": ConversionForm(),
    })


def _post_action(request: HttpRequest, pk: int, action: str, model: Any, form_class: Any,
                 act: Callable[[Platform, Any, dict[str, Any]], Any], done: str) -> HttpResponse:
    return row_action(request, model=model, action=action, read=selectors.platform_detail,
                      pk=pk, do=act, done=done, form=form_class)


@login_required
@require_POST
def platform_recognise(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, "add", Recognition, RecognitionForm,
                        lambda p, u, d: services.add_recognition(platform=p, actor=u, data=d),
                        _("已登记认定，平台级别已更新。"))


@login_required
@require_POST
def platform_operate(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, "approve", Platform, ConfirmForm,
                        lambda p, u, d: services.operate_platform(platform=p, actor=u),
                        _("平台已转为运行。"))


@login_required
@require_POST
def platform_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, "approve", Platform, EndForm,
                        lambda p, u, d: services.end_platform(
                            platform=p, actor=u, action=d["action"], reason=d["reason"],
                            on=d.get("on")),
                        _("已办理，平台自生效日期起不再计入统计。"))


@login_required
@require_POST
def platform_convert(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, "add", Conversion, ConversionForm,
                        lambda p, u, d: services.record_conversion(
                            platform=p, actor=u, enterprise=d["enterprise"],
                            converted_on=d["converted_on"], note=d.get("note") or ""),
                        _("已登记转制为法人企业。"))


@login_required
@require_safe
def platform_stats(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "view", Platform)
    form = AsOfForm(request.GET or None)
    as_of = (form.cleaned_data.get("as_of") if form.is_valid() else None) \
        or timezone.localdate()
    return render(request, "carriers/platform_stats.html", {
        "form": form, "as_of": as_of, **selectors.overview(user=user, as_of=as_of)})


# ---- kinds ----------------------------------------------------------------------------------


@login_required
def kind_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "view", PlatformKind)
    can_add = can(user, "add", PlatformKind)
    if request.method == "POST":
        require(user, "add", PlatformKind)
    form = KindForm(request.POST or None) if can_add else None
    context = {"kinds": selectors.kinds(), "can_add": can_add}
    if form is None:
        return render(request, "carriers/kind_list.html", {"form": None, **context})
    return form_page(request, form, template="carriers/kind_list.html", context=context,
                     save=lambda d: services.create_kind(actor=user, data=d),
                     message=lambda k: _("已新增平台类别“%(name)s”。") % {"name": k},
                     done=lambda k: "carriers:kind_list")


# ---- occupants ------------------------------------------------------------------------------


@login_required
@require_safe
def occupant_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=Occupant, filter_cls=OccupantFilter,
                     selector=selectors.occupant_list, table=tables.OCCUPANTS,
                     template="carriers/occupant_list.html", sorts={"name", "settled_on"},
                     flags={"can_change": can(request.user, "change", Occupant)})


occupant_export = export_view(exports.OCCUPANT_EXPORT, model=Occupant,
                              form=OccupantFilter.page_form)


@login_required
def occupant_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "add", Occupant)
    carrier = get_or_404(selectors.platform_detail, user=user, pk=pk)
    form = OccupantForm(request.POST or None)
    return form_page(
        request, form, template="carriers/occupant_form.html", context={"carrier": carrier},
        save=lambda d: services.add_occupant(carrier=carrier, actor=user, data=d),
        message=lambda o: _("已登记入驻：%(name)s。") % {"name": o}, done=lambda o: carrier)


@login_required
def occupant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", Occupant)
    occupant = get_or_404(selectors.occupant_detail, user=user, pk=pk, action="change")
    form = OccupantForm(request.POST or None, instance=occupant)
    return form_page(
        request, form, template="carriers/occupant_form.html",
        context={"carrier": occupant.carrier, "obj": occupant},
        save=lambda d: services.update_occupant(occupant=occupant, actor=user, data=d),
        message=lambda o: _("已保存。"), done=lambda o: o.carrier)


# ---- evaluation campaigns -------------------------------------------------------------------


@login_required
@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "view", Campaign)
    return render(request, "carriers/campaign_list.html", {
        "campaigns": selectors.campaign_list(user=user),
        "can_add": can(user, "add", Campaign)})


@login_required
def campaign_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", Campaign)
    form = CampaignForm(request.POST or None)
    return form_page(
        request, form, template="carriers/campaign_form.html",
        save=lambda d: services.open_campaign(actor=user, data=d, kinds=d.get("kinds") or ()),
        message=lambda c: _("已发起“%(name)s”，各依托单位可开始填报。") % {"name": c},
        done=lambda c: c)


@login_required
@require_safe
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", Campaign)
    campaign = get_or_404(selectors.campaign_detail, user=user, pk=pk)
    rows = selectors.evaluation_list(user=user, filters={"campaign": campaign.pk})
    counts = {s: 0 for s in Evaluation.Status.values}
    for row in rows.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] += row["n"]
    page = paginate(request, rows)
    return render(request, "carriers/campaign_detail.html", {
        "campaign": campaign, "counts": counts, "total": sum(counts.values()),
        "page_obj": page,
        "table_head": tables.EVALUATIONS.head(request.GET, ""),
        "table_body": tables.EVALUATIONS.body(page),
        "can_manage": can(user, "approve", Campaign) and campaign.status == Campaign.Status.OPEN,
        "can_export": can(user, "export", Evaluation),
        "export_filters": {"campaign": campaign.pk}})


@login_required
@require_POST
def campaign_remind(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "approve", Campaign)
    campaign = get_or_404(selectors.campaign_detail, user=user, pk=pk)
    sent = services.remind_hosts(campaign=campaign, actor=user)
    messages.success(request, _("已向未填报单位发送 %(n)s 条提醒。") % {"n": sent})
    return redirect(campaign)


@login_required
@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    return row_action(request, model=Campaign, action="approve",
                      read=selectors.campaign_detail, pk=pk,
                      do=lambda c, user: services.close_campaign(campaign=c, actor=user),
                      done=_("评价已结束。"))


# ---- evaluations ----------------------------------------------------------------------------


@login_required
@require_safe
def evaluation_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=Evaluation, filter_cls=EvaluationFilter,
                     selector=selectors.evaluation_list, table=tables.EVALUATIONS,
                     template="carriers/evaluation_list.html")


evaluation_export = export_view(exports.EVALUATION_EXPORT, model=Evaluation,
                                form=EvaluationFilter.page_form)


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluation: the host fills in and submits here; the bureau grades or returns."""
    user = request.user
    require(user, "view", Evaluation)
    evaluation = get_or_404(selectors.evaluation_detail, user=user, pk=pk)
    actions = {s.action for s in available_actions(evaluation, workflow=EVALUATION_FLOW,
                                                   actor=user)}
    may_fill = ("submit" in actions and evaluation.campaign.status == Campaign.Status.OPEN
                and can(user, "change", Evaluation))
    form = None
    if may_fill:
        form = EvaluationForm(request.POST or None, request.FILES or None, instance=evaluation)
    if request.method == "POST":
        if form is None:
            require(user, "approve", Evaluation)  # 403 for a reader
            messages.error(request, _("该评价当前不能填报。"))
            return redirect(evaluation)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                obj = services.fill_evaluation(
                    evaluation=evaluation, actor=user, data=form.service_data(),
                    files=form.cleaned_data.get("files") or (), submit=submit)
            except (DomainError, ValidationError) as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("已提交，等待市科技局评定。") if submit
                                 else _("已保存草稿。"))
                return redirect(obj)
    elif request.method not in ("GET", "HEAD"):
        require(user, "approve", Evaluation)
    return render(request, "carriers/evaluation_detail.html", {
        "evaluation": evaluation, "form": form,
        "evidence": selectors.evidence_of(evaluation=evaluation),
        "status_badge": tables.evaluation_badge(evaluation), "actions": actions,
        "grade_form": GradeForm(), "reason_form": ReasonForm()})


def _decide(request: HttpRequest, pk: int, form_class: Any, act: Any, done: str
            ) -> HttpResponse:
    user = request.user
    require(user, "approve", Evaluation)
    evaluation = get_or_404(selectors.evaluation_detail, user=user, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(
            f"{form.fields[f].label}：{' '.join(e)}" if f in form.fields else " ".join(e)
            for f, e in form.errors.items()))
        return redirect(evaluation)
    try:
        act(evaluation, user, form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(evaluation)


@login_required
@require_POST
def evaluation_grade(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, GradeForm, lambda e, u, d: services.grade_evaluation(
        evaluation=e, actor=u, grade=d["grade"], score=d.get("score"),
        comment=d.get("comment") or ""), _("已评定。"))


@login_required
@require_POST
def evaluation_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, ReasonForm, lambda e, u, d: services.return_evaluation(
        evaluation=e, actor=u, reason=d["reason"]), _("已退回依托单位修改。"))


@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", Evaluation)
    ev = get_or_404(selectors.evidence_detail, user=user, pk=pk)
    return serve_private(ev.file, ev.original_name)
