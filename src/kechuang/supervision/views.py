"""Supervision pages. Thin: selectors read, services write.

No right to the action → 403; the right, but the row outside ``restrict()`` → 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kechuang.accounts.scoping import can
from kechuang.core.errors import DomainError
from kechuang.core.shortcuts import (
    apply_service_error,
    export_view,
    form_page,
    get_or_404,
    list_page,
    require,
    row_action,
)
from kechuang.core.uploads import serve_private
from kechuang.policy import supervision as rule
from kechuang.supervision import exports, selectors, services, tables
from kechuang.supervision.filters import ItemFilter, NoticeFilter, UnitFilter
from kechuang.supervision.forms import (
    AnswerForm,
    AssignForm,
    MeasureForm,
    MilestoneEditForm,
    MilestoneForm,
    NoticeForm,
    UnitForm,
    UpdateForm,
)
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

STATUS_HEADS = [(s, STATUS_LABELS[s]) for s in rule.STATUSES]


def _year(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


@login_required
@require_safe
def board(request: HttpRequest) -> HttpResponse:
    """督查看板: the plan's tasks per action, the measures per area, the items per unit."""
    user = request.user
    require(user, "view", SupervisedItem)
    plan = selectors.current_plan(user=user, year=_year(request))
    ctx: dict[str, Any] = {"plan": plan, "heads": STATUS_HEADS,
                           "years": selectors.plan_years(user=user),
                           "can_add": can(user, "add", SupervisedItem),
                           "my_units": selectors.my_units(user=user)}
    if plan is not None:
        ctx.update(actions=selectors.action_board(user=user, plan=plan),
                   measures=selectors.measure_board(user=user, plan=plan),
                   units=selectors.unit_board(user=user, plan=plan),
                   unassigned=selectors.unassigned_tasks(user=user, plan=plan)
                   if ctx["can_add"] else [])
    return render(request, "supervision/board.html", ctx)


# ---- items -----------------------------------------------------------------------------------

@login_required
@require_safe
def item_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=SupervisedItem, filter_cls=ItemFilter,
                     selector=selectors.item_list, table=tables.ITEMS,
                     template="supervision/item_list.html", sorts={"due_date"})


item_export = export_view(exports.ITEM_EXPORT, model=SupervisedItem, form=ItemFilter.page_form)


@login_required
@require_safe
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", SupervisedItem)
    item = get_or_404(selectors.item_detail, user=user, pk=pk)
    status = selectors.status_of(item)
    acting = selectors.units_acting_for(user=user, item=item)
    may_file = can(user, "add", ProgressUpdate) and acting.exists()
    may_supervise = can(user, "add", SupervisionNotice)
    return render(request, "supervision/item_detail.html", {
        "item": item, "status_badge": tables.status_badge(status), "status": status,
        "units": item.units.order_by("sort_order"),
        "cooperating": item.cooperating_units.order_by("sort_order"),
        "milestones": selectors.milestones_of(item=item),
        "updates": selectors.updates_of(user=user, item=item),
        "notices": selectors.notices_of(user=user, item=item),
        "update_form": UpdateForm(units=acting, milestones=selectors.milestone_choices(item=item))
        if may_file else None,
        "notice_form": NoticeForm(units=item.units.order_by("sort_order"),
                                  initial={"unit": item.lead_unit_id})
        if may_supervise else None,
        "milestone_form": MilestoneForm() if can(user, "add", Milestone) else None,
        "can_edit_milestones": can(user, "change", Milestone),
        "can_delete_milestones": can(user, "delete", Milestone),
        "can_edit": can(user, "change", SupervisedItem),
    })


def _post_on_item(request: HttpRequest, pk: int, model: type, action: str) -> SupervisedItem:
    require(request.user, action, model)
    return get_or_404(selectors.item_detail, user=request.user, pk=pk)


def _refused(request: HttpRequest, form: Any, exc: Exception | None = None) -> None:
    if exc is not None:
        apply_service_error(form, exc)
    messages.error(request, "；".join(
        f"{form.fields[f].label}：{' '.join(e)}" if f in form.fields else " ".join(e)
        for f, e in form.errors.items()))


@login_required
@require_POST
def update_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = _post_on_item(request, pk, ProgressUpdate, "add")
    form = UpdateForm(request.POST, request.FILES,
                      units=selectors.units_acting_for(user=user, item=item),
                      milestones=selectors.milestone_choices(item=item))
    if not form.is_valid():
        _refused(request, form)
        return redirect(item)
    d = form.cleaned_data
    try:
        services.file_update(actor=user, item=item, unit=d["unit"], text=d["text"],
                             reported_on=d["reported_on"], milestone=d.get("milestone"),
                             completes=d.get("completes", False), files=d.get("files") or [])
    except (DomainError, ValidationError) as exc:
        _refused(request, form, exc)
    else:
        messages.success(request, _("已提交进展更新。"))
    return redirect(item)


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _post_on_item(request, pk, Milestone, "add")
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return redirect(item)
    try:
        services.add_milestone(actor=request.user, item=item, **form.cleaned_data)
    except (DomainError, ValidationError) as exc:
        _refused(request, form, exc)
    else:
        messages.success(request, _("已添加进度节点。"))
    return redirect(item)


@login_required
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a milestone's content or date; the item's status follows (derived when read)."""
    user = request.user
    require(user, "change", Milestone)
    milestone = get_or_404(selectors.milestone_detail, user=user, pk=pk, action="change")
    form = MilestoneEditForm(request.POST or None, instance=milestone)
    return form_page(request, form,
                     save=lambda d: services.edit_milestone(actor=user, milestone=milestone,
                                                            data=d),
                     message=lambda o: _("已修改进度节点。"), done=lambda o: o.item,
                     template="supervision/milestone_form.html",
                     context={"milestone": milestone, "item": milestone.item})


@login_required
@require_POST
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a milestone no update reached (one that was reached is refused)."""
    return row_action(request, model=Milestone, action="delete",
                      read=lambda user, pk: selectors.milestone_detail(
                          user=user, pk=pk, action="delete"),
                      pk=pk, do=lambda m, u: services.delete_milestone(actor=u, milestone=m),
                      done=_("已删除进度节点。"), to=lambda m: m.item)


@login_required
@require_POST
def unit_remove(request: HttpRequest, pk: int, unit: int) -> HttpResponse:
    """Take a cooperating unit off the item (the lead unit is changed, not removed)."""
    user = request.user
    require(user, "change", SupervisedItem)
    item = get_or_404(selectors.item_detail, user=user, pk=pk, action="change")
    target = item.cooperating_units.filter(pk=unit).first() or item.units.filter(pk=unit).first()
    if target is None:
        raise Http404
    try:
        services.remove_unit(actor=user, item=item, unit=target,
                             reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已将“%(u)s”移出本事项。") % {"u": target.name})
    return redirect(item)


@login_required
@require_POST
def notice_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _post_on_item(request, pk, SupervisionNotice, "add")
    form = NoticeForm(request.POST, units=item.units.all())
    if not form.is_valid():
        _refused(request, form)
        return redirect(item)
    try:
        notice = services.issue_notice(actor=request.user, item=item, **form.cleaned_data)
    except (DomainError, ValidationError) as exc:
        _refused(request, form, exc)
        return redirect(item)
    messages.success(request, _("已发出督办通知。"))
    return redirect(notice)


@login_required
def task_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """交办: assign a plan task to units with a deadline and milestones."""
    user = request.user
    require(user, "add", SupervisedItem)
    task = get_or_404(selectors.task_detail, user=user, pk=pk)
    current = SupervisedItem.objects.restrict(user, "change").filter(task=task).first()
    initial = {}
    if current is not None:
        initial = {"lead_unit": current.lead_unit_id, "due_date": current.due_date,
                   "cooperating_units": list(current.cooperating_units.values_list(
                       "pk", flat=True))}
    form = AssignForm(request.POST or None, initial=initial,
                      units=selectors.filter_units(user=user))
    form.service_data = lambda: form.cleaned_data  # type: ignore[method-assign]

    def save(d: dict[str, Any]) -> SupervisedItem:
        return services.assign_task(actor=user, task=task, lead_unit=d["lead_unit"],
                                    cooperating_units=list(d["cooperating_units"]),
                                    due_date=d.get("due_date"), milestones=d["milestones"])

    return form_page(request, form, save=save, done=lambda obj: obj,
                     message=lambda obj: _("已交办。"), template="supervision/assign_form.html",
                     context={"task": task, "current": current})


def _measure_form(request: HttpRequest, measure: ReformMeasure | None) -> HttpResponse:
    user = request.user
    plan = measure.plan if measure else selectors.current_plan(user=user,
                                                               year=_year(request))
    if plan is None:
        raise Http404
    initial = {}
    if measure is not None:
        item = measure.item
        initial = {"lead_unit": item.lead_unit_id, "due_date": item.due_date,
                   "cooperating_units": list(item.cooperating_units.values_list("pk",
                                                                                flat=True))}
    form = MeasureForm(request.POST or None, instance=measure, initial=initial,
                       units=selectors.filter_units(user=user))

    def save(d: dict[str, Any]) -> SupervisedItem:
        c = form.cleaned_data
        saved = services.save_measure(
            actor=user, data={**d, "plan": plan}, measure=measure, lead_unit=c["lead_unit"],
            cooperating_units=list(c["cooperating_units"]), due_date=c.get("due_date"),
            milestones=c["milestones"])
        return saved.item

    return form_page(request, form, save=save, done=lambda obj: obj,
                     message=lambda obj: _("已保存改革措施。"),
                     template="supervision/measure_form.html",
                     context={"plan": plan, "measure": measure})


@login_required
def measure_add(request: HttpRequest) -> HttpResponse:
    require(request.user, "add", ReformMeasure)
    return _measure_form(request, None)


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "change", ReformMeasure)
    measure = get_or_404(selectors.measure_detail, user=request.user, pk=pk, action="change")
    return _measure_form(request, measure)


@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", UpdateEvidence)
    ev = get_or_404(selectors.evidence_detail, user=user, pk=pk)
    return serve_private(ev.file, ev.original_name)


# ---- units ---------------------------------------------------------------------------------

@login_required
@require_safe
def unit_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=ResponsibleUnit, filter_cls=UnitFilter,
                     selector=selectors.unit_list, table=tables.UNITS,
                     template="supervision/unit_list.html", sorts={"name"})


unit_export = export_view(exports.UNIT_EXPORT, model=ResponsibleUnit, form=UnitFilter.page_form)


@login_required
@require_safe
def unit_board(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit's board: what it leads or cooperates on, by status, and its 督办 notices."""
    user = request.user
    require(user, "view", ResponsibleUnit)
    unit = get_or_404(selectors.unit_detail, user=user, pk=pk)
    items = selectors.unit_items(user=user, unit=unit)
    counts = {s: 0 for s in rule.STATUSES}
    for i in items:
        counts[i.derived_status] += 1
    return render(request, "supervision/unit_board.html", {
        "unit": unit, "items": items, "counts": [(STATUS_LABELS[s], s, n)
                                                  for s, n in counts.items()],
        **tables.ITEMS.context(request.GET, items),
        "notices": selectors.notice_list(user=user, filters={"unit": unit.pk})[:20],
        "members": unit.members.order_by("username"),
        "can_edit": can(user, "change", ResponsibleUnit),
    })


def _unit_form(request: HttpRequest, unit: ResponsibleUnit | None) -> HttpResponse:
    user = request.user
    form = UnitForm(request.POST or None, instance=unit)

    def save(d: dict[str, Any]) -> ResponsibleUnit:
        return services.save_unit(actor=user, data=d, unit=unit,
                                  members=list(form.cleaned_data["members"]))

    return form_page(request, form, save=save, done=lambda obj: obj,
                     message=lambda obj: _("已保存责任单位“%(n)s”。") % {"n": obj},
                     template="supervision/unit_form.html", context={"unit": unit})


@login_required
def unit_add(request: HttpRequest) -> HttpResponse:
    require(request.user, "add", ResponsibleUnit)
    return _unit_form(request, None)


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "change", ResponsibleUnit)
    unit = get_or_404(selectors.unit_detail, user=request.user, pk=pk, action="change")
    return _unit_form(request, unit)


# ---- 督办 notices ----------------------------------------------------------------------------

@login_required
@require_safe
def notice_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=SupervisionNotice, filter_cls=NoticeFilter,
                     selector=selectors.notice_list, table=tables.NOTICES,
                     template="supervision/notice_list.html",
                     sorts={"issued_on", "answer_due"})


notice_export = export_view(exports.NOTICE_EXPORT, model=SupervisionNotice,
                            form=NoticeFilter.page_form)


@login_required
@require_safe
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", SupervisionNotice)
    notice = get_or_404(selectors.notice_detail, user=user, pk=pk)
    may_answer = (notice.answered_on is None and SupervisionNotice.objects.restrict(
        user, "change").filter(pk=notice.pk).exists())
    return render(request, "supervision/notice_detail.html", {
        "notice": notice, "badge": tables.notice_badge(notice),
        "answer_form": AnswerForm() if may_answer else None})


@login_required
@require_POST
def notice_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", SupervisionNotice)
    notice = get_or_404(selectors.notice_detail, user=user, pk=pk, action="change")
    form = AnswerForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return redirect(notice)
    try:
        services.answer_notice(actor=user, notice=notice, answer=form.cleaned_data["answer"])
    except (DomainError, ValidationError) as exc:
        _refused(request, form, exc)
    else:
        messages.success(request, _("已答复督办通知。"))
    return redirect(notice)



