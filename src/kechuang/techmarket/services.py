"""Writes of technology contracts: apply, correct, register, refuse, change, cancel.

Amounts and the deadline come from the §e rules in ``policy/tech_contracts.py`` (never
computed here): 技术交易额 = 成交额 − the itemised non-technical costs not claimed as
"合理数量"; the office's deadline from the acceptance date, restarted by a correction. Every
write is audited; states move only through ``workflow.services.transition``; every step
appends a :class:`ContractEvent` dated when it takes effect, which the metrics sum.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.accounts.scoping import can
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot
from kechuang.core.errors import DomainError, ScopeError
from kechuang.core.scheduler import daily
from kechuang.core.services import BulkHook, BulkItem, Errors, bulk_save, update_object
from kechuang.policy.inputs import PolicyInputError
from kechuang.policy.tech_contracts import (
    CostItem,
    TechContractInput,
    TechContractResult,
    evaluate_tech_contract,
    rd_super_deduction_evidence,
)
from kechuang.techmarket.calendar import work_calendar
from kechuang.techmarket.models import ContractEvent, NonTechnicalCost, TechContract
from kechuang.techmarket.workflows import CONTRACT_FLOW
from kechuang.workflow.services import transition

CONTRACT_FIELDS = ("contract_type", "sub_type", "import_contract", "subject", "seller", "buyer",
                   "turnover_yuan", "disputed", "signed_on", "effective_on", "applied_on",
                   "registration_office")
COST_FIELDS = ("description", "kind", "amount_yuan", "reasonable_quantity", "quantity")


def _costs(rows: Iterable[Mapping[str, Any]]) -> list[NonTechnicalCost]:
    out = []
    for row in rows:
        if not row or not row.get("description") and row.get("amount_yuan") in (None, ""):
            continue
        out.append(NonTechnicalCost(**{k: row[k] for k in COST_FIELDS if k in row}))
    return out


def evaluate(contract: TechContract, costs: Iterable[NonTechnicalCost] | None = None,
             ) -> TechContractResult:
    """The §e verdict on the contract as it stands (amounts, registrability, deadline)."""
    items = list(contract.costs.all()) if costs is None else list(costs)
    try:
        inp = TechContractInput(
            contract_type=contract.contract_type, sub_type=contract.sub_type,
            import_contract=contract.import_contract,
            seller=contract.seller.name if contract.seller_id else "",
            buyer=contract.buyer.name if contract.buyer_id else "",
            subject=contract.subject, turnover_yuan=contract.turnover_yuan,
            non_technical_costs=tuple(
                CostItem(c.description, Decimal(c.amount_yuan), c.kind, c.reasonable_quantity,
                         c.quantity) for c in items),
            accepted_on=contract.applied_on,
            corrections_submitted_on=(contract.corrected_on,) if contract.corrected_on else (),
            disputed=contract.disputed, effective_on=contract.effective_on,
            applied_on=contract.applied_on, calendar=work_calendar())
        return evaluate_tech_contract(inp)
    except PolicyInputError as exc:
        field = str(exc.field).split(".")[0].split("[")[0]
        raise DomainError(exc.message, field="costs" if field == "non_technical_costs"
                          else field) from exc


def tax_links(contract: TechContract, *, transfer_income_yuan: Decimal | None = None,
              tax_rate: Decimal | None = None, related: bool | None = None,
              same_invoice: bool | None = None) -> dict[str, Any]:
    """The tax eligibility §e gives the contract — VAT exemption by type, the 500万 CIT rule
    on the enterprise's own year's 技术转让所得 (typed in by the reader, never taken from the
    成交额), evidence for the buyer's R&D super-deduction — shown, never applied."""
    registered = contract.status in (TechContract.Status.REGISTERED,
                                     TechContract.Status.CHANGED)
    items = list(contract.costs.all())
    try:
        inp = TechContractInput(
            contract_type=contract.contract_type, sub_type=contract.sub_type,
            import_contract=contract.import_contract, seller=contract.seller.name,
            buyer=contract.buyer.name, subject=contract.subject,
            turnover_yuan=contract.turnover_yuan,
            non_technical_costs=tuple(
                CostItem(c.description, Decimal(c.amount_yuan), c.kind, c.reasonable_quantity,
                         c.quantity) for c in items),
            applied_on=contract.applied_on, related_to_transfer_or_development=related,
            same_invoice=same_invoice, annual_transfer_income_yuan=transfer_income_yuan,
            tax_rate=tax_rate if tax_rate is not None else Decimal("0.25"),
            calendar=work_calendar())
        result = evaluate_tech_contract(inp)
    except PolicyInputError as exc:
        raise DomainError(exc.message, field="income") from exc
    refused = contract.status in (TechContract.Status.REFUSED, TechContract.Status.CANCELLED)
    rd = rd_super_deduction_evidence(
        contract_type=contract.contract_type, sub_type=contract.sub_type,
        registered=registered, import_contract=contract.import_contract,
        paid_yuan=contract.turnover_yuan)
    return {"registered": registered, "refused": refused,
            "vat_exempt": result.vat_exempt if registered else False,
            "vat_message": result.vat_message if registered else _(
                "合同尚未认定登记（或已不予登记、注销），不能享受增值税免税"),
            "cit": result.cit if registered else None,
            "cit_message": result.cit_message if registered else _(
                "未经认定登记的技术合同不得享受技术转让所得减免企业所得税"),
            "rd": rd, "disclaimer": result.disclaimer}


def _apply_result(contract: TechContract, result: TechContractResult) -> None:
    contract.non_technical_yuan = result.non_technical_deducted_yuan
    contract.tech_transaction_yuan = result.tech_transaction_yuan or Decimal(0)
    contract.needs_review = result.needs_review
    contract.deadline_on = result.deadline.deadline_on if result.deadline else None


def _registrant(contract: TechContract) -> Any:
    return contract.buyer if contract.import_contract else contract.seller


def _check_party(actor: Any, contract: TechContract) -> None:
    """Someone outside the office applies only for a contract their organisation is party to."""
    if can(actor, "approve", TechContract):
        return
    org = getattr(actor, "organisation_id", None)
    if org is None or org not in (contract.seller_id, contract.buyer_id):
        raise DomainError(_("只能为本单位作为卖方或买方的合同申请登记"), field="seller")


def _event(contract: TechContract, kind: str, on: dt.date, actor: Any, note: str = "",
           turnover: Decimal = Decimal(0), tech: Decimal = Decimal(0)) -> ContractEvent:
    year = contract.registered_on.year if contract.registered_on else None
    return ContractEvent.objects.create(
        contract=contract, kind=kind, effective_on=on, year=year, turnover_delta=turnover,
        tech_transaction_delta=tech, note=note[:500], actor=actor)


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def apply_contract(*, actor: Any, data: Mapping[str, Any],
                   costs: Iterable[Mapping[str, Any]] = ()) -> TechContract:
    """A party (or the office on its behalf) applies for registration (申请认定登记)."""
    if not can(actor, "add", TechContract):
        raise PermissionDenied
    contract = TechContract(**{k: data[k] for k in CONTRACT_FIELDS if k in data},
                            submitted_by=actor)
    contract.registrant = _registrant(contract)
    _check_party(actor, contract)
    items = _costs(costs)
    _apply_result(contract, evaluate(contract, items))
    with transaction.atomic():
        contract.full_clean()
        contract.save()
        contract.parties.set({contract.seller_id, contract.buyer_id})
        for item in items:
            item.contract = contract
            item.full_clean()
        NonTechnicalCost.objects.bulk_create(items)
        if not TechContract.objects.restrict(actor, "add").filter(pk=contract.pk).exists():
            raise ScopeError(_("该记录不在您的管辖范围内，未保存"))
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=contract,
                      after=snapshot(contract), reason=_("申请认定登记"))
        _event(contract, ContractEvent.Kind.APPLIED, contract.applied_on, actor)
    return contract


def correct_contract(*, contract: TechContract, actor: Any, data: Mapping[str, Any],
                     costs: Iterable[Mapping[str, Any]] | None = None,
                     corrected_on: dt.date | None = None) -> TechContract:
    """Correct a pending application (补正材料): the office's deadline restarts that day."""
    if contract.status != TechContract.Status.APPLIED:
        raise DomainError(_("只有待认定的合同可以补正；已登记的合同请办理变更登记"))
    on = _today(corrected_on)
    if on < contract.applied_on:
        raise DomainError(_("补正日期不能早于申请日期"), field="corrected_on")
    draft = TechContract(**{f.attname: getattr(contract, f.attname)
                            for f in TechContract._meta.concrete_fields})
    for key in CONTRACT_FIELDS:
        if key in data:
            setattr(draft, key, data[key])
    draft.registrant = _registrant(draft)
    draft.corrected_on = on
    _check_party(actor, draft)
    items = _costs(costs) if costs is not None else list(contract.costs.all())
    _apply_result(draft, evaluate(draft, items))
    fields = {k: getattr(draft, k) for k in (*CONTRACT_FIELDS, "registrant", "corrected_on",
                                            "non_technical_yuan", "tech_transaction_yuan",
                                            "needs_review", "deadline_on")}
    if "version" in data:
        fields["version"] = data["version"]
    with transaction.atomic():
        saved = update_object(obj=contract, actor=actor, data=fields, reason=_("补正材料"))
        saved.parties.set({saved.seller_id, saved.buyer_id})
        if costs is not None:
            _replace_costs(saved, items)
        _event(saved, ContractEvent.Kind.CORRECTED, on, actor,
               _("认定期限重新起算，至 %(d)s") % {"d": saved.deadline_on})
    return saved


def _replace_costs(contract: TechContract, items: list[NonTechnicalCost]) -> None:
    NonTechnicalCost.objects.filter(contract=contract).delete()
    for item in items:
        item.pk = None
        item.contract = contract
        item.full_clean()
    NonTechnicalCost.objects.bulk_create(items)


def register_contract(*, contract: TechContract, actor: Any, registration_no: str,
                      registered_on: dt.date | None = None, note: str = "") -> TechContract:
    """The office registers the contract (认定登记): it counts from ``registered_on``."""
    on = _today(registered_on)
    if on < contract.applied_on:
        raise DomainError(_("登记日期不能早于申请日期"), field="registered_on")
    registration_no = (registration_no or "").strip()
    if not registration_no:
        raise DomainError(_("请填写登记编号"), field="registration_no")
    if TechContract.objects.filter(registration_no=registration_no).exclude(
            pk=contract.pk).exists():
        raise DomainError(_("登记编号“%(no)s”已被其他合同使用") % {"no": registration_no},
                          field="registration_no")
    result = evaluate(contract)
    if not result.registrable:
        raise DomainError(_("该合同不符合认定登记条件：%(why)s") % {
            "why": "；".join(result.reasons)})
    with transaction.atomic():
        transition(contract, workflow=CONTRACT_FLOW, action="register", actor=actor,
                   reason=note)
        saved = update_object(obj=TechContract.objects.get(pk=contract.pk), actor=actor, data={
            "registered_on": on, "registration_no": registration_no, "decision_note": note,
            "registration_office": contract.registration_office or _("长治市技术合同认定登记机构"),
        }, reason=_("认定登记"))
        _event(saved, ContractEvent.Kind.REGISTERED, on, actor, note,
               saved.turnover_yuan, saved.tech_transaction_yuan)
    return saved


def refuse_contract(*, contract: TechContract, actor: Any, reason: str,
                    refused_on: dt.date | None = None) -> TechContract:
    """The office refuses registration (不予登记), with the reason."""
    on = _today(refused_on)
    with transaction.atomic():
        transition(contract, workflow=CONTRACT_FLOW, action="refuse", actor=actor,
                   reason=reason)
        saved = update_object(obj=TechContract.objects.get(pk=contract.pk), actor=actor,
                              data={"decision_note": reason.strip()[:500]},
                              reason=_("不予登记"))
        _event(saved, ContractEvent.Kind.REFUSED, on, actor, reason)
    return saved


def _after_registration(contract: TechContract, on: dt.date) -> None:
    if contract.registered_on and on < contract.registered_on:
        raise DomainError(_("日期不能早于登记日期 %(d)s") % {"d": contract.registered_on},
                          field="on")
    last = contract.events.order_by("-effective_on").values_list("effective_on", flat=True)
    latest = next(iter(last), None)
    if latest and on < latest:
        raise DomainError(_("日期不能早于上一次登记事项的日期 %(d)s") % {"d": latest},
                          field="on")


def change_contract(*, contract: TechContract, actor: Any, reason: str,
                    turnover_yuan: Decimal, costs: Iterable[Mapping[str, Any]] | None = None,
                    changed_on: dt.date | None = None) -> TechContract:
    """变更登记: new amounts from ``changed_on``; the figures move by the difference."""
    on = _today(changed_on)
    _after_registration(contract, on)
    draft = TechContract(**{f.attname: getattr(contract, f.attname)
                            for f in TechContract._meta.concrete_fields})
    draft.turnover_yuan = turnover_yuan
    items = _costs(costs) if costs is not None else list(contract.costs.all())
    _apply_result(draft, evaluate(draft, items))
    with transaction.atomic():
        transition(contract, workflow=CONTRACT_FLOW, action="change", actor=actor,
                   reason=reason)
        saved = update_object(obj=TechContract.objects.get(pk=contract.pk), actor=actor, data={
            "turnover_yuan": draft.turnover_yuan, "non_technical_yuan": draft.non_technical_yuan,
            "tech_transaction_yuan": draft.tech_transaction_yuan,
            "needs_review": draft.needs_review, "decision_note": reason.strip()[:500]},
            reason=_("变更登记"))
        if costs is not None:
            _replace_costs(saved, items)
        _event(saved, ContractEvent.Kind.CHANGED, on, actor, reason,
               saved.turnover_yuan - contract.turnover_yuan,
               saved.tech_transaction_yuan - contract.tech_transaction_yuan)
    return saved


def cancel_contract(*, contract: TechContract, actor: Any, reason: str,
                    cancelled_on: dt.date | None = None) -> TechContract:
    """注销登记: the contract leaves the figures from ``cancelled_on``; its history stays."""
    on = _today(cancelled_on)
    _after_registration(contract, on)
    with transaction.atomic():
        transition(contract, workflow=CONTRACT_FLOW, action="cancel", actor=actor,
                   reason=reason)
        saved = update_object(obj=TechContract.objects.get(pk=contract.pk), actor=actor,
                              data={"closed_on": on, "decision_note": reason.strip()[:500]},
                              reason=_("注销登记"))
        _event(saved, ContractEvent.Kind.CANCELLED, on, actor, reason,
               -saved.turnover_yuan, -saved.tech_transaction_yuan)
    return saved


def validation_message(exc: ValidationError) -> str:
    return "；".join(exc.messages)


# ---- import of registered contracts (the national system's export) -----------------------

IMPORT_NOTE = "由全国技术合同网上登记系统导出数据导入"


def _import_rules(item: BulkItem) -> Errors:
    """A registered contract as the national system exported it: the office's 技术交易额 is
    taken as registered (the difference to 成交额 is the non-technical costs it deducted);
    a re-import may correct descriptive fields, never the amounts or parties (变更登记)."""
    c = item.obj
    errors: Errors = []
    c.registrant = _registrant(c) if c.seller_id and c.buyer_id else None
    if c.registrant is None:
        return errors
    if c.applied_on is None:
        c.applied_on = c.registered_on
    if c.turnover_yuan is not None and c.tech_transaction_yuan is not None:
        if c.tech_transaction_yuan > c.turnover_yuan:
            errors.append(("tech_transaction_yuan", _("技术交易额不能大于成交额")))
        else:
            c.non_technical_yuan = c.turnover_yuan - c.tech_transaction_yuan
    if c.registered_on and c.applied_on and c.registered_on < c.applied_on:
        errors.append(("registered_on", _("登记日期不能早于申请日期")))
    if item.before is not None:
        for attname in FIXED_ON_REIMPORT:
            if _differs(item.before.get(attname), getattr(c, attname)):
                errors.append((attname.removesuffix("_id"), _(
                    "与系统中已登记的合同不一致；金额、当事方或登记日期的更改请在合同详情页"
                    "办理变更登记")))
                break
    return errors


FIXED_ON_REIMPORT = ("turnover_yuan", "tech_transaction_yuan", "seller_id", "buyer_id",
                     "import_contract", "registered_on")


def _differs(old: Any, new: Any) -> bool:
    """An audit snapshot's value (JSON-able) against the imported one."""
    if isinstance(new, Decimal):
        return old is None or Decimal(str(old)) != new
    if isinstance(new, dt.date):
        return str(old) != new.isoformat()
    return old != new


def _import_save(*, model: Any, actor: Any, items: Any, audit: Any = None) -> None:
    """bulk_save, then for the new contracts their parties and their registration events."""
    bulk_save(model=model, actor=actor, items=items, audit=audit)
    new = [i.obj for i in items if i.is_new]
    if not new:
        return
    through = TechContract.parties.through
    through.objects.bulk_create(
        [through(techcontract_id=c.pk, organisation_id=o) for c in new
         for o in {c.seller_id, c.buyer_id}], ignore_conflicts=True)
    ContractEvent.objects.bulk_create(
        [ContractEvent(contract=c, kind=ContractEvent.Kind.APPLIED, effective_on=c.applied_on,
                       actor=actor, note=IMPORT_NOTE) for c in new]
        + [ContractEvent(contract=c, kind=ContractEvent.Kind.REGISTERED,
                         effective_on=c.registered_on, year=c.registered_on.year,
                         turnover_delta=c.turnover_yuan,
                         tech_transaction_delta=c.tech_transaction_yuan, actor=actor,
                         note=IMPORT_NOTE) for c in new])


IMPORTS = BulkHook(model=TechContract, prepare=_import_rules, save=_import_save)


# ---- deadline warnings ---------------------------------------------------------------------

DUE_SOON_DAYS = 3


def send_deadline_reminders(*, today: dt.date) -> int:
    """Warn the registration office of applications due within three days or overdue (daily;
    idempotent: one notice per contract, deadline and state — a correction's new deadline
    warns again). Returns the notices created."""
    from kechuang.accounts.models import User
    from kechuang.notices.models import Notice
    from kechuang.notices.services import notify
    from kechuang.techmarket.workflows import OFFICE

    pending = list(TechContract.objects.filter(
        status=TechContract.Status.APPLIED, deadline_on__isnull=False,
        deadline_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS)).select_related("seller"))
    if not pending:
        return 0
    office = list(User.objects.filter(is_active=True, role__in=OFFICE).values_list(
        "pk", flat=True))
    sent = 0
    for c in pending:
        overdue = c.deadline_on < today
        title = (_("技术合同认定已超期：%(name)s（期限 %(date)s）") if overdue
                 else _("技术合同认定即将到期：%(name)s（期限 %(date)s）")) % {
            "name": c.subject, "date": c.deadline_on.isoformat()}
        sent += notify(
            recipients=office, title=title, url=c.get_absolute_url(),
            body=_("%(seller)s 于 %(applied)s 申请认定登记，请在期限内认定登记或不予登记。") % {
                "seller": c.seller.name, "applied": c.applied_on.isoformat()},
            level=Notice.Level.WARNING,
            dedupe_key=f"techmarket:deadline:{c.pk}:{c.deadline_on}:"
                       f"{'overdue' if overdue else 'due'}")
    return sent


@daily("techmarket.deadline_check")
def _scheduled_check(today: dt.date) -> str:
    return f"技术合同认定期限提醒 {send_deadline_reminders(today=today)} 条"


# -- attachments, GDP, the industry list, conversions --------------------------------------

def add_attachments(*, contract: TechContract, actor: Any, files: Iterable[Any]) -> list[Any]:
    """Store files on a contract the actor may change (checked like every upload), audited."""
    from kechuang.core.services import save_uploads
    from kechuang.core.uploads import check_files, delete_on_error
    from kechuang.techmarket.models import ContractAttachment

    if not can(actor, "change", TechContract):
        raise PermissionDenied
    if not TechContract.objects.restrict(actor, "change").filter(pk=contract.pk).exists():
        raise ScopeError(_("只能为本单位的合同上传附件"))
    checked = check_files(files)
    if not checked:
        raise ValidationError({"files": _("请选择要上传的文件")})
    with delete_on_error() as saved, transaction.atomic():
        return save_uploads(checked, model=ContractAttachment, owner={"contract": contract},
                            actor=actor, saved=saved)


def save_gdp(*, actor: Any, data: Mapping[str, Any]) -> Any:
    """Enter (or correct) a county's or the city's GDP for a year, with its source; a second
    entry for the same county and year updates the figure (before/after in the audit)."""
    from kechuang.core.services import create_object
    from kechuang.techmarket.models import CountyGdp

    existing = CountyGdp.objects.filter(year=data["year"], county=data.get("county")).first()
    fields = {"county": data.get("county"), "year": data["year"], "gdp_yi": data["gdp_yi"],
              "source": data["source"], "entered_by": actor, "entered_at": timezone.now()}
    if existing is not None:
        return update_object(obj=existing, actor=actor, data=fields)
    return create_object(model=CountyGdp, actor=actor, data=fields)


def set_industry(*, actor: Any, code: str, included: bool, note: str = "") -> Any:
    """Add a GB/T 4754 division to the 科技服务业 list, or drop one (the file's defaults
    included): one row per code, audited; the coverage indicator follows at once."""
    from kechuang.core.services import create_object
    from kechuang.orgs.industry import DIVISIONS
    from kechuang.techmarket.models import TechServiceIndustry

    code = (code or "").strip().upper()
    if code not in DIVISIONS:
        raise DomainError(_("未知的行业代码“%(c)s”（应为 GB/T 4754 大类，如 M74）") % {"c": code},
                          field="code")
    existing = TechServiceIndustry.objects.filter(code=code).first()
    fields = {"code": code, "included": included, "note": note, "updated_by": actor,
              "updated_at": timezone.now()}
    if existing is not None:
        return update_object(obj=existing, actor=actor, data=fields)
    return create_object(model=TechServiceIndustry, actor=actor, data=fields)


def record_conversion(*, actor: Any, data: Mapping[str, Any]) -> Any:
    """推动平台培育为法人企业: record that a platform became the given enterprise."""
    from kechuang.core.services import create_object
    from kechuang.techmarket.models import EntityConversion

    return create_object(model=EntityConversion, actor=actor, data={
        "platform_name": data["platform_name"], "enterprise": data["enterprise"],
        "converted_on": data["converted_on"], "note": data.get("note") or "",
        "recorded_by": actor})
