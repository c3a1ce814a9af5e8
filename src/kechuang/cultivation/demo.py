"""Demo cultivation records for the demo enterprises (called by ``manage.py demo``).

Plausible for 长治 at N = 3000 demo enterprises (counts scale with N):

* tech SME registrations: ~210 (2023), ~250 (2024), ~291 (2025, against the 2025 plan's
  300), ~318 (2026, dated up to today), spread over the evaluation season with most in
  spring (April–May);
* high-tech certificates issued 2022–2025 in November/December batches (one late-October
  batch in 2025): every enterprise the generator marked high_tech/leader holds one (cohorts
  2022/2023/2024; the 2022 cohort re-recognised in 2025), plus first recognitions of the
  strongest tech SMEs (R&D intensity) — ~91 recognitions in 2025 against the target 94.
  The December 2023 batch expires in December 2026: within six months of today (2026-11-29).
* a few leader designations (2024, 2025) among the chain leaders with certificates;
* a small candidate pool per county with a coaching visit.

Afterwards every enterprise's ``tier`` is recomputed from the records
(``selectors.tiers_for``), so the enterprise list and the records agree.

Idempotent: once demo records exist (note "演示数据") a run adds nothing — the picks depend
on the generator's tiers, which the first run replaces by the recomputed ones; within a run a
record whose natural key exists is skipped. Bulk-inserted, not audited per row
(system data, like the enterprises themselves); values satisfy ``full_clean`` (tested).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kechuang.cultivation import selectors
from kechuang.cultivation.models import (
    CandidateEntry,
    CoachingVisit,
    HighTechCertificate,
    LeaderDesignation,
    TechSmeRegistration,
    certificate_expiry,
)
from kechuang.orgs.models import EnterpriseAnnualReport, Organisation

BASE_ENTERPRISES = 3000
REGISTRATIONS = {2023: 210, 2024: 250, 2025: 291, 2026: 318}
NEW_RECOGNITIONS = {2022: 12, 2023: 15, 2024: 25}  # first recognitions besides the cohorts
RECOGNITIONS_2025 = 91
BATCHES = {  # (date, name) of each year's recognition batches
    2022: ((dt.date(2022, 11, 2), "2022年第一批"), (dt.date(2022, 12, 12), "2022年第二批")),
    2023: ((dt.date(2023, 11, 6), "2023年第一批"), (dt.date(2023, 12, 8), "2023年第二批")),
    2024: ((dt.date(2024, 11, 19), "2024年第一批"), (dt.date(2024, 12, 10), "2024年第二批")),
    2025: ((dt.date(2025, 10, 28), "2025年第一批"), (dt.date(2025, 12, 4), "2025年第二批")),
}
# evaluation season: month → weight (more in spring)
MONTH_WEIGHTS = {3: 10, 4: 26, 5: 24, 6: 14, 7: 10, 8: 8, 9: 5, 10: 3}
LEADER_DOCS = {2024: (dt.date(2024, 9, 20), "长科发〔2024〕41号"),
               2025: (dt.date(2025, 9, 18), "长科发〔2025〕36号")}
DEMO_NOTE = "演示数据"


@dataclass
class DemoCultivationResult:
    registrations: int = 0
    certificates: int = 0
    leaders: int = 0
    candidates: int = 0
    tiers_changed: int = 0
    by_year: dict[str, dict[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Ent:
    pk: int
    tier: str
    county_code: str
    county_id: int
    rd_intensity: Decimal


def _scaled(n: int, count: int) -> int:
    return round(count * n / BASE_ENTERPRISES)


def _enterprises() -> list[_Ent]:
    intensity: dict[int, Decimal] = {}
    for eid, rd, rev in EnterpriseAnnualReport.objects.filter(
            year=2024, enterprise__kind=Organisation.Kind.ENTERPRISE).values_list(
            "enterprise_id", "rd_expense_yuan", "revenue_yuan"):
        intensity[eid] = rd / rev if rev else Decimal(0)
    return [_Ent(pk, tier, code, cid, intensity.get(pk, Decimal(0)))
            for pk, tier, code, cid in Organisation.objects.filter(
                kind=Organisation.Kind.ENTERPRISE).order_by("pk").values_list(
                "pk", "tier", "county__code", "county_id")]


def _already_seeded() -> bool:
    return (TechSmeRegistration.objects.filter(note=DEMO_NOTE).exists()
            or HighTechCertificate.objects.filter(note=DEMO_NOTE).exists())


def _spring_date(rng: random.Random, year: int, today: dt.date) -> dt.date | None:
    months = [m for m in MONTH_WEIGHTS if dt.date(year, m, 1) <= today]
    if not months:
        return None
    month = rng.choices(months, weights=[MONTH_WEIGHTS[m] for m in months])[0]
    day = dt.date(year, month, rng.randint(1, 28))
    return min(day, today)


def _certificates(rng: random.Random, ents: list[_Ent], n: int) -> list[tuple[_Ent, int, str]]:
    """(enterprise, year, kind) of every certificate to issue."""
    high = [e for e in ents if e.tier in ("high_tech", "leader")]
    sme = sorted((e for e in ents if e.tier == "tech_sme"), key=lambda e: (-e.rd_intensity,
                                                                           e.pk))
    out: list[tuple[_Ent, int, str]] = []
    for e in high:
        cohort = rng.choice((2022, 2023, 2024))
        out.append((e, cohort, "new"))
        if cohort == 2022:
            out.append((e, 2025, "renewal"))
    used = {e.pk for e in high}
    fresh = iter([e for e in sme if e.pk not in used])
    for year, count in NEW_RECOGNITIONS.items():
        for _ in range(_scaled(n, count)):
            e = next(fresh, None)
            if e is not None:
                out.append((e, year, "new"))
    in_2025 = sum(1 for _, y, _k in out if y == 2025)
    for _ in range(max(0, _scaled(n, RECOGNITIONS_2025) - in_2025)):
        e = next(fresh, None)
        if e is not None:
            out.append((e, 2025, "new"))
    return out


def _next_serials() -> dict[int, int]:
    serials: dict[int, int] = defaultdict(lambda: 100)
    for no in HighTechCertificate.objects.values_list("certificate_no", flat=True):
        if len(no) == 14 and no[2:6].isdigit() and no[8:].isdigit():
            year = int(no[2:6])
            serials[year] = max(serials[year], int(no[8:]) + 1)
    return serials


def seed_demo_cultivation(*, seed: int = 2025, today: dt.date | None = None
                          ) -> DemoCultivationResult:
    today = today or timezone.localdate()
    rng = random.Random(f"cultivation-{seed}")
    ents = _enterprises()
    n = len(ents)
    result = DemoCultivationResult()
    if not n or _already_seeded():
        return result
    with transaction.atomic():
        _seed_certificates(rng, ents, n, today, result)
        _seed_registrations(rng, ents, n, today, result)
        _seed_leaders(ents, n, today, result)
        _seed_candidates(rng, ents, today, result)
        result.tiers_changed = _recompute_tiers(ents, today)
    return result


def _seed_certificates(rng: random.Random, ents: list[_Ent], n: int, today: dt.date,
                       result: DemoCultivationResult) -> None:
    existing = set(HighTechCertificate.objects.values_list("enterprise_id", "issued_on__year"))
    serials = _next_serials()
    rows = []
    counts: dict[int, int] = defaultdict(int)
    for e, year, kind in _certificates(rng, ents, n):
        batches = BATCHES[year]
        issued, batch = batches[0] if rng.random() < 0.45 else batches[1]
        if (e.pk, year) in existing or issued > today:
            continue
        existing.add((e.pk, year))
        serial = serials[year]
        serials[year] += rng.randint(1, 9)  # other provinces' cities share the sequence
        rows.append(HighTechCertificate(
            enterprise_id=e.pk, certificate_no=f"GR{year}14{serial:06d}", issued_on=issued,
            expires_on=certificate_expiry(issued), batch=batch, kind=kind, note=DEMO_NOTE))
        counts[year] += 1
    HighTechCertificate.objects.bulk_create(rows, batch_size=1000)
    result.certificates = len(rows)
    result.by_year["certificates"] = dict(sorted(counts.items()))


def _seed_registrations(rng: random.Random, ents: list[_Ent], n: int, today: dt.date,
                        result: DemoCultivationResult) -> None:
    existing = set(TechSmeRegistration.objects.values_list("enterprise_id", "year"))
    serial = TechSmeRegistration.objects.count() + 1
    holders = [e for e in ents if e.tier in ("tech_sme", "high_tech", "leader")]
    others = sorted((e for e in ents if not e.tier and e.rd_intensity > 0),
                    key=lambda e: (-e.rd_intensity, e.pk))
    pool = holders + others
    rows = []
    counts: dict[int, int] = defaultdict(int)
    for year, count in REGISTRATIONS.items():
        if year > today.year:
            continue
        k = min(len(pool), _scaled(n, count))
        picked = rng.sample(holders, min(len(holders), k))
        picked += others[: k - len(picked)]
        for e in picked:
            day = _spring_date(rng, year, today)
            if day is None or (e.pk, year) in existing:
                continue
            existing.add((e.pk, year))
            code = e.county_code if e.county_code.isdigit() else "140400"
            rows.append(TechSmeRegistration(
                enterprise_id=e.pk, year=year, registration_no=f"{year}{code}A{serial:07d}",
                registered_on=day, note=DEMO_NOTE))
            serial += 1
            counts[year] += 1
    TechSmeRegistration.objects.bulk_create(rows, batch_size=1000)
    result.registrations = len(rows)
    result.by_year["registrations"] = dict(sorted(counts.items()))


def _seed_leaders(ents: list[_Ent], n: int, today: dt.date,
                  result: DemoCultivationResult) -> None:
    holders = set(HighTechCertificate.objects.values_list("enterprise_id", flat=True))
    pool = [e for e in ents if e.tier == "leader" and e.pk in holders]
    pool += sorted((e for e in ents if e.tier == "high_tech" and e.pk in holders),
                   key=lambda e: (-e.rd_intensity, e.pk))
    want = max(1, _scaled(n, 6)) if pool else 0
    existing = set(LeaderDesignation.objects.values_list("enterprise_id", "year"))
    rows = []
    for i, e in enumerate(pool[:want]):
        year = 2024 if i % 3 == 2 else 2025
        day, doc = LEADER_DOCS[year]
        if (e.pk, year) in existing or day > today:
            continue
        rows.append(LeaderDesignation(enterprise_id=e.pk, year=year, designated_on=day,
                                      document_no=doc, note=DEMO_NOTE))
    LeaderDesignation.objects.bulk_create(rows)
    result.leaders = len(rows)


def _seed_candidates(rng: random.Random, ents: list[_Ent], today: dt.date,
                     result: DemoCultivationResult) -> None:
    holders = set(HighTechCertificate.objects.values_list("enterprise_id", flat=True))
    registered = set(TechSmeRegistration.objects.values_list("enterprise_id", flat=True))
    by_county: dict[int, list[_Ent]] = defaultdict(list)
    for e in ents:
        by_county[e.county_id].append(e)
    existing = set(CandidateEntry.objects.values_list("enterprise_id", "target_rung", "year"))
    year = today.year
    added: list[CandidateEntry] = []
    for county_id in sorted(by_county):
        members = by_county[county_id]
        to_high = sorted((e for e in members if e.pk in registered and e.pk not in holders),
                         key=lambda e: (-e.rd_intensity, e.pk))[:3]
        to_sme = sorted((e for e in members if e.pk not in registered and e.rd_intensity > 0),
                        key=lambda e: (-e.rd_intensity, e.pk))[:2]
        for rung, picked in (("high_tech", to_high), ("tech_sme", to_sme)):
            for e in picked:
                if (e.pk, rung, year) in existing:
                    continue
                added.append(CandidateEntry(
                    enterprise_id=e.pk, target_rung=rung, year=year,
                    note="研发投入强度较高，重点辅导知识产权布局" if rung == "high_tech"
                    else "有研发活动，辅导完善科技人员与研发费用归集"))
    CandidateEntry.objects.bulk_create(added)
    visits = []
    for entry in added[::2]:
        visits.append(CoachingVisit(
            entry=entry, visited_on=today - dt.timedelta(days=rng.randint(3, 60)),
            visitor="县科技局 企业服务组",
            notes="上门讲解申报条件，核对研发费用辅助账与知识产权清单。"))
    CoachingVisit.objects.bulk_create(visits)
    result.candidates = len(added)


def _recompute_tiers(ents: list[_Ent], today: dt.date) -> int:
    wanted = selectors.tiers_for([e.pk for e in ents], as_of=today)
    by_tier: dict[str, list[int]] = defaultdict(list)
    for e in ents:
        if wanted[e.pk] != e.tier:
            by_tier[wanted[e.pk]].append(e.pk)
    changed = 0
    for tier, ids in by_tier.items():
        for start in range(0, len(ids), 1000):
            changed += Organisation.objects.filter(pk__in=ids[start:start + 1000]).update(
                tier=tier)
    return changed


def describe(result: DemoCultivationResult) -> str:
    def years(key: str) -> str:
        return "、".join(f"{y}年 {c}" for y, c in result.by_year.get(key, {}).items()) or "0"

    return (f"梯次培育演示数据：入库登记 {result.registrations} 条（{years('registrations')}），"
            f"高新技术企业证书 {result.certificates} 张（{years('certificates')}），"
            f"领军企业认定 {result.leaders} 条，后备库 {result.candidates} 家；"
            f"培育梯队更新 {result.tiers_changed} 家")


def demo_step(*, seed: int = 2025, **options: object) -> str:
    """``manage.py demo``'s cultivation step (cultivation/manifest.py)."""
    return describe(seed_demo_cultivation(seed=seed))
