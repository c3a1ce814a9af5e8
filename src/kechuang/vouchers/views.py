"""Voucher pages. Thin: selectors read, services write.

No right to the action → 403; the right, but the row outside ``restrict()`` → 404.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST, require_safe

from kechuang.accounts.scoping import can
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
from kechuang.orgs.models import Organisation
from kechuang.vouchers import exports, selectors, services, tables
from kechuang.vouchers.filters import ClaimFilter, ProviderFilter, VoucherFilter
from kechuang.vouchers.forms import (
    AllocationForm,
    ClaimForm,
    ContractForm,
    DecisionForm,
    KindEditForm,
    KindForm,
    ListingForm,
    PolicyForm,
    VoucherApplyForm,
)
from kechuang.vouchers.models import (
    Claim,
    ClaimFile,
    CountyAllocation,
    Entry,
    Provider,
    ServiceContract,
    ServiceKind,
    Voucher,
    VoucherPolicy,
)
from kechuang.vouchers.workflows import CLAIM_FLOW, PROVIDER_FLOW, VOUCHER_FLOW
from kechuang.workflow.services import available_actions


def _refusal(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, getattr(exc, "message", str(exc)))


# ---- vouchers ----------------------------------------------------------------------------


@login_required
@require_safe
def voucher_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=Voucher, filter_cls=VoucherFilter,
                     selector=selectors.voucher_list, table=tables.VOUCHERS,
                     template="vouchers/voucher_list.html", sorts={"number", "face_value_fen"},
                     policy=selectors.current_policy(user=request.user),
                     can_reconcile=can(request.user, "view", Entry))


voucher_export = export_view(exports.VOUCHER_EXPORT, model=Voucher, form=VoucherFilter.page_form)


@login_required
def voucher_apply(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", Voucher)
    policy = selectors.current_policy(user=user)
    org = getattr(user, "organisation", None)
    form = VoucherApplyForm(request.POST or None, initial={
        "face_value_yuan": policy.face_value_fen / 100 if policy else None})
    problems = services.eligibility(policy, org) if (policy and org) else []
    if request.method == "POST" and policy and org and form.is_valid():
        try:
            v = services.apply_voucher(actor=user, policy=policy, enterprise=org,
                                       data=form.service_data())
        except (DomainError, ValidationError) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已提交创新券申请，等待县区审核。"))
            return redirect(v)
    return render(request, "vouchers/voucher_apply.html", {
        "form": form, "policy": policy, "organisation": org, "problems": problems})


@login_required
@require_safe
def voucher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", Voucher)
    v = get_or_404(selectors.voucher_detail, user=user, pk=pk)
    return render(request, "vouchers/voucher_detail.html", {
        "voucher": v, "badge": tables.badge(v), "balance": tables.yuan(selectors.balance_of(v)),
        "contracts": selectors.contracts_for(user=user, voucher=v),
        "claims": selectors.claims_of(user=user, voucher=v),
        "actions": available_actions(v, workflow=VOUCHER_FLOW, actor=user),
        "can_contract": v.status == Voucher.Status.ISSUED and can(user, "add", ServiceContract),
        "form": DecisionForm()})


@login_required
@require_POST
def voucher_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    require(user, "approve", Voucher)
    v = get_or_404(selectors.voucher_detail, user=user, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.decide_voucher(actor=user, voucher=v, action=action,
                                reason=form.cleaned_data.get("reason", ""))
    except (DomainError, ValidationError, ValueError) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("已办理。"))
    return redirect(v)


# ---- contracts ---------------------------------------------------------------------------


@login_required
def contract_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "add", ServiceContract)
    v = get_or_404(selectors.voucher_detail, user=user, pk=pk)
    form = ContractForm(request.POST or None, providers=selectors.listed_providers(user=user),
                        kinds=selectors.kinds_of(policy=v.policy).filter(active=True))
    if request.method == "POST" and form.is_valid():
        try:
            c = services.create_contract(actor=user, voucher=v,
                                         provider=form.cleaned_data["provider"],
                                         data=form.service_data())
        except (DomainError, ValidationError) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记服务合同，等待服务机构确认。"))
            return redirect(c)
    return render(request, "vouchers/form.html", {
        "form": form, "title": _("登记服务合同"), "back": v.get_absolute_url()})


@login_required
@require_safe
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", ServiceContract)
    c = get_or_404(selectors.contract_detail, user=user, pk=pk)
    side = services.side_of(user, c)
    return render(request, "vouchers/contract_detail.html", {
        "contract": c, "claims": selectors.claims_of(user=user, contract=c),
        "can_confirm": bool(side) and not getattr(c, f"{side}_confirmed_at", None)
        and can(user, "change", ServiceContract),
        "can_claim": c.confirmed and bool(side) and can(user, "add", Claim)})


@login_required
@require_POST
def contract_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", ServiceContract)
    c = get_or_404(selectors.contract_detail, user=user, pk=pk, action="change")
    if not services.side_of(user, c):
        messages.error(request, _("只有合同当事方（企业或服务机构）可以确认合同。"))
        return redirect(c)
    try:
        services.confirm_contract(actor=user, contract=c,
                                  related_declared=bool(request.POST.get("related")))
    except (DomainError, ValidationError) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("已确认服务合同。"))
    return redirect(c)


# ---- claims ------------------------------------------------------------------------------


@login_required
def claim_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "add", Claim)
    c = get_or_404(selectors.contract_detail, user=user, pk=pk)
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim, created = services.file_claim(actor=user, contract=c,
                                                 data=form.service_data(),
                                                 files=form.service_files())
        except (DomainError, ValidationError) as exc:
            apply_service_error(form, exc)
        else:
            if not created:
                messages.info(request, _("该发票已提交过兑付申请，以下为首次提交的结果。"))
            elif claim.status == Claim.Status.REFUSED:
                messages.error(request, claim.explanation)
            else:
                messages.success(request, claim.explanation)
            return redirect(claim)
    return render(request, "vouchers/form.html", {
        "form": form, "title": _("申请兑付"), "back": c.get_absolute_url(), "multipart": True})


@login_required
@require_safe
def claim_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=Claim, filter_cls=ClaimFilter, selector=selectors.claim_list,
                     table=tables.CLAIMS, template="vouchers/claim_list.html",
                     sorts={"invoice_no", "fee_fen", "amount_fen"})


claim_export = export_view(exports.CLAIM_EXPORT, model=Claim, form=ClaimFilter.page_form)


@login_required
@require_safe
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", Claim)
    claim = get_or_404(selectors.claim_detail, user=user, pk=pk)
    return render(request, "vouchers/claim_detail.html", {
        "claim": claim, "badge": tables.badge(claim), "amount": tables.yuan(claim.amount_fen),
        "files": selectors.files_of(claim=claim),
        "fee": tables.yuan(claim.fee_fen),
        "conditions": claim.result.get("conditions", []), "notes": claim.result.get("notes", []),
        "actions": available_actions(claim, workflow=CLAIM_FLOW, actor=user),
        "form": DecisionForm()})


@login_required
@require_POST
def claim_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    require(user, "approve", Claim)
    claim = get_or_404(selectors.claim_detail, user=user, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.decide_claim(actor=user, claim=claim, action=action,
                              reason=form.cleaned_data.get("reason", ""))
    except (DomainError, ValidationError, ValueError) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("已办理。"))
    return redirect(claim)


@login_required
@require_safe
def claim_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A claim's file, to those who see the claim (its enterprise, its provider, the bureau
    in scope); anyone else gets 404 (or 403 without the right to such files at all)."""
    user = request.user
    require(user, "view", ClaimFile)
    f = get_or_404(selectors.claim_file_detail, user=user, pk=pk)
    return serve_private(f.file, f.original_name)


# ---- providers ---------------------------------------------------------------------------


@login_required
@require_safe
def provider_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=Provider, filter_cls=ProviderFilter,
                     selector=selectors.provider_list, table=tables.PROVIDERS,
                     template="vouchers/provider_list.html",
                     own=selectors.own_provider(user=request.user))


provider_export = export_view(exports.PROVIDER_EXPORT, model=Provider,
                              form=ProviderFilter.page_form)


@login_required
def provider_apply(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", Provider)
    org: Organisation | None = getattr(user, "organisation", None)
    form = ListingForm(request.POST or None)
    if request.method == "POST" and org is not None and form.is_valid():
        try:
            p = services.apply_listing(actor=user, organisation=org, data=form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已提交入库申请，等待市局审核。"))
            return redirect(p)
    return render(request, "vouchers/form.html", {
        "form": form, "title": _("申请入库"), "back": "",
        "hint": "" if org else _("请以服务机构账号登录后申请入库。")})


@login_required
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", Provider)
    p = get_or_404(selectors.provider_detail, user=user, pk=pk)
    editable = can(user, "change", Provider) and Provider.objects.restrict(
        user, "change").filter(pk=p.pk).exists()
    form = ListingForm(request.POST if request.method == "POST" else None, initial={
        "services": p.services, "qualifications": p.qualifications,
        "legal_representative": p.legal_representative, "shareholders": p.shareholders})
    if request.method == "POST":
        require(user, "change", Provider)
        if editable and form.is_valid():
            try:
                services.update_catalogue(actor=user, provider=p, data=form.cleaned_data)
            except (DomainError, ValidationError) as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("已保存服务目录。"))
                return redirect(p)
    return render(request, "vouchers/provider_detail.html", {
        "provider": p, "badge": tables.badge(p), "form": form if editable else None,
        "actions": available_actions(p, workflow=PROVIDER_FLOW, actor=user),
        "decision": DecisionForm(),
        "contracts": selectors.contracts_for(user=user).filter(provider=p)[:50]})


@login_required
@require_POST
def provider_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    require(user, "approve", Provider)
    p = get_or_404(selectors.provider_detail, user=user, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.decide_listing(actor=user, provider=p, action=action,
                                reason=form.cleaned_data.get("reason", ""))
    except (DomainError, ValidationError, ValueError) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("已办理。"))
    return redirect(p)


# ---- policy and catalogue ----------------------------------------------------------------


@login_required
@require_safe
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", VoucherPolicy)
    policy = get_or_404(selectors.policy_detail, user=user, pk=pk)
    return render(request, "vouchers/policy_detail.html", {
        "policy": policy, "kinds": selectors.kinds_of(policy=policy),
        "cap": tables.yuan(policy.annual_cap_fen), "face": tables.yuan(policy.face_value_fen),
        "budget": tables.yuan(policy.budget_fen), "years": selectors.policy_years(user=user),
        "can_add": can(user, "add", VoucherPolicy), "can_change": can(user, "change",
                                                                      VoucherPolicy),
        "can_change_kind": can(user, "change", ServiceKind),
        "can_allocations": can(user, "view", CountyAllocation),
        "form": KindForm() if can(user, "add", ServiceKind) else None})


@login_required
def policy_add(request: HttpRequest) -> HttpResponse:
    """A new year's policy (its catalogue is then filled on the policy page)."""
    user = request.user
    require(user, "add", VoucherPolicy)
    return form_page(
        request, PolicyForm(request.POST or None, initial={"in_city_only": True}),
        save=lambda d: services.create_policy(actor=user, data=d),
        message=lambda p: _("已新建 %(y)s 年度创新券政策（已记入审计日志），请维护服务目录。") % {
            "y": p.year},
        done=lambda p: p, template="vouchers/form.html",
        context={"title": _("新建年度政策"), "back": ""})


@login_required
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a policy; claims already filed keep the amounts frozen on them."""
    user = request.user
    require(user, "change", VoucherPolicy)
    policy = get_or_404(selectors.policy_detail, user=user, pk=pk, action="change")
    return form_page(
        request, PolicyForm(request.POST or None, instance=policy),
        save=lambda d: services.update_policy(actor=user, policy=policy, data=d),
        message=lambda p: _("已保存政策（已记入审计日志）。"
                            "已提交的兑付申请按提交时的规则结果，不受影响。"),
        done=lambda p: p, template="vouchers/form.html",
        context={"title": _("修改政策：%(p)s") % {"p": policy},
                 "back": policy.get_absolute_url()})


@login_required
@require_POST
def policy_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Next year's policy as a copy of this one (numbers, eligibility, catalogue, county
    allocations), to be edited."""
    user = request.user
    require(user, "add", VoucherPolicy)
    source = get_or_404(selectors.policy_detail, user=user, pk=pk)
    try:
        copy = services.copy_policy(actor=user, source=source)
    except (DomainError, ValidationError) as exc:
        _refusal(request, exc)
        return redirect(source)
    messages.success(request, _("已按 %(y)s 年度政策复制出 %(n)s 年度政策，请核对后修改。") % {
        "y": source.year, "n": copy.year})
    return redirect("vouchers:policy_edit", copy.pk)


@login_required
def kind_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", ServiceKind)
    kind = get_or_404(selectors.kind_detail, user=user, pk=pk, action="change")
    form = KindEditForm(request.POST or None, instance=kind,
                        initial={"name": kind.name, "ratio": kind.ratio})
    return form_page(
        request, form, save=lambda d: services.save_kind(actor=user, policy=kind.policy,
                                                         data=d, kind=kind),
        message=lambda k: _("已修改服务目录（已记入审计日志）。"),
        done=lambda k: k.policy, template="vouchers/form.html",
        context={"title": _("修改服务类别：%(k)s（%(c)s）") % {"k": kind.name, "c": kind.code},
                 "back": kind.policy.get_absolute_url()})


def _kind_active(active: bool, done: str):  # noqa: ANN202 - a view factory
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return row_action(
            request, model=ServiceKind, action="change", pk=pk,
            read=lambda user, pk: selectors.kind_detail(user=user, pk=pk, action="change"),
            do=lambda kind, user: services.set_kind_active(actor=user, kind=kind,
                                                           active=active),
            done=done, to=lambda kind: kind.policy)
    return view


kind_deactivate = _kind_active(False, _l("已停用该服务类别：不能再用于新的合同和兑付申请，"
                                         "已作出的决定不变。"))
kind_activate = _kind_active(True, _l("已恢复该服务类别。"))


# ---- county allocations ------------------------------------------------------------------


@login_required
@require_safe
def allocation_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Allocation, issued and remaining per county; a county sees its own row (read-only)."""
    user = request.user
    require(user, "view", CountyAllocation)
    policy = get_or_404(selectors.policy_detail, user=user, pk=pk)
    page = paginate(request, selectors.allocations(user=user, policy=policy))
    rows = selectors.with_balances(page.object_list)
    can_add = can(user, "add", CountyAllocation)
    candidates = selectors.allocation_candidates(user=user, policy=policy) if can_add else None
    return render(request, "vouchers/allocation_list.html", {
        "policy": policy, "page_obj": page, "rows": [
            {"obj": a, "amount": tables.yuan(a.amount_fen), "issued": tables.yuan(a.issued_fen),
             "remaining": tables.yuan(a.remaining_fen)} for a in rows],
        "budget": tables.yuan(policy.budget_fen),
        "unallocated": tables.yuan(selectors.unallocated_fen(policy)) if can(
            user, "view", Entry) else None,
        "can_change": can(user, "change", CountyAllocation),
        "can_add": can_add and candidates.exists(),
        "can_export": can(user, "export", CountyAllocation)})


@login_required
def allocation_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "add", CountyAllocation)
    policy = get_or_404(selectors.policy_detail, user=user, pk=pk)
    form = AllocationForm(request.POST or None,
                          counties=selectors.allocation_candidates(user=user, policy=policy))
    return form_page(
        request, form, save=lambda d: services.save_allocation(
            actor=user, policy=policy, county=d["county"], amount_fen=d["amount_fen"]),
        message=lambda a: _("已分配预算给%(c)s（已记入审计日志）。") % {"c": a.county.name},
        done=lambda a: reverse("vouchers:allocation_list", args=[policy.pk]),
        template="vouchers/form.html",
        context={"title": _("县区预算分配：%(p)s") % {"p": policy},
                 "back": reverse("vouchers:allocation_list", args=[policy.pk])})


@login_required
def allocation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", CountyAllocation)
    alloc = get_or_404(selectors.allocation_detail, user=user, pk=pk, action="change")
    back = reverse("vouchers:allocation_list", args=[alloc.policy_id])
    form = AllocationForm(request.POST or None, instance=alloc,
                          initial={"amount_yuan": Decimal(alloc.amount_fen) / 100})
    return form_page(
        request, form, save=lambda d: services.save_allocation(
            actor=user, policy=alloc.policy, county=alloc.county, amount_fen=d["amount_fen"],
            version=d.get("version")),
        message=lambda a: _("已调整%(c)s的预算分配（已记入审计日志）。") % {"c": a.county.name},
        done=lambda a: back, template="vouchers/form.html",
        context={"title": _("调整县区预算分配：%(c)s") % {"c": alloc.county.name}, "back": back})


@login_required
@require_safe
def allocation_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "export", CountyAllocation)
    policy = get_or_404(selectors.policy_detail, user=user, pk=pk)
    rows = selectors.with_balances(selectors.allocations(user=user, policy=policy,
                                                        action="export"))
    return _workbook(f"vouchers-allocations-{policy.year}.xlsx",
                     [(_("县区预算分配"), _allocation_sheet(rows))])


def _allocation_sheet(rows: list[CountyAllocation]) -> tuple[list[str], list[list[object]]]:
    head = [_("县区"), _("分配额度（元）"), _("已发放（元）"), _("剩余（元）")]
    return head, [[a.county.name, Decimal(a.amount_fen) / 100, Decimal(a.issued_fen) / 100,
                   Decimal(a.remaining_fen) / 100] for a in rows]


def _workbook(name: str, sheets: list[tuple[str, tuple[list[str], list[list[object]]]]]
              ) -> HttpResponse:
    """An .xlsx of plain sheets (text and Decimal money cells)."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    money = book.add_format({"num_format": "#,##0.00"})
    for title, (head, body) in sheets:
        sheet = book.add_worksheet(str(title))
        sheet.write_row(0, 0, [str(h) for h in head])
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, len(head) - 1, 16)
        for i, row in enumerate(body, start=1):
            for j, value in enumerate(row):
                if isinstance(value, (Decimal, int)):
                    sheet.write_number(i, j, value, money if isinstance(value, Decimal) else None)
                else:
                    sheet.write(i, j, str(value))
    book.close()
    resp = HttpResponse(buf.getvalue(), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


@login_required
@require_POST
def kind_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "add", ServiceKind)
    policy = get_or_404(selectors.policy_detail, user=user, pk=pk)
    form = KindForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(" ".join(e) for e in form.errors.values()))
        return redirect(policy)
    try:
        services.save_kind(actor=user, policy=policy, data=form.cleaned_data)
    except (DomainError, ValidationError) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("已加入服务目录（已记入审计日志）。"))
    return redirect(policy)


# ---- reconciliation ----------------------------------------------------------------------

VIEWS = (("county", _("按县区")), ("provider", _("按服务机构")), ("kind", _("按服务类别")))


def _year(request: HttpRequest) -> int | None:
    years = selectors.years()
    try:
        y = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        y = years[0] if years else 0
    return y if y in years else (years[0] if years else None)


@login_required
@require_safe
def reconciliation(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "view", Entry)
    year = _year(request)
    data = selectors.reconciliation(user=user, year=year) if year else {}
    sections = [(key, label, [{**r, **{k: tables.yuan(r[k]) for k in
                                        ("issued", "reserved", "paid", "released", "lapsed")}}
                              for r in data.get(key, [])]) for key, label in VIEWS]
    from kechuang.vouchers import ledger

    policy = selectors.policy_of_year(year) if year else None
    allocations = selectors.with_balances(selectors.allocations(user=user, policy=policy)
                                          ) if policy else []
    return render(request, "vouchers/reconciliation.html", {
        "year": year, "years": selectors.years(), "sections": sections, "policy": policy,
        "allocations": [{"county": a.county.name, "amount": tables.yuan(a.amount_fen),
                         "issued": tables.yuan(a.issued_fen),
                         "remaining": tables.yuan(a.remaining_fen)} for a in allocations],
        "unallocated": tables.yuan(selectors.unallocated_fen(policy)) if policy else "",
        "problems": ledger.verify(selectors.policy_of_year(year)) if year else []})


@login_required
@require_safe
def reconciliation_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "export", Entry)
    year = _year(request)
    if year is None:
        raise Http404
    data = selectors.reconciliation(user=user, year=year)
    head = [_("名称"), _("发放（元）"), _("占用中（元）"), _("已兑付（元）"), _("释放（元）"),
            _("失效（元）"), _("兑付申请数")]
    keys = ("issued", "reserved", "paid", "released", "lapsed")
    sheets = [(label, (head, [[r["label"], *(Decimal(r[k]) / 100 for k in keys), r["claims"]]
                              for r in data[key]])) for key, label in VIEWS]
    policy = selectors.policy_of_year(year)
    sheets.append((_("县区预算分配"), _allocation_sheet(selectors.with_balances(
        selectors.allocations(user=user, policy=policy, action="export")))))
    return _workbook(f"vouchers-reconciliation-{year}.xlsx", sheets)
