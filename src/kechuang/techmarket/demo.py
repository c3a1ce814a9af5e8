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


# 升规入统 candidates the plan names (plan-2025.yaml, 行动六), with a 2024 revenue short of
# the 1000万 threshold of 科学研究和技术服务业, in three counties (demo figures)
CANDIDATES = (("长治市致奕环保科技有限公司", "140404", "M74", 8_600_000, 1),
              ("山西万鼎煜电力工程有限公司", "140423", "M74", 9_200_000, 2),
              ("长治市诚尔信工程检测有限公司", "140427", "M74", 7_400_000, 3))
# GDP 2024 (亿元), demo figures in the right order of magnitude — replace with the bulletin's
GDP_2024 = {"140403": 720, "140404": 260, "140405": 250, "140406": 280, "140423": 150,
            "140425": 120, "140426": 90, "140427": 180, "140428": 230, "140429": 110,
            "140430": 130, "140431": 120}


def seed_demo_service_data() -> dict[str, int]:
    """The 升规入统 candidates, the year's GDP, a platform conversion and the 9亿 target's
    county allocation — every screen of action 6 shows data. Idempotent."""
    from kechuang.orgs import services as org_services
    from kechuang.plans.models import Indicator
    from kechuang.plans.services import propose_allocation, set_allocations
    from kechuang.policy.credit_code import make_code
    from kechuang.regions.models import Region
    from kechuang.techmarket.models import CountyGdp, EntityConversion

    office = _user("city_staff", Role.CITY_STAFF, "李晓燕")
    regions = {r.code: r for r in Region.objects.filter(code__in=set(GDP_2024) | {
        c[1] for c in CANDIDATES})}
    out = {"candidates": 0, "gdp": 0, "allocated": 0, "conversions": 0}
    with audit_context(source="cli:demo"):
        for name, county, industry, revenue, serial in CANDIDATES:
            if county not in regions or Organisation.objects.filter(name=name).exists():
                continue
            ent = org_services.create_enterprise(actor=office, data={
                "name": name, "credit_code": make_code(f"91{county}MA0KT{serial:04d}"[:17]),
                "county": regions[county], "industry_code": industry, "above_scale": False,
                "established_on": dt.date(2016 + serial, 4, 1)})
            rev = Decimal(revenue)
            org_services.create_annual_report(actor=office, data={
                "enterprise": ent, "year": YEAR - 1, "employees": 40 + serial * 5,
                "st_staff": 12, "revenue_yuan": rev, "total_income_yuan": rev,
                "high_tech_revenue_yuan": rev * Decimal("0.6"),
                "total_costs_yuan": rev * Decimal("0.85"),
                "total_assets_yuan": rev * Decimal("1.2"),
                "net_assets_yuan": rev * Decimal("0.5"), "rd_expense_yuan": rev / 20,
                "rd_domestic_yuan": rev / 20, "has_rd_activity": True})
            out["candidates"] += 1
        if not CountyGdp.objects.exists() and regions:
            for code, gdp in GDP_2024.items():
                if code in regions:
                    services.save_gdp(actor=office, data={
                        "county": regions[code], "year": YEAR - 1, "gdp_yi": Decimal(gdp),
                        "source": "演示数据：2024年统计公报（请按公布数替换）"})
                    out["gdp"] += 1
            services.save_gdp(actor=office, data={
                "county": None, "year": YEAR - 1, "gdp_yi": Decimal(sum(GDP_2024.values())),
                "source": "演示数据：2024年长治市国民经济和社会发展统计公报（请按公布数替换）"})
        target = Indicator.objects.filter(key="tech_contract_turnover", action__plan__year=YEAR,
                                          target__isnull=False).first()
        if target is not None and not target.allocations.exists():
            proposal = propose_allocation(indicator=target)
            set_allocations(indicator=target, shares=proposal.shares, actor=office)
            out["allocated"] = len(proposal.shares)
        converted = Organisation.objects.filter(
            kind=Organisation.Kind.ENTERPRISE, industry_code="M73").order_by("pk").first()
        if converted is not None and not EntityConversion.objects.exists():
            services.record_conversion(actor=office, data={
                "platform_name": "长治市煤基新材料工程技术研究中心", "enterprise": converted,
                "converted_on": dt.date(YEAR, 6, 18), "note": "研发中心注册为独立法人（演示）"})
            out["conversions"] = 1
    return out


def demo_step(*, seed: int = 2025, **options: object) -> str:
    """``manage.py demo``'s technology-contract step (techmarket/manifest.py)."""
    s = seed_demo_contracts(seed=seed)
    extra = seed_demo_service_data()
    text = ""
    if s:
        text = (f"技术合同演示数据：{s['contracts']} 份（登记 {s['registered']}，不予登记 "
                f"{s['refused']}，变更 {s['changed']}，注销 {s['cancelled']}，待认定 "
                f"{s['pending']}）")
    if any(extra.values()):
        text += (f"；升规入统候选 {extra['candidates']} 家，GDP {extra['gdp']} 个县区，"
                 f"9亿目标分解到 {extra['allocated']} 个县区")
    return text.lstrip("；")
