"""Technology contract pages. Thin: selectors read, services write.

No right to the action → 403; the right, but the contract outside ``restrict()`` → 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kechuang.accounts.scoping import can
from kechuang.core.errors import DomainError
from kechuang.core.shortcuts import (
    apply_service_error,
    export_view,
    get_or_404,
    list_page,
    require,
)
from kechuang.techmarket import exports, selectors, services, tables
from kechuang.techmarket.filters import ContractFilter
from kechuang.techmarket.forms import (
    ChangeForm,
    ContractForm,
    CostFormSet,
    ReasonForm,
    RegisterForm,
    cost_rows,
)
from kechuang.techmarket.models import TechContract
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
    form = ContractForm(post, instance=contract)
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
    return render(request, "techmarket/contract_detail.html", {
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
    user = request.user
    require(user, "approve", TechContract)
    contract = get_or_404(selectors.contract_detail, user=user, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(
            f"{form.fields[f].label}：{' '.join(e)}" if f in form.fields else " ".join(e)
            for f, e in form.errors.items()))
        return redirect(contract)
    try:
        act(contract, user, form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(contract)


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
