"""Demo technology contracts for the 2025 plan (``manage.py demo``, after the enterprises).

About 160 contracts applied for through 2025, sold by enterprises in every county (more in
潞州区 and the big industrial counties), bought by other enterprises or the partner
universities: most registered within the deadline, a few refused (价款约定不明确 …), some
changed (变更登记, amount up or down) or cancelled (注销登记) later in the year, and a few
still pending at the year end (overdue by now). Written through the services, so the
registration history, the figure events and the audit trail look like real use. The year's
成交额 lands around 7亿元 against the plan's 9亿元.

Idempotent: when any contract exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from kechuang.accounts.models import User
from kechuang.accounts.roles import Role
from kechuang.audit.context import audit_context
from kechuang.orgs.models import Organisation
from kechuang.techmarket import services
from kechuang.techmarket.models import TechContract

YEAR = 2025
CONTRACTS = 160
OFFICE = "长治市技术合同认定登记机构"
SUBJECTS = {
    "development": ["煤矸石综合利用工艺开发", "光伏组件智能检测系统开发", "氢能储运装置研制",
                    "煤化工废水处理技术开发", "精密铸件数字化产线开发", "中药材种植数据平台开发"],
    "transfer": ["高纯硅材料制备专利转让", "智能矿山巡检机器人技术转让", "新型耐火材料配方转让"],
    "licensing": ["LED 封装专利许可", "煤层气抽采技术许可", "生物降解材料专利实施许可"],
    "consulting": ["园区绿色低碳发展咨询", "企业数字化转型咨询", "产业链技术路线咨询"],
    "service": ["设备故障诊断技术服务", "检验检测方法开发服务", "工业软件运维技术服务"],
}
SUB = {"development": ("commissioned", "cooperative"), "service": ("", "training",
                                                                    "intermediary")}
REFUSALS = ("合同价款、报酬约定不明确", "合同标的不明确，不属于技术合同",
            "单位名称与合同印章不一致")


def _user(username: str, role: str, full_name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, first_name=full_name)
        user.set_unusable_password()
        user.save()
    return user


def _amount(rng: random.Random) -> Decimal:
    """Log-uniform between 10万 and 3000万, in whole 万元 (so the figures in 亿元 to four
    places — the dashboard's precision — add up exactly over the counties)."""
    value = 10 ** rng.uniform(5, 7.48)
    return Decimal(int(value / 10_000) * 10_000)


def _wan(value: Decimal) -> Decimal:
    return (value / 10_000).quantize(Decimal(1)) * 10_000


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


def seed_demo_contracts(*, seed: int = 2025, count: int = CONTRACTS) -> dict[str, int]:
    if TechContract.objects.exists():
        return {}
    sellers = list(Organisation.objects.filter(
        kind=Organisation.Kind.ENTERPRISE, county__gb2260=True).order_by("pk")
        .values_list("pk", "county_id"))
    if len(sellers) < 2:
        return {}
    partners = list(Organisation.objects.exclude(kind=Organisation.Kind.ENTERPRISE)
                    .order_by("pk").values_list("pk", flat=True))
    rng = random.Random(seed)
    by_county: dict[int, list[int]] = {}
    for pk, county in sellers:
        by_county.setdefault(county, []).append(pk)
    counties = sorted(by_county)
    # the city centre and the big industrial counties sell more
    weights = [4 if i < 4 else 1.5 for i in range(len(counties))]
    office = _user("city_staff", Role.CITY_STAFF, "李晓燕")
    orgs = {o.pk: o for o in Organisation.objects.filter(
        pk__in={pk for pk, _ in sellers} | set(partners))}
    stats = {"contracts": 0, "registered": 0, "refused": 0, "changed": 0, "cancelled": 0,
             "pending": 0}
    with audit_context(source="cli:demo"):
        for n in range(1, count + 1):
            county = rng.choices(counties, weights)[0]
            seller = rng.choice(by_county[county])
            buyer = seller
            while buyer == seller:
                buyer = (rng.choice(partners) if partners and rng.random() < 0.15
                         else rng.choice(sellers)[0])
            kind = rng.choices(list(SUBJECTS), (40, 15, 10, 15, 20))[0]
            applied = _day(rng, dt.date(YEAR, 1, 6), dt.date(YEAR, 12, 20))
            turnover = _amount(rng)
            costs: list[dict[str, Any]] = []
            if kind == "development" and rng.random() < 0.5:
                costs.append({"description": "试验设备购置", "kind": "equipment",
                              "amount_yuan": _wan(turnover * Decimal("0.2"))})
                if rng.random() < 0.4:
                    costs.append({"description": "样机（1套）", "kind": "equipment_set",
                                  "amount_yuan": _wan(turnover * Decimal("0.05")),
                                  "reasonable_quantity": True, "quantity": 1})
            contract = services.apply_contract(actor=office, costs=costs, data={
                "contract_type": kind, "sub_type": rng.choice(SUB.get(kind, ("",))),
                "subject": f"{rng.choice(SUBJECTS[kind])}（{n:03d}）",
                "seller": orgs[seller], "buyer": orgs[buyer], "turnover_yuan": turnover,
                "signed_on": applied - dt.timedelta(days=rng.randrange(3, 40)),
                "applied_on": applied, "registration_office": OFFICE})
            stats["contracts"] += 1
            roll = rng.random()
            if applied > dt.date(YEAR, 12, 5) and roll < 0.5:
                stats["pending"] += 1  # still waiting at the year end
                continue
            decided = applied + dt.timedelta(days=rng.randrange(2, 20))
            if roll < 0.06:
                services.refuse_contract(contract=contract, actor=office,
                                         reason=rng.choice(REFUSALS), refused_on=decided)
                stats["refused"] += 1
                continue
            contract = services.register_contract(
                contract=contract, actor=office, registration_no=f"{YEAR}1404{n:06d}",
                registered_on=decided, note="经审核，符合认定登记条件")
            stats["registered"] += 1
            later = decided + dt.timedelta(days=rng.randrange(20, 120))
            if later.year != YEAR:
                continue
            if roll > 0.95:
                services.cancel_contract(contract=contract, actor=office,
                                         reason="合同解除，当事人申请注销登记",
                                         cancelled_on=later)
                stats["cancelled"] += 1
            elif roll > 0.88:
                factor = Decimal(rng.choice(("0.8", "1.2", "1.5")))
                services.change_contract(
                    contract=contract, actor=office, reason="补充协议变更合同价款",
                    turnover_yuan=_wan(contract.turnover_yuan * factor),
                    changed_on=later)
                stats["changed"] += 1
    return stats


def demo_step(*, seed: int = 2025, **options: object) -> str:
    """``manage.py demo``'s technology-contract step (techmarket/manifest.py)."""
    s = seed_demo_contracts(seed=seed)
    if not s:
        return ""
    return (f"技术合同演示数据：{s['contracts']} 份（登记 {s['registered']}，不予登记 "
            f"{s['refused']}，变更 {s['changed']}，注销 {s['cancelled']}，待认定 {s['pending']}）")
