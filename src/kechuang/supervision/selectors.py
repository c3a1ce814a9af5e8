"""Every read of supervision, starting from ``restrict()``; the derived status as a SQL
annotation (lists, boards, filters, the metric) that agrees with the pure rule
(``kechuang.policy.supervision``, used for one item's page) — tested at boundary dates."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.accounts.scoping import restricted_prefetch
from kechuang.plans.models import Action, Plan, PlanTask
from kechuang.policy import supervision as rule
from kechuang.supervision.models import (
    STATUS_LABELS,
    Milestone,
    ProgressUpdate,
    ReformMeasure,
    ResponsibleUnit,
    SupervisedItem,
    SupervisionNotice,
    UpdateEvidence,
)


def with_status(qs: QuerySet[SupervisedItem], today: dt.date) -> QuerySet[SupervisedItem]:
    """Annotate ``derived_status`` as of ``today``: the pure rule in SQL."""
    reached = ProgressUpdate.objects.filter(milestone=OuterRef("pk"), reported_on__lte=today)
    missed = Milestone.objects.filter(item=OuterRef("pk"), due_date__lt=today).filter(
        ~Exists(reached))
    filed = ProgressUpdate.objects.filter(item=OuterRef("pk"), reported_on__lte=today)
    return qs.annotate(derived_status=Case(
        When(completed_on__lte=today, then=Value(rule.DONE)),
        When(due_date__lt=today, then=Value(rule.LATE)),
        When(Exists(missed), then=Value(rule.LATE)),
        When(Exists(filed), then=Value(rule.IN_PROGRESS)),
        default=Value(rule.NOT_STARTED), output_field=CharField()))


def status_of(item: SupervisedItem, today: dt.date | None = None) -> str:
    """One item's status by the pure rule (its milestones and updates read here)."""
    today = today or timezone.localdate()
    updates = list(ProgressUpdate.objects.filter(item=item).values_list(
        "reported_on", "milestone_id"))
    reached: dict[int, dt.date] = {}
    for day, mid in updates:
        if mid is not None and (mid not in reached or day < reached[mid]):
            reached[mid] = day
    milestones = [rule.MilestoneFact(due=m.due_date, reached_on=reached.get(m.pk))
                  for m in Milestone.objects.filter(item=item)]
    return rule.derive_status(today=today, due=item.due_date, milestones=milestones,
                              updates=[d for d, _m in updates],
                              completed_on=item.completed_on)


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


# ---- lists -----------------------------------------------------------------------------------

def item_list(*, user: Any, action: str = "view", filters: dict[str, Any] | None = None,
              today: dt.date | None = None) -> QuerySet[SupervisedItem]:
    """The tasks and measures a user may see, with their derived status; page and export."""
    f = filters or {}
    today = today or timezone.localdate()
    qs = with_status(SupervisedItem.objects.restrict(user, action), today).select_related(
        "task__action__plan", "measure__plan", "lead_unit").prefetch_related(
        Prefetch("cooperating_units", queryset=ResponsibleUnit.objects.order_by("sort_order")))
    if f.get("q"):
        term = f["q"]
        qs = qs.filter(Q(task__text__icontains=term) | Q(measure__title__icontains=term))
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("year"):
        qs = qs.filter(Q(task__action__plan__year=f["year"])
                       | Q(measure__plan__year=f["year"]))
    if f.get("action"):
        qs = qs.filter(task__action__number=f["action"])
    if f.get("unit"):
        qs = qs.filter(pk__in=SupervisedItem.units.through.objects.filter(
            responsibleunit_id=f["unit"]).values("superviseditem_id"))
    if f.get("status"):
        qs = qs.filter(derived_status=f["status"])
    if f.get("area"):
        qs = qs.filter(measure__area=f["area"])
    return qs.order_by("kind", "task__action__number", "task__sort_order", "measure__number",
                       "id")


def item_detail(*, user: Any, pk: int, action: str = "view") -> SupervisedItem:
    return SupervisedItem.objects.restrict(user, action).select_related(
        "task__action__plan", "measure__plan", "lead_unit", "assigned_by").get(pk=pk)


def milestones_of(*, item: SupervisedItem, today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    reached: dict[int, dt.date] = {}
    for day, mid in ProgressUpdate.objects.filter(item=item, milestone__isnull=False) \
            .values_list("reported_on", "milestone_id"):
        if mid not in reached or day < reached[mid]:
            reached[mid] = day
    out = []
    for m in Milestone.objects.filter(item=item):
        fact = rule.MilestoneFact(due=m.due_date, reached_on=reached.get(m.pk))
        out.append({"milestone": m, "reached_on": fact.reached_on,
                    "missed": rule.milestone_missed(fact, today)})
    return out


def milestone_detail(*, user: Any, pk: int, action: str = "view") -> Milestone:
    return Milestone.objects.restrict(user, action).select_related(
        "item__task", "item__measure").get(pk=pk)


def milestone_choices(*, item: SupervisedItem) -> QuerySet[Milestone]:
    """The milestones an update of this (already scope-checked) item may reach."""
    return Milestone.objects.filter(item=item).order_by("due_date", "id")


def updates_of(*, user: Any, item: SupervisedItem) -> QuerySet[ProgressUpdate]:
    return ProgressUpdate.objects.restrict(user, "view").filter(item=item).select_related(
        "unit", "author", "milestone").prefetch_related(
        restricted_prefetch(user, "view", "evidence", UpdateEvidence))


def notices_of(*, user: Any, item: SupervisedItem) -> QuerySet[SupervisionNotice]:
    return SupervisionNotice.objects.restrict(user, "view").filter(item=item).select_related(
        "unit", "issued_by", "answered_by")


def units_acting_for(*, user: Any, item: SupervisedItem) -> QuerySet[ResponsibleUnit]:
    """The item's units the user may file for (a county clerk: their county bureau)."""
    return ResponsibleUnit.objects.restrict(user, "view").filter(
        pk__in=item.units.values("pk")).order_by("sort_order", "id")


def unit_list(*, user: Any, action: str = "view",
              filters: dict[str, Any] | None = None) -> QuerySet[ResponsibleUnit]:
    f = filters or {}
    qs = ResponsibleUnit.objects.restrict(user, action).select_related(
        "county", "supervisor").annotate(
        lead_count=Count("lead_items", distinct=True),
        item_count=Count("items", distinct=True),
        member_count=Count("members", distinct=True))
    if f.get("q"):
        qs = qs.filter(name__icontains=f["q"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    return qs.order_by("sort_order", "id")


def unit_detail(*, user: Any, pk: int, action: str = "view") -> ResponsibleUnit:
    return ResponsibleUnit.objects.restrict(user, action).select_related(
        "county", "supervisor").get(pk=pk)


def my_units(*, user: Any) -> QuerySet[ResponsibleUnit]:
    """The units the user is a member of (their 本单位 board)."""
    return ResponsibleUnit.objects.restrict(user, "view").filter(members=user)


def notice_list(*, user: Any, action: str = "view", filters: dict[str, Any] | None = None,
                today: dt.date | None = None) -> QuerySet[SupervisionNotice]:
    f = filters or {}
    today = today or timezone.localdate()
    qs = SupervisionNotice.objects.restrict(user, action).select_related(
        "unit", "item__task", "item__measure", "issued_by", "answered_by")
    state = f.get("state")
    if state == "answered":
        qs = qs.filter(answered_on__isnull=False)
    elif state == "open":
        qs = qs.filter(answered_on__isnull=True, answer_due__gte=today)
    elif state == "overdue":
        qs = qs.filter(answered_on__isnull=True, answer_due__lt=today)
    if f.get("unit"):
        qs = qs.filter(unit_id=f["unit"])
    return qs.order_by("-issued_on", "-id")


def notice_detail(*, user: Any, pk: int, action: str = "view") -> SupervisionNotice:
    return SupervisionNotice.objects.restrict(user, action).select_related(
        "unit", "item__task", "item__measure", "issued_by", "answered_by").get(pk=pk)


def evidence_detail(*, user: Any, pk: int) -> UpdateEvidence:
    return UpdateEvidence.objects.restrict(user, "view").get(pk=pk)


def filter_units(*, user: Any) -> QuerySet[ResponsibleUnit]:
    return ResponsibleUnit.objects.restrict(user, "view").order_by("sort_order", "id")


def plan_years(*, user: Any) -> list[int]:
    return sorted(Plan.objects.restrict(user, "view").values_list("year", flat=True),
                  reverse=True)


def current_plan(*, user: Any, year: int | None = None) -> Plan | None:
    qs = Plan.objects.restrict(user, "view")
    if year:
        return qs.filter(year=year).first()
    return qs.filter(year__lte=timezone.localdate().year).order_by("-year").first() \
        or qs.order_by("-year").first()


def unassigned_tasks(*, user: Any, plan: Plan) -> QuerySet[PlanTask]:
    return PlanTask.objects.restrict(user, "view").filter(
        action__plan=plan, supervision__isnull=True).select_related("action")


def task_detail(*, user: Any, pk: int) -> PlanTask:
    return PlanTask.objects.restrict(user, "view").select_related("action__plan").get(pk=pk)


def measure_detail(*, user: Any, pk: int, action: str = "view") -> ReformMeasure:
    return ReformMeasure.objects.restrict(user, action).select_related("item", "plan").get(pk=pk)


# ---- boards --------------------------------------------------------------------------------

@dataclass
class BoardRow:
    """One line of a board: a label and how many items are in each status."""

    label: str
    key: Any = None
    counts: Counter = field(default_factory=Counter)
    unassigned: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[int]:
        return [self.counts.get(s, 0) for s in rule.STATUSES]


def _count(qs: QuerySet, group: str) -> dict[Any, Counter]:
    out: dict[Any, Counter] = {}
    for row in qs.order_by().values(group, "derived_status").annotate(n=Count("pk")):
        out.setdefault(row[group], Counter())[row["derived_status"]] += row["n"]
    return out


def action_board(*, user: Any, plan: Plan, today: dt.date | None = None) -> list[BoardRow]:
    """Per action of the plan: its tasks by status, and how many are not assigned yet."""
    today = today or timezone.localdate()
    items = with_status(SupervisedItem.objects.restrict(user, "view").filter(
        task__action__plan=plan), today)
    counts = _count(items, "task__action_id")
    open_tasks = Counter(unassigned_tasks(user=user, plan=plan).values_list(
        "action_id", flat=True))
    return [BoardRow(label=str(a), key=a.number, counts=counts.get(a.pk, Counter()),
                     unassigned=open_tasks.get(a.pk, 0))
            for a in Action.objects.restrict(user, "view").filter(plan=plan).order_by("number")]


def measure_board(*, user: Any, plan: Plan, today: dt.date | None = None) -> list[BoardRow]:
    """The reform measures per area (the plan's four areas)."""
    today = today or timezone.localdate()
    items = with_status(SupervisedItem.objects.restrict(user, "view").filter(
        measure__plan=plan), today)
    counts = _count(items, "measure__area")
    return [BoardRow(label=str(label), key=value, counts=counts.get(value, Counter()))
            for value, label in ReformMeasure.Area.choices]


def unit_board(*, user: Any, plan: Plan | None, today: dt.date | None = None
               ) -> list[BoardRow]:
    """Per unit: the items it leads or cooperates on, by status."""
    today = today or timezone.localdate()
    items = with_status(SupervisedItem.objects.restrict(user, "view"), today)
    if plan is not None:
        items = items.filter(Q(task__action__plan=plan) | Q(measure__plan=plan))
    counts = _count(items, "units")
    return [BoardRow(label=u.name, key=u.pk, counts=counts.get(u.pk, Counter()))
            for u in filter_units(user=user)]


def unit_items(*, user: Any, unit: ResponsibleUnit,
               today: dt.date | None = None) -> QuerySet[SupervisedItem]:
    return item_list(user=user, filters={"unit": unit.pk}, today=today)


# ---- late items (the daily warnings) --------------------------------------------------------

def late_reasons(*, today: dt.date) -> Iterator[tuple[SupervisedItem, dt.date, str]]:
    """Every late item (all scopes: a system check) with the date it missed and why."""
    items = with_status(SupervisedItem.objects.all(), today).filter(
        derived_status=rule.LATE).select_related("task", "measure").prefetch_related(
        "units__members", "milestones__updates")
    for item in items:
        missed: list[tuple[dt.date, str]] = []
        if item.due_date and item.due_date < today:
            missed.append((item.due_date, _("已过完成时限 %(d)s，尚未申报办结") % {
                "d": item.due_date}))
        for m in item.milestones.all():
            reached = [u.reported_on for u in m.updates.all() if u.reported_on <= today]
            if m.due_date < today and not reached:
                missed.append((m.due_date, _(
                    "节点“%(t)s”（%(d)s）已过，尚无达成该节点的进展更新") % {
                    "t": m.title, "d": m.due_date}))
        if missed:
            day, reason = max(missed)  # a newly missed date warns again
            yield item, day, reason
