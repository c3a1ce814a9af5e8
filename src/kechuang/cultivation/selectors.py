"""Reads of cultivation records: scoped lists, the tier rule, the ladder, expiring certificates,
and the ranked candidate pool. Every list starts from ``restrict(user, action)``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang import metrics as registry
from kechuang.core.queries import distinct_desc
from kechuang.cultivation.models import (
    RECORD_MODELS,
    CandidateEntry,
    CoachingVisit,
    EnterpriseRecord,
    HighTechCertificate,
    LeaderDesignation,
    RecordFile,
    TechSmeRegistration,
    add_months,
)
from kechuang.orgs import facts
from kechuang.orgs.models import EnterpriseAnnualReport, Organisation

EXPIRY_WINDOW_MONTHS = 6
HUNDRED = Decimal(100)

# ---- the tier rule -----------------------------------------------------------------------


def valid_certificates(as_of: dt.date) -> QuerySet[HighTechCertificate]:
    """Certificates in force on ``as_of``: issued, not yet expired, not revoked."""
    return HighTechCertificate.objects.filter(
        status=HighTechCertificate.Status.VALID, issued_on__lte=as_of, expires_on__gte=as_of)


def current_registrations(as_of: dt.date) -> QuerySet[TechSmeRegistration]:
    """Registrations of the current or the last evaluation year, not revoked, dated ≤ as_of.

    A registration is valid for its evaluation year; the next year's results come mid-year,
    so last year's registration still counts until then.
    """
    return TechSmeRegistration.objects.filter(
        status=TechSmeRegistration.Status.REGISTERED, year__gte=as_of.year - 1,
        year__lte=as_of.year, registered_on__lte=as_of)


def current_leaders(as_of: dt.date) -> QuerySet[LeaderDesignation]:
    """Leader designations of this year or last year, dated ≤ as_of."""
    return LeaderDesignation.objects.filter(year__gte=as_of.year - 1, year__lte=as_of.year,
                                            designated_on__lte=as_of)


def tiers_for(enterprise_ids: Iterable[int], *, as_of: dt.date) -> dict[int, str]:
    """The tier each enterprise holds on ``as_of`` — the highest rung its records support:

    1. ``leader``: a leader designation of this or last year;
    2. ``high_tech``: a high-tech certificate valid on ``as_of`` (not revoked, not expired);
    3. ``tech_sme``: a tech SME registration of this or last evaluation year, not revoked;
    4. ``""`` (未入梯队) otherwise — being in the candidate pool is not a tier.

    Three queries whatever the number of enterprises.
    """
    ids = list(enterprise_ids)
    out = dict.fromkeys(ids, "")
    for tier, qs in (("tech_sme", current_registrations(as_of)),
                     ("high_tech", valid_certificates(as_of)),
                     ("leader", current_leaders(as_of))):
        for pk in qs.filter(enterprise_id__in=ids).values_list("enterprise_id", flat=True):
            out[pk] = tier
    return out


# ---- record lists --------------------------------------------------------------------------


def record_list(*, user: Any, kind: str, action: str = "view",
                filters: dict[str, Any] | None = None) -> QuerySet[EnterpriseRecord]:
    """Registrations / certificates / designations a user may see, filtered (page, API, export)."""
    model = RECORD_MODELS[kind]
    f = filters or {}
    qs = model.objects.restrict(user, action).select_related("enterprise", "enterprise__county")
    if f.get("county"):
        qs = qs.filter(enterprise__county_id=f["county"])
    if f.get("enterprise"):
        qs = qs.filter(enterprise_id=f["enterprise"])
    if f.get("year"):
        field = "issued_on__year" if kind == "certificate" else "year"
        qs = qs.filter(**{field: f["year"]})
    if f.get("kind") and kind == "certificate":
        qs = qs.filter(kind=f["kind"])
    status = f.get("status")
    if status and kind == "certificate":
        today = f.get("today") or timezone.localdate()
        if status == HighTechCertificate.EXPIRED:
            qs = qs.filter(status=HighTechCertificate.Status.VALID, expires_on__lt=today)
        elif status == HighTechCertificate.Status.VALID:
            qs = qs.filter(status=status, expires_on__gte=today)
        else:
            qs = qs.filter(status=status)
    elif status and kind == "registration":
        qs = qs.filter(status=status)
    if f.get("q"):
        term = str(f["q"]).strip()
        number = {"registration": "registration_no", "certificate": "certificate_no",
                  "leader": "document_no"}[kind]
        qs = qs.filter(Q(enterprise__name__icontains=term)
                       | Q(enterprise__credit_code__icontains=term.upper())
                       | Q(**{f"{number}__icontains": term}))
    return qs.order_by(*model._meta.ordering)


def record_detail(*, user: Any, kind: str, pk: int, action: str = "view") -> EnterpriseRecord:
    return record_list(user=user, kind=kind, action=action).get(pk=pk)


def record_years(*, user: Any, kind: str) -> list[int]:
    qs = RECORD_MODELS[kind].objects.restrict(user, "view")
    if kind == "certificate":
        # newest first, one index seek per year (a DISTINCT over every row's year was a
        # third of the certificate list's time)
        years = []
        latest = qs.order_by("-issued_on").values_list("issued_on", flat=True).first()
        while latest is not None:
            years.append(latest.year)
            latest = qs.filter(issued_on__lt=dt.date(latest.year, 1, 1)).order_by(
                "-issued_on").values_list("issued_on", flat=True).first()
        return years
    return distinct_desc(qs, "year")


def files_of(*, record: EnterpriseRecord) -> QuerySet[RecordFile]:
    """The files of a record the caller has already read through restrict()."""
    field = {TechSmeRegistration: "registration", HighTechCertificate: "certificate",
             LeaderDesignation: "leader"}[type(record)]
    return RecordFile.objects.filter(**{field: record}).order_by("id")


def file_detail(*, user: Any, pk: int) -> RecordFile:
    """One file, only if the user may view its record (else DoesNotExist → 404)."""
    return RecordFile.objects.restrict(user, "view").get(pk=pk)


@dataclass
class EnterpriseCultivation:
    registrations: list[TechSmeRegistration]
    certificates: list[HighTechCertificate]
    leaders: list[LeaderDesignation]
    candidates: list[CandidateEntry]

    @property
    def empty(self) -> bool:
        return not (self.registrations or self.certificates or self.leaders or self.candidates)


def enterprise_cultivation(*, user: Any, enterprise: Organisation) -> EnterpriseCultivation:
    """The enterprise page's cultivation section: what this user may see of it."""
    def of(kind: str) -> list:
        return list(RECORD_MODELS[kind].objects.restrict(user, "view").filter(
            enterprise=enterprise).order_by(*RECORD_MODELS[kind]._meta.ordering))

    return EnterpriseCultivation(
        registrations=of("registration"), certificates=of("certificate"), leaders=of("leader"),
        candidates=list(CandidateEntry.objects.restrict(user, "view").filter(
            enterprise=enterprise).order_by("-year", "-added_at")))


# ---- expiring certificates -----------------------------------------------------------------


def expiring_certificates(*, today: dt.date, user: Any = None,
                          months: int = EXPIRY_WINDOW_MONTHS) -> QuerySet[HighTechCertificate]:
    """Valid certificates whose last day lies within ``months`` of ``today`` (scoped if user)."""
    base = (HighTechCertificate.objects.restrict(user, "view") if user is not None
            else HighTechCertificate.objects.all())
    return base.filter(status=HighTechCertificate.Status.VALID, expires_on__gte=today,
                       expires_on__lte=add_months(today, months)).select_related(
        "enterprise", "enterprise__county").order_by("expires_on", "id")


# ---- the ladder (funnel) -------------------------------------------------------------------


@dataclass
class Rung:
    key: str  # the registered metric the rung shows
    label: str  # the metric's name: the same label means the same figure on every page
    value: int
    last_year: int
    rate: Decimal | None = None  # conversion from the rung below, this year (%)
    last_rate: Decimal | None = None
    definition: str = ""
    as_of: dt.date | None = None


def _pct(n: int, d: int) -> Decimal | None:
    return (Decimal(n) * HUNDRED / Decimal(d)).quantize(Decimal("0.1")) if d else None


# the rungs, bottom up: each a registered metric (kechuang.metrics)
LADDER_METRICS = ("enterprises_reported_last_year", "tech_sme_registered", "high_tech_valid",
                  "leaders_current")


def ladder(*, year: int, as_of: dt.date, county_id: int | None = None) -> list[Rung]:
    """The four rungs for the funnel, this year at ``as_of`` and last year on the same day.

    * 已报送上年度报表的企业: an annual report of fiscal year ``year − 1``;
    * 科技型中小企业入库: registered for evaluation year ``year`` (not revoked) by ``as_of``;
    * 有效期内高新技术企业: holding a certificate valid on ``as_of``;
    * 高科技领军企业（本年或上年认定）: designated this or last year by ``as_of``.

    Each rung is the registered metric of that name, so the dashboard, this page and the
    overview never show two numbers under one label. Conversion rate = a rung ÷ the rung
    below (%). Aggregates only: county staff see every county's figures, as on the dashboard.
    """
    from kechuang.kpi.selectors import same_day_last_year

    last_as_of = same_day_last_year(as_of)
    rungs = []
    for i, key in enumerate(LADDER_METRICS):
        metric = registry.get(key)
        now = int(metric.value(year=year, as_of=as_of, county_id=county_id))
        last = int(metric.value(year=year - 1, as_of=last_as_of, county_id=county_id))
        rung = Rung(key, str(metric.name), now, last, definition=str(metric.description),
                    as_of=as_of)
        if i:
            below = rungs[i - 1]
            rung.rate, rung.last_rate = _pct(now, below.value), _pct(last, below.last_year)
        rungs.append(rung)
    return rungs


# ---- candidate pool ------------------------------------------------------------------------


@dataclass
class Gap:
    """Where a candidate stands: from the assessment results, or the R&D-intensity fallback."""

    eligible: bool | None
    score: Decimal | None
    text: str
    source: str  # "assessment" | "rd_intensity" | "none"
    rule_version: str = ""


RUNG_RULES = {"tech_sme": "tech_sme", "high_tech": "high_tech"}


def _fallback_gaps(entries: list[CandidateEntry]) -> dict[int, Gap]:
    """R&D intensity (研发费用 ÷ 销售收入) of the latest annual report — a ranking aid only."""
    ids = {e.enterprise_id for e in entries}
    latest: dict[int, EnterpriseAnnualReport] = {}
    for r in EnterpriseAnnualReport.objects.filter(enterprise_id__in=ids).order_by(
            "enterprise_id", "-year").only("enterprise_id", "year", "revenue_yuan",
                                           "rd_expense_yuan"):
        latest.setdefault(r.enterprise_id, r)
    out = {}
    for e in entries:
        r = latest.get(e.enterprise_id)
        if r is None:
            out[e.pk] = Gap(None, None, _("暂无年度报表，无法评估"), "none")
        elif not r.revenue_yuan:
            out[e.pk] = Gap(None, None, _("%(year)s年度销售收入为 0，无法计算研发投入强度") % {
                "year": r.year}, "none")
        else:
            ratio = (r.rd_expense_yuan * HUNDRED / r.revenue_yuan).quantize(Decimal("0.01"))
            out[e.pk] = Gap(None, ratio, _("研发投入强度 %(ratio)s%%（%(year)s年度报表；"
                                           "自评结果暂无，按研发投入强度排序）") % {
                "ratio": ratio, "year": r.year}, "rd_intensity")
    return out


def _gap_for(entries: list[CandidateEntry]) -> dict[int, Gap]:
    """Each entry's gap to the target rung: the assessment app's stored evaluation results
    when it provides them (``orgs.facts.latest_evaluations``, data year = the entry's
    year − 1: a 2026 registration or application is judged on the 2025 figures), else the
    R&D-intensity fallback. Leader candidates have no national rule: always the fallback."""
    out = _fallback_gaps(entries)
    if not facts.latest_evaluations.available:
        return out
    # results are stored per *data* year: the evaluation / application year minus one
    by_key: dict[tuple[int, str], list[CandidateEntry]] = defaultdict(list)
    for e in entries:
        if e.target_rung in RUNG_RULES:
            by_key[(e.year - 1, RUNG_RULES[e.target_rung])].append(e)
    for (year, rule), group in by_key.items():
        results = facts.latest_evaluations(
            enterprise_ids=[e.enterprise_id for e in group], year=year, rule=rule)
        for e in group:
            res = results.get(e.enterprise_id)
            if res is not None:
                out[e.pk] = Gap(res.eligible, res.score, res.gap_text or (
                    _("自评达标") if res.eligible else ""), "assessment",
                    getattr(res, "rule_version", ""))
    return out


def candidate_list(*, user: Any, action: str = "view",
                   filters: dict[str, Any] | None = None) -> QuerySet[CandidateEntry]:
    f = filters or {}
    qs = CandidateEntry.objects.restrict(user, action).select_related(
        "enterprise", "enterprise__county", "added_by").annotate(visit_count=Count("visits"))
    if f.get("county"):
        qs = qs.filter(enterprise__county_id=f["county"])
    if f.get("year"):
        qs = qs.filter(year=f["year"])
    if f.get("target_rung"):
        qs = qs.filter(target_rung=f["target_rung"])
    status = f.get("status", CandidateEntry.Status.ACTIVE)
    if status and status != "all":
        qs = qs.filter(status=status)
    if f.get("q"):
        term = str(f["q"]).strip()
        qs = qs.filter(Q(enterprise__name__icontains=term)
                       | Q(enterprise__credit_code__icontains=term.upper()))
    return qs.order_by("enterprise__county__sort_order", "enterprise__name", "id")


@dataclass
class RankedCandidate:
    entry: CandidateEntry
    gap: Gap
    rank: int  # within its county


def _sort_key(item: tuple[CandidateEntry, Gap]) -> tuple:
    entry, gap = item
    eligible = {True: 0, None: 1, False: 2}[gap.eligible]
    score = -(gap.score if gap.score is not None else Decimal("-1e9"))
    return (entry.enterprise.county.sort_order, entry.enterprise.county_id, eligible, score,
            entry.enterprise.name, entry.pk)


def ranked_candidates(*, user: Any, action: str = "view",
                      filters: dict[str, Any] | None = None) -> list[RankedCandidate]:
    """The pool per county, best placed first: eligible by the assessment, then by score
    (assessment score, else R&D intensity); ranks restart in each county."""
    entries = list(candidate_list(user=user, action=action, filters=filters))
    gaps = _gap_for(entries)
    out: list[RankedCandidate] = []
    county, rank = None, 0
    for entry, gap in sorted(((e, gaps[e.pk]) for e in entries), key=_sort_key):
        if entry.enterprise.county_id != county:
            county, rank = entry.enterprise.county_id, 0
        rank += 1
        out.append(RankedCandidate(entry, gap, rank))
    return out


def candidate_detail(*, user: Any, pk: int, action: str = "view") -> CandidateEntry:
    return CandidateEntry.objects.restrict(user, action).select_related(
        "enterprise", "enterprise__county", "added_by").prefetch_related(
        Prefetch("visits", queryset=CoachingVisit.objects.select_related("recorded_by"))
    ).get(pk=pk)


def candidate_gap(*, entry: CandidateEntry) -> Gap:
    return _gap_for([entry])[entry.pk]


def searchable_enterprises(*, user: Any, term: str = "", limit: int = 20
                           ) -> QuerySet[Organisation]:
    """Enterprises of the user's scope matching a name or credit-code fragment (add form)."""
    qs = Organisation.objects.restrict(user, "view").filter(
        kind=Organisation.Kind.ENTERPRISE).select_related("county")
    term = (term or "").strip()
    if term:
        qs = qs.filter(Q(name__icontains=term) | Q(credit_code__icontains=term.upper()))
    return qs.order_by("name", "id")[:limit]


def enterprise_in_scope(*, user: Any, pk: int) -> Organisation | None:
    """One enterprise the user may see (a form's preset), else None."""
    if not 0 < pk < 2**63:
        return None
    return Organisation.objects.restrict(user, "view").filter(
        kind=Organisation.Kind.ENTERPRISE, pk=pk).select_related("county").first()


def registered_tech_smes() -> QuerySet[TechSmeRegistration]:
    """Registrations in force (入库, not revoked): ``orgs.facts.registered_tech_smes``."""
    return TechSmeRegistration.objects.filter(status=TechSmeRegistration.Status.REGISTERED)


def registration_holders(numbers: Any) -> dict[str, tuple[int, int]]:
    """Registration number → (enterprise, year) across the whole city, in scope or not: a
    number is unique city-wide, so an import must see who else holds it."""
    return {no: (eid, year) for no, eid, year in TechSmeRegistration.objects.filter(
        registration_no__in=numbers).values_list("registration_no", "enterprise_id", "year")}


def certificate_numbers_taken(numbers: Any) -> set[str]:
    """The certificate numbers already held anywhere in the city (unique city-wide)."""
    return set(HighTechCertificate.objects.filter(certificate_no__in=numbers)
               .values_list("certificate_no", flat=True))
