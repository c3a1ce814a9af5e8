"""Writes of the voucher module: policy and catalogue, listings, vouchers, contracts, claims.

Every write is audited; states move only through ``workflow.services.transition``; money
moves only through ``ledger`` (balanced entries, conditional updates). The payable amount
of a claim and its explanation come from the pure rule ``kechuang.policy.vouchers`` and are
frozen on the claim when it is filed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.accounts.scoping import can
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import (
    change_records,
    record_change,
    snapshot,
    write_change_records,
)
from kechuang.core.errors import DomainError
from kechuang.core.scheduler import daily
from kechuang.core.services import create_object, update_object
from kechuang.core.uploads import check_files, delete_on_error
from kechuang.orgs.models import EnterpriseAnnualReport, Organisation
from kechuang.policy import vouchers as rule
from kechuang.vouchers import ledger
from kechuang.vouchers.models import (
    Claim,
    ClaimFile,
    CountyAllocation,
    Provider,
    ServiceContract,
    ServiceKind,
    Voucher,
    VoucherPolicy,
)
from kechuang.vouchers.workflows import CLAIM_FLOW, PROVIDER_FLOW, VOUCHER_FLOW
from kechuang.workflow.services import transition

POLICY_FIELDS = ("year", "name", "document", "ratio", "annual_cap_fen", "face_value_fen",
                 "budget_fen", "valid_from", "valid_to", "required_tiers", "in_city_only",
                 "revenue_cap_yuan")
KIND_FIELDS = ("code", "name", "ratio", "active")


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


# ---- policy and catalogue ----------------------------------------------------------------


def create_policy(*, actor: Any, data: Mapping[str, Any],
                  kinds: list[Mapping[str, Any]] = ()) -> VoucherPolicy:
    """A year's policy with its catalogue; its budget is funded in the ledger."""
    with transaction.atomic():
        policy = create_object(model=VoucherPolicy, actor=actor,
                               data={k: data[k] for k in POLICY_FIELDS if k in data},
                               reason=_("新建创新券政策"))
        for k in kinds:
            save_kind(actor=actor, policy=policy, data=k)
        ledger.fund(policy, policy.budget_fen)
    return policy


def update_policy(*, actor: Any, policy: VoucherPolicy, data: Mapping[str, Any]
                  ) -> VoucherPolicy:
    """Edit the policy; decided claims keep their frozen amounts. A budget change is a
    funding entry (a cut only as far as the unissued budget allows)."""
    fields = {k: data[k] for k in (*POLICY_FIELDS, "version") if k in data and k != "year"}
    with transaction.atomic():
        old_budget = VoucherPolicy.objects.get(pk=policy.pk).budget_fen
        saved = update_object(obj=policy, actor=actor, data=fields, reason=_("修改创新券政策"))
        try:
            ledger.fund(saved, saved.budget_fen - old_budget, memo=_("调整年度预算"))
        except ledger.Insufficient as exc:
            raise DomainError(_("年度预算不能低于已发放和已分配给县区的金额合计（尚未分配的预算"
                                "只有 %(left)s）") % {"left": rule.fen_text(
                                    ledger.account(saved, ledger.K.BUDGET).balance_fen)},
                              field="budget_fen") from exc
    return saved


def save_kind(*, actor: Any, policy: VoucherPolicy, data: Mapping[str, Any],
              kind: ServiceKind | None = None) -> ServiceKind:
    """Add or edit a catalogue entry ("扩大兑付支持范围" is such an edit), audited."""
    values = {k: data[k] for k in (*KIND_FIELDS, "version") if k in data}
    if kind is not None and values.get("code", kind.code) != kind.code:
        # contracts and claims name their kind by its code
        raise DomainError(_("服务目录的代码不能修改（已有合同按代码引用）"), field="code")
    if kind is None:
        if ServiceKind.objects.filter(policy=policy, code=values.get("code")).exists():
            raise DomainError(_("服务目录中已有代码“%(c)s”") % {"c": values.get("code")},
                              field="code")
        return create_object(model=ServiceKind, actor=actor, data={**values, "policy": policy},
                             reason=_("新增服务目录"))
    return update_object(obj=kind, actor=actor, data=values, reason=_("修改服务目录"))


def set_kind_active(*, actor: Any, kind: ServiceKind, active: bool) -> ServiceKind:
    """Deactivate (or reactivate) a catalogue entry, audited. Never deleted: contracts and
    claims name it; a deactivated kind takes no new contract or claim (``create_contract``,
    the rule's eligible services), decided claims keep their frozen amounts."""
    if kind.active == active:
        raise DomainError(_("该服务类别已经是“%(s)s”状态") % {
            "s": _("可兑付") if active else _("已停用")})
    return update_object(obj=kind, actor=actor, data={"active": active},
                         reason=_("恢复服务目录") if active else _("停用服务目录"))


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def copy_policy(*, actor: Any, source: VoucherPolicy, year: int | None = None
                ) -> VoucherPolicy:
    """Next year's policy as a copy of ``source``: the same numbers, eligibility and
    catalogue (inactive entries stay inactive), the window moved by the years in between,
    the same county allocations. The copy is then edited like any policy."""
    year = year or source.year + 1
    if VoucherPolicy.objects.filter(year=year).exists():
        raise DomainError(_("%(y)s 年度的政策已经存在") % {"y": year}, field="year")
    shift = year - source.year
    data = {k: getattr(source, k) for k in POLICY_FIELDS}
    data.update(year=year, name=source.name.replace(str(source.year), str(year)),
                valid_from=_shift_year(source.valid_from, shift),
                valid_to=_shift_year(source.valid_to, shift))
    kinds = [{k: getattr(kind, k) for k in KIND_FIELDS} for kind in source.kinds.order_by("id")]
    with transaction.atomic():
        policy = create_policy(actor=actor, data=data, kinds=kinds)
        for a in source.allocations.order_by("id"):
            save_allocation(actor=actor, policy=policy, county=a.county, amount_fen=a.amount_fen)
    return policy


# ---- county allocations ------------------------------------------------------------------


def save_allocation(*, actor: Any, policy: VoucherPolicy, county: Any, amount_fen: int,
                    version: Any = None) -> CountyAllocation:
    """Allocate (or change) the county's part of the year's budget, audited.

    The difference moves in the ledger between the city's unallocated budget and the
    county's budget account by conditional updates, so an increase never exceeds what the
    city has left and a cut never goes below what the county has issued — also while
    vouchers are being approved at the same moment. A county that issued vouchers from the
    city budget before it had an allocation counts them towards it."""
    amount = int(amount_fen)
    if amount < 0:
        raise DomainError(_("分配额度不能为负数"), field="amount_fen")
    with transaction.atomic():
        # lock order as in issuance (ledger.lock): the allocation row, the audited save
        # (the audit trail's lock), the budget row, then the moved accounts
        current = CountyAllocation.objects.select_for_update().filter(
            policy=policy, county=county).first()
        if current is None:
            opening = ledger.issued_in_county(policy, county.pk)
            if amount < opening:
                raise DomainError(_("%(c)s在分配前已发放 %(o)s，分配额度不能低于该金额") % {
                    "c": county.name, "o": rule.fen_text(opening)}, field="amount_fen")
            try:
                with transaction.atomic():
                    saved = create_object(model=CountyAllocation, actor=actor, data={
                        "policy": policy, "county": county, "amount_fen": amount,
                        "opening_fen": opening}, reason=_("县区预算分配"))
            except IntegrityError as exc:
                raise DomainError(_("%(c)s的分配刚被他人保存，请刷新后重试") % {
                    "c": county.name}) from exc
            ledger.lock(ledger.account(policy, ledger.K.BUDGET))
            if ledger.issued_in_county(policy, county.pk) != opening:
                raise DomainError(_("%(c)s正在发放创新券，请重新提交分配") % {"c": county.name})
            delta, old = amount - opening, opening
        else:
            old = current.amount_fen
            issued = old - ledger.account(policy, ledger.K.COUNTY_BUDGET,
                                          county=county.pk).balance_fen
            if amount < issued:  # the message early; the conditional update is the guard
                raise DomainError(_("%(c)s已发放 %(i)s，分配额度不能调减到该金额以下") % {
                    "c": county.name, "i": rule.fen_text(issued)}, field="amount_fen")
            saved = update_object(obj=current, actor=actor, data={
                "amount_fen": amount, "updated_at": timezone.now(), "version": version},
                reason=_("调整县区预算分配"))
            ledger.lock(ledger.account(policy, ledger.K.BUDGET))
            delta = amount - old
        try:
            ledger.allocate(policy, county.pk, delta)
        except ledger.Insufficient as exc:
            if exc.account.kind == ledger.K.COUNTY_BUDGET:
                left = ledger.account(policy, ledger.K.COUNTY_BUDGET, county=county.pk)
                raise DomainError(_("%(c)s已发放 %(i)s，分配额度不能调减到该金额以下") % {
                    "c": county.name, "i": rule.fen_text(old - left.balance_fen)},
                    field="amount_fen") from exc
            left = ledger.account(policy, ledger.K.BUDGET)
            raise DomainError(_("市级尚未分配的预算只有 %(l)s，不足以增加 %(d)s") % {
                "l": rule.fen_text(left.balance_fen), "d": rule.fen_text(delta)},
                field="amount_fen") from exc
    return saved


# ---- providers ---------------------------------------------------------------------------


def apply_listing(*, actor: Any, organisation: Organisation, data: Mapping[str, Any]
                  ) -> Provider:
    """A service organisation applies to be listed (入库) with its services."""
    if not can(actor, "add", Provider):
        raise PermissionDenied
    if not can(actor, "approve", Provider) and actor.organisation_id != organisation.pk:
        raise PermissionDenied
    if Provider.objects.filter(organisation=organisation).exists():
        raise DomainError(_("该机构已提交过入库申请"))
    fields = ("services", "qualifications", "legal_representative", "shareholders")
    check_offered(data.get("services", ""))
    return create_object(model=Provider, actor=actor, data={
        **{k: data[k] for k in fields if k in data}, "organisation": organisation,
        "submitted_by": actor}, reason=_("申请入库"))


def _codes(text: str) -> list[str]:
    return [c.strip() for c in (text or "").replace("，", ",").split(",") if c.strip()]


def check_offered(services: str, *, kept: str = "") -> None:
    """A provider's catalogue entry may newly offer only active kinds of the latest policy's
    catalogue (a kind it already offered may stay after being deactivated: no new contract
    takes it anyway)."""
    policy = VoucherPolicy.objects.order_by("-year").first()
    if policy is None:
        return
    active = dict(ServiceKind.objects.filter(policy=policy, active=True)
                  .values_list("code", "name"))
    bad = [c for c in _codes(services) if c not in active and c not in _codes(kept)]
    if bad:
        raise DomainError(_("服务类别代码 %(bad)s 不在 %(y)s 年度服务目录内或已停用；"
                            "可选：%(ok)s") % {
            "bad": "、".join(bad), "y": policy.year,
            "ok": "、".join(f"{c}（{n}）" for c, n in active.items())}, field="services")


def decide_listing(*, actor: Any, provider: Provider, action: str, reason: str = "",
                   on: dt.date | None = None) -> Provider:
    """list / refuse / delist. The whitelist dates are what a claim is judged by."""
    day = _today(on)
    with transaction.atomic():
        saved = transition(provider, workflow=PROVIDER_FLOW, action=action, actor=actor,
                           reason=reason)
        data: dict[str, Any] = {"decision_note": reason.strip()[:500]}
        if action == "list":
            data["listed_from"] = day
        elif action == "delist":
            if saved.listed_from and day < saved.listed_from:
                raise DomainError(_("出库日期不能早于入库日期"), field="on")
            data["delisted_on"] = day
        saved = update_object(obj=saved, actor=actor, data=data, reason=str(action))
    return saved


def update_catalogue(*, actor: Any, provider: Provider, data: Mapping[str, Any]) -> Provider:
    """The provider keeps its catalogue entry (services, qualifications)."""
    fields = ("services", "qualifications", "legal_representative", "shareholders", "version")
    if "services" in data:
        check_offered(data["services"], kept=provider.services)
    return update_object(obj=provider, actor=actor,
                         data={k: data[k] for k in fields if k in data},
                         reason=_("维护服务目录"))


# ---- vouchers ----------------------------------------------------------------------------


def eligibility(policy: VoucherPolicy, enterprise: Organisation) -> list[str]:
    """Why the enterprise may not apply under the policy (empty: it may)."""
    problems = []
    if enterprise.kind != Organisation.Kind.ENTERPRISE:
        problems.append(_("只有企业可以申请创新券"))
    tiers = policy.tiers
    if tiers and enterprise.tier not in tiers:
        labels = dict(Organisation.Tier.choices)
        problems.append(_("须为以下之一：%(t)s") % {
            "t": "、".join(str(labels.get(t, t)) for t in sorted(tiers))})
    if policy.in_city_only and not enterprise.county_id:
        problems.append(_("须为本市注册企业"))
    if policy.revenue_cap_yuan is not None:
        rev = (EnterpriseAnnualReport.objects.filter(enterprise=enterprise)
               .order_by("-year").values_list("revenue_yuan", flat=True).first())
        if rev is not None and rev > policy.revenue_cap_yuan:
            problems.append(_("上年销售收入 %(r)s 元超过上限 %(c)s 元") % {
                "r": rev, "c": policy.revenue_cap_yuan})
    return problems


def apply_voucher(*, actor: Any, policy: VoucherPolicy, enterprise: Organisation,
                  data: Mapping[str, Any]) -> Voucher:
    """An eligible enterprise applies for a voucher (county review, then city approval)."""
    if not can(actor, "add", Voucher):
        raise PermissionDenied
    if not can(actor, "approve", Voucher) and actor.organisation_id != enterprise.pk:
        raise PermissionDenied
    problems = eligibility(policy, enterprise)
    if problems:
        raise DomainError(_("不符合申请条件：%(why)s") % {"why": "；".join(problems)})
    face = int(data.get("face_value_fen") or policy.face_value_fen)
    if not 0 < face <= policy.face_value_fen:
        raise DomainError(_("面额应大于 0 且不超过 %(m)s") % {
            "m": rule.fen_text(policy.face_value_fen)}, field="face_value_fen")
    with transaction.atomic():
        voucher = create_object(model=Voucher, actor=actor, data={
            "policy": policy, "enterprise": enterprise, "face_value_fen": face,
            "valid_from": data.get("valid_from") or policy.valid_from,
            "valid_to": data.get("valid_to") or policy.valid_to,
            "purpose": data.get("purpose", ""),
            "legal_representative": data.get("legal_representative", ""),
            "shareholders": data.get("shareholders", ""), "submitted_by": actor},
            reason=_("申请创新券"))
        if data.get("related_parties"):
            voucher.related_parties.set(data["related_parties"])
    return voucher


def decide_voucher(*, actor: Any, voucher: Voucher, action: str, reason: str = "",
                   on: dt.date | None = None) -> Voucher:
    """review (county) / approve (city: issued, from the budget) / refuse."""
    with transaction.atomic():
        saved = transition(voucher, workflow=VOUCHER_FLOW, action=action, actor=actor,
                           reason=reason)
        if action == "approve":
            saved.number = f"CXQ{saved.policy.year}-{saved.pk:06d}"
            saved.issued_on = _today(on)
            saved.decision_note = reason.strip()[:500]
            saved.save(update_fields=["number", "issued_on", "decision_note"])
            try:
                ledger.issue(saved)
            except ledger.Insufficient as exc:
                if exc.account.kind == ledger.K.COUNTY_BUDGET:
                    raise DomainError(_("不能发放：%(c)s的分配额度余额 %(b)s，不足面额 %(f)s") % {
                        "c": saved.enterprise.county.name,
                        "b": rule.fen_text(ledger.account(
                            saved.policy, ledger.K.COUNTY_BUDGET,
                            county=saved.enterprise.county_id).balance_fen),
                        "f": rule.fen_text(saved.face_value_fen)}) from exc
                raise DomainError(_("不能发放：%(why)s") % {"why": exc.message}) from exc
        elif reason:
            saved.decision_note = reason.strip()[:500]
            saved.save(update_fields=["decision_note"])
    return saved


# ---- service contracts -------------------------------------------------------------------


def side_of(actor: Any, contract: ServiceContract) -> str:
    org = getattr(actor, "organisation_id", None)
    if org is not None and org == contract.voucher.enterprise_id:
        return "enterprise"
    if org is not None and org == contract.provider.organisation_id:
        return "provider"
    return ""


def create_contract(*, actor: Any, voucher: Voucher, provider: Provider,
                    data: Mapping[str, Any]) -> ServiceContract:
    """Either party records the contract; its own side is confirmed by doing so (the bureau
    may record one both parties signed on paper: both sides confirmed)."""
    if not can(actor, "add", ServiceContract):
        raise PermissionDenied
    if voucher.status != Voucher.Status.ISSUED:
        raise DomainError(_("只有已发放的创新券可以签订服务合同"))
    if provider.status != Provider.Status.LISTED:
        raise DomainError(_("服务机构不在名录内"), field="provider")
    kinds = set(ServiceKind.objects.filter(policy=voucher.policy_id, active=True)
                .values_list("code", flat=True))
    if data.get("service_kind") not in kinds:
        raise DomainError(_("服务类别不在本年度服务目录内或已停用"), field="service_kind")
    if data.get("service_kind") not in provider.service_codes:
        raise DomainError(_("该服务机构的服务目录中没有此服务类别"), field="service_kind")
    contract = ServiceContract(
        voucher=voucher, provider=provider, submitted_by=actor,
        **{k: data[k] for k in ("contract_no", "service_kind", "subject", "fee_fen",
                                "signed_on", "related_declared") if k in data})
    side = side_of(actor, contract)
    now = timezone.now()
    if side:
        setattr(contract, f"{side}_confirmed_at", now)
    elif can(actor, "approve", ServiceContract):
        # the bureau records a contract both parties signed on paper (代为录入)
        contract.enterprise_confirmed_at = contract.provider_confirmed_at = now
    else:
        raise PermissionDenied
    if ServiceContract.objects.filter(provider=provider,
                                      contract_no=contract.contract_no).exists():
        raise DomainError(_("该服务机构已登记过合同编号“%(no)s”") % {"no": contract.contract_no},
                          field="contract_no")
    with transaction.atomic():
        contract.full_clean()
        contract.save()
        contract.parties.set({voucher.enterprise_id, provider.organisation_id})
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=contract,
                      after=snapshot(contract), reason=_("登记服务合同"))
    return contract


def confirm_contract(*, actor: Any, contract: ServiceContract,
                     related_declared: bool = False) -> ServiceContract:
    """The other party confirms (and may declare a relation, which bars the voucher)."""
    side = side_of(actor, contract)
    if not side or not can(actor, "change", ServiceContract):
        raise PermissionDenied
    data: dict[str, Any] = {f"{side}_confirmed_at": timezone.now()}
    if related_declared:
        data["related_declared"] = True
    with transaction.atomic():
        locked = ServiceContract.objects.restrict(actor, "change").select_for_update().get(
            pk=contract.pk)
        before = snapshot(locked)
        for k, v in data.items():
            setattr(locked, k, v)
        locked.save()
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=locked,
                      before=before, after=snapshot(locked), reason=_("确认服务合同"))
    return locked


# ---- claims ------------------------------------------------------------------------------


def _names(text: str) -> set[str]:
    return {n.strip() for n in text.replace("，", ",").replace("、", ",").split(",") if n.strip()}


def related_basis(voucher: Voucher, provider: Provider) -> tuple[str, ...]:
    """Relations the data shows: the same legal representative, shared shareholders."""
    basis = []
    rep = voucher.legal_representative.strip()
    if rep and rep == provider.legal_representative.strip():
        basis.append(_("同一法定代表人：%(n)s") % {"n": rep})
    shared = _names(voucher.shareholders) & _names(provider.shareholders)
    if shared:
        basis.append(_("共同股东：%(n)s") % {"n": "、".join(sorted(shared))})
    return tuple(basis)


def claim_input(contract: ServiceContract, *, fee_fen: int, completed_on: dt.date,
                invoice_no: str) -> rule.VoucherClaimInput:
    """The pure rule's input from the database as it stands (committed claims, ledger)."""
    voucher, provider, policy = contract.voucher, contract.provider, contract.voucher.policy
    kinds = list(policy.kinds.all())
    listing = ()
    if provider.listed_from:
        listing = (rule.ProviderListing(str(provider.organisation_id), provider.listed_from,
                                        provider.delisted_on),)
    history = tuple(
        rule.ClaimRecord(claim_id=str(c.pk), amount_fen=c.amount_fen, status=c.status,
                         voucher_id=str(c.voucher_id), contract_no=str(c.contract_id),
                         invoice_no=c.invoice_no, policy_year=c.policy_year)
        for c in Claim.objects.filter(voucher__enterprise=voucher.enterprise_id,
                                      policy_year=policy.year)
        .exclude(status=Claim.Status.REFUSED).only(
            "pk", "amount_fen", "status", "voucher_id", "contract_id", "invoice_no",
            "policy_year"))
    return rule.VoucherClaimInput(
        policy=rule.VoucherPolicy(
            name=policy.name, policy_year=policy.year, ratio=policy.ratio,
            annual_cap_fen=policy.annual_cap_fen, valid_from=policy.valid_from,
            valid_to=policy.valid_to, providers=listing,
            eligible_services=frozenset(k.code for k in kinds if k.active),
            category_ratios={k.code: k.ratio for k in kinds if k.ratio is not None},
            required_qualifications=policy.tiers, document=policy.document),
        # only a lapsed voucher has lapse entries (lapse_expired sets the status first): an
        # issued one needs no query. A stale "issued" (it lapsed since it was read) finds
        # its available balance gone when reserving, and file_claim reads it again.
        voucher=rule.Voucher(str(voucher.pk), voucher.face_value_fen, voucher.valid_from,
                             voucher.valid_to, lapsed_fen=0 if voucher.status ==
                             Voucher.Status.ISSUED else ledger.lapsed(voucher)),
        enterprise_id=str(voucher.enterprise_id), provider_id=str(provider.organisation_id),
        service_fee_fen=fee_fen, service_completed_on=completed_on,
        service_category=contract.service_kind, contract_no=str(contract.pk),
        invoice_no=invoice_no, related_party=contract.related_declared,
        related_parties=frozenset(str(o.pk) for o in voucher.related_parties.all()),
        related_basis=related_basis(voucher, provider),
        qualifications=frozenset({voucher.enterprise.tier} - {""}), history=history)


RETRIES = 50
# the files a claim is filed with: form/API field → (kind, the message when it is missing)
CLAIM_FILES = {
    "payment_proof_files": (ClaimFile.Kind.PAYMENT_PROOF,
                            gettext_lazy("请上传付款凭证（转账回单等）")),
    "completion_evidence_files": (ClaimFile.Kind.COMPLETION_EVIDENCE,
                                  gettext_lazy("请上传服务完成证明（验收报告、检测报告等）")),
}


def check_claim_files(files: Mapping[str, Any] | None) -> dict[str, list[tuple[Any, str]]]:
    """Both kinds of evidence, each checked like every upload (type, content, size); every
    problem at once, under its field, in Chinese. Returns field → checked uploads."""
    files = files or {}
    checked: dict[str, list[tuple[Any, str]]] = {}
    errors: dict[str, list[Any]] = {}
    for field, (_kind, missing) in CLAIM_FILES.items():
        given = files.get(field) or []
        try:
            checked[field] = check_files(given if isinstance(given, (list, tuple)) else [given])
        except ValidationError as exc:
            errors[field] = [m for e in exc.error_dict.values() for m in e]
            continue
        if not checked[field]:
            errors[field] = [ValidationError(str(missing), code="required")]
    if errors:
        raise ValidationError(errors)
    return checked


def _contract_for_claim(pk: int) -> ServiceContract:
    """The contract with what the rule reads of it that no claim changes (the catalogue, the
    declared related parties), read before the claim's transaction: on SQLite that holds
    the database's write lock, so what need not be inside stays out."""
    return ServiceContract.objects.select_related(
        "voucher__policy", "voucher__enterprise", "provider").prefetch_related(
        "voucher__policy__kinds", "voucher__related_parties").get(pk=pk)


def file_claim(*, actor: Any, contract: ServiceContract, data: Mapping[str, Any],
               files: Mapping[str, Any] | None = None) -> tuple[Claim, bool]:
    """File a claim: (claim, created). ``files``: the payment proof and the completion
    evidence (``CLAIM_FILES``), both required, stored with the claim in its transaction.
    Resubmitting the same (voucher, contract, invoice) returns the first claim unchanged.
    The payable amount is reserved in the ledger; a claim the rule refuses is kept as
    ``refused`` with its reasons and reserves nothing. When a concurrent claim took the
    balance between reading and reserving, the claim is evaluated again on the new balances
    (the contract and its voucher read again too)."""
    if not can(actor, "add", Claim):
        raise PermissionDenied
    contract = _contract_for_claim(contract.pk)
    if not can(actor, "approve", Claim) and not side_of(actor, contract):
        raise PermissionDenied
    invoice_no = str(data.get("invoice_no") or "").strip()
    if not invoice_no:
        raise DomainError(_("请填写发票号码"), field="invoice_no")
    first = Claim.objects.filter(voucher=contract.voucher_id, contract=contract,
                                 invoice_no=invoice_no).first()
    if first is not None:
        return first, False
    if not contract.confirmed:
        raise DomainError(_("服务合同须经企业和服务机构双方确认后才能申请兑付"))
    if contract.voucher.status not in (Voucher.Status.ISSUED, Voucher.Status.LAPSED):
        raise DomainError(_("创新券尚未发放"))
    uploads = check_claim_files(files)
    fee = int(data["fee_fen"])
    completed = data["service_completed_on"]
    for attempt in range(RETRIES):
        if attempt:  # the balance moved: read the voucher's state again (it may have lapsed)
            contract = _contract_for_claim(contract.pk)
        try:
            with delete_on_error() as stored, transaction.atomic():
                result = rule.evaluate_voucher_claim(claim_input(
                    contract, fee_fen=fee, completed_on=completed, invoice_no=invoice_no))
                payable = result.payable_fen if result.outcome == "payable" else 0
                claim = Claim(
                    voucher=contract.voucher, contract=contract, invoice_no=invoice_no,
                    fee_fen=fee, service_completed_on=completed,
                    payment_proof=data.get("payment_proof", ""),
                    completion_evidence=data.get("completion_evidence", ""),
                    amount_fen=payable, policy_year=contract.voucher.policy.year,
                    status=Claim.Status.PENDING if payable else Claim.Status.REFUSED,
                    explanation=result.message, reasons=result.reasons,
                    result=_result_json(result), submitted_by=actor)
                claim.save()
                # a new claim has no parties yet: one INSERT (parties.set() would read first)
                Claim.parties.through.objects.bulk_create([
                    Claim.parties.through(claim=claim, organisation_id=org) for org in
                    sorted({contract.voucher.enterprise_id, contract.provider.organisation_id})])
                if payable:
                    ledger.reserve(claim)
                # after the reservation, so a retry has stored no file
                files = _store_claim_files(claim, uploads, actor=actor, stored=stored)
                write_change_records(change_records(actor=actor, entries=[
                    (ChangeRecord.Action.CREATE, claim, None, snapshot(claim), _("申请兑付")),
                    *((ChangeRecord.Action.CREATE, f, None, snapshot(f) | {"file": f.file.name},
                       "") for f in files)]))
            return claim, True
        except IntegrityError:
            first = Claim.objects.filter(voucher=contract.voucher_id, contract=contract,
                                         invoice_no=invoice_no).first()
            if first is None:
                raise
            return first, False
        except ledger.Insufficient:
            continue  # the balance moved under us: evaluate again
    raise DomainError(_("额度正被其他兑付申请同时占用，请稍后重新提交"))


def _store_claim_files(claim: Claim, uploads: Mapping[str, list[tuple[Any, str]]], *,
                       actor: Any, stored: list[str]) -> list[ClaimFile]:
    """``core.services.save_uploads`` for a claim's checked files, in one INSERT: each file
    stored (its name in ``stored``, removed again if the transaction fails) and its row
    validated like any (its claim and uploader are the rows just written, not looked up)."""
    rows = []
    for field, (kind, _missing) in CLAIM_FILES.items():
        for upload, content_type in uploads[field]:
            row = ClaimFile(claim=claim, kind=kind, original_name=upload.name[:200],
                            size=upload.size, content_type=content_type, uploaded_by=actor)
            row.file.save(upload.name, upload, save=False)
            stored.append(row.file.name)
            row.full_clean(exclude=["claim", "uploaded_by"])
            rows.append(row)
    return ClaimFile.objects.bulk_create(rows)


def _result_json(result: rule.VoucherClaimResult) -> dict[str, Any]:
    return {"outcome": result.outcome, "payable_fen": result.payable_fen,
            "subsidy_fen": result.subsidy_fen, "ratio": str(result.ratio),
            "limited_by": result.limited_by, "rule_version": result.rule_version,
            "annual_remaining_fen": result.annual_remaining_fen,
            "voucher_remaining_fen": result.voucher_remaining_fen,
            "conditions": [{"code": c.code, "label": c.label, "passed": c.passed,
                            "message": c.message} for c in result.conditions],
            "notes": result.notes}


def decide_claim(*, actor: Any, claim: Claim, action: str, reason: str = "",
                 on: dt.date | None = None) -> Claim:
    """approve / reject (releases the reservation) / pay (records the payout)."""
    with transaction.atomic():
        saved = transition(claim, workflow=CLAIM_FLOW, action=action, actor=actor,
                           reason=reason)
        saved = Claim.objects.select_related("voucher__policy").get(pk=saved.pk)
        if action == "reject":
            ledger.release(saved)
            if saved.voucher.status == Voucher.Status.LAPSED:
                ledger.lapse(saved.voucher, claim=saved)
        elif action == "pay":
            ledger.pay(saved)
            saved.paid_on = _today(on)
        if reason:
            saved.decision_note = reason.strip()[:500]
        saved.save(update_fields=["paid_on", "decision_note"])
    return saved


# ---- year-end lapse (scheduled) ----------------------------------------------------------


def lapse_expired(*, today: dt.date) -> int:
    """Vouchers whose window ended before ``today`` lapse: their available balance moves to
    the lapsed account (pending claims keep their reservation). Idempotent."""
    done = 0
    for pk in Voucher.objects.filter(status=Voucher.Status.ISSUED,
                                     valid_to__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            if not Voucher.objects.filter(pk=pk, status=Voucher.Status.ISSUED).update(
                    status=Voucher.Status.LAPSED, lapsed_on=today):
                continue
            voucher = Voucher.objects.select_related("policy").get(pk=pk)
            # audit first: the trail's lock before the accounts, the order every decision
            # takes (ledger.lock), so a claim rejected at the same moment cannot deadlock
            record_change(actor=None, action=ChangeRecord.Action.UPDATE, obj=voucher,
                          before={"status": "issued"}, after={"status": "lapsed"},
                          reason=_("有效期届满，余额失效"))
            ledger.lapse(voucher)
            done += 1
    return done


@daily("vouchers.lapse")
def _scheduled_lapse(today: dt.date) -> str:
    return f"创新券到期失效 {lapse_expired(today=today)} 张"
