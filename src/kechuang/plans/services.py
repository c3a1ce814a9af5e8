"""Load a work plan from its data file (plans/data/plan-<year>.yaml).

The file is the authority for the plan's structure: loading it again updates titles,
names and indicator definitions in place (keys: region + year, action number, task
position, indicator key) and adds nothing twice. Fields the bureau fills in later
(a task's responsible unit, due date, status) are never overwritten, and rows that are no
longer in the file are kept (they may carry such data); the result counts them as stale.

Reference data, like the region file: not written through the audited services.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

from kechuang.core.errors import DomainError
from kechuang.plans.models import Action, Indicator, Plan, PlanTask
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
