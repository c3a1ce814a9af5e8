"""Every write of supervision: units, assignments, measures, milestones, progress updates with
evidence, 督办 notices and their answers — validated, scope-checked and audited; plus the daily
check that warns units and their supervisors of late items and unanswered notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.accounts import access
from kechuang.accounts.scoping import can
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot
from kechuang.core.errors import DomainError, ScopeError
from kechuang.core.scheduler import daily
from kechuang.core.services import (
    BulkHook,
    audit_snapshot,
    create_object,
    delete_object,
    save_uploads,
    update_object,
)
from kechuang.core.uploads import check_files, delete_on_error
from kechuang.policy import supervision as rule
from kechuang.supervision.models import (
    Milestone,
    ProgressUpdate,
    ReformMeasure,
    ResponsibleUnit,
    SupervisedItem,
    SupervisionNotice,
    UpdateEvidence,
)

MilestoneRow = tuple[str, dt.date]


def _audit_m2m(actor: Any, obj: Any, name: str, before: list[int], after: list[int]) -> None:
    if sorted(before) != sorted(after):
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=obj,
                      before={name: sorted(before)}, after={name: sorted(after)})


def _set_m2m(actor: Any, obj: Any, name: str, values: Iterable[Any]) -> None:
    manager = getattr(obj, name)
    before = list(manager.values_list("pk", flat=True))
    values = list(values)
    manager.set(values)
    _audit_m2m(actor, obj, name, before, [getattr(v, "pk", v) for v in values])


# ---- units ---------------------------------------------------------------------------------

UNIT_FIELDS = ("name", "kind", "county", "supervisor", "sort_order")


def save_unit(*, actor: Any, data: dict[str, Any], unit: ResponsibleUnit | None = None,
              members: Iterable[Any] | None = None) -> ResponsibleUnit:
    """Create or edit a responsible unit and its member accounts (audited)."""
    fields = {k: data[k] for k in UNIT_FIELDS if k in data}
    if members is not None:
        members = list(members)
        _check_members(data.get("kind") or (unit and unit.kind), data.get("county", None)
                       if "county" in data else (unit and unit.county), members)
    if "version" in data:
        fields["version"] = data["version"]
    with transaction.atomic():
        if unit is None:
            unit = create_object(model=ResponsibleUnit, actor=actor, data=fields)
        else:
            unit = update_object(obj=unit, actor=actor, data=fields)
        if members is not None:
            _set_m2m(actor, unit, "members", members)
    return unit


def _check_members(kind: str | None, county: Any, members: Sequence[Any]) -> None:
    """A county bureau's members are that county's staff; other units' members city staff."""
    county_id = getattr(county, "pk", county)
    for user in members:
        if kind == ResponsibleUnit.Kind.COUNTY_BUREAU:
            ok = access.is_county_user(user) and user.county_id == county_id
            msg = _("县区科技局的成员须是该县区的工作人员：%(u)s")
        else:
            ok = access.is_city_user(user)
            msg = _("科室、市直部门的成员须是市局账号：%(u)s")
        if not ok:
            raise ValidationError({"members": msg % {"u": user}})


# ---- assignment of tasks and measures --------------------------------------------------------

def _check_units(lead: ResponsibleUnit, cooperating: Sequence[ResponsibleUnit]) -> None:
    if lead is None:
        raise ValidationError({"lead_unit": _("请选择牵头单位")})
    if any(u.pk == lead.pk for u in cooperating):
        raise ValidationError({"cooperating_units": _("牵头单位不必再列为配合单位")})


def _place_units(actor: Any, item: SupervisedItem, cooperating: Sequence[ResponsibleUnit]) -> None:
    _set_m2m(actor, item, "cooperating_units", cooperating)
    item.units.set([item.lead_unit, *cooperating])


def _add_milestones(actor: Any, item: SupervisedItem, rows: Iterable[MilestoneRow]) -> None:
    for title, due in rows:
        m = Milestone(item=item, title=title, due_date=due)
        m.full_clean()
        m.save()
        record_change(actor=actor, action=ChangeRecord.Action.CREATE, obj=m, after=snapshot(m))


def assign_task(*, actor: Any, task: Any, lead_unit: ResponsibleUnit,
                cooperating_units: Sequence[ResponsibleUnit] = (),
                due_date: dt.date | None = None,
                milestones: Iterable[MilestoneRow] = ()) -> SupervisedItem:
    """Assign a plan task to a lead unit and cooperating units with a deadline and milestones
    (a second assignment of the same task changes the units and deadline, adds milestones).
    The task's own 责任单位 / 完成时限 fields are filled in for the plan's pages."""
    from kechuang.plans.models import PlanTask

    if not can(actor, "add", SupervisedItem):
        raise PermissionDenied
    if not PlanTask.objects.restrict(actor, "view").filter(pk=task.pk).exists():
        raise ScopeError(_("该任务不在您的管辖范围内"))
    cooperating = list(cooperating_units)
    _check_units(lead_unit, cooperating)
    with transaction.atomic():
        item = SupervisedItem.objects.filter(task=task).first()
        _check_dropped(item, lead_unit, cooperating)
        data = {"lead_unit": lead_unit, "due_date": due_date}
        if item is None:
            item = create_object(model=SupervisedItem, actor=actor, data={
                **data, "task": task, "kind": SupervisedItem.Kind.TASK, "assigned_by": actor})
        else:
            item = update_object(obj=item, actor=actor, data=data)
        _place_units(actor, item, cooperating)
        _add_milestones(actor, item, milestones)
        names = "、".join(u.name for u in [lead_unit, *cooperating])
        update_object(obj=task, actor=actor, data={"responsible_unit": names[:200],
                                                   "due_date": due_date})
    return item


MEASURE_FIELDS = ("plan", "number", "title", "area", "mechanism", "description", "outputs",
                  "is_example")


def save_measure(*, actor: Any, data: dict[str, Any], lead_unit: ResponsibleUnit,
                 cooperating_units: Sequence[ResponsibleUnit] = (),
                 due_date: dt.date | None = None, milestones: Iterable[MilestoneRow] = (),
                 measure: ReformMeasure | None = None) -> ReformMeasure:
    """Enter (or edit) a reform measure and its supervision: units, deadline, milestones."""
    cooperating = list(cooperating_units)
    _check_units(lead_unit, cooperating)
    fields = {k: data[k] for k in MEASURE_FIELDS if k in data}
    with transaction.atomic():
        if measure is None:
            measure = create_object(model=ReformMeasure, actor=actor, data=fields)
            item = create_object(model=SupervisedItem, actor=actor, data={
                "measure": measure, "kind": SupervisedItem.Kind.MEASURE,
                "lead_unit": lead_unit, "due_date": due_date, "assigned_by": actor})
        else:
            if "version" in data:
                fields["version"] = data["version"]
            _check_dropped(getattr(measure, "item", None), lead_unit, cooperating)
            measure = update_object(obj=measure, actor=actor, data=fields)
            item = update_object(obj=measure.item, actor=actor,
                                 data={"lead_unit": lead_unit, "due_date": due_date})
        _place_units(actor, item, cooperating)
        _add_milestones(actor, item, milestones)
    return measure


def place_imported_measure(*, actor: Any, measure: ReformMeasure, lead_unit: ResponsibleUnit,
                           cooperating_units: Sequence[ResponsibleUnit],
                           due_date: dt.date | None) -> SupervisedItem:
    """An imported measure's supervision: created with it, or its units and deadline updated."""
    cooperating = list(cooperating_units)
    _check_units(lead_unit, cooperating)
    item = SupervisedItem.objects.filter(measure=measure).first()
    if item is None:
        item = create_object(model=SupervisedItem, actor=actor, data={
            "measure": measure, "kind": SupervisedItem.Kind.MEASURE, "lead_unit": lead_unit,
            "due_date": due_date, "assigned_by": actor})
    else:
        item = update_object(obj=item, actor=actor,
                             data={"lead_unit": lead_unit, "due_date": due_date})
    _place_units(actor, item, cooperating)
    return item


MEASURE_IMPORTS = BulkHook(model=ReformMeasure)


def add_milestone(*, actor: Any, item: SupervisedItem, title: str,
                  due_date: dt.date) -> Milestone:
    if not can(actor, "add", Milestone):
        raise PermissionDenied
    if not SupervisedItem.objects.restrict(actor, "change").filter(pk=item.pk).exists():
        raise ScopeError()
    return create_object(model=Milestone, actor=actor,
                         data={"item": item, "title": title, "due_date": due_date})


def edit_milestone(*, actor: Any, milestone: Milestone, data: dict[str, Any]) -> Milestone:
    """Change a milestone's content or date (audited; ``version`` guards a concurrent edit).
    Statuses are derived when read, so moving the date moves 滞后 with it; a milestone already
    reached stays reached."""
    fields = {k: data[k] for k in ("title", "due_date", "version") if k in data}
    return update_object(obj=milestone, actor=actor, data=fields, reason=_("修改进度节点"))


def delete_milestone(*, actor: Any, milestone: Milestone) -> None:
    """Delete a milestone nobody reported on (audited). One that a progress update reached is
    part of the item's history: refused — change its content or date instead."""
    if ProgressUpdate.objects.filter(milestone_id=milestone.pk).exists():
        raise DomainError(_("该节点已有进展更新达成，不能删除；如有调整请修改节点内容或时间"))
    delete_object(obj=milestone, actor=actor, reason=_("删除进度节点"))


def _open_notices(item: SupervisedItem, units: Iterable[Any]) -> list[str]:
    """Names of the units among ``units`` with an unanswered 督办 notice on the item."""
    ids = [getattr(u, "pk", u) for u in units]
    return list(SupervisionNotice.objects.filter(
        item=item, unit_id__in=ids, answered_on__isnull=True).order_by("unit__sort_order")
        .values_list("unit__name", flat=True).distinct())


def _check_dropped(item: SupervisedItem | None, lead: ResponsibleUnit,
                   cooperating: Sequence[ResponsibleUnit]) -> None:
    """A unit leaves an item only once it has answered the item's 督办 notices to it."""
    if item is None or item.pk is None:
        return
    keep = {lead.pk, *(u.pk for u in cooperating)}
    dropped = [pk for pk in item.units.values_list("pk", flat=True) if pk not in keep]
    names = _open_notices(item, dropped) if dropped else []
    if names:
        msg = _("%(units)s 尚有未答复的督办通知，答复后才能调整出本事项")
        raise ValidationError({"cooperating_units": msg % {"units": "、".join(names)}})


def remove_unit(*, actor: Any, item: SupervisedItem, unit: ResponsibleUnit,
                reason: str = "") -> SupervisedItem:
    """Take a cooperating unit off a task or measure (audited). The lead unit is changed on the
    assignment page, never removed; a unit with an unanswered 督办 notice on the item stays
    until it answers. Its progress updates remain in the item's history."""
    if not can(actor, "change", SupervisedItem):
        raise PermissionDenied
    with transaction.atomic():
        locked = SupervisedItem.objects.restrict(actor, "change").select_for_update().filter(
            pk=item.pk).first()
        if locked is None:
            raise ScopeError()
        if unit.pk == locked.lead_unit_id:
            raise DomainError(_("牵头单位不能移除；如需更换，请在“调整交办”或“编辑措施”中"
                                "选择新的牵头单位"))
        before = sorted(locked.cooperating_units.values_list("pk", flat=True))
        if unit.pk not in before:
            raise DomainError(_("“%(u)s”不是本事项的配合单位") % {"u": unit.name})
        names = _open_notices(locked, [unit])
        if names:
            raise DomainError(_("%(u)s 尚有未答复的督办通知，答复后才能移除") % {"u": unit.name})
        locked.cooperating_units.remove(unit)
        locked.units.remove(unit)
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=locked,
                      before={"cooperating_units": before},
                      after={"cooperating_units": [pk for pk in before if pk != unit.pk]},
                      reason=reason.strip()[:200] or _("移除配合单位：%(u)s") % {"u": unit.name})
        if locked.task_id:  # the task's own 责任单位 text, as assign_task writes it
            units = [locked.lead_unit, *locked.cooperating_units.order_by("sort_order", "id")]
            update_object(obj=locked.task, actor=actor, data={
                "responsible_unit": "、".join(u.name for u in units)[:200]})
    return locked


# ---- progress updates ----------------------------------------------------------------------

def file_update(*, actor: Any, item: SupervisedItem, unit: ResponsibleUnit, text: str,
                reported_on: dt.date | None = None, milestone: Milestone | None = None,
                completes: bool = False, files: Iterable[Any] = (),
                today: dt.date | None = None) -> ProgressUpdate:
    """A unit's progress report with evidence. The unit must be one of the item's units and
    one the actor acts for (a county clerk: their county bureau); a report declaring the item
    finished needs evidence and sets the item's 办结日期 (completion date)."""
    if not can(actor, "add", ProgressUpdate):
        raise PermissionDenied
    today = today or timezone.localdate()
    reported_on = reported_on or today
    if reported_on > today:
        raise ValidationError({"reported_on": _("进展日期不能晚于今天")})
    if not SupervisedItem.objects.restrict(actor, "view").filter(pk=item.pk).exists():
        raise ScopeError()
    if not item.units.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("该单位不是本事项的责任单位")})
    if not ResponsibleUnit.objects.restrict(actor, "view").filter(pk=unit.pk).exists():
        raise ScopeError(_("只能以本单位名义填报进展"))
    files = list(files)
    if completes and not files:
        raise ValidationError({"files": _("申报办结须上传佐证材料（如印发的文件）")})
    if completes and item.completed_on is not None:
        raise DomainError(_("该事项已于 %(d)s 办结") % {"d": item.completed_on})
    checked = check_files(files)
    with delete_on_error() as saved, transaction.atomic():
        upd = create_object(model=ProgressUpdate, actor=actor, data={
            "item": item, "unit": unit, "text": text, "reported_on": reported_on,
            "milestone": milestone, "completes": completes, "author": actor})
        save_uploads(checked, model=UpdateEvidence, owner={"update": upd}, actor=actor,
                     saved=saved)
        if completes:
            # a system-kept field, set by the unit's report (the bureau may not type it)
            locked = SupervisedItem.objects.select_for_update().get(pk=item.pk)
            before = audit_snapshot(locked)
            locked.completed_on = reported_on
            locked.save(update_fields=["completed_on"])
            record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=locked,
                          before=before, after=audit_snapshot(locked),
                          reason=_("申报办结"))
            item.completed_on = reported_on
    return upd


# ---- 督办 notices ----------------------------------------------------------------------------

def issue_notice(*, actor: Any, item: SupervisedItem, unit: ResponsibleUnit, text: str,
                 answer_due: dt.date, issued_on: dt.date | None = None) -> SupervisionNotice:
    """The bureau issues a 督办 notice to one of the item's units; its members are told."""
    if not item.units.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("该单位不是本事项的责任单位")})
    notice = create_object(model=SupervisionNotice, actor=actor, data={
        "item": item, "unit": unit, "text": text, "answer_due": answer_due,
        "issued_on": issued_on or timezone.localdate(), "issued_by": actor})
    _tell(recipients=_unit_people(unit), title=_("督办通知：%(item)s（%(d)s 前答复）") % {
        "item": str(item)[:60], "d": answer_due}, body=text, url=notice.get_absolute_url(),
        key=f"supervision:notice:{notice.pk}")
    return notice


def answer_notice(*, actor: Any, notice: SupervisionNotice, answer: str,
                  today: dt.date | None = None) -> SupervisionNotice:
    """The unit answers a 督办 notice (once); the issuer is told."""
    if not can(actor, "change", SupervisionNotice):
        raise PermissionDenied
    if not answer.strip():
        raise ValidationError({"answer": _("请填写答复内容")})
    with transaction.atomic():
        locked = SupervisionNotice.objects.restrict(actor, "change").select_for_update() \
            .filter(pk=notice.pk).first()
        if locked is None:
            raise ScopeError()
        if locked.answered_on is not None:
            raise DomainError(_("该督办通知已于 %(d)s 答复") % {"d": locked.answered_on})
        before = audit_snapshot(locked)
        locked.answer = answer.strip()
        locked.answered_on = today or timezone.localdate()
        locked.answered_by = actor
        locked.version += 1
        locked.full_clean()
        locked.save()
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=locked,
                      before=before, after=audit_snapshot(locked), reason=_("答复督办"))
    _tell(recipients=[locked.issued_by_id], title=_("督办通知已答复：%(unit)s") % {
        "unit": locked.unit.name}, body=locked.answer, url=locked.get_absolute_url(),
        key=f"supervision:answered:{locked.pk}")
    return locked


# ---- notices to the unit and its supervisor ------------------------------------------------

def _unit_people(unit: ResponsibleUnit) -> list[int]:
    ids = [u.pk for u in unit.members.all() if u.is_active]
    if unit.supervisor_id:
        ids.append(unit.supervisor_id)
    return ids


def _tell(*, recipients: Iterable[Any], title: str, body: str, url: str, key: str,
          warning: bool = False) -> int:
    from kechuang.notices.models import Notice
    from kechuang.notices.services import notify

    return notify(recipients=recipients, title=title, body=body, url=url, dedupe_key=key,
                  level=Notice.Level.WARNING if warning else Notice.Level.INFO)


def send_overdue_warnings(*, today: dt.date) -> int:
    """Warn each late item's units and their supervisors, and the units of unanswered 督办
    notices past their date (daily; idempotent: one notice per item and missed date)."""
    from kechuang.supervision.selectors import late_reasons

    sent = 0
    for item, missed, reason in late_reasons(today=today):
        people: list[int] = []
        for unit in item.units.all():
            people += _unit_people(unit)
        sent += _tell(recipients=people, warning=True, url=item.get_absolute_url(),
                      title=_("督查事项滞后：%(item)s") % {"item": str(item)[:80]},
                      body=reason, key=f"supervision:late:{item.pk}:{missed}")
    overdue = SupervisionNotice.objects.filter(
        answered_on__isnull=True, answer_due__lt=today).select_related("unit")
    for n in overdue.prefetch_related("unit__members"):
        sent += _tell(recipients=[*_unit_people(n.unit), n.issued_by_id], warning=True,
                      url=n.get_absolute_url(),
                      title=_("督办通知逾期未答复：%(unit)s（期限 %(d)s）") % {
                          "unit": n.unit.name, "d": n.answer_due},
                      body=n.text, key=f"supervision:notice-overdue:{n.pk}")
    return sent


@daily("supervision.overdue_check")
def _scheduled_check(today: dt.date) -> str:
    return f"督查事项滞后提醒 {send_overdue_warnings(today=today)} 条"


STATUSES = rule.STATUSES
