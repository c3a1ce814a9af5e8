"""技术合同认定登记 (technology contract registration), policy-rules.md §e.

``evaluate_tech_contract(TechContractInput) -> TechContractResult`` decides from the contract's
facts: whether it can be registered (written form, parties, subject, price …), who registers
(the seller side; the domestic buyer for a technology import), 成交额 vs 技术交易额 (non-technical
costs deducted, "合理数量" items kept but flagged for review), the registration office's
deadline, and the tax links (VAT exemption by type, the 500万 transfer-income CIT rule).

Working days come from a ``WorkCalendar`` passed in as data (holidays and adjusted working
weekends); ``CN_CALENDAR`` is a small built-in table of the State Council holiday notices for
2024–2026 — the years around the 2024 draft and the 2026 办法. Outside the table only weekends
count as days off, and the result says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kechuang.policy.amounts import ONE, ZERO, pct, round_fen_exact, yuan
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

RULE = "tech_contracts"

# -- working-day calendar (data) -------------------------------------------------------------


@dataclass(frozen=True)
class WorkCalendar:
    """Days off beyond weekends (``holidays``) and weekend days worked (``workdays``, 调休上班).

    ``years`` are the years the table covers; for other years only weekends are days off.
    """

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    years: frozenset[int]
    source: str = ""

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (the start day itself is not counted)."""
        day, left = start, n
        while left > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def roll_forward(self, day: dt.date) -> dt.date:
        """``day`` or, when it is a day off, the next working day."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def covers(self, start: dt.date, end: dt.date) -> bool:
        return all(y in self.years for y in range(start.year, end.year + 1))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WorkCalendar:
        holidays = frozenset(to_date(d, "calendar.holidays") for d in data.get("holidays") or ())
        workdays = frozenset(to_date(d, "calendar.workdays") for d in data.get("workdays") or ())
        years = frozenset(to_year(y, "calendar.years") for y in data.get("years") or ()) or \
            frozenset(d.year for d in holidays | workdays)
        return cls(holidays, workdays, years, str(data.get("source") or "调用方提供"))


def _days(year: int, spans: Iterable[tuple[int, int, int, int]]) -> set[dt.date]:
    out: set[dt.date] = set()
    for m1, d1, m2, d2 in spans:
        day, end = dt.date(year, m1, d1), dt.date(year, m2, d2)
        while day <= end:
            out.add(day)
            day += dt.timedelta(days=1)
    return out


# 国务院办公厅 节假日安排: 国办发明电〔2023〕7号 (2024), 国办发明电〔2024〕12号 (2025),
# the notice of 2025-11-04 (2026). Per year: (month, day, month, day) spans of 放假, then the
# 调休上班 weekend days (month, day), as published.
_Spans = tuple[tuple[int, int, int, int], ...]
_HOLIDAY_DATA: dict[int, tuple[_Spans, tuple[tuple[int, int], ...]]] = {
    2024: (((1, 1, 1, 1), (2, 10, 2, 17), (4, 4, 4, 6), (5, 1, 5, 5), (6, 10, 6, 10),
            (9, 15, 9, 17), (10, 1, 10, 7)),
           ((2, 4), (2, 18), (4, 7), (4, 28), (5, 11), (9, 14), (9, 29), (10, 12))),
    2025: (((1, 1, 1, 1), (1, 28, 2, 4), (4, 4, 4, 6), (5, 1, 5, 5), (5, 31, 6, 2),
            (10, 1, 10, 8)),
           ((1, 26), (2, 8), (4, 27), (9, 28), (10, 11))),
    2026: (((1, 1, 1, 3), (2, 15, 2, 23), (4, 4, 4, 6), (5, 1, 5, 5), (6, 19, 6, 21),
            (9, 25, 9, 27), (10, 1, 10, 7)),
           ((1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10))),
}

CN_CALENDAR = WorkCalendar(
    holidays=frozenset(d for y, (spans, _) in _HOLIDAY_DATA.items() for d in _days(y, spans)),
    workdays=frozenset(dt.date(y, m, d) for y, (_, work) in _HOLIDAY_DATA.items()
                       for m, d in work),
    years=frozenset(_HOLIDAY_DATA),
    source="国务院办公厅关于 2024、2025、2026 年部分节假日安排的通知"
           "（内置数据，其他年份请传入日历）",
)


# -- rule sets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TechContractRules:
    """One regime of the registration rules (deadline and thresholds with their documents)."""

    version: str
    document: str
    valid_from: int
    valid_to: int | None
    deadline_days: int
    deadline_days_large: int
    working_days: bool  # True: 工作日; False: 日 (calendar days, last day rolled to a working day)
    large_threshold_yuan: Decimal | None  # 技术交易额 ≥ → 大额 (None: no distinction)
    disputed_extends: bool
    corrections_restart: bool
    registration_window: str  # "effective" (合同生效后的有效期内) | "formed" (合同成立后)
    transfer_income_exempt_yuan: Decimal = Decimal(5_000_000)
    vat_document: str = "财税〔2016〕36号 附件3 第一条"
    cit_document: str = "《企业所得税法》第二十七条、《实施条例》第九十条"


TECH_CONTRACTS_2000 = register(RULE, TechContractRules(
    version="tech_contracts/2000-063",
    document="国科发政字〔2000〕063号《技术合同认定登记管理办法》、国科发政字〔2001〕253号《技术合同认定规则》",
    valid_from=2000, valid_to=2025, deadline_days=30, deadline_days_large=30,
    working_days=False, large_threshold_yuan=None, disputed_extends=False,
    corrections_restart=False, registration_window="formed"))

TECH_CONTRACTS_2026 = register(RULE, TechContractRules(
    version="tech_contracts/2026-miit",
    document="工业和信息化部《技术合同认定登记管理办法》（2026-01-23 发布，文号 [U]；"
             "条文按 2024-12-20 征求意见稿 [V-2]）",
    valid_from=2026, valid_to=None, deadline_days=15, deadline_days_large=30,
    working_days=True, large_threshold_yuan=Decimal(5_000_000), disputed_extends=True,
    corrections_restart=True, registration_window="effective"))


TYPE_LABELS = {"development": "技术开发合同", "transfer": "技术转让合同",
               "licensing": "技术许可合同", "consulting": "技术咨询合同",
               "service": "技术服务合同"}
SUB_TYPES = {"development": {"commissioned": "委托开发", "cooperative": "合作开发"},
             "service": {"training": "技术培训", "intermediary": "技术中介"}}
_TYPE_ALIASES = {"licence": "licensing", "license": "licensing", "技术开发": "development",
                 "技术转让": "transfer", "技术许可": "licensing", "技术咨询": "consulting",
                 "技术服务": "service"}
# the seller side that registers (2000 办法 / 2024 draft 卖方登记); licensing by analogy [U]
SELLER_ROLES = {"development": "研究开发人", "transfer": "让与人", "licensing": "许可人",
                "consulting": "受托人", "service": "受托人"}
SUB_TYPE_ROLES = {"training": "培训人", "intermediary": "中介人"}
COST_KINDS = {"equipment": "设备", "instrument": "仪器", "parts": "零部件", "materials": "原材料",
              "equipment_set": "成套技术设备/试验装置", "documents": "技术文件",
              "carrier": "软件载体/新品种/菌种等", "other": "其他非技术性费用"}
FORMS = {"written": "书面合同", "electronic": "电子合同", "oral": "口头合同"}


# -- input -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CostItem:
    """A non-technical cost in the contract price (设备、仪器、零部件、原材料 …).

    ``reasonable_quantity`` claims the "合理数量标的物的直接成本" exemption: the item is then
    not deducted from the 成交额, and the result flags it for the office's review.
    """

    description: str
    amount_yuan: Decimal
    kind: str = "materials"
    reasonable_quantity: bool = False
    quantity: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in COST_KINDS:
            raise PolicyInputError("non_technical_costs.kind",
                                   f"费用类别应为 {'、'.join(COST_KINDS)} 之一（{self.kind}）")
        if self.amount_yuan < 0:
            raise PolicyInputError("non_technical_costs.amount_yuan", "金额不能为负数")


_DECLARATIONS = ("no_illegal_clauses", "seal_matches_name", "documents_complete")


@dataclass(frozen=True)
class TechContractInput:
    """One contract as submitted for registration (dates are parameters, never the clock).

    Declarations the platform cannot check (no illegal clauses, seal matches the name,
    documents complete) default to True and are shown as 企业声明.
    """

    contract_type: str
    sub_type: str = ""
    import_contract: bool = False  # 技术进口合同
    form: str = "written"
    seller: str = ""
    buyer: str = ""
    subject: str = ""  # 标的
    turnover_yuan: Decimal | None = None  # 成交额（合同交易总额）; None: 价款未约定
    non_technical_costs: tuple[CostItem, ...] = ()
    accepted_on: dt.date | None = None  # 受理日期
    corrections_submitted_on: tuple[dt.date, ...] = ()  # 补正材料提交日期
    disputed: bool = False  # 有争议的合同
    effective_on: dt.date | None = None
    expires_on: dt.date | None = None
    applied_on: dt.date | None = None
    year: int | None = None  # rule year when no date is given
    training_within_main_contract: bool = False
    no_illegal_clauses: bool = True
    seal_matches_name: bool = True
    documents_complete: bool = True
    related_to_transfer_or_development: bool | None = None  # 咨询/服务 与转让/开发相关
    same_invoice: bool | None = None  # 与转让/开发价款开具在同一张发票
    annual_transfer_income_yuan: Decimal | None = None  # 纳税年度技术转让所得（可为负）
    tax_rate: Decimal = Decimal("0.25")
    calendar: WorkCalendar = CN_CALENDAR

    def __post_init__(self) -> None:
        kind = _TYPE_ALIASES.get(self.contract_type, self.contract_type)
        if kind not in TYPE_LABELS:
            raise PolicyInputError("contract_type", f"合同类型应为 {'、'.join(TYPE_LABELS)} 之一，"
                                   f"实际为“{self.contract_type}”")
        object.__setattr__(self, "contract_type", kind)
        if self.sub_type and self.sub_type not in SUB_TYPES.get(kind, {}):
            raise PolicyInputError("sub_type", f"{TYPE_LABELS[kind]}没有“{self.sub_type}”子类")
        if self.form not in FORMS:
            raise PolicyInputError("form", f"合同形式应为 {'、'.join(FORMS)} 之一（{self.form}）")
        if not ZERO <= self.tax_rate <= ONE:
            raise PolicyInputError("tax_rate", "税率应在 0–1 之间（如 0.25）")
        if self.accepted_on is not None and any(d < self.accepted_on
                                                for d in self.corrections_submitted_on):
            raise PolicyInputError("corrections_submitted_on", "补正日期早于受理日期")

    @property
    def rule_year(self) -> int:
        for d in (self.accepted_on, self.applied_on):
            if d is not None:
                return d.year
        if self.year is not None:
            return self.year
        raise PolicyInputError("accepted_on", "缺少受理日期（或申请日期、年度），无法确定适用规则")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TechContractInput:
        """Parse a flat dict; costs as a list or a single ``non_technical_costs_yuan`` total."""
        kw: dict[str, Any] = {"contract_type": str(data.get("contract_type") or "").strip()}
        for name in ("sub_type", "form", "seller", "buyer", "subject"):
            if not _blank(data.get(name)):
                kw[name] = str(data[name]).strip()
        for name in ("import_contract", "disputed", "training_within_main_contract",
                     *_DECLARATIONS):
            value = pick(data, name, to_bool)
            if value is not None:
                kw[name] = value
        for name in ("related_to_transfer_or_development", "same_invoice"):
            kw[name] = pick(data, name, to_bool)
        for name in ("accepted_on", "effective_on", "expires_on", "applied_on"):
            kw[name] = pick(data, name, to_date)
        kw["year"] = pick(data, "year", to_year)
        kw["turnover_yuan"] = pick(data, "turnover_yuan", to_decimal)
        kw["annual_transfer_income_yuan"] = pick(
            data, "annual_transfer_income_yuan",
            lambda v, f: to_decimal(v, f, allow_negative=True))
        rate = pick(data, "tax_rate", to_decimal)
        if rate is not None:
            kw["tax_rate"] = rate
        corr = data.get("corrections_submitted_on") or ()
        if isinstance(corr, str | dt.date):
            corr = [corr]
        kw["corrections_submitted_on"] = tuple(to_date(d, "corrections_submitted_on")
                                               for d in corr)
        costs = data.get("non_technical_costs") or ()
        if not isinstance(costs, list | tuple):
            raise PolicyInputError("non_technical_costs", "应为费用列表")
        items = [CostItem(
            description=str(c.get("description") or f"费用{i + 1}"),
            amount_yuan=to_decimal(c.get("amount_yuan"), f"non_technical_costs[{i}].amount_yuan"),
            kind=str(c.get("kind") or "materials"),
            reasonable_quantity=pick(c, "reasonable_quantity", to_bool, False),
            quantity=pick(c, "quantity", to_int)) for i, c in enumerate(costs)]
        total = pick(data, "non_technical_costs_yuan", to_decimal)
        if total is not None:
            items.append(CostItem("非技术性费用（合计）", total, "other"))
        kw["non_technical_costs"] = tuple(items)
        cal = data.get("calendar")
        if isinstance(cal, Mapping):
            kw["calendar"] = WorkCalendar.from_dict(cal)
        return cls(**kw)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- result ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Deadline:
    """When the registration office must decide."""

    start_on: dt.date
    restarted_by_correction: bool
    days: int
    unit: str  # 工作日 | 日
    reason: str
    deadline_on: dt.date
    calendar_complete: bool
    message: str


@dataclass(slots=True)
class CitRelief:
    """The 500万 rule on one tax year's 技术转让所得 (not on the contract's 成交额)."""

    income_yuan: Decimal
    exempt_yuan: Decimal  # 不超过 500 万元的部分，免征
    halved_yuan: Decimal  # 超过 500 万元的部分，减半征收
    tax_rate: Decimal
    tax_yuan: Decimal  # = halved × rate × 50%, to the fen
    tax_exact: Fraction
    tax_saved_yuan: Decimal
    message: str


@dataclass
class TechContractResult(ResultBase):
    rule: str
    rule_version: str
    document: str
    contract_type: str
    contract_type_label: str
    sub_type: str
    registrable: bool
    registrant_role: str
    registrant: str
    turnover_yuan: Decimal | None  # 成交额 (statistics)
    non_technical_deducted_yuan: Decimal
    non_technical_exempt_yuan: Decimal  # 合理数量, kept in the 技术交易额, flagged
    tech_transaction_yuan: Decimal | None  # 技术交易额 = 技术性收入 (tax relief)
    tech_transaction_share_exact: Fraction | None
    large_contract: bool
    needs_review: bool
    review_items: list[str]
    deadline: Deadline | None
    vat_exempt: bool | None
    vat_message: str
    cit: CitRelief | None
    cit_message: str
    conditions: list[Condition]
    reasons: list[str]
    notes: list[str] = field(default_factory=list)
    disclaimer: str = DISCLAIMER

    @property
    def eligible(self) -> bool:
        return self.registrable

    def condition(self, code: str) -> Condition:
        return next(c for c in self.conditions if c.code == code)

    def to_row(self) -> dict[str, Any]:
        def s(v: Any) -> str:
            return "" if v is None else str(v)

        return {
            "result_rule_version": self.rule_version,
            "result_registrable": "是" if self.registrable else "否",
            "result_registrant": f"{self.registrant_role} {self.registrant}".strip(),
            "result_turnover_yuan": s(self.turnover_yuan),
            "result_tech_transaction_yuan": s(self.tech_transaction_yuan),
            "result_deadline_on": self.deadline.deadline_on.isoformat() if self.deadline else "",
            "result_needs_review": "是" if self.needs_review else "否",
            "result_vat_exempt": {True: "是", False: "否", None: "待定"}[self.vat_exempt],
            "result_reasons": "；".join(self.reasons),
        }


# -- computation -----------------------------------------------------------------------------


def evaluate_tech_contract(inp: TechContractInput, *,
                           rules: TechContractRules | None = None) -> TechContractResult:
    """Registrability, amounts, deadline and tax links of one technology contract."""
    rules = rules or select(RULE, inp.rule_year)
    kind = inp.contract_type
    notes: list[str] = []
    if rules.valid_from >= 2026:
        notes.append("2026 年工业和信息化部办法终稿未取得，期限、大额标准等按 2024 年征求意见稿"
                     "（policy-rules.md §e [V-2]）；文号 [U]")
    if not rules.working_days:
        notes.append("2000 年办法的“30 日”按自然日计算，首日不计、末日为休息日的顺延至下一工作日"
                     "（平台解释，参照民法典第二百零一、二百零三条 [U]）")

    role, registrant = _registrant(inp)
    conditions = _conditions(inp, rules)
    registrable = all(c.passed is not False for c in conditions)

    # 成交额 vs 技术交易额
    deducted = sum((c.amount_yuan for c in inp.non_technical_costs
                    if not c.reasonable_quantity), ZERO)
    exempt = sum((c.amount_yuan for c in inp.non_technical_costs if c.reasonable_quantity), ZERO)
    review: list[str] = []
    for c in inp.non_technical_costs:
        if c.reasonable_quantity:
            review.append(f"{c.description}（{COST_KINDS[c.kind]}，{yuan(c.amount_yuan)}）按"
                          "“合理数量标的物的直接成本”未扣除，需登记机构核定数量是否合理")
            if c.kind == "equipment_set" and c.quantity is not None and c.quantity > 2:
                review.append(f"{c.description}：成套技术设备和试验装置一般限于 1–2 套，"
                              f"申报 {c.quantity} 套")
    if inp.turnover_yuan is not None:
        if deducted + exempt > inp.turnover_yuan:
            raise PolicyInputError("non_technical_costs",
                                   f"非技术性费用合计 {yuan(deducted + exempt)} "
                                   f"超过成交额 {yuan(inp.turnover_yuan)}")
        tech = inp.turnover_yuan - deducted
        share = (Fraction(tech) / Fraction(inp.turnover_yuan) if inp.turnover_yuan > 0
                 else None)
    else:
        tech, share = None, None
    large = (rules.large_threshold_yuan is not None and tech is not None
             and tech >= rules.large_threshold_yuan)
    if tech is not None and inp.non_technical_costs:
        notes.append(f"技术交易额 = 成交额 {yuan(inp.turnover_yuan or ZERO)} − 非技术性费用 "
                     f"{yuan(deducted)} = {yuan(tech)}（统计用成交额，税收优惠用技术交易额）")

    deadline = _deadline(inp, rules, large) if inp.accepted_on is not None else None
    if deadline is not None and not deadline.calendar_complete:
        notes.append("期限所跨年度不在节假日数据内，仅按周六、周日计算休息日，请核对")
    vat, vat_msg = _vat(inp, rules, registrable)
    cit, cit_msg = _cit(inp, rules, registrable)
    if inp.tax_rate != Decimal("0.25") and cit is not None:
        notes.append("技术转让所得减免与 15% 等优惠税率的叠加未核实 [U]：按给定税率直接计算，"
                     "不自动组合")

    reasons = [f"{c.label}：{c.message}" for c in conditions if c.passed is False]
    return TechContractResult(
        rule=RULE, rule_version=rules.version, document=rules.document, contract_type=kind,
        contract_type_label=TYPE_LABELS[kind], sub_type=inp.sub_type, registrable=registrable,
        registrant_role=role, registrant=registrant, turnover_yuan=inp.turnover_yuan,
        non_technical_deducted_yuan=deducted, non_technical_exempt_yuan=exempt,
        tech_transaction_yuan=tech, tech_transaction_share_exact=share, large_contract=large,
        needs_review=bool(review), review_items=review, deadline=deadline, vat_exempt=vat,
        vat_message=vat_msg, cit=cit, cit_message=cit_msg, conditions=conditions,
        reasons=reasons, notes=notes)


def _registrant(inp: TechContractInput) -> tuple[str, str]:
    if inp.import_contract:
        return "境内买方（技术进口合同）", inp.buyer
    role = SUB_TYPE_ROLES.get(inp.sub_type) or SELLER_ROLES[inp.contract_type]
    if inp.contract_type == "development" and inp.sub_type == "cooperative":
        role = "研究开发人（合作开发各方，由约定的一方申请 [U]）"
    return f"卖方：{role}", inp.seller


def _conditions(inp: TechContractInput, rules: TechContractRules) -> list[Condition]:
    out = [
        Condition("c_written", "有完整的书面合同文本（口头合同不予受理）", inp.form != "oral",
                  FORMS[inp.form], "书面或电子合同",
                  "口头合同不予受理" if inp.form == "oral" else f"{FORMS[inp.form]}"),
        Condition("c_parties", "合同主体明确", bool(inp.seller and inp.buyer),
                  {"seller": inp.seller, "buyer": inp.buyer}, "买卖双方均已填写",
                  "合同主体不明确：" + "、".join(x for x, v in (("卖方", inp.seller),
                                                           ("买方", inp.buyer)) if not v)
                  if not (inp.seller and inp.buyer) else f"卖方 {inp.seller}，买方 {inp.buyer}"),
        Condition("c_subject", "标的明确", bool(inp.subject), inp.subject or "未填", "已填写",
                  "标的不明确" if not inp.subject else f"标的：{inp.subject}"),
        Condition("c_price", "价款、报酬或使用费约定明确", inp.turnover_yuan is not None,
                  inp.turnover_yuan, "已约定",
                  "价款、报酬、使用费约定不明确" if inp.turnover_yuan is None
                  else f"成交额 {yuan(inp.turnover_yuan)}"),
        Condition("c_lawful", "不含非法垄断技术或侵害他人技术成果的条款", inp.no_illegal_clauses,
                  inp.no_illegal_clauses, True,
                  "企业声明，平台未核实" if inp.no_illegal_clauses
                  else "含非法垄断技术或侵害他人技术成果的条款，不予登记"),
        Condition("c_documents", "证明材料符合要求，单位名称与印章一致",
                  inp.documents_complete and inp.seal_matches_name,
                  inp.documents_complete and inp.seal_matches_name, True,
                  "企业声明，平台未核实" if inp.documents_complete and inp.seal_matches_name
                  else "、".join(m for m, ok in (("证明材料不符合要求", inp.documents_complete),
                                                ("单位名称与印章不一致", inp.seal_matches_name))
                                if not ok)),
    ]
    if inp.contract_type == "service" and inp.sub_type == "training":
        out.append(Condition(
            "c_training_separate", "技术培训内容可以单独认定登记",
            not inp.training_within_main_contract, inp.training_within_main_contract, False,
            "技术开发、转让、许可等合同中涉及的技术培训内容，应按主合同认定，不单独认定登记"
            if inp.training_within_main_contract else "独立的技术培训合同"))
    if inp.applied_on is not None and (inp.effective_on or inp.expires_on):
        start, end = inp.effective_on, inp.expires_on
        ok = (start is None or start <= inp.applied_on)
        label = "合同成立（生效）后申请登记"
        if rules.registration_window == "effective":
            ok = ok and (end is None or inp.applied_on <= end)
            label = "在技术合同生效后的有效期内申请登记"
        out.append(Condition(
            "c_registration_window", label, ok, inp.applied_on,
            {"from": start, "to": end if rules.registration_window == "effective" else None},
            f"申请日 {inp.applied_on.isoformat()}；合同生效 "
            f"{start.isoformat() if start else '未填'}，有效期至 "
            f"{end.isoformat() if end else '未填'}"))
    return out


def _deadline(inp: TechContractInput, rules: TechContractRules, large: bool) -> Deadline:
    assert inp.accepted_on is not None
    start, restarted = inp.accepted_on, False
    if rules.corrections_restart and inp.corrections_submitted_on:
        start, restarted = max(inp.corrections_submitted_on), True
    longer = large or (rules.disputed_extends and inp.disputed)
    days = rules.deadline_days_large if longer else rules.deadline_days
    if rules.deadline_days_large == rules.deadline_days:
        reason = "自受理之日起"
    elif longer:
        why = [w for w, on in ((f"技术交易额不低于 {yuan(rules.large_threshold_yuan or ZERO)}"
                                "（大额技术合同）", large),
                               ("存在争议", rules.disputed_extends and inp.disputed)) if on]
        reason = "、".join(why)
    else:
        reason = "一般技术合同"
    cal = inp.calendar
    if rules.working_days:
        unit = "工作日"
        end = cal.add_working_days(start, days)
    else:
        unit = "日"
        # 民法典 第二百零一、二百零三条: the first day is not counted; a period ending on a day off
        # ends on the next working day (platform reading for the 2000 办法's "30 日")
        end = cal.roll_forward(start + dt.timedelta(days=days))
    origin = "补正材料提交之日（重新起算）" if restarted else "受理之日"
    msg = (f"{reason}：自{origin} {start.isoformat()} 起 {days} 个{unit}内，"
           f"即不晚于 {end.isoformat()}")
    if inp.corrections_submitted_on and not rules.corrections_restart:
        msg += "（该版本规则未规定补正重新起算，按受理日计算）"
    return Deadline(start_on=start, restarted_by_correction=restarted, days=days, unit=unit,
                    reason=reason, deadline_on=end, calendar_complete=cal.covers(start, end),
                    message=msg)


def _vat(inp: TechContractInput, rules: TechContractRules,
         registrable: bool) -> tuple[bool | None, str]:
    doc = rules.vat_document
    if not registrable:
        return False, f"合同不能认定登记，不能享受增值税免税（{doc} 要求经省级科技主管部门认定）"
    if inp.import_contract:
        return None, "技术进口合同的增值税处理不在本规则范围，请咨询税务机关"
    kind = inp.contract_type
    if kind in ("transfer", "development"):
        return True, f"{TYPE_LABELS[kind]}免征增值税（{doc}），须经认定登记、资料留存备查"
    if kind == "licensing":
        return True, (f"技术许可按“转让技术（使用权）”免征增值税（{doc}；民法典将许可单列，"
                      "对应关系 [U]），须经认定登记")
    related, same = inp.related_to_transfer_or_development, inp.same_invoice
    if related is False:
        return False, "与技术转让、技术开发无关的技术咨询、技术服务不免征增值税"
    if related is None or same is None:
        return None, ("技术咨询、技术服务仅在与技术转让、技术开发相关且价款开具在同一张发票上时"
                      f"免征增值税（{doc}）：请说明是否相关、是否同一发票")
    if not same:
        return False, ("相关技术咨询、服务的价款未与技术转让、开发价款开具在同一张发票上，"
                       "不免征增值税")
    return True, f"与技术转让、开发相关且开具在同一张发票上的技术咨询、服务免征增值税（{doc}）"


def _cit(inp: TechContractInput, rules: TechContractRules,
         registrable: bool) -> tuple[CitRelief | None, str]:
    kind = inp.contract_type
    if kind not in ("transfer", "licensing"):
        return None, "技术转让所得减免企业所得税仅适用于技术转让（含许可 [U]）"
    if not registrable:
        return None, "未予登记的技术合同不得享受技术转让所得税收优惠（2000 办法 第六条）"
    if inp.annual_transfer_income_yuan is None:
        return None, (f"居民企业一个纳税年度内技术转让所得不超过 "
                      f"{yuan(rules.transfer_income_exempt_yuan)} 的部分免征，超过部分减半征收"
                      f"（{rules.cit_document}）；填写年度技术转让所得（收入减成本、税费，"
                      "不是成交额）后计算")
    income, limit, rate = inp.annual_transfer_income_yuan, rules.transfer_income_exempt_yuan, \
        inp.tax_rate
    positive = max(income, ZERO)
    exempt = min(positive, limit)
    halved = max(ZERO, income - limit)
    tax_exact = Fraction(halved) * Fraction(rate) / 2
    tax = round_fen_exact(tax_exact)
    saved = round_fen_exact(Fraction(positive) * Fraction(rate)) - tax
    msg = (f"技术转让所得 {yuan(income)}：{yuan(exempt)} 免征，{yuan(halved)} 减半征收，"
           f"应纳企业所得税 {yuan(halved)} × {pct(rate)} × 50% = {yuan(tax)}"
           f"（{rules.cit_document}）")
    return CitRelief(income_yuan=income, exempt_yuan=exempt, halved_yuan=halved, tax_rate=rate,
                     tax_yuan=tax, tax_exact=tax_exact, tax_saved_yuan=saved,
                     message=msg), msg


# -- tax links shown on a registered contract (never applied automatically) ------------------

RD_GUIDE = "《研发费用加计扣除政策执行指引》（2.0）、财税〔2018〕64号"
ENTRUSTED_SHARE = Fraction(4, 5)  # 委托研发：按实际发生额的 80% 计入委托方研发费用


@dataclass(frozen=True)
class RdEvidence:
    """Whether a contract is evidence for the buyer's R&D super-deduction (委托/合作研发).

    ``usable``: True — the registered contract is the evidence the guide asks for; False — it
    is not (type, or not registered); ``base_yuan``: the 80% of the amount paid that the
    委托方 may count (domestic entrusted R&D), None when not applicable or overseas (capped by
    2/3 of the domestic base, which only the enterprise's own R&D figures decide).
    """

    usable: bool
    who: str
    base_yuan: Decimal | None
    message: str


def rd_super_deduction_evidence(*, contract_type: str, sub_type: str = "",
                                registered: bool, import_contract: bool = False,
                                paid_yuan: Decimal | None = None) -> RdEvidence:
    """Use of a technology contract for the R&D super-deduction (policy-rules.md §c 委托研发,
    §e tax links): only 技术开发 contracts; 委托开发 — the 委托方 (buyer) counts 80% of what it
    pays, the 受托方 never claims; 合作开发 — each party its own share of the expenses; a
    contract with an overseas developer (技术进口) is registered by the domestic 委托方 and
    capped at 2/3 of the domestic base. Registration is required in every case."""
    kind = _TYPE_ALIASES.get(contract_type, contract_type)
    if kind != "development":
        return RdEvidence(False, "", None, f"{TYPE_LABELS.get(kind, kind)}不是研究开发合同，"
                          "不能作为研发费用加计扣除的委托/合作研发凭证")
    if not registered:
        return RdEvidence(False, "", None, "委托、合作研发合同须经科技行政主管部门认定登记后，"
                          f"方可作为研发费用加计扣除的凭证（{RD_GUIDE}）")
    if sub_type == "cooperative":
        return RdEvidence(True, "合作各方", None, "合作开发：合作各方就自身实际承担的研发费用"
                          f"分别加计扣除，本合同的登记证明为留存备查资料（{RD_GUIDE}）")
    if import_contract:
        return RdEvidence(True, "委托方（境内买方）", None,
                          "委托境外机构研发：按实际发生额的 80% 计入委托境外研发费用，不超过"
                          "境内符合条件的研发费用 2/3 的部分可加计扣除；委托境外个人不得加计"
                          f"（{RD_GUIDE}）")
    base = (None if paid_yuan is None
            else round_fen_exact(Fraction(max(paid_yuan, ZERO)) * ENTRUSTED_SHARE))
    amount = f"，本合同 {yuan(paid_yuan)} × 80% = {yuan(base)}" if base is not None else ""
    return RdEvidence(True, "委托方（买方）", base,
                      "委托开发：委托方按实际支付给受托方费用的 80% 计入研发费用加计扣除"
                      f"{amount}；受托方（卖方）不得加计扣除（{RD_GUIDE}）")
