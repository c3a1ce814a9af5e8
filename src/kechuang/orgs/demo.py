"""Deterministic demo data: enterprises of 长治, their annual reports 2022–2025, chain
memberships, and the universities, institutes and service providers they work with.

Two halves:

* **the generator** (pure functions, no database): ``generate_enterprises(seed, count)``
  yields :class:`DemoOrganisation` values; ``partner_organisations()`` lists the
  universities, institutes and service providers. Enterprise *i* is drawn from its own
  ``random.Random`` seeded with (seed, i), so the same seed always gives the same data and
  the first N enterprises of a bigger run are the N of a smaller one.
* **the loader** ``load_demo(seed=…, enterprises=…)``: ``bulk_create`` in batches, skipping
  every organisation whose credit code already exists — a second run with the same
  arguments adds nothing.

Demo data is system data and is **not audited per row** (no ChangeRecord for each of
100,000 enterprises); nor does it pass through the audited services. Values are generated
to satisfy the models' validation (``full_clean``; tests check samples), which the bulk
loader skips for speed.

Shape of the data (roughly, for N = 3000): 潞州区 and 长治高新区 hold the most enterprises;
coal chemicals, equipment, new materials, electronics/photovoltaics and technology services
dominate; 15–20 % are above designated size; about 15 % would qualify as tech SMEs and about
5 % as high-tech enterprises under policy-rules.md a/b (``profile`` says which pattern an
enterprise was drawn from; ``tier`` is only set where the figures support it). The first 50
enterprises are the anchors: two 链主 and three 链核 per key industrial chain.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from typing import Any

from kechuang.policy.credit_code import CHARSET, make_code

REPORT_YEARS = (2022, 2023, 2024, 2025)
LATEST_YEAR = REPORT_YEARS[-1]
ANCHORS_PER_CHAIN = (("chain_leader", 2), ("chain_core", 3))
WAN = 10_000  # 万元 in yuan

# Profiles: which figures an enterprise is drawn with.
HIGH_TECH = "high_tech"  # meets the high-tech (HNTE) conditions that figures can show
TECH_SME = "tech_sme"  # scores ≥ 60 as a tech SME, not high-tech (high-tech income < 60 %)
RD_ACTIVE = "rd_active"  # some R&D, qualifies for neither
NO_RD = "none"  # no R&D activity
SHARE_HIGH_TECH = 0.05
SHARE_TECH_SME = 0.11  # plus the high-tech enterprises of SME size: ~15 % qualify as SME
SHARE_RD_ACTIVE = 0.30


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class CountyFlavour:
    code: str
    name: str
    weight: int
    prefixes: tuple[str, ...]  # place words that start company names registered there
    old_codes: tuple[str, ...] = ()  # pre-2019 registration authority codes (policy-rules h)
    authority_code: str = ""  # credit-code region segment when it differs (高新区: 140491)
    roads: tuple[str, ...] = ()


COUNTIES: tuple[CountyFlavour, ...] = (
    CountyFlavour("140403", "潞州区", 26, ("长治市", "长治", "潞州", "上党", "山西"),
                  ("140402", "140411"),
                  roads=("英雄中路", "太行东街", "长兴中路", "府后西街", "城北东街", "紫金西街")),
    CountyFlavour("140404", "上党区", 9, ("长治市上党区", "上党", "长治", "山西"), ("140421",),
                  roads=("韩店镇", "荫城镇", "上党大道")),
    CountyFlavour("140405", "屯留区", 7, ("屯留", "长治市屯留区", "山西"), ("140424",),
                  roads=("麟绛大街", "康庄工业园区", "余吾镇")),
    CountyFlavour("140406", "潞城区", 8, ("潞城", "长治市潞城区", "潞安", "山西"), ("140481",),
                  roads=("店上镇", "潞华街道", "成家川街道")),
    CountyFlavour("140423", "襄垣县", 8, ("襄垣", "襄垣县", "潞安", "山西"),
                  roads=("王桥镇", "侯堡镇", "古韩镇", "富阳工业园区")),
    CountyFlavour("140425", "平顺县", 3, ("平顺", "平顺县", "太行"), roads=("青羊镇", "龙溪镇")),
    CountyFlavour("140426", "黎城县", 4, ("黎城", "黎城县", "黎侯"), roads=("黎侯镇", "上遥镇")),
    CountyFlavour("140427", "壶关县", 4, ("壶关", "壶关县", "太行"), roads=("龙泉镇", "集店乡")),
    CountyFlavour("140428", "长子县", 6, ("长子", "长子县", "山西"), roads=("丹朱镇", "鲍店镇")),
    CountyFlavour("140429", "武乡县", 4, ("武乡", "武乡县", "太行"), roads=("丰州镇", "故城镇")),
    CountyFlavour("140430", "沁县", 3, ("沁县", "沁州"), roads=("定昌镇", "新店镇")),
    CountyFlavour("140431", "沁源县", 5, ("沁源", "沁源县", "沁河"), roads=("沁河镇", "郭道镇")),
    CountyFlavour("140471", "长治高新区", 13, ("长治高新", "长治", "上党", "山西"),
                  authority_code="140491",
                  roads=("捉马东大街", "太行北路", "长兴南路", "科创大道")),
)


@dataclass(frozen=True)
class IndustryFlavour:
    code: str  # GB/T 4754 division, e.g. "C26"
    weight: int
    words: tuple[str, ...]  # the trade word of the company name
    chains: tuple[str, ...] = ()  # key industrial chains it can belong to
    sector: str = "industry"  # industry | service | trade | construction | property
    affinity: float = 1.0  # how likely a tech profile is, relative to the average


INDUSTRIES: tuple[IndustryFlavour, ...] = (
    IndustryFlavour("B06", 6, ("煤业", "煤矿", "矿业", "能源"), affinity=0.3),
    IndustryFlavour("C25", 5, ("焦化", "煤焦", "焦化科技", "能源科技"), ("coal_chemical",),
                    affinity=0.4),
    IndustryFlavour("C26", 9, ("化工", "化学", "精细化工", "新材料科技", "煤化工"),
                    ("coal_chemical", "new_materials", "energy_storage"), affinity=0.9),
    IndustryFlavour("C27", 4, ("药业", "制药", "生物科技", "医药科技", "生物工程"),
                    ("biomedicine",), affinity=2.0),
    IndustryFlavour("C29", 2, ("塑业", "橡塑制品", "塑胶科技"), ("new_materials",), affinity=0.6),
    IndustryFlavour("C30", 6, ("新材料", "建材", "耐火材料", "新型建材", "陶瓷科技"),
                    ("new_materials",), affinity=0.8),
    IndustryFlavour("C31", 2, ("钢铁", "特钢", "铸业"), ("new_materials",), affinity=0.5),
    IndustryFlavour("C32", 2, ("铝业", "镁业", "有色金属"), ("new_materials",), affinity=0.7),
    IndustryFlavour("C33", 4, ("金属制品", "钢结构", "锻造"), ("equipment",), affinity=0.6),
    IndustryFlavour("C34", 6, ("机械", "机械制造", "泵业", "重工"), ("equipment",), affinity=1.0),
    IndustryFlavour("C35", 7, ("矿山机械", "装备制造", "智能装备", "煤机装备", "环保设备"),
                    ("equipment",), affinity=1.3),
    IndustryFlavour("C36", 2, ("汽车零部件", "专用汽车", "新能源汽车科技"),
                    ("new_energy_vehicle", "equipment"), affinity=1.0),
    IndustryFlavour("C38", 6, ("电气", "光伏科技", "新能源科技", "储能科技", "电器", "电缆"),
                    ("photovoltaic", "energy_storage", "new_energy_vehicle", "equipment"),
                    affinity=1.5),
    IndustryFlavour("C39", 5, ("光电科技", "电子科技", "半导体", "显示技术", "微电子"),
                    ("led", "semiconductor", "photovoltaic", "digital"), affinity=2.2),
    IndustryFlavour("C40", 2, ("仪器仪表", "智能科技", "测控技术"), ("equipment", "digital"),
                    affinity=2.0),
    IndustryFlavour("C42", 2, ("再生资源", "环保科技", "固废利用"), ("new_materials",),
                    affinity=0.9),
    IndustryFlavour("C13", 2, ("农业科技", "食品", "粮油"), affinity=0.3),
    IndustryFlavour("C14", 2, ("食品", "小米食品", "醋业"), affinity=0.4),
    IndustryFlavour("D44", 2, ("电力", "热电", "新能源", "发电"), ("energy_storage",),
                    affinity=0.3),
    IndustryFlavour("E48", 2, ("建设工程", "路桥工程", "建筑工程"), sector="construction",
                    affinity=0.2),
    IndustryFlavour("F51", 3, ("商贸", "贸易", "物资", "煤炭销售"), sector="trade", affinity=0.0),
    IndustryFlavour("K70", 1, ("房地产开发", "置业"), sector="property", affinity=0.0),
    IndustryFlavour("I65", 7, ("软件", "信息技术", "网络科技", "数据科技", "智能科技", "数字科技"),
                    ("digital",), sector="service", affinity=2.0),
    IndustryFlavour("M73", 4, ("科技研发", "技术研究院", "新材料研究院", "生物技术研究"),
                    ("biomedicine", "new_materials", "digital"), sector="service",
                    affinity=2.2),
    IndustryFlavour("M74", 6, ("检测", "检验检测", "工程设计", "环境监测", "工程咨询", "测绘"),
                    sector="service", affinity=1.2),
    IndustryFlavour("M75", 7, ("科技", "科技服务", "技术推广", "技术转移", "科技发展"),
                    ("digital",), sector="service", affinity=1.5),
)
_INDUSTRY = {i.code: i for i in INDUSTRIES}

# The industries each key chain's anchors come from (codes of regions/data/changzhi.yaml).
CHAIN_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "coal_chemical": ("C26", "C25"),
    "equipment": ("C35", "C34"),
    "new_materials": ("C30", "C26", "C32"),
    "photovoltaic": ("C38", "C39"),
    "led": ("C39",),
    "biomedicine": ("C27",),
    "new_energy_vehicle": ("C36", "C38"),
    "semiconductor": ("C39",),
    "digital": ("I65", "C39"),
    "energy_storage": ("C38", "C26"),
}
TECH_CHAINS = frozenset({"equipment", "new_materials", "photovoltaic", "led", "biomedicine",
                         "new_energy_vehicle", "semiconductor", "digital", "energy_storage"})

# 规模以上: revenue of the latest year (yuan), and the share of each sector above it.
ABOVE_SCALE_THRESHOLD = {"industry": 2000 * WAN, "trade": 2000 * WAN,
                         "construction": 2000 * WAN, "property": 2000 * WAN,
                         "service": 1000 * WAN}
ABOVE_SCALE_SHARE = {"industry": 0.19, "trade": 0.12, "construction": 0.20, "property": 0.30,
                     "service": 0.11}

BRAND_CHARS = "".join(dict.fromkeys(  # 字号 characters, two (rarely three) to a name
    "华鑫宏泰瑞丰晟源达通恒盛兴昌隆嘉诚信德安康宇博航智创新远明辉光金锦润祥和顺福汇联众益中天"
    "海峰岳晋漳泽荣凯腾飞越卓睿思维云星辰蓝青翔泓澜沃浩瀚迪森林拓展铭骏鹏旭阳春晨东方百千万力"
    "能久永亿立合友邦舜尧同升佳美优品威特雅盈"))
FORMS = ("有限公司",) * 6 + ("有限责任公司", "股份有限公司")
ANCHOR_FORMS = ("集团有限公司", "股份有限公司", "集团股份有限公司")
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁"
            "潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆范金石贾夏付方白孟秦郝牛申常段武")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰海燕斌峰鹏辉晨宇浩凯"
         "鑫雪梅晓文亮波俊慧健琳")


@dataclass(frozen=True)
class DemoReport:
    year: int
    fields: dict[str, Any]  # EnterpriseAnnualReport field name → value


@dataclass(frozen=True)
class DemoOrganisation:
    kind: str
    name: str
    credit_code: str
    county_code: str
    industry_code: str
    established_on: dt.date
    above_scale: bool = False
    tier: str = ""
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    chains: tuple[tuple[str, str], ...] = ()  # (chain code, role)
    reports: tuple[DemoReport, ...] = ()
    profile: str = ""

    def model_fields(self) -> dict[str, Any]:
        """Keyword arguments for ``Organisation`` (county as ``county_id`` is set by the loader)."""
        return {"kind": self.kind, "name": self.name, "credit_code": self.credit_code,
                "industry_code": self.industry_code, "established_on": self.established_on,
                "above_scale": self.above_scale, "tier": self.tier, "address": self.address,
                "contact_name": self.contact_name, "contact_phone": self.contact_phone}


# --------------------------------------------------------------------------- helpers


class _Weighted:
    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum = list(accumulate(weights))

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def _loguniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def _fen(yuan_amount: float) -> int:
    return int(round(yuan_amount * 100))


def gb11714_check(first8: str) -> str:
    """The check character of an organisation code (GB 11714; chars 9–17 of a credit code)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(first8, weights, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def _org_code(rng: random.Random, established: dt.date) -> str:
    """Chars 9–17: an old 8-digit organisation code, or the "MA…" kind issued since 2015-10."""
    if established >= dt.date(2015, 10, 1):
        body = "MA" + "".join(rng.choice(CHARSET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    return body + gb11714_check(body)


def _region_segment(rng: random.Random, county: CountyFlavour, established: dt.date) -> str:
    if county.authority_code:
        return county.authority_code
    if county.old_codes and established < dt.date(2019, 1, 1) and rng.random() < 0.3:
        return rng.choice(county.old_codes)  # pre-2019 codes stay in old credit codes
    return county.code


def _person(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.7:
        return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))
    return "0355-" + rng.choice("2345678") + "".join(rng.choice("0123456789") for _ in range(6))


def _date(rng: random.Random, first_year: int, last_year: int) -> dt.date:
    return dt.date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))


def _established(rng: random.Random, profile: str, anchor: bool) -> dt.date:
    if anchor:
        return _date(rng, 1985, 2010)
    # more young firms than old ones; every enterprise has reported since 2022
    mean_age = 7.0 if profile in (HIGH_TECH, TECH_SME) else 10.0
    year = 2021 - min(int(rng.expovariate(1 / mean_age)), 31)
    return _date(rng, year, year)


# --------------------------------------------------------------------------- reports


def hnte_rd_threshold(revenue_yuan: float) -> float:
    """R&D ÷ revenue the high-tech rules ask for, by the latest year's revenue (32号 第十一条)."""
    if revenue_yuan <= 5000 * WAN:
        return 0.05
    if revenue_yuan <= 2 * 10_000 * WAN:
        return 0.04
    return 0.03


@dataclass
class _Shape:
    """An enterprise's figures for the latest year and how they move year to year."""

    revenue: float  # latest year, yuan
    growth: float
    employees: int
    st_ratio: float
    st_min: float
    rd_intensity: float  # R&D ÷ revenue
    rd_min: float
    ht_share: tuple[float, float]  # high-tech income ÷ total income, range
    assets_ratio: float
    equity_ratio: float
    ip1: int
    ip2: int
    ip_floor: tuple[int, int]
    achievements: tuple[int, int]
    entrust: bool
    overseas: bool
    reserve_fund: bool = False
    sme_caps: bool = False  # keep employees ≤ 500, revenue and assets ≤ 2亿 every year


def _reports(rng: random.Random, s: _Shape) -> tuple[DemoReport, ...]:
    out: list[DemoReport] = []
    revenue, employees = s.revenue, s.employees
    ip1, ip2 = s.ip1, s.ip2
    for year in reversed(REPORT_YEARS):
        if s.sme_caps:
            revenue = min(revenue, 1.9 * 10_000 * WAN)
            employees = min(employees, 500)
        revenue_fen = max(_fen(revenue), 5 * WAN * 100)
        total_income_fen = revenue_fen + _fen(revenue * rng.uniform(0.0, 0.03))
        lo, hi = s.ht_share
        ht_fen = _fen(total_income_fen / 100 * rng.uniform(lo, hi)) if hi > 0 else 0
        costs_fen = _fen(revenue * rng.uniform(0.82, 1.02))
        assets = revenue * s.assets_ratio * rng.uniform(0.96, 1.04)
        if s.sme_caps:
            assets = min(assets, 1.95 * 10_000 * WAN)
        assets_fen = _fen(assets)
        net_fen = _fen(assets * s.equity_ratio * rng.uniform(0.95, 1.05))
        st_ratio = max(s.st_min, s.st_ratio + rng.uniform(-0.01, 0.01))
        st_staff = min(employees, math.ceil(employees * st_ratio)) if st_ratio > 0 else 0

        rd = {k: 0 for k in ("personnel", "direct_input", "depreciation", "amortization",
                             "design", "other")}
        ent_dom = ent_over = reserve = 0
        intensity = max(s.rd_min, s.rd_intensity * rng.uniform(0.9, 1.1))
        rd_total = math.ceil(revenue_fen * intensity) if intensity > 0 else 0
        if rd_total:
            if s.entrust:
                ent_dom = 5 * (_fen(rd_total / 100 * rng.uniform(0.03, 0.2)) // 5)
            if s.overseas:
                ent_over = 5 * (_fen(rd_total / 100 * rng.uniform(0.01, 0.05)) // 5)
            six = rd_total - (ent_dom + ent_over) * 4 // 5
            for key, (a, b) in (("direct_input", (0.15, 0.32)), ("depreciation", (0.03, 0.12)),
                                ("amortization", (0.0, 0.05)), ("design", (0.0, 0.08)),
                                ("other", (0.0, 0.08))):
                rd[key] = int(six * rng.uniform(a, b))
            rd["personnel"] = six - sum(rd.values())
            if s.reserve_fund and year >= 2024:
                reserve = _fen(rd_total / 100 * rng.uniform(0.1, 0.3))
        six_total = sum(rd.values())
        entrusted = ent_dom + ent_over
        fields = {
            "employees": employees,
            "st_staff": st_staff,
            "revenue_yuan": _yuan(revenue_fen),
            "total_income_yuan": _yuan(total_income_fen),
            "high_tech_revenue_yuan": _yuan(ht_fen),
            "total_costs_yuan": _yuan(costs_fen),
            "total_assets_yuan": _yuan(assets_fen),
            "net_assets_yuan": _yuan(net_fen),
            "rd_expense_yuan": _yuan(six_total + entrusted * 4 // 5),
            "rd_domestic_yuan": _yuan(six_total + ent_dom * 4 // 5),
            "rd_personnel_yuan": _yuan(rd["personnel"]),
            "rd_direct_input_yuan": _yuan(rd["direct_input"]),
            "rd_depreciation_yuan": _yuan(rd["depreciation"]),
            "rd_amortization_yuan": _yuan(rd["amortization"]),
            "rd_design_yuan": _yuan(rd["design"]),
            "rd_other_yuan": _yuan(rd["other"]),
            "rd_entrusted_domestic_yuan": _yuan(ent_dom),
            "rd_entrusted_overseas_yuan": _yuan(ent_over),
            "rd_reserve_fund_yuan": _yuan(reserve),
            "ip_class_1_count": ip1,
            "ip_class_2_count": ip2,
            "achievements_converted": rng.randint(*s.achievements),
            "has_rd_activity": six_total + entrusted > 0,
        }
        out.append(DemoReport(year=year, fields=fields))
        # one year back: undo this year's growth (staff moves at half the pace)
        g = max(-0.3, min(0.8, s.growth + rng.gauss(0, 0.04)))
        revenue = revenue / (1 + g)
        employees = max(3, round(employees / (1 + g / 2)))
        ip1 = max(s.ip_floor[0], ip1 - rng.randint(0, 1))
        ip2 = max(s.ip_floor[1], ip2 - rng.randint(0, 1))
    return tuple(reversed(out))


def _employees_for(rng: random.Random, revenue: float, sector: str, cap: int | None = None) -> int:
    per_head = rng.uniform(25, 90) * WAN if sector == "industry" else rng.uniform(15, 50) * WAN
    employees = max(rng.randint(6, 15), round(revenue / per_head))
    if cap is not None and employees > cap:
        employees = rng.randint(cap * 3 // 5, cap)
    return employees


def _shape(rng: random.Random, profile: str, ind: IndustryFlavour, above: bool,
           anchor_role: str = "") -> _Shape:
    threshold = ABOVE_SCALE_THRESHOLD[ind.sector]
    heavy = ind.code[0] in "BD" or ind.code in ("C25", "C26", "C30", "C31", "C32")
    assets_ratio = rng.uniform(0.9, 2.4) if heavy else rng.uniform(0.4, 1.2)
    equity = rng.uniform(0.2, 0.7)
    if anchor_role:
        hi = 150 * 10_000 * WAN if anchor_role == "chain_leader" else 30 * 10_000 * WAN
        revenue = _loguniform(rng, 2 * 10_000 * WAN, hi)
    elif above:
        top = 1.5 * 10_000 * WAN if profile == TECH_SME else 20 * 10_000 * WAN
        revenue = _loguniform(rng, threshold * 1.05, max(top, threshold * 2))
    else:
        revenue = _loguniform(rng, 50 * WAN, threshold * 0.95)
    if profile == HIGH_TECH:
        employees = _employees_for(rng, revenue, ind.sector)
        employees = max(employees, 20)
        many_ip1 = rng.random() < 0.8
        return _Shape(
            revenue=revenue, growth=rng.uniform(0.06, 0.3), employees=employees,
            st_ratio=rng.uniform(0.14, 0.45), st_min=0.12,
            rd_intensity=hnte_rd_threshold(revenue) + rng.uniform(0.008, 0.04),
            rd_min=hnte_rd_threshold(revenue) + 0.006, ht_share=(0.62, 0.95),
            assets_ratio=assets_ratio, equity_ratio=equity,
            ip1=rng.randint(1, 12) if many_ip1 else 0, ip2=rng.randint(5, 20),
            ip_floor=(1 if many_ip1 else 0, 5), achievements=(2, 8),
            entrust=rng.random() < 0.5, overseas=rng.random() < 0.05,
            reserve_fund=bool(anchor_role) and rng.random() < 0.6)
    if profile == TECH_SME:
        employees = _employees_for(rng, revenue, ind.sector, cap=480)
        ip1 = rng.randint(1, 4) if rng.random() < 0.55 else 0
        return _Shape(
            revenue=revenue, growth=rng.uniform(0.0, 0.25), employees=employees,
            st_ratio=rng.uniform(0.22, 0.55), st_min=0.21,
            rd_intensity=rng.uniform(0.055, 0.12), rd_min=0.052, ht_share=(0.15, 0.55),
            assets_ratio=min(assets_ratio, 1.2), equity_ratio=equity,
            ip1=ip1, ip2=rng.randint(2, 6), ip_floor=(1 if ip1 else 0, 2), achievements=(0, 4),
            entrust=rng.random() < 0.3, overseas=False, sme_caps=True)
    if profile == RD_ACTIVE:
        return _Shape(
            revenue=revenue, growth=rng.gauss(0.05, 0.08),
            employees=_employees_for(rng, revenue, ind.sector),
            st_ratio=rng.uniform(0.02, 0.09), st_min=0.0,
            rd_intensity=rng.uniform(0.002, 0.018), rd_min=0.0, ht_share=(0.0, 0.4),
            assets_ratio=assets_ratio, equity_ratio=equity,
            ip1=0, ip2=rng.choice((0, 0, 1, 2)), ip_floor=(0, 0), achievements=(0, 1),
            entrust=rng.random() < 0.15, overseas=False,
            reserve_fund=bool(anchor_role) and rng.random() < 0.3)
    negative = rng.random() < 0.02  # 资不抵债: a few, never among the tech profiles
    return _Shape(
        revenue=revenue, growth=rng.gauss(0.03, 0.1),
        employees=_employees_for(rng, revenue, ind.sector),
        st_ratio=rng.uniform(0.0, 0.06), st_min=0.0, rd_intensity=0.0, rd_min=0.0,
        ht_share=(0.0, 0.0), assets_ratio=assets_ratio,
        equity_ratio=rng.uniform(-0.2, -0.02) if negative else equity,
        ip1=0, ip2=1 if rng.random() < 0.08 else 0, ip_floor=(0, 0), achievements=(0, 0),
        entrust=False, overseas=False)


# --------------------------------------------------------------------------- enterprises


class _Names:
    """Unique names and credit codes across one generation run."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.codes: set[str] = set()

    def name(self, rng: random.Random, prefixes: Sequence[str], words: Sequence[str],
             forms: Sequence[str]) -> str:
        for attempt in range(50):
            length = 2 if attempt < 20 else 3
            brand = "".join(rng.sample(BRAND_CHARS, length))
            name = rng.choice(prefixes) + brand + rng.choice(words) + rng.choice(forms)
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("could not draw a unique company name")  # pragma: no cover

    def code(self, rng: random.Random, make: Callable[[], str]) -> str:
        while True:
            code = make()
            if code not in self.codes:
                self.codes.add(code)
                return code


def _tables(counties: Iterable[tuple[str, str]] | None) -> list[CountyFlavour]:
    """The flavour of each county that exists; counties without one get a plain flavour."""
    if counties is None:
        return list(COUNTIES)
    known = {c.code: c for c in COUNTIES}
    return [known.get(code) or CountyFlavour(code, name, 3, (name,)) for code, name in counties]


def _profile_pickers() -> dict[str, tuple[float, float, float]]:
    """Per industry: P(high-tech), P(tech SME), P(R&D active), averaging the target shares."""
    total = sum(i.weight for i in INDUSTRIES)
    mean_aff = sum(i.weight * i.affinity for i in INDUSTRIES) / total
    out = {}
    for ind in INDUSTRIES:
        f = ind.affinity / mean_aff
        out[ind.code] = (SHARE_HIGH_TECH * f, SHARE_TECH_SME * f,
                         SHARE_RD_ACTIVE * (0.5 + 0.5 * f) if ind.affinity else 0.05)
    return out


_PROFILE_P = _profile_pickers()
_INDUSTRY_PICK = _Weighted(INDUSTRIES, [i.weight for i in INDUSTRIES])


def _enterprise_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"kechuang-demo:{seed}:{index}")


def generate_enterprises(
    seed: int,
    count: int,
    *,
    counties: Iterable[tuple[str, str]] | None = None,
    chains: Sequence[str] | None = None,
) -> Iterator[DemoOrganisation]:
    """Yield ``count`` enterprises, deterministic for ``seed`` (pure: no database).

    ``counties`` — (code, name) of the county-level regions to place them in (default: 长治);
    ``chains`` — the codes of the key industrial chains (default: 长治's ten).
    """
    flavours = _tables(counties)
    county_pick = _Weighted(flavours, [c.weight for c in flavours])
    chain_codes = list(chains if chains is not None else CHAIN_INDUSTRIES)
    anchor_slots = [(chain, role) for chain in chain_codes
                    for role, n in ANCHORS_PER_CHAIN for _ in range(n)]
    unique = _Names()
    for index in range(count):
        rng = _enterprise_rng(seed, index)
        anchor = anchor_slots[index] if index < len(anchor_slots) else None
        yield _enterprise(rng, unique, county_pick, chain_codes, anchor)


def _enterprise(rng: random.Random, unique: _Names, county_pick: _Weighted,
                chain_codes: Sequence[str],
                anchor: tuple[str, str] | None) -> DemoOrganisation:
    county: CountyFlavour = county_pick.pick(rng)
    if anchor:
        chain, role = anchor
        ind = _INDUSTRY[rng.choice(CHAIN_INDUSTRIES.get(chain, ("C35",)))]
        tech = rng.random() < (0.8 if chain in TECH_CHAINS else 0.5)
        profile = HIGH_TECH if tech else RD_ACTIVE
        above = True
        memberships: tuple[tuple[str, str], ...] = ((chain, role),)
        forms: Sequence[str] = ANCHOR_FORMS
    else:
        role = ""
        ind = _INDUSTRY_PICK.pick(rng)
        p_ht, p_sme, p_rd = _PROFILE_P[ind.code]
        u = rng.random()
        profile = (HIGH_TECH if u < p_ht else TECH_SME if u < p_ht + p_sme
                   else RD_ACTIVE if u < p_ht + p_sme + p_rd else NO_RD)
        above = rng.random() < ABOVE_SCALE_SHARE[ind.sector]
        candidates = [c for c in ind.chains if c in chain_codes]
        p_member = 0.55 if above else 0.25 if profile in (HIGH_TECH, TECH_SME) else 0.1
        memberships = ()
        if candidates and rng.random() < p_member:
            picked = [rng.choice(candidates)]
            if len(candidates) > 1 and rng.random() < 0.1:
                picked.append(rng.choice([c for c in candidates if c != picked[0]]))
            memberships = tuple((c, "member") for c in picked)
        forms = FORMS
    established = _established(rng, profile, bool(anchor))
    shape = _shape(rng, profile, ind, above, role)
    reports = _reports(rng, shape)
    tier = ""
    if profile == HIGH_TECH and rng.random() < 0.85:
        big = reports[-1].fields["revenue_yuan"] >= 10 * 10_000 * WAN
        tier = "leader" if role == "chain_leader" and big else "high_tech"
    elif profile == TECH_SME and rng.random() < 0.75:
        tier = "tech_sme"
    name = unique.name(rng, county.prefixes, ind.words, forms)
    code = unique.code(rng, lambda: make_code(
        "91" + _region_segment(rng, county, established) + _org_code(rng, established)))
    address = f"山西省长治市{county.name}{rng.choice(county.roads or ('工业园区',))}"
    address += f"{rng.randint(1, 399)}号"
    return DemoOrganisation(
        kind="enterprise", name=name, credit_code=code, county_code=county.code,
        industry_code=ind.code, established_on=established, above_scale=above, tier=tier,
        address=address, contact_name=_person(rng), contact_phone=_phone(rng),
        chains=memberships, reports=reports, profile=profile)


# --------------------------------------------------------------------------- partners

# (kind, name, credit-code department+category and region, industry, county, founded, address)
# Credit codes are generated (valid checksum, not the institutions' real codes). Partners
# outside the city are attached to 潞州区 (Organisation.county is required); the address says
# where they really are.
# Founding dates are approximate (year of origin); demo data, not a register.
_PARTNERS = (
    ("university", "山西大学", "12140000", "P83", "140403", (1902, 5, 8),
     "山西省太原市小店区坞城路92号"),
    ("university", "中北大学", "12140000", "P83", "140403", (1941, 5, 1),
     "山西省太原市尖草坪区学院路3号"),
    ("university", "太原理工大学", "12140000", "P83", "140403", (1902, 5, 8),
     "山西省太原市万柏林区迎泽西大街79号"),
    ("university", "太原科技大学", "12140000", "P83", "140403", (1952, 9, 1),
     "山西省太原市万柏林区窊流路66号"),
    ("university", "长治学院", "12140400", "P83", "140403", (1958, 9, 1),
     "山西省长治市潞州区城北东街73号"),
    ("university", "长治医学院", "12140400", "P83", "140403", (1946, 9, 1),
     "山西省长治市潞州区解放东街161号"),
    ("institute", "中国科学院山西煤炭化学研究所", "12100000", "M73", "140403", (1954, 10, 1),
     "山西省太原市迎泽区桃园南路27号"),
    ("institute", "太原理工大学太行研究院", "12140400", "M73", "140471", (2021, 6, 1),
     "山西省长治市长治高新区"),
    ("institute", "太原科技大学长治研究院", "12140400", "M73", "140471", (2022, 3, 1),
     "山西省长治市长治高新区"),
)
_PROVIDERS = (
    ("检测技术", "M74"), ("检验检测", "M74"), ("知识产权代理", "L72"), ("技术转移服务", "M75"),
    ("工业设计", "M74"), ("科技咨询", "M75"), ("计量校准", "M74"), ("科技企业孵化器", "M75"),
    ("质量认证", "M74"), ("环境检测", "M74"), ("信息咨询", "L72"), ("技术服务", "M75"),
)


def partner_organisations(
    *, counties: Iterable[tuple[str, str]] | None = None
) -> list[DemoOrganisation]:
    """Universities, institutes and service providers (fixed: the same for every seed)."""
    flavours = _tables(counties)
    present = {c.code for c in flavours}
    fallback = flavours[0].code
    out: list[DemoOrganisation] = []
    unique = _Names()
    for kind, name, head, industry, county, founded, address in _PARTNERS:
        rng = random.Random(f"kechuang-partner:{name}")
        body = "".join(rng.choice("0123456789") for _ in range(8))
        code = make_code(head + body + gb11714_check(body))
        out.append(DemoOrganisation(
            kind=kind, name=name, credit_code=code,
            county_code=county if county in present else fallback, industry_code=industry,
            established_on=dt.date(*founded), address=address,
            contact_name=_person(rng), contact_phone=_phone(rng)))
    provider_counties = [c for c in flavours if c.code in ("140403", "140471")] or flavours[:1]
    for i, (word, industry) in enumerate(_PROVIDERS):
        rng = random.Random(f"kechuang-provider:{i}")
        county = provider_counties[i % len(provider_counties)]
        established = _date(rng, 2008, 2022)
        name = unique.name(rng, ("长治市", "山西", "长治"), (word,), ("有限公司",))
        code = unique.code(rng, lambda r=rng, c=county, e=established: make_code(
            "91" + _region_segment(r, c, e) + _org_code(r, e)))
        out.append(DemoOrganisation(
            kind="service_provider", name=name, credit_code=code, county_code=county.code,
            industry_code=industry, established_on=established,
            address=f"山西省长治市{county.name}{rng.choice(county.roads or ('创业大道',))}"
                    f"{rng.randint(1, 299)}号",
            contact_name=_person(rng), contact_phone=_phone(rng)))
    return out


def showcase_organisations() -> tuple[DemoOrganisation, DemoOrganisation]:
    """The enterprise and the service provider the seed's demo logins belong to (fixed).

    The enterprise is a registered tech SME in 潞州区 with four annual reports.
    """
    rng = random.Random("kechuang-showcase")
    ind = _INDUSTRY["C39"]
    enterprise = DemoOrganisation(
        kind="enterprise", name="长治市科创示范光电科技有限公司",
        credit_code=make_code("91140403MA0KC0001"), county_code="140403",
        industry_code=ind.code, established_on=dt.date(2017, 6, 18), tier="tech_sme",
        address="山西省长治市潞州区太行东街88号", contact_name="刘强",
        contact_phone="13803550101", chains=(("led", "member"),),
        reports=_reports(rng, _shape(rng, TECH_SME, ind, above=False)), profile=TECH_SME)
    provider = DemoOrganisation(
        kind="service_provider", name="长治市科创检验检测服务有限公司",
        credit_code=make_code("91140403MA0KC0002"), county_code="140403", industry_code="M74",
        established_on=dt.date(2016, 3, 9), address="山西省长治市潞州区英雄中路120号",
        contact_name="周敏", contact_phone="03552020202")
    return enterprise, provider


# --------------------------------------------------------------------------- loader


@dataclass
class DemoResult:
    enterprises_created: int = 0
    enterprises_skipped: int = 0
    reports_created: int = 0
    memberships_created: int = 0
    partners_created: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _insert_rows(model: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows with one ``executemany``: ``bulk_create`` without the per-value
    compilation, which dominates when loading 400,000 reports.

    Values must already be what the driver takes (int, bool, Decimal — as generated here);
    columns not given get the field's default, automatic timestamps the current time.
    Database constraints still apply; model validation does not (tests full_clean samples).
    """
    from django.db import connections, router
    from django.utils import timezone

    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    fixed: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fixed[f.attname] = f.get_db_prep_save(now, connection)
        elif f.attname not in rows[0]:
            fixed[f.attname] = f.get_db_prep_save(f.get_default(), connection)
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(model._meta.db_table)} "
           f"({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    names = [f.attname for f in fields]
    params = [[fixed[n] if n in fixed else row[n] for n in names] for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 1000):
            cursor.executemany(sql, params[start:start + 1000])


def _insert(batch: list[DemoOrganisation], county_ids: dict[str, int],
            chain_ids: dict[str, int], result: DemoResult) -> int:
    from django.db import transaction

    from kechuang.orgs.models import ChainMembership, EnterpriseAnnualReport, Organisation

    codes = [o.credit_code for o in batch]
    existing = set(Organisation.objects.filter(credit_code__in=codes)
                   .values_list("credit_code", flat=True))
    new = [o for o in batch if o.credit_code not in existing]
    if not new:
        return 0
    with transaction.atomic():
        rows = Organisation.objects.bulk_create(
            [Organisation(county_id=county_ids[o.county_code], **o.model_fields()) for o in new],
            batch_size=len(new))
        reports, members = [], []
        for demo, row in zip(new, rows, strict=True):
            reports.extend({"enterprise_id": row.pk, "year": r.year, **r.fields}
                           for r in demo.reports)
            members.extend(ChainMembership(organisation_id=row.pk, chain_id=chain_ids[c],
                                           role=role)
                           for c, role in demo.chains if c in chain_ids)
        _insert_rows(EnterpriseAnnualReport, reports)
        ChainMembership.objects.bulk_create(members, batch_size=1000)
    result.reports_created += len(reports)
    result.memberships_created += len(members)
    return len(new)


def load_demo(*, seed: int = 2025, enterprises: int = 3000, batch_size: int = 1000,
              progress: Callable[[int, int], None] | None = None) -> DemoResult:
    """Write the demo data; skip organisations whose credit code exists (idempotent).

    Needs the regions and chains (``manage.py seed``). Not audited per row (system data).
    """
    from kechuang.orgs.models import IndustrialChain, Organisation
    from kechuang.regions.models import Region

    started = time.perf_counter()
    counties = list(Region.objects.filter(level=Region.Level.COUNTY)
                    .order_by("sort_order", "code").values_list("code", "name", "pk"))
    if not counties:
        raise LookupError("no county-level regions: load the regions first (manage.py seed)")
    county_ids = {code: pk for code, _, pk in counties}
    pairs = [(code, name) for code, name, _ in counties]
    chain_ids = dict(IndustrialChain.objects.values_list("code", "pk"))
    chain_order = list(IndustrialChain.objects.order_by("sort_order", "code")
                       .values_list("code", flat=True))
    result = DemoResult()
    result.partners_created = _insert(partner_organisations(counties=pairs), county_ids,
                                      chain_ids, DemoResult())
    done = 0
    for batch in _batched(generate_enterprises(seed, enterprises, counties=pairs,
                                               chains=chain_order), batch_size):
        created = _insert(batch, county_ids, chain_ids, result)
        result.enterprises_created += created
        result.enterprises_skipped += len(batch) - created
        done += len(batch)
        if progress:
            progress(done, enterprises)
    result.counts = {kind: Organisation.objects.filter(kind=kind).count()
                     for kind in Organisation.Kind.values}
    result.seconds = time.perf_counter() - started
    return result


def demo_step(*, seed: int = 2025, enterprises: int = 3000, batch_size: int = 1000,
              progress: Any = None, **options: object) -> str:
    """``manage.py demo``'s base step (orgs/manifest.py): organisations and annual reports.
    LookupError: no regions loaded yet (``manage.py seed`` first)."""
    result = load_demo(seed=seed, enterprises=enterprises, batch_size=batch_size,
                       progress=progress)
    counts = result.counts
    return (f"演示数据（种子 {seed}，企业 {enterprises}）：新增企业 {result.enterprises_created} 家"
            f"（已存在 {result.enterprises_skipped} 家），年度报表 {result.reports_created} 份，"
            f"产业链成员 {result.memberships_created} 条，高校院所与服务机构 "
            f"{result.partners_created} 家；用时 {result.seconds:.1f} 秒\n"
            f"库中现有：企业 {counts.get('enterprise', 0)}、高校 {counts.get('university', 0)}、"
            f"科研院所 {counts.get('institute', 0)}、服务机构 {counts.get('service_provider', 0)}")
