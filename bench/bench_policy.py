"""The policy engines on synthetic enterprise-years, against the same arithmetic done inline.

For each of ``--n`` seeded-random enterprise-years (default 100,000) this runs
(a) ``evaluate_tech_sme`` on the year, (b) ``evaluate_high_tech`` on an application the next
year using that year and the two before, (c) ``compute_rd_deduction`` on the year — and a
baseline loop that computes the same decisions with plain Decimal/Fraction arithmetic on
tuples, without input/result objects, explanations or gap search. It prints evaluations per
second for both and the engine's cost as a multiple of the baseline, and checks that both
agree on every decision.

Inputs are generated in chunks (not timed) so memory stays flat at any ``--n``.

Run: ``python bench/run.py policy -- --n 10000`` or ``python bench/bench_policy.py --n 10000``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from kechuang.policy.credit_code import CHARSET, analyse, make_code  # noqa: E402
from kechuang.policy.divisions import lookup  # noqa: E402
from kechuang.policy.high_tech import HighTechInput, evaluate_high_tech  # noqa: E402
from kechuang.policy.innovation_points import (  # noqa: E402
    WENZHOU_2022_STAGES,
    WENZHOU_2022_TIERS,
    EnterpriseValues,
    InnovationPointsConfig,
    InnovationPointsInput,
    evaluate_innovation_points,
)
from kechuang.policy.inputs import AnnualFigures  # noqa: E402
from kechuang.policy.rd_deduction import RdDeductionInput, compute_rd_deduction  # noqa: E402
from kechuang.policy.rd_intensity import EnterpriseRdInput, evaluate_rd_intensity  # noqa: E402
from kechuang.policy.tech_contracts import (  # noqa: E402
    CostItem,
    TechContractInput,
    evaluate_tech_contract,
)
from kechuang.policy.tech_sme import TechSmeInput, evaluate_tech_sme  # noqa: E402
from kechuang.policy.vouchers import (  # noqa: E402
    ClaimRecord,
    ProviderListing,
    Voucher,
    VoucherClaimInput,
    VoucherPolicy,
    evaluate_voucher_claim,
)

CHUNK = 5_000
YEAR = 2024
APPLICATION = dt.date(YEAR + 1, 6, 1)
INDUSTRIES = ["C26", "C39", "C34", "I65", "M73", "F51", "C30", "I64"]
NEGATIVE = {"C16", "F51", "F52", "H61", "H62", "K70", "L71", "L72", "R90"}
FEN = Decimal("0.01")
D0 = Decimal(0)


def _yuan(rng: random.Random, low: float, high: float) -> Decimal:
    """A log-uniform amount in yuan, to the fen (the random draw only picks the integer)."""
    fen = int(10 ** rng.uniform(low, high) * 100)
    return Decimal(fen).scaleb(-2)


def _year(rng: random.Random, year: int, revenue: Decimal) -> AnnualFigures:
    employees = rng.randint(5, 600)
    rd = (revenue * Decimal(rng.randint(0, 1000)) / 10000).quantize(FEN)
    domestic = (rd * Decimal(rng.randint(50, 100)) / 100).quantize(FEN)
    income = (revenue * Decimal(rng.randint(100, 110)) / 100).quantize(FEN)
    personnel = (rd * Decimal("0.5")).quantize(FEN)
    direct = (rd * Decimal("0.25")).quantize(FEN)
    dep = (rd * Decimal("0.1")).quantize(FEN)
    return AnnualFigures(
        year=year, employees=employees, st_staff=rng.randint(0, employees // 2),
        revenue_yuan=revenue, total_income_yuan=income,
        high_tech_revenue_yuan=(income * Decimal(rng.randint(30, 95)) / 100).quantize(FEN),
        total_costs_yuan=(revenue * Decimal(rng.randint(60, 100)) / 100).quantize(FEN),
        total_assets_yuan=(revenue * Decimal(rng.randint(50, 200)) / 100).quantize(FEN),
        net_assets_yuan=(revenue * Decimal(rng.randint(-10, 80)) / 100).quantize(FEN),
        rd_expense_yuan=rd, rd_domestic_yuan=domestic, rd_personnel_yuan=personnel,
        rd_direct_input_yuan=direct, rd_depreciation_yuan=dep,
        rd_other_yuan=rd - personnel - direct - dep,
        rd_entrusted_domestic_yuan=(rd * Decimal(rng.randint(0, 20)) / 100).quantize(FEN),
        rd_entrusted_overseas_yuan=(rd * Decimal(rng.choice([0, 0, 0, 10, 80]))
                                    / 100).quantize(FEN),
        ip_class_1_count=rng.choice([0, 0, 0, 1, 2]), ip_class_2_count=rng.randint(0, 8),
        achievements_converted=rng.randint(0, 6), has_rd_activity=rd > 0)


@dataclass
class Record:
    """One enterprise-year with its two previous years, as engine inputs and as plain tuples."""

    sme: TechSmeInput
    ht: HighTechInput
    ded: RdDeductionInput
    plain: tuple = field(repr=False)


def generate(rng: random.Random, n: int) -> list[Record]:
    out = []
    for _ in range(n):
        revenue = _yuan(rng, 6, 8.5)  # 100万 – 3.2亿
        years = []
        for y in (YEAR - 2, YEAR - 1, YEAR):
            years.append(_year(rng, y, revenue))
            revenue = (revenue * Decimal(rng.randint(80, 140)) / 100).quantize(FEN)
        industry = rng.choice(INDUSTRIES)
        established = dt.date(rng.randint(2005, 2023), rng.randint(1, 12), 1)
        ic = industry == "C39" and rng.random() < 0.3
        # a third of the applications carry the expert group's average score
        score = Decimal(rng.randint(550, 900)).scaleb(-1) if rng.random() < 0.3 else None
        last = years[-1]
        out.append(Record(
            sme=TechSmeInput(last, industry_code=industry, established_on=established),
            ht=HighTechInput(years=tuple(years), application_date=APPLICATION,
                             established_on=established, industry_code=industry,
                             innovation_score=score),
            ded=RdDeductionInput(last, industry_code=industry, ic_or_machine_tool_list=ic),
            plain=(tuple(_plain(y) for y in years), industry, established, ic, score)))
    return out


def _plain(f: AnnualFigures) -> tuple:
    return (f.employees, f.st_staff, f.revenue_yuan, f.total_income_yuan,
            f.high_tech_revenue_yuan, f.total_costs_yuan, f.total_assets_yuan, f.net_assets_yuan,
            f.rd_expense_yuan, f.rd_domestic_yuan,
            f.rd_personnel_yuan + f.rd_direct_input_yuan + f.rd_depreciation_yuan
            + f.rd_amortization_yuan + f.rd_design_yuan, f.rd_other_yuan,
            f.rd_entrusted_domestic_yuan, f.rd_entrusted_overseas_yuan, f.ip_class_1_count,
            f.ip_class_2_count, f.achievements_converted)


# -- the baseline: the same decisions, inline ------------------------------------------------

H = Decimal(100)
ST_BANDS = ((30, 20), (25, 16), (20, 12), (15, 8), (10, 4))
RD_REV = ((6, 50), (5, 40), (4, 30), (3, 20), (2, 10))
RD_COST = ((30, 50), (25, 40), (20, 30), (15, 20), (10, 10))
GROWTH = ((35, 9, 10), (25, 7, 8), (15, 5, 6), (5, 3, 4))
CONV = ((5, 25, 30), (4, 19, 24), (3, 13, 18), (2, 7, 12), (1, 1, 6))
LIMIT = Decimal(200_000_000)


def _band(num, den, bands) -> int:
    for pct, pts in bands:
        if num * 100 >= den * pct:
            return pts
    return 0


def baseline_sme(p: tuple) -> tuple[bool, int]:
    (emp, st, rev, _inc, _ht, costs, assets, *_rest) = p[0][-1]
    rd, ip1, ip2 = p[0][-1][8], p[0][-1][14], p[0][-1][15]
    s = _band(st, emp, ST_BANDS)
    r = max(_band(rd, rev, RD_REV) if rev > 0 else 0, _band(rd, costs, RD_COST) if costs > 0
            else 0)
    ip = 30 if ip1 else 24 if ip2 >= 4 else 18 if ip2 == 3 else 12 if ip2 == 2 else \
        6 if ip2 == 1 else 0
    total = s + r + ip
    ok = emp <= 500 and rev <= LIMIT and assets <= LIMIT and total >= 60 and s != 0
    return ok, total


def _growth(values: list[Decimal]) -> tuple[int, int]:
    a, b, c = (Fraction(v) for v in values)
    if b == 0:
        return 0, 0
    rate = c / b - 1 if a == 0 else (b / a + c / b) / 2 - 1
    if rate <= 0:
        return 0, 0
    for pct, lo, hi in GROWTH:
        if rate * 100 >= pct:
            return lo, hi
    return 1, 2


def baseline_ht(p: tuple) -> tuple[str, Decimal, Decimal]:
    years, _industry, established, _ic, score = p
    last = years[-1]
    emp, st, rev, inc, ht = last[0], last[1], last[2], last[3], last[4]
    sum_rd = sum(y[8] for y in years)
    sum_rev = sum(y[2] for y in years)
    sum_dom = sum(y[9] for y in years)
    pct = 5 if rev <= 50_000_000 else 4 if rev <= LIMIT else 3
    ip1, ip2 = last[14], last[15]
    hard = [
        (APPLICATION - established).days >= 365,
        ip1 + ip2 >= 1,
        st * 10 >= emp,
        sum_rev > 0 and sum_rd * 100 >= sum_rev * pct,
        sum_rd > 0 and sum_dom * 100 >= sum_rd * 60,
        inc > 0 and ht * 100 >= inc * 60,
    ]
    has_ip = ip1 + ip2 > 0
    cnt = (7, 8) if ip1 else (5, 6) if ip2 >= 5 else (3, 4) if ip2 >= 3 else \
        (1, 2) if ip2 >= 1 else (0, 0)
    ip_lo = cnt[0] + (1 if has_ip else 0)
    ip_hi = min(30, (8 + 8 + cnt[1] + 6 if has_ip else 0) + 2)
    conv_total = sum(y[16] for y in years)
    conv = next(((lo, hi) for k, lo, hi in CONV if conv_total >= k * 3), (0, 0))
    g1 = _growth([y[7] for y in years])
    g2 = _growth([y[2] for y in years])
    lo = Decimal(ip_lo + conv[0] + g1[0] + g2[0])
    hi = Decimal(ip_hi + conv[1] + 20 + g1[1] + g2[1])
    if score is not None:
        lo = hi = score
    if not all(hard) or hi <= 70:
        return "unlikely", lo, hi
    return ("likely" if lo > 70 else "possible"), lo, hi


def baseline_ded(p: tuple) -> Decimal:
    years, industry, _est, ic, _score = p
    y = years[-1]
    if industry in NEGATIVE:
        return D0.quantize(FEN)
    sum_1_5, other, ent_dom, ent_ovs = y[10], y[11], y[12], y[13]
    cap = (Fraction(sum_1_5) / 9)
    cap_fen = _round_fraction(cap)
    domestic = sum_1_5 + min(other, cap_fen) + (ent_dom * Decimal("0.8")).quantize(
        FEN, ROUND_HALF_UP)
    ovs = min((ent_ovs * Decimal("0.8")).quantize(FEN, ROUND_HALF_UP),
              _round_fraction(Fraction(domestic) * 2 / 3))
    base = domestic + ovs
    if base <= 0:
        return D0.quantize(FEN)
    rate = Decimal("1.2") if ic else Decimal(1)
    return (base * rate).quantize(FEN, ROUND_HALF_UP)


def _round_fraction(f: Fraction) -> Decimal:
    n, d = (f * 100).numerator, (f * 100).denominator
    q, r = divmod(n, d)
    return Decimal(q + (1 if 2 * r >= d else 0)).scaleb(-2)


# -- the §d/§e/§f/§i rules (issue #13 item 6) ---------------------------------------------------

V_YEAR = 2026
V_CAP = 20_000_000
V_POLICY = VoucherPolicy(
    name="bench", policy_year=V_YEAR, ratio=Decimal("0.5"), annual_cap_fen=V_CAP,
    valid_from=dt.date(V_YEAR, 1, 1), valid_to=dt.date(V_YEAR, 12, 31),
    providers=(ProviderListing("P1", dt.date(V_YEAR - 1, 1, 1)),
               ProviderListing("P2", dt.date(V_YEAR, 7, 1))))
P_CONFIG = InnovationPointsConfig(
    indicators=("rd", "ip", "st"),
    weights={"*": {"rd": Decimal("0.5"), "ip": Decimal("0.3"), "st": Decimal("0.2")}},
    stages=WENZHOU_2022_STAGES, tiers=WENZHOU_2022_TIERS)
STATES = ("pending", "approved", "paid", "rejected")


@dataclass
class NewRecord:
    voucher: VoucherClaimInput
    contract: TechContractInput
    intensity: EnterpriseRdInput
    points: EnterpriseValues


def generate_new(rng: random.Random, batch: list[Record]) -> list[NewRecord]:
    """Inputs for the four rules, drawn from a second seeded stream so the three original
    engines see exactly the same data as before."""
    out = []
    for i, r in enumerate(batch):
        f = r.sme.figures
        hist = tuple(ClaimRecord(f"c{j}", rng.randint(0, 8_000_000), rng.choice(STATES),
                                 voucher_id=rng.choice(("V1", "V2")))
                     for j in range(rng.randint(0, 3)))
        voucher = VoucherClaimInput(
            policy=V_POLICY, voucher=Voucher("V1", rng.choice((2_000_000, 5_000_000))),
            enterprise_id=f"E{i}", provider_id=rng.choice(("P1", "P1", "P2")),
            service_fee_fen=rng.randint(0, 6_000_000),
            service_completed_on=dt.date(V_YEAR, 1, 1) + dt.timedelta(days=rng.randint(-20, 380)),
            related_party=rng.random() < 0.05, history=hist, contract_no=f"H{i}",
            invoice_no=f"F{i}")
        turnover = _yuan(rng, 4, 7.5)
        costs = tuple(CostItem(f"c{j}",
                               (turnover * Decimal(rng.randint(0, 25)) / 100).quantize(FEN),
                               rng.choice(("equipment", "materials", "equipment_set")),
                               reasonable_quantity=rng.random() < 0.2)
                      for j in range(rng.randint(0, 3)))
        contract = TechContractInput(
            contract_type=rng.choice(("development", "transfer", "licensing", "consulting",
                                      "service")),
            form="oral" if rng.random() < 0.03 else "written", seller="S", buyer="B",
            subject="T", turnover_yuan=turnover, non_technical_costs=costs,
            accepted_on=dt.date(V_YEAR, 1, 1) + dt.timedelta(days=rng.randint(0, 330)),
            disputed=rng.random() < 0.05,
            annual_transfer_income_yuan=_yuan(rng, 5, 7.3))
        intensity = EnterpriseRdInput(f"E{i}", YEAR, f.rd_expense_yuan, f.revenue_yuan)
        points = EnterpriseValues(
            f"E{i}", f.revenue_yuan,
            {"rd": f.rd_expense_yuan or None,
             "ip": Decimal(5 * f.ip_class_1_count + f.ip_class_2_count),
             "st": Decimal(f.st_staff)})
        out.append(NewRecord(voucher, contract, intensity, points))
    return out


def baseline_voucher(v: VoucherClaimInput) -> int:
    when, provider = v.service_completed_on, v.provider_id
    listed = provider == "P1" or (provider == "P2" and when >= dt.date(V_YEAR, 7, 1))
    in_window = dt.date(V_YEAR, 1, 1) <= when <= dt.date(V_YEAR, 12, 31)
    live = [h for h in v.history if h.status != "rejected"]
    left = max(0, V_CAP - sum(h.amount_fen for h in live))
    v_left = max(0, v.voucher.face_value_fen
                 - sum(h.amount_fen for h in live if h.voucher_id == "V1"))
    if not (listed and in_window and not v.related_party and left > 0 and v_left > 0):
        return 0
    return min((v.service_fee_fen + 1) // 2, left, v_left)  # half up of fee × 0.5


def baseline_contract(c: TechContractInput) -> tuple[bool, Decimal, int]:
    tech = c.turnover_yuan - sum((x.amount_yuan for x in c.non_technical_costs
                                  if not x.reasonable_quantity), D0)
    days = 30 if tech >= 5_000_000 or c.disputed else 15
    return c.form != "oral", tech, days


def baseline_intensity(e: EnterpriseRdInput) -> Decimal | None:
    if e.revenue_yuan <= 0:
        return None
    f = Fraction(e.rd_expense_yuan) * 10000 / Fraction(e.revenue_yuan)
    q, r = divmod(f.numerator, f.denominator)
    return Decimal(q + (1 if 2 * r >= f.denominator else 0)).scaleb(-2)


def baseline_points(ents: list[EnterpriseValues]) -> dict[str, tuple[Fraction, int]]:
    groups: dict[str, list[EnterpriseValues]] = {}
    for e in ents:
        stage = next(s.code for s in WENZHOU_2022_STAGES if s.covers(e.revenue_yuan))
        groups.setdefault(stage, []).append(e)
    out = {}
    weights = P_CONFIG.weights["*"]
    for members in groups.values():
        totals = {}
        for ind, w in weights.items():
            vals = [e.values[ind] for e in members if e.values[ind] is not None]
            lo, hi = (min(vals), max(vals)) if vals else (None, None)
            for e in members:
                x = e.values[ind]
                if x is None:
                    s = Fraction(0)
                elif hi == lo:
                    s = Fraction(100 if x > 0 else 0)
                else:
                    s = 100 * (Fraction(x) - Fraction(lo)) / (Fraction(hi) - Fraction(lo))
                totals[e.enterprise_id] = totals.get(e.enterprise_id, Fraction(0)) + Fraction(w) * s
        first: dict[Fraction, int] = {}
        for i, t in enumerate(sorted(totals.values(), reverse=True)):
            first.setdefault(t, i + 1)
        for eid, t in totals.items():
            out[eid] = (t, first[t])
    return out


# -- credit codes and divisions (issue #13 items 4, 5): per imported row ---------------------

CC_REGIONS = ("140403", "140404", "140423", "140431", "140402", "140411", "140421", "140491",
              "440300", "110108")
CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# the §h mapping as a plain dict (current, former and zone codes → current unit)
DIV_MAP = {c: c for c in ("140400", "140403", "140404", "140405", "140406", "140423", "140425",
                          "140426", "140427", "140428", "140429", "140430", "140431", "140471")}
DIV_MAP.update({"140402": "140403", "140411": "140403", "140421": "140404",
                "140424": "140405", "140481": "140406", "140491": "140471"})


def generate_codes(rng: random.Random, n: int) -> list[str]:
    """Credit codes as imports see them: mostly valid, 10 % with a wrong check character,
    region segments current, old (pre-2019), the zone's authority code or elsewhere."""
    out = []
    for _ in range(n):
        code = make_code(rng.choice(("91", "92", "12", "52")) + rng.choice(CC_REGIONS)
                         + "".join(rng.choice(CHARSET) for _ in range(9)))
        if rng.random() < 0.1:
            code = code[:17] + CHARSET[(CHARSET.index(code[17]) + 1) % 31]
        out.append(code)
    return out


def baseline_code(code: str) -> tuple[bool, str | None]:
    s = sum(CHARSET.index(c) * w for c, w in zip(code[:17], CC_WEIGHTS, strict=True))
    return CHARSET[(31 - s % 31) % 31] == code[17], DIV_MAP.get(code[2:8])


def run_codes(codes: list[str], timers: dict[str, Timer]) -> int:
    clock = time.perf_counter
    t = clock()
    info = [analyse(c) for c in codes]
    timers["credit_code"].seconds += clock() - t
    t = clock()
    divs = [lookup(c[2:8]) for c in codes]
    timers["divisions"].seconds += clock() - t
    t = clock()
    base = [baseline_code(c) for c in codes]
    timers["base_credit_code"].seconds += clock() - t
    t = clock()
    base_div = [DIV_MAP.get(c[2:8]) for c in codes]
    timers["base_divisions"].seconds += clock() - t
    bad = sum((i.valid, (i.region or {}).get("current_code")) != b
              for i, b in zip(info, base, strict=True))
    return bad + sum(d.current_code != b for d, b in zip(divs, base_div, strict=True))


def run_new(batch: list[NewRecord], timers: dict[str, Timer], stats: dict[str, int]) -> int:
    """Time the four new rules on one chunk and count disagreements with the baseline."""
    clock = time.perf_counter
    t = clock()
    vo = [evaluate_voucher_claim(r.voucher) for r in batch]
    timers["vouchers"].seconds += clock() - t
    t = clock()
    co = [evaluate_tech_contract(r.contract) for r in batch]
    timers["tech_contracts"].seconds += clock() - t
    t = clock()
    it = [evaluate_rd_intensity(r.intensity) for r in batch]
    timers["rd_intensity"].seconds += clock() - t
    t = clock()
    pts = evaluate_innovation_points(InnovationPointsInput(
        2025, P_CONFIG, tuple(r.points for r in batch)))
    timers["innovation_points"].seconds += clock() - t

    t = clock()
    b_vo = [baseline_voucher(r.voucher) for r in batch]
    timers["base_vouchers"].seconds += clock() - t
    t = clock()
    b_co = [baseline_contract(r.contract) for r in batch]
    timers["base_contracts"].seconds += clock() - t
    t = clock()
    b_it = [baseline_intensity(r.intensity) for r in batch]
    timers["base_intensity"].seconds += clock() - t
    t = clock()
    b_pts = baseline_points([r.points for r in batch])
    timers["base_points"].seconds += clock() - t

    bad = sum(e.payable_fen != b for e, b in zip(vo, b_vo, strict=True))
    bad += sum((e.registrable, e.tech_transaction_yuan, e.deadline.days) != b
               for e, b in zip(co, b_co, strict=True))
    bad += sum(e.intensity_pct != b for e, b in zip(it, b_it, strict=True))
    bad += sum((p.total_exact, p.rank) != b_pts[p.enterprise_id] for p in pts.enterprises)
    stats["voucher_payable"] = stats.get("voucher_payable", 0) + sum(e.payable_fen > 0 for e in vo)
    stats["contract_registrable"] = stats.get("contract_registrable", 0) + sum(
        e.registrable for e in co)
    stats["contract_large"] = stats.get("contract_large", 0) + sum(e.large_contract for e in co)
    return bad


# -- timing ----------------------------------------------------------------------------------


@dataclass
class Timer:
    seconds: float = 0.0
    count: int = 0


def run(n: int, seed: int) -> dict[str, Timer]:
    rng = random.Random(seed)
    timers = {k: Timer() for k in ("tech_sme", "tech_sme_nogaps", "high_tech",
                                   "high_tech_nogaps", "rd_deduction", "base_sme", "base_ht",
                                   "base_ded", "vouchers", "tech_contracts", "rd_intensity",
                                   "innovation_points", "base_vouchers", "base_contracts",
                                   "credit_code", "divisions", "base_credit_code",
                                   "base_divisions",
                                   "base_intensity", "base_points")}
    rng_new = random.Random(seed + 1)
    rng_codes = random.Random(seed + 2)
    disagreements = 0
    stats = {"sme_eligible": 0, "ht_likely": 0, "ht_possible": 0, "ded_eligible": 0}
    done = 0
    clock = time.perf_counter
    while done < n:
        batch = generate(rng, min(CHUNK, n - done))
        done += len(batch)

        t = clock()
        sme = [evaluate_tech_sme(r.sme) for r in batch]
        timers["tech_sme"].seconds += clock() - t
        t = clock()
        for r in batch:
            evaluate_tech_sme(r.sme, gaps=False)
        timers["tech_sme_nogaps"].seconds += clock() - t
        t = clock()
        ht = [evaluate_high_tech(r.ht) for r in batch]
        timers["high_tech"].seconds += clock() - t
        t = clock()
        for r in batch:
            evaluate_high_tech(r.ht, gaps=False)
        timers["high_tech_nogaps"].seconds += clock() - t
        t = clock()
        ded = [compute_rd_deduction(r.ded) for r in batch]
        timers["rd_deduction"].seconds += clock() - t

        t = clock()
        b_sme = [baseline_sme(r.plain) for r in batch]
        timers["base_sme"].seconds += clock() - t
        t = clock()
        b_ht = [baseline_ht(r.plain) for r in batch]
        timers["base_ht"].seconds += clock() - t
        t = clock()
        b_ded = [baseline_ded(r.plain) for r in batch]
        timers["base_ded"].seconds += clock() - t

        for e, b in zip(sme, b_sme, strict=True):
            disagreements += (e.eligible, e.total) != b
            stats["sme_eligible"] += e.eligible
        for e, b in zip(ht, b_ht, strict=True):
            disagreements += (e.status, e.score_min, e.score_max) != b
            stats["ht_" + e.status] = stats.get("ht_" + e.status, 0) + 1
        for e, b in zip(ded, b_ded, strict=True):
            disagreements += e.extra_deduction_yuan != b
            stats["ded_eligible"] += e.eligible
        disagreements += run_new(generate_new(rng_new, batch), timers, stats)
        disagreements += run_codes(generate_codes(rng_codes, len(batch)), timers)
    for t in timers.values():
        t.count = n
    timers["_disagreements"] = Timer(count=disagreements)
    timers["_stats"] = Timer(count=0)
    run.stats = stats  # type: ignore[attr-defined]
    return timers


def report(n: int, timers: dict[str, Timer]) -> str:
    def rate(key: str) -> float:
        return timers[key].count / timers[key].seconds if timers[key].seconds else 0.0

    rows = [
        ("tech_sme (with gaps)", "tech_sme", "base_sme"),
        ("tech_sme (gaps=False)", "tech_sme_nogaps", "base_sme"),
        ("high_tech (with gaps)", "high_tech", "base_ht"),
        ("high_tech (gaps=False)", "high_tech_nogaps", "base_ht"),
        ("rd_deduction", "rd_deduction", "base_ded"),
    ]
    lines = [f"{'engine':<24}{'evals':>9}{'seconds':>10}{'evals/s':>11}"
             f"{'baseline/s':>13}{'× baseline':>12}"]
    for label, key, base in rows:
        t, b = timers[key], timers[base]
        lines.append(f"{label:<24}{t.count:>9,}{t.seconds:>10.2f}{rate(key):>11,.0f}"
                     f"{rate(base):>13,.0f}{t.seconds / b.seconds:>12.1f}")
    total = sum(timers[k].seconds for k in ("tech_sme", "high_tech", "rd_deduction"))
    base_total = sum(timers[k].seconds for k in ("base_sme", "base_ht", "base_ded"))
    lines.append(f"{'all three (with gaps)':<24}{3 * n:>9,}{total:>10.2f}"
                 f"{3 * n / total:>11,.0f}{3 * n / base_total:>13,.0f}"
                 f"{total / base_total:>12.1f}")
    lines.append("issue #13 rules (same records, own seeded inputs; innovation points: one "
                 f"cohort per chunk of ≤ {CHUNK:,}):")
    for label, key, base in (("vouchers", "vouchers", "base_vouchers"),
                             ("tech_contracts", "tech_contracts", "base_contracts"),
                             ("rd_intensity", "rd_intensity", "base_intensity"),
                             ("innovation_points", "innovation_points", "base_points"),
                             ("credit_code (analyse)", "credit_code", "base_credit_code"),
                             ("divisions (lookup)", "divisions", "base_divisions")):
        t, b = timers[key], timers[base]
        lines.append(f"{label:<24}{t.count:>9,}{t.seconds:>10.2f}{rate(key):>11,.0f}"
                     f"{rate(base):>13,.0f}{t.seconds / b.seconds if b.seconds else 0:>12.1f}")
    stats = getattr(run, "stats", {})
    lines.append(f"decisions: tech SME eligible {stats.get('sme_eligible', 0):,}; HNTE likely "
                 f"{stats.get('ht_likely', 0):,}, possible {stats.get('ht_possible', 0):,}, "
                 f"unlikely {stats.get('ht_unlikely', 0):,}; deduction eligible "
                 f"{stats.get('ded_eligible', 0):,}; voucher claims payable "
                 f"{stats.get('voucher_payable', 0):,}; contracts registrable "
                 f"{stats.get('contract_registrable', 0):,} (large "
                 f"{stats.get('contract_large', 0):,})")
    lines.append(f"engine vs baseline disagreements: {timers['_disagreements'].count}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_policy", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="enterprise-years (default 100000)")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    timers = run(args.n, args.seed)
    print(f"bench_policy: {args.n:,} enterprise-years, seed {args.seed}, Python "
          f"{sys.version.split()[0]}")
    print(report(args.n, timers))
    print(f"wall time including data generation: {time.perf_counter() - started:.1f} s")
    return 1 if timers["_disagreements"].count else 0


if __name__ == "__main__":
    raise SystemExit(main())
