"""Reads of the cooperation module. Every read starts from ``restrict(user, action)``.

A project's schedule is annotated in SQL (the number of milestones overdue today, the rule of
``policy/cooperation.py``), so the list shows it without a query per row. A talent's personal
fields are annotated with whether the reader may see them in clear (``show_personal``): the
page, the export and the API mask them for roles that only read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from kechuang.accounts.scoping import can, restricted_prefetch
from kechuang.cooperation.models import (
    Achievement,
    CooperationProject,
    Milestone,
    MilestoneEvidence,
    Outcome,
    Talent,
)
from kechuang.orgs.models import Organisation
from kechuang.policy.cooperation import MilestoneDates
from kechuang.policy.cooperation import is_overdue as milestone_overdue
from kechuang.regions.models import Region
from kechuang.regions.selectors import counties

ON_SCHEDULE = "on"
BEHIND = "behind"


def overdue_q(on: dt.date, prefix: str = "") -> Q:
    """Milestones overdue on ``on`` (the policy rule, in SQL)."""
    return Q(**{f"{prefix}due_on__lt": on}) & (
        Q(**{f"{prefix}done_on__isnull": True}) | Q(**{f"{prefix}done_on__gt": on}))


def with_schedule(qs: QuerySet[CooperationProject], on: dt.date | None = None,
                  ) -> QuerySet[CooperationProject]:
    """Annotate ``overdue_n`` (milestones overdue on the day) and ``milestone_n``."""
    on = on or timezone.localdate()
    overdue = (Milestone.objects.filter(overdue_q(on), project=OuterRef("pk")).order_by()
               .values("project").annotate(n=Count("pk")).values("n"))
    total = (Milestone.objects.filter(project=OuterRef("pk")).order_by().values("project")
             .annotate(n=Count("pk")).values("n"))
    return qs.annotate(
        overdue_n=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
        milestone_n=Coalesce(Subquery(total, output_field=IntegerField()), Value(0)))


def project_list(*, user: Any, action: str = "view",
                 filters: dict[str, Any] | None = None) -> QuerySet[CooperationProject]:
    """The projects a user may see, filtered; the same rows feed the page and the export."""
    f = filters or {}
    today = timezone.localdate()
    qs = with_schedule(CooperationProject.objects.restrict(user, action), today)
    # the partners' names go with the project (an enterprise sees who it cooperates with)
    qs = qs.select_related("county", "partner").prefetch_related("local_partners")
    if f.get("q"):
        term = f["q"]
        qs = qs.filter(Q(name__icontains=term) | Q(partner_name__icontains=term)
                       | Q(pk__in=CooperationProject.objects.filter(
                           local_partners__name__icontains=term).values("pk")))
    if f.get("county"):
        qs = qs.filter(county_id=f["county"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("provincial") in (True, "1", "true", "True"):
        qs = qs.filter(provincial=True)
    elif f.get("provincial") in (False, "0", "false", "False"):
        qs = qs.filter(provincial=False)
    late = Exists(Milestone.objects.filter(overdue_q(today), project=OuterRef("pk")))
    if f.get("schedule") == ON_SCHEDULE:
        qs = qs.filter(~late)
    elif f.get("schedule") == BEHIND:
        qs = qs.filter(late)
    return qs.order_by("-agreement_on", "-id")


def project_detail(*, user: Any, pk: int, action: str = "view") -> CooperationProject:
    return with_schedule(CooperationProject.objects.restrict(user, action)).select_related(
        "county", "partner").get(pk=pk)


def partners_of(*, project: CooperationProject) -> QuerySet[Organisation]:
    """The local partners of a project the caller has already read through restrict()."""
    return project.local_partners.select_related("county").order_by("name")


def milestones_of(*, project: CooperationProject, user: Any) -> list[Milestone]:
    """The project's milestones with their evidence (two queries), each marked overdue/late."""
    today = timezone.localdate()
    rows = list(Milestone.objects.restrict(user, "view").filter(project=project)
                .prefetch_related(restricted_prefetch(user, "view", "evidence",
                                                      MilestoneEvidence))
                .order_by("due_on", "id"))
    for m in rows:
        dates = MilestoneDates(m.due_on, m.done_on)
        m.overdue = milestone_overdue(dates, today)
        m.late = m.done_on is not None and m.done_on > m.due_on
    return rows


def milestone_detail(*, user: Any, pk: int, action: str = "view") -> Milestone:
    return Milestone.objects.restrict(user, action).select_related("project").get(pk=pk)


def evidence_detail(*, user: Any, pk: int) -> MilestoneEvidence:
    return MilestoneEvidence.objects.restrict(user, "view").get(pk=pk)


def outcomes_of(*, project: CooperationProject) -> QuerySet[Outcome]:
    return Outcome.objects.filter(project=project).order_by("-achieved_on", "id")


def achievements_of(*, project: CooperationProject, user: Any) -> QuerySet[Achievement]:
    return Achievement.objects.restrict(user, "view").filter(project=project).select_related(
        "receiver").order_by("-transferred_on", "id")


def talents_of(*, project: CooperationProject, user: Any) -> QuerySet[Talent]:
    return _personal(Talent.objects.restrict(user, "view").filter(project=project), user)


def filter_counties(*, user: Any) -> QuerySet[Region]:
    ids = CooperationProject.objects.restrict(user, "view").values("county_id")
    return counties().filter(pk__in=ids)


def projects_for_choice(*, user: Any) -> QuerySet[CooperationProject]:
    """Projects a talent or achievement may be linked to: those the user reads."""
    return CooperationProject.objects.restrict(user, "view").order_by("name")


def partner_choices() -> QuerySet[Organisation]:
    """Universities and institutes on record (reference data: any of them may be a partner)."""
    return Organisation.objects.filter(kind__in=("university", "institute")).order_by("name")


def local_choices(*, user: Any) -> QuerySet[Organisation]:
    """Local organisations a project may name: those the user reads."""
    return Organisation.objects.restrict(user, "view").order_by("name")


# ---- talents -------------------------------------------------------------------------------

def shows_personal(user: Any) -> bool:
    """Who sees a talent's name and ID number in clear: those who keep the records (the city
    bureau, the host organisation); roles that only read see them masked."""
    return can(user, "change", Talent)


def _personal(qs: QuerySet[Talent], user: Any) -> QuerySet[Talent]:
    return qs.annotate(show_personal=Value(shows_personal(user), output_field=BooleanField()))


def mask(value: str) -> str:
    """王**, 140***********1234: enough to tell records apart, not to identify the person."""
    text = str(value or "")
    if not text:
        return ""
    if sum(c.isdigit() for c in text) >= 7:
        return f"{text[:3]}{'*' * max(len(text) - 7, 4)}{text[-4:]}"
    return text[:1] + "*" * min(max(len(text) - 1, 1), 3)


def shown_name(t: Talent) -> str:
    return t.name if getattr(t, "show_personal", False) else mask(t.name)


def shown_id(t: Talent) -> str:
    if not t.id_number:
        return ""
    return t.id_number if getattr(t, "show_personal", False) else mask(t.id_number)


def talent_list(*, user: Any, action: str = "view",
                filters: dict[str, Any] | None = None) -> QuerySet[Talent]:
    f = filters or {}
    qs = _personal(Talent.objects.restrict(user, action), user).select_related(
        "host__county", "project")
    if f.get("q"):
        term = f["q"]
        q = (Q(team_name__icontains=term) | Q(field__icontains=term)
             | Q(host__name__icontains=term) | Q(origin__icontains=term))
        if shows_personal(user):  # a reader who sees names masked may not search by them
            q |= Q(name__icontains=term)
        qs = qs.filter(q)
    if f.get("county"):
        qs = qs.filter(host__county_id=f["county"])
    if f.get("category"):
        qs = qs.filter(category=f["category"])
    if f.get("mode") == "flexible":
        qs = qs.filter(mode__in=Talent.FLEXIBLE)
    elif f.get("mode"):
        qs = qs.filter(mode=f["mode"])
    if f.get("year"):
        qs = qs.filter(started_on__year=f["year"])
    return qs.order_by("-started_on", "-id")


def talent_detail(*, user: Any, pk: int, action: str = "view") -> Talent:
    return _personal(Talent.objects.restrict(user, action), user).select_related(
        "host", "project").get(pk=pk)


def talent_counties(*, user: Any) -> QuerySet[Region]:
    return counties().filter(pk__in=Talent.objects.restrict(user, "view").values(
        "host__county_id"))


def talent_years(*, user: Any) -> list[int]:
    return [d.year for d in Talent.objects.restrict(user, "view").dates(
        "started_on", "year", order="DESC")]


def host_choices(*, user: Any) -> QuerySet[Organisation]:
    """Host organisations a talent may be registered at: the ones the user may add it for."""
    return Organisation.objects.restrict(user, "view").order_by("name")


# ---- achievements --------------------------------------------------------------------------

def achievement_list(*, user: Any, action: str = "view",
                     filters: dict[str, Any] | None = None) -> QuerySet[Achievement]:
    f = filters or {}
    qs = Achievement.objects.restrict(user, action).select_related("receiver__county",
                                                                   "project")
    if f.get("q"):
        term = f["q"]
        qs = qs.filter(Q(title__icontains=term) | Q(source__icontains=term)
                       | Q(receiver__name__icontains=term) | Q(contract_no__icontains=term))
    if f.get("county"):
        qs = qs.filter(receiver__county_id=f["county"])
    if f.get("mode"):
        qs = qs.filter(mode=f["mode"])
    if f.get("year"):
        qs = qs.filter(transferred_on__year=f["year"])
    return qs.order_by("-transferred_on", "-id")


def achievement_detail(*, user: Any, pk: int, action: str = "view") -> Achievement:
    return Achievement.objects.restrict(user, action).select_related("receiver",
                                                                     "project").get(pk=pk)


def achievement_counties(*, user: Any) -> QuerySet[Region]:
    return counties().filter(pk__in=Achievement.objects.restrict(user, "view").values(
        "receiver__county_id"))


def achievement_years(*, user: Any) -> list[int]:
    return [d.year for d in Achievement.objects.restrict(user, "view").dates(
        "transferred_on", "year", order="DESC")]


# ---- imports -------------------------------------------------------------------------------

def organisations_by_code(codes: set[str]) -> dict[str, Organisation]:
    """Hosts and receivers by credit code, in one query (any organisation on record)."""
    if not codes:
        return {}
    return {o.credit_code: o for o in Organisation.objects.filter(credit_code__in=codes)
            .only("pk", "credit_code", "name", "county_id", "kind")}


def partner_ids_by_project(project_ids: set[int]) -> dict[int, set[int]]:
    """Local partner ids of these projects (already read through restrict()), one query."""
    out: dict[int, set[int]] = {}
    for project_id, org_id in CooperationProject.local_partners.through.objects.filter(
            cooperationproject_id__in=project_ids).values_list("cooperationproject_id",
                                                               "organisation_id"):
        out.setdefault(project_id, set()).add(org_id)
    return out


def projects_by_name(names: set[str]) -> dict[str, CooperationProject]:
    if not names:
        return {}
    return {p.name: p for p in CooperationProject.objects.filter(name__in=names)}


def find_organisation(text: str, *, user: Any) -> Organisation | None:
    """An organisation the user reads, by credit code or exact name (forms)."""
    from kechuang.policy import credit_code as cc

    text = (text or "").strip()
    if not text:
        return None
    qs = Organisation.objects.restrict(user, "view")
    code = cc.normalize(text)
    if cc.is_valid(code):
        found = qs.filter(credit_code=code).first()
        if found:
            return found
    matches = list(qs.filter(name=text)[:2])
    return matches[0] if len(matches) == 1 else None
