"""Reads of platforms, occupants and evaluations: every list starts from restrict(user, action),
the same rows feed the page, the export and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kechuang.carriers.models import (
    PROVINCIAL_OR_ABOVE,
    Campaign,
    Conversion,
    Evaluation,
    EvaluationEvidence,
    Occupant,
    Platform,
    PlatformKind,
    Recognition,
    settled_q,
)
from kechuang.orgs.models import Organisation
from kechuang.policy import credit_code as cc
from kechuang.policy.platform_levels import level_on
from kechuang.regions.models import Region
from kechuang.regions.selectors import counties

PRESENT, GRADUATED, LEFT = "present", "graduated", "left"


def kinds() -> QuerySet[PlatformKind]:
    return PlatformKind.objects.all()


def platform_list(*, user: Any, action: str = "view",
                  filters: dict[str, Any] | None = None) -> QuerySet[Platform]:
    f = filters or {}
    qs = Platform.objects.restrict(user, action).select_related("kind", "lead_host", "county")
    if f.get("q"):
        term = f["q"]
        qs = qs.filter(Q(name__icontains=term) | Q(lead_host__name__icontains=term)
                       | Q(field__icontains=term))
    if f.get("county"):
        qs = qs.filter(county_id=f["county"])
    if f.get("kind"):
        qs = qs.filter(kind_id=f["kind"])
    if f.get("level") == "provincial_up":
        qs = qs.filter(level__in=PROVINCIAL_OR_ABOVE)
    elif f.get("level") == "none":
        qs = qs.filter(level="")
    elif f.get("level"):
        qs = qs.filter(level=f["level"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("carrier") == "yes":
        qs = qs.filter(Q(kind__carrier=True) | Q(jinchuanggu=True))
    if f.get("jinchuanggu") in ("1", "0"):
        qs = qs.filter(jinchuanggu=f["jinchuanggu"] == "1")
    return qs.order_by("kind__sort_order", "name", "id")


def with_occupancy(qs: QuerySet[Platform], as_of: dt.date | None = None) -> QuerySet[Platform]:
    """Annotate each platform with its occupants present on ``as_of`` (one query)."""
    day = as_of or timezone.localdate()
    return qs.annotate(present=Count("occupants", filter=settled_q(day, "occupants__")))


def platform_detail(*, user: Any, pk: int, action: str = "view") -> Platform:
    return Platform.objects.restrict(user, action).select_related(
        "kind", "lead_host", "county", "submitted_by").get(pk=pk)


def hosts_of(*, platform: Platform) -> QuerySet[Organisation]:
    return platform.hosts.all().select_related("county").order_by("name")


def recognitions_of(*, platform: Platform) -> QuerySet[Recognition]:
    return Recognition.objects.filter(platform=platform).order_by("recognised_on", "id")


def conversion_of(*, platform: Platform) -> Conversion | None:
    return Conversion.objects.filter(platform=platform).select_related("enterprise").first()


def occupants_of(*, platform: Platform) -> QuerySet[Occupant]:
    return Occupant.objects.filter(carrier=platform).select_related("organisation").order_by(
        "-settled_on", "id")


def evaluations_of(*, platform: Platform) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(platform=platform).select_related("campaign").order_by(
        "-campaign__year", "-id")


def filter_counties(*, user: Any) -> QuerySet[Region]:
    ids = Platform.objects.restrict(user, "view").values("county_id")
    return counties().filter(pk__in=ids)


def carriers_for(*, user: Any, action: str = "view") -> QuerySet[Platform]:
    """The carriers (platforms that take occupants) the user may record occupants in."""
    return Platform.objects.restrict(user, action).filter(
        Q(kind__carrier=True) | Q(jinchuanggu=True)).order_by("name")


def occupant_list(*, user: Any, action: str = "view",
                  filters: dict[str, Any] | None = None) -> QuerySet[Occupant]:
    f = filters or {}
    qs = Occupant.objects.restrict(user, action).select_related(
        "carrier", "carrier__county", "organisation")
    if f.get("q"):
        term = f["q"]
        qs = qs.filter(Q(name__icontains=term) | Q(carrier__name__icontains=term)
                       | Q(field__icontains=term))
    if f.get("county"):
        qs = qs.filter(carrier__county_id=f["county"])
    if f.get("carrier"):
        qs = qs.filter(carrier_id=f["carrier"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    today = timezone.localdate()
    if f.get("state") == PRESENT:
        qs = qs.filter(settled_q(today))
    elif f.get("state") == GRADUATED:
        qs = qs.filter(graduated_on__isnull=False)
    elif f.get("state") == LEFT:
        qs = qs.filter(left_on__isnull=False)
    return qs.order_by("-settled_on", "-id")


def occupant_detail(*, user: Any, pk: int, action: str = "view") -> Occupant:
    return Occupant.objects.restrict(user, action).select_related("carrier").get(pk=pk)


def occupant_state(o: Occupant, today: dt.date | None = None) -> str:
    day = today or timezone.localdate()
    if o.graduated_on and o.graduated_on <= day:
        return GRADUATED
    if o.left_on and o.left_on <= day:
        return LEFT
    return PRESENT if o.settled_on <= day else ""


# ---- evaluations ------------------------------------------------------------------------------

def campaign_list(*, user: Any, action: str = "view",
                  filters: dict[str, Any] | None = None) -> QuerySet[Campaign]:
    f = filters or {}
    qs = Campaign.objects.restrict(user, action)
    if f.get("year"):
        qs = qs.filter(year=f["year"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    mine = Evaluation.objects.restrict(user, "view")
    return qs.annotate(
        total=Count("evaluations", filter=Q(evaluations__in=mine), distinct=True),
        submitted=Count("evaluations", filter=Q(evaluations__in=mine, evaluations__status__in=(
            Evaluation.Status.SUBMITTED, Evaluation.Status.GRADED)), distinct=True),
        graded=Count("evaluations", filter=Q(evaluations__in=mine,
                                             evaluations__status=Evaluation.Status.GRADED),
                     distinct=True),
    ).order_by("-year", "-id")


def campaign_detail(*, user: Any, pk: int, action: str = "view") -> Campaign:
    return Campaign.objects.restrict(user, action).get(pk=pk)


def evaluation_list(*, user: Any, action: str = "view",
                    filters: dict[str, Any] | None = None) -> QuerySet[Evaluation]:
    f = filters or {}
    qs = Evaluation.objects.restrict(user, action).select_related(
        "campaign", "platform", "platform__kind", "platform__county", "platform__lead_host")
    if f.get("campaign"):
        qs = qs.filter(campaign_id=f["campaign"])
    if f.get("q"):
        term = f["q"]
        qs = qs.filter(Q(platform__name__icontains=term)
                       | Q(platform__lead_host__name__icontains=term))
    if f.get("county"):
        qs = qs.filter(platform__county_id=f["county"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("grade"):
        qs = qs.filter(grade=f["grade"])
    return qs.order_by("-campaign__year", "status", "platform__name", "id")


def evaluation_detail(*, user: Any, pk: int, action: str = "view") -> Evaluation:
    return Evaluation.objects.restrict(user, action).select_related(
        "campaign", "platform", "platform__lead_host", "platform__county", "submitted_by",
        "graded_by").get(pk=pk)


def evidence_of(*, evaluation: Evaluation) -> QuerySet[EvaluationEvidence]:
    return EvaluationEvidence.objects.filter(evaluation=evaluation).order_by("id")


def evidence_detail(*, user: Any, pk: int) -> EvaluationEvidence:
    return EvaluationEvidence.objects.restrict(user, "view").get(pk=pk)


def campaigns_for(*, user: Any) -> QuerySet[Campaign]:
    return Campaign.objects.restrict(user, "view").order_by("-year", "-id")


# ---- look-ups -------------------------------------------------------------------------------

def find_organisation(text: str) -> Organisation | None:
    """A host or enterprise by credit code or exact name (any organisation on record)."""
    text = (text or "").strip()
    if not text:
        return None
    code = cc.normalize(text)
    if cc.is_valid(code):
        found = Organisation.objects.filter(credit_code=code).first()
        if found:
            return found
    matches = list(Organisation.objects.filter(name=text)[:2])
    return matches[0] if len(matches) == 1 else None


def organisations_by_code(codes: set[str]) -> dict[str, Organisation]:
    if not codes:
        return {}
    return {o.credit_code: o for o in Organisation.objects.filter(credit_code__in=codes)
            .only("pk", "credit_code", "name", "county_id")}


def recognised_levels(platform_ids: list[int]) -> dict[int, set[str]]:
    """The levels each platform holds a recognition of (one query)."""
    out: dict[int, set[str]] = {}
    for pk, level in Recognition.objects.filter(platform_id__in=platform_ids).values_list(
            "platform_id", "level"):
        out.setdefault(pk, set()).add(level)
    return out


def kinds_by_name(names: set[str]) -> dict[str, PlatformKind]:
    return {k.name: k for k in PlatformKind.objects.filter(name__in=names)}


def counties_by_name(names: set[str]) -> dict[str, Region]:
    return {r.name: r for r in counties().filter(name__in=names)}


def platforms_by_key(keys: set[tuple[str, int]]) -> dict[tuple[str, int], Platform]:
    if not keys:
        return {}
    names = {k[0] for k in keys}
    return {(p.name, p.lead_host_id): p for p in Platform.objects.filter(name__in=names)
            if (p.name, p.lead_host_id) in keys}


# ---- the overview: the registry by kind, level and county on a date ---------------------------

def overview(*, user: Any, as_of: dt.date) -> dict[str, Any]:
    """The user's platforms on ``as_of`` by kind × level and by county, with the occupants
    present — counted from the dated recognitions, as the metrics count (two queries)."""
    from kechuang.carriers.models import standing_q

    platforms = list(Platform.objects.restrict(user, "view").filter(
        standing_q(as_of), established_on__lte=as_of).select_related("kind", "county")
        .order_by())
    recs: dict[int, list[tuple[str, dt.date]]] = {}
    for pid, level, on in Recognition.objects.filter(
            platform_id__in=[p.pk for p in platforms]).values_list(
            "platform_id", "level", "recognised_on"):
        recs.setdefault(pid, []).append((level, on))
    levels = ["national", "provincial", "city", ""]
    year_start = dt.date(as_of.year - 1, 12, 31)
    by_kind: dict[Any, dict[str, int]] = {}
    by_county: dict[Any, dict[str, int]] = {}
    for p in platforms:
        level = level_on(recs.get(p.pk, []), p.ended_on, as_of)
        # 本年新增省级以上: provincial or above now, not at the end of last year
        new = (level in PROVINCIAL_OR_ABOVE and level_on(recs.get(p.pk, []), None, year_start)
               not in PROVINCIAL_OR_ABOVE)
        for table, key in ((by_kind, p.kind), (by_county, p.county)):
            row = table.setdefault(key, dict.fromkeys([*levels, "new"], 0))
            row[level] += 1
            row["new"] += new
    present = dict(Occupant.objects.restrict(user, "view").filter(settled_q(as_of))
                   .order_by().values_list("carrier__county").annotate(n=Count("pk")))

    def rows(table: dict[Any, dict[str, int]], county: bool = False) -> list[dict[str, Any]]:
        out = []
        for key in sorted(table, key=lambda k: (getattr(k, "sort_order", 0), k.pk)):
            r = table[key]
            out.append({"label": str(key), "counts": [r[x] for x in levels],
                        "provincial_up": r["national"] + r["provincial"], "new": r["new"],
                        "total": sum(r[x] for x in levels),
                        "present": present.get(key.pk, 0) if county else None})
        return out

    kinds_rows, county_rows = rows(by_kind), rows(by_county, county=True)
    return {"by_kind": kinds_rows, "by_county": county_rows,
            "total_provincial_up": sum(r["provincial_up"] for r in kinds_rows),
            "total_new": sum(r["new"] for r in kinds_rows),
            "total": sum(r["total"] for r in kinds_rows),
            "total_present": sum(present.values())}
