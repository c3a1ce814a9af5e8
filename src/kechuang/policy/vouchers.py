"""科技创新券兑付 (innovation voucher redemption), policy-rules.md §f.

The Shanxi / 长治 voucher documents were not available, so every policy number (ratio, annual
cap, validity window, service catalogue, provider whitelist) is **configuration** — a
``VoucherPolicy`` passed in — and only the ledger rules the platform enforces whatever the
numbers are live here (§f CONVENTION):

    payable = min(round_half_up(eligible_fee × ratio), remaining_annual_cap, voucher_remaining)

in fen (integers). Approved and pending claims reserve the per-enterprise annual cap (so two
concurrent claims can never exceed it); rejected ones release it. A claim is idempotent on
(voucher, service contract, invoice number). Redemption only for services completed inside the
validity window, from a provider on the whitelist at the service date, with no related-party
relation between user and provider.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kechuang.policy.amounts import ONE, ZERO, pct
from kechuang.policy.inputs import (
    PolicyInputError,
    pick,
    to_bool,
    to_date,
    to_decimal,
    to_int,
    to_year,
)
from kechuang.policy.registry import register, select
from kechuang.policy.results import DISCLAIMER, Condition, ResultBase

RULE = "vouchers"

# claim states: these reserve the annual cap and the voucher balance; the others release it
RESERVING = ("pending", "approved", "paid")
RELEASING = ("rejected",)
STATE_LABELS = {"pending": "审核中", "approved": "审核通过", "paid": "已兑付", "rejected": "已驳回"}


@dataclass(frozen=True)
class VoucherRules:
    """The ledger conventions (not the policy numbers, which come with each ``VoucherPolicy``)."""

    version: str
    document: str
    valid_from: int
    valid_to: int | None
    reserving_states: tuple[str, ...] = RESERVING
    rounding: str = "ROUND_HALF_UP"  # of fee × ratio, to the fen


VOUCHER_LEDGER = register(RULE, VoucherRules(
    version="vouchers/ledger-convention",
    document="平台兑付规则（policy-rules.md §f CONVENTION）；比例、年度额度、有效期、服务目录、"
             "服务机构名录由政策配置提供（山西省/长治市创新券文件未取得 [U]）",
    valid_from=2000, valid_to=None))


def fen_text(fen: int) -> str:
    """¥1,234.56 from integer fen (display only)."""
    sign = "-" if fen < 0 else ""
    yuan_part, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan_part:,}.{cents:02d}"


def half_up_fen(x: Fraction) -> int:
    """A non-negative exact amount of fen rounded half up to whole fen (0.5 → 1)."""
    if x < 0:
        raise ValueError("negative amount")
    return (2 * x.numerator + x.denominator) // (2 * x.denominator)


# -- configuration and input -----------------------------------------------------------------


@dataclass(frozen=True)
class ProviderListing:
    """One period during which a service provider is on the whitelist (both ends inclusive)."""

    provider_id: str
    listed_from: dt.date
    listed_to: dt.date | None = None  # None: still listed

    def covers(self, day: dt.date) -> bool:
        return self.listed_from <= day and (self.listed_to is None or day <= self.listed_to)


@dataclass(frozen=True)
class VoucherPolicy:
    """One voucher policy as configured by the bureau ([U]: all numbers are configuration).

    ``ratio`` is the subsidised share of the eligible fee (0 < ratio ≤ 1), optionally per
    service category (``category_ratios``); ``annual_cap_fen`` is per enterprise per
    ``policy_year``; ``valid_from``/``valid_to`` bound the service completion date (both
    inclusive); an empty ``eligible_services`` or ``required_qualifications`` means "any".
    """

    name: str
    policy_year: int
    ratio: Decimal
    annual_cap_fen: int
    valid_from: dt.date
    valid_to: dt.date
    providers: tuple[ProviderListing, ...] = ()
    eligible_services: frozenset[str] = frozenset()
    category_ratios: Mapping[str, Decimal] = field(default_factory=dict)
    required_qualifications: frozenset[str] = frozenset()  # any one, e.g. tech_sme, high_tech
    document: str = ""

    def __post_init__(self) -> None:
        for name, r in [("ratio", self.ratio), *((f"category_ratios.{k}", v)
                                                  for k, v in self.category_ratios.items())]:
            if not ZERO < r <= ONE:
                raise PolicyInputError(name, f"补贴比例应大于 0 且不超过 1（{r}）")
        if self.annual_cap_fen < 0:
            raise PolicyInputError("annual_cap_fen", "年度额度不能为负数")
        if self.valid_to < self.valid_from:
            raise PolicyInputError("valid_to", "有效期截止日早于起始日")

    def listed(self, provider_id: str, day: dt.date) -> bool:
        return any(p.provider_id == provider_id and p.covers(day) for p in self.providers)

    def ratio_for(self, category: str) -> Decimal:
        return self.category_ratios.get(category, self.ratio)


@dataclass(frozen=True)
class Voucher:
    """The voucher being redeemed; its own window (when given) narrows the policy's."""

    voucher_id: str
    face_value_fen: int
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    lapsed_fen: int = 0  # the balance that lapsed at the end of its window (no longer payable)


@dataclass(frozen=True)
class ClaimRecord:
    """An earlier claim of the same enterprise (any voucher) with its state and amount."""

    claim_id: str
    amount_fen: int
    status: str  # pending | approved | paid | rejected
    voucher_id: str = ""
    contract_no: str = ""
    invoice_no: str = ""
    policy_year: int | None = None  # None: the policy's year

    def __post_init__(self) -> None:
        if self.status not in STATE_LABELS:
            raise PolicyInputError("history.status", f"兑付申请状态应为 {'、'.join(STATE_LABELS)}"
                                   f" 之一，实际为“{self.status}”")
        if self.amount_fen < 0:
            raise PolicyInputError("history.amount_fen", "金额不能为负数")

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.voucher_id, self.contract_no.strip(), self.invoice_no.strip())


@dataclass(frozen=True)
class VoucherClaimInput:
    """A redemption claim: the service delivered, the voucher, and the enterprise's history."""

    policy: VoucherPolicy
    voucher: Voucher
    enterprise_id: str
    provider_id: str
    service_fee_fen: int  # 实际发生的服务费（合同、发票、付款凭证一致的金额）
    service_completed_on: dt.date
    service_category: str = ""
    contract_no: str = ""
    invoice_no: str = ""
    related_party: bool = False  # declared relation between user and provider
    related_parties: frozenset[str] = frozenset()  # the enterprise's related organisations
    # facts found in the data that make them related (e.g. "同一法定代表人：张三")
    related_basis: tuple[str, ...] = ()
    qualifications: frozenset[str] = frozenset()  # e.g. {"tech_sme", "high_tech"}
    history: tuple[ClaimRecord, ...] = ()

    def __post_init__(self) -> None:
        if self.service_fee_fen < 0:
            raise PolicyInputError("service_fee_fen", "服务费不能为负数")
        if self.voucher.face_value_fen < 0:
            raise PolicyInputError("voucher.face_value_fen", "面额不能为负数")

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.voucher.voucher_id, self.contract_no.strip(), self.invoice_no.strip())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VoucherClaimInput:
        """Parse ``{"policy": {…}, "voucher": {…}, "history": […], …claim fields}``."""
        p = _mapping(data, "policy")
        providers = tuple(
            ProviderListing(str(_req(x, "provider_id", str, f"policy.providers[{i}]")),
                            _req(x, "listed_from", to_date, f"policy.providers[{i}]"),
                            pick(x, "listed_to", to_date))
            for i, x in enumerate(_list(p, "providers", "policy.providers")))
        policy = VoucherPolicy(
            name=str(p.get("name") or "科技创新券"),
            policy_year=_req(p, "policy_year", to_year, "policy"),
            ratio=_req(p, "ratio", to_decimal, "policy"),
            annual_cap_fen=_req(p, "annual_cap_fen", to_int, "policy"),
            valid_from=_req(p, "valid_from", to_date, "policy"),
            valid_to=_req(p, "valid_to", to_date, "policy"),
            providers=providers,
            eligible_services=frozenset(str(s) for s in _list(p, "eligible_services",
                                                              "policy.eligible_services")),
            category_ratios={str(k): to_decimal(v, f"policy.category_ratios.{k}")
                             for k, v in (p.get("category_ratios") or {}).items()},
            required_qualifications=frozenset(
                str(s) for s in _list(p, "required_qualifications",
                                      "policy.required_qualifications")),
            document=str(p.get("document") or ""))
        v = _mapping(data, "voucher")
        voucher = Voucher(voucher_id=str(v.get("voucher_id") or ""),
                          face_value_fen=_req(v, "face_value_fen", to_int, "voucher"),
                          valid_from=pick(v, "valid_from", to_date),
                          valid_to=pick(v, "valid_to", to_date),
                          lapsed_fen=pick(v, "lapsed_fen", to_int, 0))
        history = tuple(
            ClaimRecord(claim_id=str(h.get("claim_id") or f"#{i + 1}"),
                        amount_fen=_req(h, "amount_fen", to_int, f"history[{i}]"),
                        status=str(h.get("status") or "").strip(),
                        voucher_id=str(h.get("voucher_id") or ""),
                        contract_no=str(h.get("contract_no") or ""),
                        invoice_no=str(h.get("invoice_no") or ""),
                        policy_year=pick(h, "policy_year", to_year))
            for i, h in enumerate(_list(data, "history", "history")))
        return cls(
            policy=policy, voucher=voucher,
            enterprise_id=str(data.get("enterprise_id") or ""),
            provider_id=str(_req(data, "provider_id", str, "")),
            service_fee_fen=_req(data, "service_fee_fen", to_int, ""),
            service_completed_on=_req(data, "service_completed_on", to_date, ""),
            service_category=str(data.get("service_category") or ""),
            contract_no=str(data.get("contract_no") or ""),
            invoice_no=str(data.get("invoice_no") or ""),
            related_party=pick(data, "related_party", to_bool, False),
            related_parties=frozenset(str(x) for x in _list(data, "related_parties",
                                                            "related_parties")),
            qualifications=frozenset(str(x) for x in _list(data, "qualifications",
                                                           "qualifications")),
            history=history)


def _mapping(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name)
    if not isinstance(value, Mapping):
        raise PolicyInputError(name, "缺少或不是对象")
    return value


def _list(data: Mapping[str, Any], name: str, label: str) -> list[Any]:
    value = data.get(name) or []
    if not isinstance(value, list | tuple):
        raise PolicyInputError(label, "应为列表")
    return list(value)


def _req(data: Mapping[str, Any], name: str, parse: Any, prefix: str) -> Any:
    label = f"{prefix}.{name}" if prefix else name
    if name not in data or data[name] is None or data[name] == "":
        raise PolicyInputError(label, "必填")
    value = data[name]
    return value if parse is str else parse(value, label)


# -- result ----------------------------------------------------------------------------------


@dataclass
class VoucherClaimResult(ResultBase):
    """What may be paid for this claim, and why (every amount in integer fen).

    ``outcome``: ``payable`` (payable_fen > 0), ``refused`` (a condition failed or nothing is
    left), ``duplicate`` (same voucher + contract + invoice as an earlier claim: its result).
    ``subsidy_exact`` is fee × ratio before rounding (in fen, a Fraction).
    """

    rule: str
    rule_version: str
    document: str
    policy_name: str
    policy_year: int
    outcome: str
    payable_fen: int
    subsidy_fen: int
    subsidy_exact: Fraction
    ratio: Decimal
    limited_by: str | None  # ratio | annual_cap | voucher (which cap decided), None if refused
    annual_cap_fen: int
    annual_reserved_fen: int
    annual_released_fen: int
    annual_remaining_fen: int
    annual_remaining_after_fen: int
    voucher_face_value_fen: int
    voucher_reserved_fen: int
    voucher_remaining_fen: int
    voucher_remaining_after_fen: int
    duplicate_of: str | None
    conditions: list[Condition]
    message: str
    reasons: list[str]
    notes: list[str] = field(default_factory=list)
    disclaimer: str = DISCLAIMER

    @property
    def eligible(self) -> bool:
        return self.outcome == "payable"

    def condition(self, code: str) -> Condition:
        return next(c for c in self.conditions if c.code == code)

    def to_row(self) -> dict[str, Any]:
        return {"result_rule_version": self.rule_version, "result_outcome": self.outcome,
                "result_payable_fen": self.payable_fen, "result_message": self.message,
                "result_reasons": "；".join(self.reasons)}


# -- computation -----------------------------------------------------------------------------


def evaluate_voucher_claim(inp: VoucherClaimInput, *,
                           rules: VoucherRules | None = None) -> VoucherClaimResult:
    """The payable amount of one redemption claim under its policy and the claim history."""
    policy, voucher = inp.policy, inp.voucher
    rules = rules or select(RULE, policy.policy_year)
    notes = ["科技创新券的比例、年度额度、有效期、服务目录和服务机构名录均为政策配置"
             "（山西省/长治市文件未取得，policy-rules.md §f [U]）",
             "审核中和已通过（含已兑付）的申请占用年度额度和券面余额，已驳回的释放额度（平台约定）",
             "补贴额 = 服务费 × 比例，按分四舍五入（ROUND_HALF_UP）"]

    ratio = policy.ratio_for(inp.service_category)
    subsidy_exact = Fraction(inp.service_fee_fen) * Fraction(ratio)
    subsidy = half_up_fen(subsidy_exact)

    this_year = [h for h in inp.history if (h.policy_year or policy.policy_year)
                 == policy.policy_year]
    reserved = sum(h.amount_fen for h in this_year if h.status in rules.reserving_states)
    released = sum(h.amount_fen for h in this_year if h.status not in rules.reserving_states)
    remaining = max(0, policy.annual_cap_fen - reserved)
    if reserved > policy.annual_cap_fen:
        notes.append(f"已占用额度 {fen_text(reserved)} 超过年度额度 "
                     f"{fen_text(policy.annual_cap_fen)}，请核对历史兑付记录")
    v_reserved = sum(h.amount_fen for h in inp.history
                     if h.voucher_id == voucher.voucher_id and h.status in rules.reserving_states)
    v_remaining = max(0, voucher.face_value_fen - v_reserved - voucher.lapsed_fen)

    common = dict(rule=RULE, rule_version=rules.version, document=rules.document,
                  policy_name=policy.name, policy_year=policy.policy_year,
                  subsidy_fen=subsidy, subsidy_exact=subsidy_exact, ratio=ratio,
                  annual_cap_fen=policy.annual_cap_fen, annual_reserved_fen=reserved,
                  annual_released_fen=released, annual_remaining_fen=remaining,
                  voucher_face_value_fen=voucher.face_value_fen, voucher_reserved_fen=v_reserved,
                  voucher_remaining_fen=v_remaining, notes=notes)

    # idempotency on (voucher, contract, invoice)
    if inp.contract_no.strip() and inp.invoice_no.strip():
        first = next((h for h in inp.history if h.key == inp.key), None)
        if first is not None:
            kept = first.amount_fen if first.status in rules.reserving_states else 0
            msg = (f"同一创新券、服务合同（{inp.contract_no}）和发票（{inp.invoice_no}）已于申请 "
                   f"{first.claim_id} 提交（{STATE_LABELS[first.status]}，"
                   f"{fen_text(first.amount_fen)}），重复提交返回首次结果，不再占用额度")
            return VoucherClaimResult(
                **common, outcome="duplicate", payable_fen=kept, limited_by=None,
                annual_remaining_after_fen=remaining, voucher_remaining_after_fen=v_remaining,
                duplicate_of=first.claim_id, conditions=[], message=msg, reasons=[msg])

    conditions = _conditions(inp, policy, voucher, ratio, remaining, v_remaining)
    ok = all(c.passed is not False for c in conditions)
    if ok:
        payable = min(subsidy, remaining, v_remaining)
        limited_by = ("ratio" if payable == subsidy else "annual_cap" if payable == remaining
                      else "voucher")
    else:
        payable, limited_by = 0, None
    outcome = "payable" if payable > 0 else "refused"
    reasons = [f"{c.label}：{c.message}" for c in conditions if c.passed is False]
    if ok and payable == 0:
        reasons.append("按比例计算的补贴额为 0（服务费为 0）")
    if outcome == "payable":
        message = (f"服务费 {fen_text(inp.service_fee_fen)} × {pct(ratio)} = "
                   f"{fen_text(subsidy)}")
        if limited_by == "annual_cap":
            message += f"，受年度剩余额度 {fen_text(remaining)} 限制"
        elif limited_by == "voucher":
            message += f"，受券面余额 {fen_text(v_remaining)} 限制"
        message += f"；本次可兑付 {fen_text(payable)}"
    else:
        message = "不予兑付：" + "；".join(reasons)
    return VoucherClaimResult(
        **common, outcome=outcome, payable_fen=payable, limited_by=limited_by,
        annual_remaining_after_fen=remaining - payable,
        voucher_remaining_after_fen=v_remaining - payable, duplicate_of=None,
        conditions=conditions, message=message, reasons=reasons)


def _conditions(inp: VoucherClaimInput, policy: VoucherPolicy, voucher: Voucher,
                ratio: Decimal, remaining: int, v_remaining: int) -> list[Condition]:
    day = inp.service_completed_on
    start = max(policy.valid_from, voucher.valid_from or policy.valid_from)
    end = min(policy.valid_to, voucher.valid_to or policy.valid_to)
    out: list[Condition] = []
    if policy.required_qualifications:
        have = sorted(policy.required_qualifications & inp.qualifications)
        need = "、".join(sorted(policy.required_qualifications))
        out.append(Condition(
            "c_qualification", "申请主体具备政策要求的资格（任一）", bool(have),
            ",".join(have) or "无", need,
            f"具备 {'、'.join(have)}" if have else f"须具备以下资格之一：{need}"))
    if policy.eligible_services:
        ok = inp.service_category in policy.eligible_services
        out.append(Condition(
            "c_service_category", "服务属于可兑付的服务目录", ok, inp.service_category or "未填",
            sorted(policy.eligible_services),
            f"服务类别“{inp.service_category or '未填'}”" + ("在服务目录内" if ok
                                                          else "不在服务目录内")))
    in_window = start <= day <= end
    out.append(Condition(
        "c_validity", "服务在有效期内完成", in_window, day, {"from": start, "to": end},
        f"服务完成日 {day.isoformat()}，有效期 {start.isoformat()} 至 {end.isoformat()}（含）"
        + ("" if in_window else ("，早于有效期" if day < start else "，已过有效期，余额失效"))))
    listed = policy.listed(inp.provider_id, day)
    out.append(Condition(
        "c_provider_listed", "服务机构在服务完成日位于服务机构名录内", listed, inp.provider_id,
        "名录内",
        f"服务机构 {inp.provider_id} 在 {day.isoformat()} "
        + ("在名录内" if listed else "不在名录内（以服务完成日为准）")))
    basis = list(inp.related_basis)
    if inp.related_party:
        basis.insert(0, "申请人声明存在关联关系")
    if inp.provider_id in inp.related_parties:
        basis.append("服务机构在企业声明的关联单位中")
    if inp.enterprise_id and inp.provider_id == inp.enterprise_id:
        basis.append("服务机构即用券企业本身")
    related = bool(basis)
    out.append(Condition(
        "c_not_related", "用券企业与服务机构不存在关联关系", not related,
        "存在关联关系" if related else "无关联关系", "无关联关系",
        f"用券企业与服务机构存在关联关系（{'；'.join(basis)}），不得兑付" if related
        else "未发现关联关系（企业声明及登记数据）"))
    out.append(Condition(
        "c_annual_cap", "本政策年度额度尚有余额", remaining > 0, remaining,
        policy.annual_cap_fen,
        f"年度额度 {fen_text(policy.annual_cap_fen)}，剩余 {fen_text(remaining)}"
        + ("" if remaining > 0 else "，已用完（审核中和已通过的申请占用额度）")))
    if voucher.lapsed_fen > 0:
        out.append(Condition(
            "c_not_lapsed", "创新券余额未失效", v_remaining > 0, voucher.lapsed_fen, 0,
            f"余额 {fen_text(voucher.lapsed_fen)} 已于有效期结束后失效，不能再兑付"))
    out.append(Condition(
        "c_voucher_balance", "创新券尚有余额", v_remaining > 0, v_remaining,
        voucher.face_value_fen,
        f"券面 {fen_text(voucher.face_value_fen)}，余额 {fen_text(v_remaining)}"))
    if ratio != policy.ratio:
        out.append(Condition("c_category_ratio", "按服务类别适用补贴比例", None, ratio,
                             policy.ratio,
                             f"服务类别“{inp.service_category}”适用比例 {pct(ratio)}"))
    return out
