"""Load a work plan from its data file (plans/data/plan-<year>.yaml).

The file is the authority for the plan's structure: loading it again updates titles,
names and indicator definitions in place (keys: region + year, action number, task
position, indicator key) and adds nothing twice. Fields the bureau fills in later
(a task's responsible unit, due date, status) are never overwritten, and rows that are no
longer in the file are kept (they may carry such data); the result counts them as stale.

Reference data, like the region file: not written through the audited services.

Everything else here is the bureau editing the plan: plan, action, task and indicator edits,
copying a plan to the next year, county shares of a target (任务分解) and creating a plan
from its text. Those writes go through ``core.services`` (audited, scope-checked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from kechuang import metrics
from kechuang.accounts.scoping import can
from kechuang.core.errors import DomainError, ScopeError
from kechuang.core.services import create_object, delete_object, update_object
from kechuang.plans import selectors
from kechuang.plans.models import Action, CountyAllocation, Indicator, Plan, PlanTask
from kechuang.regions.models import Region

INDICATOR_FIELDS = ("name", "unit", "comparison", "reference", "direction", "scope", "source",
                    "note")


def read_plan_file(path: str | Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _save(obj, created_counter: dict[str, int], name: str, created: bool) -> None:
    obj.full_clean()
    obj.save()
    created_counter[name] += int(created)


def _upsert(model, counter: dict[str, int], name: str, lookup: dict[str, Any],
            values: dict[str, Any]):
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
    changed = created
    for field, value in values.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed = True
    if changed:
        _save(obj, counter, name, created)
    return obj


@transaction.atomic
def load_plan(path: str | Path | None = None) -> dict[str, Any]:
    """Create or update the plan in ``path`` (default: settings.KECHUANG_PLAN_FILE).

    Returns counts of created rows, the number of rows no longer in the file, and the
    plan's county names that are not among the loaded regions (should be empty).
    """
    path = Path(path or settings.KECHUANG_PLAN_FILE)
    data = read_plan_file(path)
    head = data["plan"]
    region_code = str(head["region"]["code"])
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise DomainError(f"行政区划“{head['region'].get('name', '')}”（{region_code}）不存在，"
                          f"请先加载行政区划（manage.py seed）", field="region")
    counter = {"plans": 0, "actions": 0, "tasks": 0, "indicators": 0}
    plan = _upsert(Plan, counter, "plans", {"region": region, "year": int(head["year"])},
                   {"title": head["title"], "aim": (head.get("aim") or "").strip(),
                    "source": head.get("source") or path.name})

    keys_seen: set[str] = set()
    stale = 0
    numbers = []
    for row in data.get("actions", []):
        number = int(row["number"])
        numbers.append(number)
        action = _upsert(Action, counter, "actions", {"plan": plan, "number": number},
                         {"name": row["name"]})
        tasks = list(row.get("tasks") or [])
        for i, text in enumerate(tasks, start=1):
            _upsert(PlanTask, counter, "tasks", {"action": action, "sort_order": i},
                    {"text": str(text).strip()})
        stale += action.tasks.filter(sort_order__gt=len(tasks)).count()
        action_keys = []
        for i, ind in enumerate(row.get("indicators") or [], start=1):
            key = ind["key"]
            if key in keys_seen:
                raise DomainError(f"指标代码“{key}”在计划中重复", field="key")
            keys_seen.add(key)
            action_keys.append(key)
            values = {f: ind.get(f) or "" for f in INDICATOR_FIELDS}
            values["comparison"] = ind.get("comparison") or Indicator.Comparison.GE
            values["scope"] = ind.get("scope") or Indicator.Scope.CITY
            values["source"] = ind.get("source") or Indicator.Source.REPORTED
            values["target"] = _decimal(ind.get("target"))
            values["sort_order"] = i
            # a key is stable within a plan: an indicator moved to another action follows it
            existing = Indicator.objects.filter(action__plan=plan, key=key).first()
            if existing is not None and existing.action_id != action.pk:
                existing.action = action
                existing.save(update_fields=["action"])
            _upsert(Indicator, counter, "indicators", {"action": action, "key": key}, values)
        stale += action.indicators.exclude(key__in=action_keys).count()
    stale += plan.actions.exclude(number__in=numbers).count()

    known = set(Region.objects.filter(parent=region).values_list("name", flat=True))
    missing = [name for name in data.get("counties", []) if name not in known]
    return {
        "plan": plan,
        **{f"{k}_created": v for k, v in counter.items()},
        "stale": stale,
        "counties_missing": missing,
    }


# ==================================================================== editing the plan
#
# Every write below goes through core.services (full_clean, scope re-check, change record)
# with an explicit actor, inside one transaction.

PLAN_FIELDS = ("title", "aim", "on_track_ratio", "at_risk_ratio", "zone_attribution")
TASK_FIELDS = ("text", "responsible_unit", "due_date", "status")
INDICATOR_EDIT_FIELDS = ("key", "name", "unit", "target", "comparison", "reference",
                         "reference_value", "reference_value_note", "direction", "scope",
                         "source", "metric", "note")
# units whose county shares are rounded to hundredths (money and percentages)
FINE_UNITS = frozenset({"亿元", "万元", "元", "%"})


def _pick(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in fields}


def fmt(value: Decimal) -> str:
    """A decimal as a clerk writes it: 94, 12.5, 0.05 (no exponent, no trailing zeros)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def update_plan(*, plan: Plan, actor: Any, data: dict[str, Any]) -> Plan:
    """Title, overall aim, the dashboard's progress thresholds and where zone enterprises
    count (audited like every plan change).

    Counting the zone under its host again is refused while the zone has county shares of
    its own: they would drop out of the county table and the shares no longer add up.
    """
    data = _pick(data, PLAN_FIELDS)
    setting = data.get("zone_attribution")
    if setting:
        regions = selectors.county_regions(plan.region_id)
        folded = selectors.units_under(regions, setting)[1].folded
        stranded = (CountyAllocation.objects.filter(indicator__action__plan=plan,
                                                    county_id__in=list(folded))
                    .select_related("county").first())
        if stranded is not None:
            raise DomainError(gettext(
                "%(zone)s已有单独的任务分解，请先把它的分解目标并入%(host)s再修改此设置") % {
                "zone": stranded.county.name, "host": stranded.county.host.name},
                field="zone_attribution")
    return update_object(obj=plan, actor=actor, data=data)


def update_action(*, action: Action, actor: Any, name: str) -> Action:
    return update_object(obj=action, actor=actor, data={"name": name})


def create_task(*, action: Action, actor: Any, data: dict[str, Any]) -> PlanTask:
    with transaction.atomic():
        last = action.tasks.aggregate(m=Max("sort_order"))["m"] or 0
        return create_object(model=PlanTask, actor=actor,
                             data=_pick(data, TASK_FIELDS) | {"action": action,
                                                               "sort_order": last + 1})


def update_task(*, task: PlanTask, actor: Any, data: dict[str, Any]) -> PlanTask:
    """Text, responsible unit, due date and progress status (status only through here)."""
    return update_object(obj=task, actor=actor, data=_pick(data, TASK_FIELDS))


def delete_task(*, task: PlanTask, actor: Any) -> None:
    delete_object(obj=task, actor=actor)


def _check_metric(key: str) -> None:
    if key and metrics.get(key) is None:
        raise DomainError(gettext("计算口径“%(key)s”不存在，请从列表中选择") % {"key": key},
                          field="metric")


def _check_key_unique(*, plan_id: int, key: str, exclude_pk: int | None = None) -> None:
    qs = Indicator.objects.filter(action__plan_id=plan_id, key=key)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise DomainError(gettext("指标代码“%(key)s”在本年度工作要点中已使用") % {"key": key},
                          field="key")


def create_indicator(*, action: Action, actor: Any, data: dict[str, Any]) -> Indicator:
    data = _pick(data, INDICATOR_EDIT_FIELDS)
    with transaction.atomic():
        _check_metric(data.get("metric") or "")
        _check_key_unique(plan_id=action.plan_id, key=data.get("key", ""))
        last = action.indicators.aggregate(m=Max("sort_order"))["m"] or 0
        return create_object(model=Indicator, actor=actor,
                             data=data | {"action": action, "sort_order": last + 1})


def update_indicator(*, indicator: Indicator, actor: Any, data: dict[str, Any]) -> Indicator:
    """Every field of an indicator, its metric binding and the reference value included.

    County shares stay as they are; when the target changes, the allocation page shows
    by how much they no longer add up.
    """
    data = _pick(data, INDICATOR_EDIT_FIELDS)
    with transaction.atomic():
        if "metric" in data:
            _check_metric(data["metric"] or "")
        if "key" in data:
            _check_key_unique(plan_id=indicator.action.plan_id, key=data["key"],
                              exclude_pk=indicator.pk)
        return update_object(obj=indicator, actor=actor, data=data)


def delete_indicator(*, indicator: Indicator, actor: Any) -> None:
    """Delete an indicator and its county shares (each share's removal audited too).

    Refused once figures were reported or frozen for it: those are the record of what the
    bureau reported upward, and deleting the indicator would take them along.
    """
    if indicator.reported_values.exists() or indicator.snapshots.exists():
        raise DomainError(gettext("该指标已有上报数值或月度快照，不能删除；"
                                  "如不再考核，请修改其目标或说明"), field="key")
    with transaction.atomic():
        for allocation in indicator.allocations.all():
            delete_object(obj=allocation, actor=actor)
        delete_object(obj=indicator, actor=actor)


# ================================================================== copying a plan


def _shift_year(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _refuse_existing(region: Region, year: int) -> None:
    if Plan.objects.filter(region=region, year=year).exists():
        raise DomainError(gettext("%(region)s%(year)s年度的工作要点已存在") % {
            "region": region.name, "year": year}, field="year")


def copy_plan(*, plan: Plan, year: int, actor: Any) -> Plan:
    """A copy of ``plan`` for ``year``: actions, tasks (progress reset, due dates moved by
    the same number of years), indicators and county shares. Refuses an existing year."""
    if not can(actor, "add", Plan):
        raise PermissionDenied
    with transaction.atomic():
        _refuse_existing(plan.region, year)
        title = plan.title.replace(str(plan.year), str(year))
        if title == plan.title:
            title = f"{plan.title}（{year}年度）"
        new = create_object(model=Plan, actor=actor, data={
            "region": plan.region, "year": year, "title": title, "aim": plan.aim,
            "source": gettext("复制自%(year)s年度") % {"year": plan.year},
            "on_track_ratio": plan.on_track_ratio, "at_risk_ratio": plan.at_risk_ratio,
            "zone_attribution": plan.zone_attribution})
        shift = year - plan.year
        for action in plan.actions.order_by("number"):
            new_action = create_object(model=Action, actor=actor, data={
                "plan": new, "number": action.number, "name": action.name})
            for task in action.tasks.order_by("sort_order", "id"):
                create_object(model=PlanTask, actor=actor, data={
                    "action": new_action, "text": task.text, "sort_order": task.sort_order,
                    "responsible_unit": task.responsible_unit,
                    "due_date": _shift_year(task.due_date, shift)})
            for ind in action.indicators.order_by("sort_order", "id"):
                values = {f: getattr(ind, f) for f in INDICATOR_EDIT_FIELDS}
                new_ind = create_object(model=Indicator, actor=actor, data=values | {
                    "action": new_action, "sort_order": ind.sort_order})
                for share in ind.allocations.order_by("county_id"):
                    create_object(model=CountyAllocation, actor=actor, data={
                        "indicator": new_ind, "county_id": share.county_id,
                        "target": share.target, "note": share.note})
        return new


# ========================================================= county allocation (任务分解)


def allocation_counties(plan: Plan) -> list[Region]:
    """The county units a plan's targets are split over (its zone setting decides whether
    长治高新区 is one of them)."""
    return selectors.county_units(plan)[0]


def _no_target(indicator: Indicator) -> DomainError:
    return DomainError(gettext("指标“%(name)s”没有数值目标，不能分解到县区") % {
        "name": indicator.name}, field="target")


def _city_only(indicator: Indicator) -> DomainError:
    return DomainError(gettext("指标“%(name)s”仅有全市数据，不能分解到县区") % {
        "name": indicator.name}, field="target")


def set_allocations(*, indicator: Indicator, shares: dict[int, Decimal],
                    actor: Any) -> list[CountyAllocation]:
    """Replace the indicator's county shares; all or nothing.

    The shares must add up exactly to the city target; each created, changed or removed
    share leaves its own change record.
    """
    if not (can(actor, "change", CountyAllocation) and can(actor, "add", CountyAllocation)):
        raise PermissionDenied
    with transaction.atomic():
        locked = (Indicator.objects.restrict(actor, "change").select_for_update()
                  .filter(pk=indicator.pk).first())
        if locked is None:
            raise ScopeError()
        indicator = Indicator.objects.select_related("action__plan__region").get(pk=locked.pk)
        if indicator.city_only and shares:  # clearing old shares is still allowed
            raise _city_only(indicator)
        if indicator.target is None:
            raise _no_target(indicator)
        region = indicator.action.plan.region
        units, attribution = selectors.county_units(indicator.action.plan)
        counties = {c.pk: c for c in units}
        for county_id, value in shares.items():
            if county_id in attribution.folded:
                zone = Region.objects.get(pk=county_id)
                raise DomainError(gettext(
                    "本年度%(zone)s企业计入%(host)s，请分解到%(host)s") % {
                    "zone": zone.name, "host": zone.host.name}, field="county")
            if county_id not in counties:
                raise DomainError(gettext("县区编号 %(id)s 不属于%(region)s") % {
                    "id": county_id, "region": region.name}, field="county")
            if value is None or value < 0:
                raise DomainError(gettext("%(county)s的分解目标不能为负数") % {
                    "county": counties[county_id].name}, field="target")
        total = sum(shares.values(), Decimal(0))
        if total != indicator.target:
            gap = indicator.target - total
            raise DomainError(gettext(
                "各县区分解合计 %(total)s，与全市目标 %(target)s 相差 %(gap)s（%(side)s）") % {
                "total": fmt(total), "target": fmt(indicator.target), "gap": fmt(abs(gap)),
                "side": gettext("少于目标") if gap > 0 else gettext("超出目标")},
                field="target")
        existing = {a.county_id: a for a in indicator.allocations.all()}
        for county_id, allocation in existing.items():
            if county_id not in shares:
                delete_object(obj=allocation, actor=actor)
        out = []
        for county_id in sorted(shares, key=lambda c: (counties[c].sort_order,
                                                       counties[c].code)):
            value = shares[county_id]
            current = existing.get(county_id)
            if current is None:
                out.append(create_object(model=CountyAllocation, actor=actor, data={
                    "indicator": indicator, "county": counties[county_id], "target": value}))
            elif current.target != value:
                out.append(update_object(obj=current, actor=actor, data={"target": value}))
            else:
                out.append(current)
        return out


@dataclass(frozen=True)
class AllocationProposal:
    """Suggested county shares (not saved) and the basis they were computed on."""

    shares: dict[int, Decimal]
    basis: str
    proportional: bool


def _quantum(indicator: Indicator) -> Decimal:
    quantum = Decimal("0.01") if indicator.unit in FINE_UNITS else Decimal(1)
    exponent = indicator.target.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < quantum.as_tuple().exponent:
        quantum = Decimal(1).scaleb(exponent)  # a target finer than the unit's rounding
    return quantum


def largest_remainder(total: Decimal, weights: dict[int, Decimal],
                      quantum: Decimal) -> dict[int, Decimal]:
    """Split ``total`` in proportion to ``weights`` (in key order for ties), in whole
    multiples of ``quantum``, so that the parts add up to ``total`` exactly."""
    units = int(total / quantum)
    weight_sum = sum(weights.values(), Decimal(0))
    raw = {k: Decimal(units) * w / weight_sum for k, w in weights.items()}
    whole = {k: int(r) for k, r in raw.items()}
    left = units - sum(whole.values())
    order = list(weights)
    for k in sorted(order, key=lambda k: (-(raw[k] - whole[k]), order.index(k)))[:left]:
        whole[k] += 1
    return {k: Decimal(n) * quantum for k, n in whole.items()}


def propose_allocation(*, indicator: Indicator) -> AllocationProposal:
    """County shares in proportion to last year's results (the indicator's metric), rounded
    by largest remainder so they add up to the target; an equal split when the indicator has
    no metric or the metric has no results for last year."""
    if indicator.city_only:
        raise _city_only(indicator)
    if indicator.target is None:
        raise _no_target(indicator)
    plan = indicator.action.plan
    units, attribution = selectors.county_units(plan)
    counties = [u.pk for u in units]
    if not counties:
        raise DomainError(gettext("%(region)s没有下辖县区，无法分解") % {
            "region": plan.region.name})
    quantum = _quantum(indicator)
    last_year = plan.year - 1
    metric = metrics.get(indicator.metric_key)
    if metric is None:
        basis = gettext("指标未绑定计算口径，按县区平均分配")
    else:
        results = metric.by_county(year=last_year, as_of=date(last_year, 12, 31),
                                   attribution=attribution)
        weights = {c: max(Decimal(results.get(c) or 0), Decimal(0)) for c in counties}
        total = sum(weights.values(), Decimal(0))
        if total > 0:
            return AllocationProposal(
                shares=largest_remainder(indicator.target, weights, quantum),
                basis=gettext("按%(year)s年“%(metric)s”各县区实绩比例分配（全市合计 "
                              "%(total)s）") % {"year": last_year, "metric": metric.name,
                                                "total": fmt(total)},
                proportional=True)
        basis = gettext("%(year)s年“%(metric)s”无实绩数据，按县区平均分配") % {
            "year": last_year, "metric": metric.name}
    equal = {c: Decimal(1) for c in counties}
    return AllocationProposal(shares=largest_remainder(indicator.target, equal, quantum),
                              basis=basis, proportional=False)


# ================================================================ importing plan text


def import_plan(*, region: Region, draft: dict[str, Any], source_text: str,
                actor: Any) -> Plan:
    """Create a plan from a reviewed draft (see ``plans.drafts``) in one transaction.

    ``draft``: title, year, aim, actions: [{number, name, indicators: [{field: value}]}].
    Refuses a year that already has a plan; writes nothing unless every row is valid.
    """
    if not can(actor, "add", Plan):
        raise PermissionDenied
    year = draft.get("year")
    if not year:
        raise DomainError(gettext("请填写年度"), field="year")
    with transaction.atomic():
        _refuse_existing(region, int(year))
        plan = create_object(model=Plan, actor=actor, data={
            "region": region, "year": int(year), "title": draft.get("title") or "",
            "aim": draft.get("aim") or "", "source": gettext("文本导入"),
            "source_text": source_text})
        keys: set[str] = set()
        for row in draft.get("actions", []):
            action = create_object(model=Action, actor=actor, data={
                "plan": plan, "number": int(row["number"]), "name": row["name"]})
            for i, ind in enumerate(row.get("indicators", []), start=1):
                data = _pick(ind, INDICATOR_EDIT_FIELDS)
                key = data.get("key", "")
                if key in keys:
                    raise DomainError(gettext("指标代码“%(key)s”重复") % {"key": key},
                                      field="key")
                keys.add(key)
                _check_metric(data.get("metric") or "")
                try:
                    create_object(model=Indicator, actor=actor,
                                  data=data | {"action": action, "sort_order": i})
                except ValidationError as exc:
                    raise DomainError(gettext("行动%(n)s的指标“%(name)s”：%(error)s") % {
                        "n": action.number, "name": data.get("name", ""),
                        "error": "；".join(exc.messages)}) from exc
        return plan
