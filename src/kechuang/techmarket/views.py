"""Technology contract pages. Thin: selectors read, services write.

No right to the action → 403; the right, but the contract outside ``restrict()`` → 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kechuang.accounts.access import is_bureau_user
from kechuang.accounts.scoping import can
from kechuang.core.errors import DomainError
from kechuang.core.params import parse_year
from kechuang.core.shortcuts import (
    apply_service_error,
    export_view,
    form_page,
    get_or_404,
    list_page,
    require,
    row_action,
)
from kechuang.core.uploads import serve_private
from kechuang.orgs.models import Organisation
from kechuang.techmarket import exports, selectors, services, tables
from kechuang.techmarket.filters import (
    CandidateFilter,
    ContractFilter,
    ConversionFilter,
    GdpFilter,
)
from kechuang.techmarket.forms import (
    AttachmentForm,
    ChangeForm,
    ContractForm,
    ConversionForm,
    CostFormSet,
    GdpForm,
    IndustryForm,
    ReasonForm,
    RegisterForm,
    TaxForm,
    cost_rows,
)
from kechuang.techmarket.industries import tech_service_codes
from kechuang.techmarket.models import (
    ContractAttachment,
    CountyGdp,
    EntityConversion,
    TechContract,
    TechServiceIndustry,
)
from kechuang.techmarket.workflows import CONTRACT_FLOW
from kechuang.workflow.services import available_actions

SORTS = {"subject", "registration_no", "turnover_yuan", "applied_on", "registered_on"}


@login_required
@require_safe
def contract_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=TechContract, filter_cls=ContractFilter,
                     selector=selectors.contract_list, table=tables.CONTRACTS,
                     template="techmarket/contract_list.html", sorts=SORTS)


contract_export = export_view(exports.CONTRACT_EXPORT, model=TechContract,
                              form=ContractFilter.page_form)


def _cost_initial(contract: TechContract) -> list[dict[str, Any]]:
    return [{"description": c.description, "kind": c.kind, "amount_yuan": c.amount_yuan,
             "reasonable_quantity": c.reasonable_quantity, "quantity": c.quantity}
            for c in selectors.costs_of(contract=contract)]


def _contract_form(request: HttpRequest, contract: TechContract | None) -> HttpResponse:
    user = request.user
    post = request.POST if request.method == "POST" else None
    form = ContractForm(post, instance=contract, user=user)
    costs = CostFormSet(post, prefix="costs",
                        initial=_cost_initial(contract) if contract else None)
    if post is not None and form.is_valid() and costs.is_valid():
        try:
            if contract is None:
                obj = services.apply_contract(actor=user, data=form.service_data(),
                                              costs=cost_rows(costs))
                messages.success(request, _("已提交“%(name)s”的认定登记申请。") % {"name": obj})
            else:
                obj = services.correct_contract(
                    contract=contract, actor=user, data=form.service_data(),
                    costs=cost_rows(costs), corrected_on=form.cleaned_data.get("corrected_on"))
                messages.success(request, _("已补正，认定期限重新起算至 %(d)s。") % {
                    "d": obj.deadline_on or "—"})
        except (DomainError, ValidationError) as exc:
            apply_service_error(form, exc)
        else:
            return redirect(obj)
    return render(request, "techmarket/contract_form.html",
                  {"form": form, "costs": costs, "obj": contract})


@login_required
def contract_add(request: HttpRequest) -> HttpResponse:
    require(request.user, "add", TechContract)
    return _contract_form(request, None)


@login_required
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", TechContract)
    contract = get_or_404(selectors.contract_detail, user=user, pk=pk, action="change")
    if contract.status != TechContract.Status.APPLIED:
        messages.error(request, _("只有待认定的合同可以补正；已登记的合同请办理变更登记。"))
        return redirect(contract)
    return _contract_form(request, contract)


@login_required
@require_safe
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", TechContract)
    contract = get_or_404(selectors.contract_detail, user=user, pk=pk)
    verdict = None
    try:
        verdict = services.evaluate(contract)
    except DomainError:
        verdict = None
    actions = {s.action for s in available_actions(contract, workflow=CONTRACT_FLOW, actor=user)}
    tax_form = TaxForm(request.GET if "income" in request.GET else None)
    tax = None
    if not tax_form.is_bound or tax_form.is_valid():
        data = tax_form.cleaned_data if tax_form.is_bound else {}
        try:
            tax = services.tax_links(contract, transfer_income_yuan=data.get("income"),
                                     tax_rate=data.get("rate"))
        except DomainError as exc:
            tax_form.add_error(None, exc.message)
    return render(request, "techmarket/contract_detail.html", {
        "tax": tax, "tax_form": tax_form,
        "attachments": selectors.attachments_of(contract=contract),
        "attachment_form": AttachmentForm(),
        "can_attach": can(user, "change", TechContract),
        "contract": contract, "costs": selectors.costs_of(contract=contract),
        "events": selectors.events_of(contract=contract), "verdict": verdict,
        "overdue": selectors.is_overdue(contract), "actions": actions,
        "status_badge": tables.status_badge(contract),
        "can_edit": (contract.status == TechContract.Status.APPLIED
                     and can(user, "change", TechContract)),
        "register_form": RegisterForm(), "reason_form": ReasonForm(),
        "change_form": ChangeForm(initial={"turnover_yuan": contract.turnover_yuan}),
    })


def _decide(request: HttpRequest, pk: int, form_class: type, act: Any,
            done: str) -> HttpResponse:
    return row_action(request, model=TechContract, action="approve",
                      read=selectors.contract_detail, pk=pk, do=act, done=done, form=form_class)


@login_required
@require_POST
def contract_register(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, RegisterForm, lambda c, u, d: services.register_contract(
        contract=c, actor=u, registration_no=d["registration_no"],
        registered_on=d.get("registered_on"), note=d.get("note") or ""), _("已认定登记。"))


@login_required
@require_POST
def contract_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, ReasonForm, lambda c, u, d: services.refuse_contract(
        contract=c, actor=u, reason=d["reason"], refused_on=d.get("on")), _("已不予登记。"))


@login_required
@require_POST
def contract_change(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, ChangeForm, lambda c, u, d: services.change_contract(
        contract=c, actor=u, reason=d["reason"], turnover_yuan=d["turnover_yuan"],
        changed_on=d.get("on")), _("已办理变更登记。"))


@login_required
@require_POST
def contract_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, ReasonForm, lambda c, u, d: services.cancel_contract(
        contract=c, actor=u, reason=d["reason"], cancelled_on=d.get("on")),
        _("已办理注销登记。"))


# -- attachments --------------------------------------------------------------------------

@login_required
@require_POST
def contract_attach(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", TechContract)
    contract = get_or_404(selectors.contract_detail, user=user, pk=pk, action="change")
    try:
        saved = services.add_attachments(contract=contract, actor=user,
                                         files=request.FILES.getlist("files"))
    except (DomainError, ValidationError) as exc:
        messages.error(request, getattr(exc, "message", None) or "；".join(exc.messages))
    else:
        messages.success(request, _("已上传 %(n)s 个附件。") % {"n": len(saved)})
    return redirect(contract)


@login_required
@require_safe
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", ContractAttachment)
    try:
        att = selectors.attachment_detail(user=user, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    return serve_private(att.file, att.original_name)


# -- statistics (行动六) ----------------------------------------------------------------------

def _year_and_date(request: HttpRequest) -> tuple[int, dt.date]:
    today = timezone.localdate()
    year = parse_year(request.GET.get("year") or "") or selectors.default_year(today)
    try:
        as_of = dt.date.fromisoformat(request.GET.get("as_of") or "")
    except ValueError:
        as_of = min(today, dt.date(year, 12, 31))
    if as_of.year != year:
        as_of = dt.date(year, 12, 31) if as_of.year > year else dt.date(year, 1, 1)
    return year, as_of


def _bureau(request: HttpRequest) -> None:
    if not is_bureau_user(request.user):
        raise PermissionDenied


@login_required
@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    """成交额 and 技术交易额 by county (with the target's allocation and the GDP share), type,
    month and side; the largest contracts. Plan figures: the bureau's users."""
    _bureau(request)
    year, as_of = _year_and_date(request)
    stats = selectors.statistics(user=request.user, year=year, as_of=as_of)
    chart = {"months": [_("%(m)s月") % {"m": r["month"]} for r in stats["monthly"]],
             "added": [float(r["added"]) for r in stats["monthly"]],
             "cumulative": [float(r["cumulative"]) for r in stats["monthly"]],
             "target": float(stats["target"]) if stats["target"] else None,
             "types": [{"name": r["label"], "value": float(r["turnover"])}
                       for r in stats["by_type"]],
             "labels": {"added": _("当月新增（亿元）"), "cumulative": _("累计成交额（亿元）"),
                        "target": _("年度目标")}}
    return render(request, "techmarket/statistics.html", {
        "stats": stats, "year": year, "as_of": as_of, "chart": chart,
        "can_gdp": can(request.user, "add", CountyGdp)})


@login_required
@require_safe
def gdp_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=CountyGdp, filter_cls=GdpFilter, selector=selectors.gdp_list,
                     table=tables.GDP, template="techmarket/gdp_list.html")


gdp_export = export_view(exports.GDP_EXPORT, model=CountyGdp, form=GdpFilter.page_form)


@login_required
def gdp_add(request: HttpRequest) -> HttpResponse:
    require(request.user, "add", CountyGdp)
    form = GdpForm(request.POST if request.method == "POST" else None)
    return form_page(request, form,
                     save=lambda d: services.save_gdp(actor=request.user, data=d),
                     message=lambda o: _("已录入 %(o)s 地区生产总值。") % {"o": o},
                     done=lambda o: "techmarket:gdp_list", template="techmarket/gdp_form.html")


# -- tech-service enterprises -------------------------------------------------------------

@login_required
def service_enterprises(request: HttpRequest) -> HttpResponse:
    """规上科技服务业企业县域覆盖: the counties covered and missing, the industry list (the
    city edits it here), the 升规入统 candidates' link and the platform conversions."""
    _bureau(request)
    user = request.user
    year, _as_of = _year_and_date(request)
    form = IndustryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        require(user, "change", TechServiceIndustry)
        if form.is_valid():
            try:
                services.set_industry(actor=user, **form.cleaned_data)
            except (DomainError, ValidationError) as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("已更新科技服务业行业范围。"))
                return redirect("techmarket:service_enterprises")
    rows = selectors.service_coverage(year=year)
    from kechuang.orgs.industry import DIVISIONS

    codes = tech_service_codes()
    return render(request, "techmarket/service_enterprises.html", {
        "rows": rows, "covered": sum(1 for r in rows if r["above"]),
        "missing": [r for r in rows if not r["above"]], "year": year,
        "codes": [(c, DIVISIONS.get(c, "")) for c in codes],
        "overrides": selectors.industry_rows(user=user), "form": form,
        "can_edit": can(user, "change", TechServiceIndustry),
        "conversions": selectors.conversions(user=user)[:20],
        "can_record": can(user, "add", EntityConversion)})


@login_required
@require_safe
def candidate_list(request: HttpRequest) -> HttpResponse:
    _bureau(request)
    return list_page(request, model=Organisation, filter_cls=CandidateFilter,
                     selector=selectors.candidate_list, table=tables.CANDIDATES,
                     template="techmarket/candidate_list.html")


_candidate_export = export_view(exports.CANDIDATE_EXPORT, model=Organisation,
                                form=CandidateFilter.page_form)


@login_required
def candidate_export(request: HttpRequest) -> HttpResponse:
    _bureau(request)
    return _candidate_export(request)


@login_required
@require_safe
def conversion_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=EntityConversion, filter_cls=ConversionFilter,
                     selector=selectors.conversion_list, table=tables.CONVERSIONS,
                     template="techmarket/conversion_list.html")


conversion_export = export_view(exports.CONVERSION_EXPORT, model=EntityConversion,
                                form=ConversionFilter.page_form)


@login_required
def conversion_add(request: HttpRequest) -> HttpResponse:
    require(request.user, "add", EntityConversion)
    form = ConversionForm(request.POST if request.method == "POST" else None, user=request.user)
    return form_page(request, form,
                     save=lambda d: services.record_conversion(actor=request.user, data=d),
                     message=lambda o: _("已记录“%(o)s”转制为法人企业。") % {"o": o},
                     done=lambda o: "techmarket:service_enterprises",
                     template="techmarket/conversion_form.html")
