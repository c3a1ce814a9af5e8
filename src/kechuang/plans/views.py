"""Plan pages: the plan, its edits, county shares of targets and importing plan text.

Thin: selectors read, services write. No right to the action → 403; the right, but the row
outside ``restrict()`` → 404. City roles edit; county staff read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kechuang.accounts.scoping import can
from kechuang.core.errors import DomainError
from kechuang.core.params import parse_year
from kechuang.core.shortcuts import apply_service_error, form_page, get_or_404, require
from kechuang.plans import selectors, services
from kechuang.plans.drafts import decode_upload, draft_from_text
from kechuang.plans.forms import (
    ActionForm,
    AllocationForm,
    CopyForm,
    DraftIndicatorFormSet,
    DraftPlanForm,
    ImportTextForm,
    IndicatorForm,
    PlanForm,
    TaskForm,
)
from kechuang.plans.models import (
    Action,
    CountyAllocation,
    Indicator,
    Plan,
    PlanTask,
)

IMPORT_SALT = "kechuang.plans.import"
IMPORT_MAX_AGE = 24 * 3600


def _plan_url(plan: Plan, anchor: str = "") -> str:
    return plan.get_absolute_url() + (f"#{anchor}" if anchor else "")


def _plan_form(request: HttpRequest, form: Any, *, plan: Plan, save: Any, message: Any,
               title: str, done: Any) -> HttpResponse:
    """A plan part's create/edit page (plans/form.html); ``message`` a text or a callable."""
    return form_page(request, form, save=save, done=done, template="plans/form.html",
                     message=message if callable(message) else (lambda o: message),
                     context={"plan": plan, "title": title})


def _action_form(request: HttpRequest, form: Any, action: Action, **kwargs: Any) -> HttpResponse:
    """A task's, indicator's or the action's own page; back to the action's place in the plan."""
    return _plan_form(request, form, plan=action.plan, **kwargs,
                      done=lambda o: _plan_url(action.plan, f"action-{action.number}"))


@login_required
def plan_detail(request: HttpRequest) -> HttpResponse:
    """The work plan as data: actions, tasks and the indicators with their targets."""
    user = request.user
    require(user, "view", Plan)
    year = request.GET.get("year")
    plan = selectors.plan_overview(user=user, year=parse_year(year))
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "years": selectors.plan_years(user=user), "year": parse_year(year),
        "can_change": can(user, "change", Plan),
        "can_add": can(user, "add", Plan),
        "can_view_allocations": can(user, "view", CountyAllocation),
    })


# ---- plan, action -------------------------------------------------------------------------


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", Plan)
    plan = get_or_404(selectors.plan, user=user, pk=pk, action="change")
    return _plan_form(request, PlanForm(request.POST or None, instance=plan), plan=plan,
                      save=lambda data: services.update_plan(plan=plan, actor=user, data=data),
                      message=_("已保存工作要点。"), title=_("编辑工作要点"), done=_plan_url)


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", Action)
    action = get_or_404(selectors.plan_action, user=user, pk=pk, action="change")
    return _action_form(request, ActionForm(request.POST or None, instance=action), action,
                        save=lambda data: services.update_action(action=action, actor=user,
                                                                 name=data["name"]),
                        message=_("已保存行动名称。"),
                        title=_("编辑行动%(n)s") % {"n": action.number})


# ---- tasks --------------------------------------------------------------------------------


@login_required
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "add", PlanTask)
    action = get_or_404(selectors.plan_action, user=user, pk=pk, action="change")
    return _action_form(request, TaskForm(request.POST or None), action,
                        save=lambda data: services.create_task(action=action, actor=user,
                                                               data=data),
                        message=_("已新增重点任务。"),
                        title=_("行动%(n)s · 新增重点任务") % {"n": action.number})


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", PlanTask)
    task = get_or_404(selectors.plan_task, user=user, pk=pk, action="change")
    return _action_form(request, TaskForm(request.POST or None, instance=task), task.action,
                        save=lambda data: services.update_task(task=task, actor=user, data=data),
                        message=_("已保存重点任务。"),
                        title=_("行动%(n)s · 编辑重点任务") % {"n": task.action.number})


@login_required
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "delete", PlanTask)
    task = get_or_404(selectors.plan_task, user=user, pk=pk, action="delete")
    return _confirm_delete(request, obj=task, plan=task.action.plan,
                           anchor=f"action-{task.action.number}",
                           delete=lambda: services.delete_task(task=task, actor=user),
                           what=_("重点任务"))


def _confirm_delete(request: HttpRequest, *, obj: Any, plan: Plan, anchor: str,
                    delete: Any, what: str) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            delete()
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("已删除%(what)s“%(name)s”。") % {
                "what": what, "name": str(obj)})
            return redirect(_plan_url(plan, anchor))
    return render(request, "plans/confirm_delete.html", {
        "obj": obj, "plan": plan, "what": what, "error": error,
        "back": _plan_url(plan, anchor)})


# ---- indicators ---------------------------------------------------------------------------


@login_required
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "add", Indicator)
    action = get_or_404(selectors.plan_action, user=user, pk=pk, action="change")
    return _action_form(request, IndicatorForm(request.POST or None), action,
                        save=lambda data: services.create_indicator(action=action, actor=user,
                                                                    data=data),
                        message=lambda o: _("已新增指标“%(name)s”。") % {"name": o.name},
                        title=_("行动%(n)s · 新增指标") % {"n": action.number})


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", Indicator)
    indicator = get_or_404(selectors.indicator, user=user, pk=pk, action="change")
    return _action_form(request, IndicatorForm(request.POST or None, instance=indicator),
                        indicator.action,
                        save=lambda data: services.update_indicator(indicator=indicator,
                                                                    actor=user, data=data),
                        message=lambda o: _("已保存指标“%(name)s”。") % {"name": o.name},
                        title=_("编辑指标“%(name)s”") % {"name": indicator.name})


@login_required
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "delete", Indicator)
    indicator = get_or_404(selectors.indicator, user=user, pk=pk, action="delete")
    return _confirm_delete(
        request, obj=indicator, plan=indicator.action.plan,
        anchor=f"action-{indicator.action.number}",
        delete=lambda: services.delete_indicator(indicator=indicator, actor=user),
        what=_("指标"))


# ---- copy ---------------------------------------------------------------------------------


@login_required
def plan_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy the plan to another year (default: the next), after confirmation."""
    user = request.user
    require(user, "add", Plan)
    plan = get_or_404(selectors.plan, user=user, pk=pk)
    form = CopyForm(request.POST or None, initial={"year": plan.year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.copy_plan(plan=plan, year=form.cleaned_data["year"], actor=user)
        except (DomainError, ValidationError) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已复制为“%(title)s”，请修改标题、目标值等内容。") % {
                "title": new.title})
            return redirect(_plan_url(new))
    return render(request, "plans/plan_copy.html", {"form": form, "plan": plan})


# ---- county shares (任务分解) ---------------------------------------------------------------


@login_required
def allocation_list(request: HttpRequest, pk: int) -> HttpResponse:
    """An indicator's county shares, read-only (county staff: their own county's share)."""
    user = request.user
    require(user, "view", CountyAllocation)
    indicator = get_or_404(selectors.indicator, user=user, pk=pk)
    rows = list(selectors.allocations(user=user, indicator=indicator))
    can_change = can(user, "change", CountyAllocation)
    return render(request, "plans/allocation_list.html", {
        "indicator": indicator, "plan": indicator.action.plan, "rows": rows,
        "total": sum((r.target for r in rows), start=0) if can_change else None,
        "can_change": can_change,
        "own_county_id": getattr(user, "county_id", None),
    })


@login_required
def allocation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Split an indicator's target over the counties; offers last year's proportions."""
    user = request.user
    require(user, "change", CountyAllocation)
    indicator = get_or_404(selectors.indicator, user=user, pk=pk, action="change")
    plan = indicator.action.plan
    if indicator.city_only:  # no county figure to measure a share against: not offered
        messages.error(request, _("指标“%(name)s”仅有全市数据，不能分解到县区。") % {
            "name": indicator.name})
        return redirect(_plan_url(plan, f"action-{indicator.action.number}"))
    counties = selectors.allocation_counties(user=user, plan=plan)
    current = {a.county_id: a.target for a in
               selectors.allocations(user=user, indicator=indicator, action="change")}
    basis = ""
    if request.method == "POST" and "propose" in request.POST:
        try:
            proposal = services.propose_allocation(indicator=indicator)
        except DomainError as exc:
            form = AllocationForm(request.POST, counties=counties)
            form.is_valid()
            apply_service_error(form, exc)
        else:
            basis = proposal.basis
            form = AllocationForm(counties=counties, initial={
                f"county_{cid}": services.fmt(v) for cid, v in proposal.shares.items()})
    elif request.method == "POST":
        form = AllocationForm(request.POST, counties=counties)
        if form.is_valid():
            try:
                services.set_allocations(indicator=indicator, shares=form.shares(),
                                         actor=user)
            except (DomainError, ValidationError) as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("已保存“%(name)s”的县区任务分解。") % {
                    "name": indicator.name})
                return redirect(_plan_url(plan, f"action-{indicator.action.number}"))
    else:
        form = AllocationForm(counties=counties, initial={
            f"county_{cid}": services.fmt(v) for cid, v in current.items()})
    return render(request, "plans/allocation_form.html", {
        "form": form, "indicator": indicator, "plan": plan, "basis": basis,
        "target": services.fmt(indicator.target) if indicator.target is not None else None,
    })


# ---- import plan text ---------------------------------------------------------------------


def _import_page(request: HttpRequest, **context: Any) -> HttpResponse:
    return render(request, "plans/plan_import.html", context)


def _review(request: HttpRequest, *, draft: dict[str, Any], token: str,
            data: Any = None) -> tuple[DraftPlanForm, Any]:
    head = DraftPlanForm(data, actions=draft["actions"], prefix="plan", initial={
        "title": draft["title"], "year": draft["year"], "aim": draft["aim"], "token": token})
    rows = [dict(ind, action=a["number"], include=True)
            for a in draft["actions"] for ind in a["indicators"]]
    formset = DraftIndicatorFormSet(data, prefix="ind", initial=rows)
    return head, formset


@login_required
def plan_import(request: HttpRequest) -> HttpResponse:
    """Paste or upload a plan's text → review the extracted draft → save it as a plan."""
    user = request.user
    require(user, "add", Plan)
    region = selectors.city_region(user=user)
    if region is None:
        raise Http404
    if request.method != "POST":
        return _import_page(request, form=ImportTextForm(), region=region)
    if request.POST.get("step") == "save":
        return _import_save(request, region)
    form = ImportTextForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form=form, region=region)
    upload = form.cleaned_data.get("file")
    try:
        text = decode_upload(upload.read()) if upload else form.cleaned_data["text"]
    except UnicodeDecodeError:
        form.add_error("file", _("无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的文本"))
        return _import_page(request, form=form, region=region)
    draft = draft_from_text(text, region_name=region.name)
    if not draft["actions"]:
        form.add_error(None, _("没有找到“一、……行动”式的行动标题，请检查文本"))
        return _import_page(request, form=form, region=region)
    token = signing.dumps({"text": text, "draft": draft}, salt=IMPORT_SALT, compress=True)
    head, formset = _review(request, draft=draft, token=token)
    return _import_page(request, head=head, formset=formset, draft=draft, region=region)


def _import_save(request: HttpRequest, region: Any) -> HttpResponse:
    user = request.user
    try:
        payload = signing.loads(request.POST.get("plan-token", ""), salt=IMPORT_SALT,
                                max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        return _import_page(request, form=ImportTextForm(), region=region,
                            error=_("导入草稿已失效，请重新粘贴或上传文本"))
    draft = payload["draft"]
    head, formset = _review(request, draft=draft, token=request.POST["plan-token"],
                            data=request.POST)
    if head.is_valid() and formset.is_valid():
        reviewed = {
            "title": head.cleaned_data["title"], "year": head.cleaned_data["year"],
            "aim": head.cleaned_data["aim"],
            "actions": [{"number": n, "name": head.cleaned_data[f"action_{n}"],
                         "indicators": [f.cleaned_data for f in formset.forms
                                        if f.cleaned_data.get("include")
                                        and f.cleaned_data["action"] == n]}
                        for n in head.action_numbers],
        }
        try:
            plan = services.import_plan(region=region, draft=reviewed,
                                        source_text=payload["text"], actor=user)
        except (DomainError, ValidationError) as exc:
            apply_service_error(head, exc)
        else:
            messages.success(request, _("已导入“%(title)s”。") % {"title": plan.title})
            return redirect(reverse("plans:plan_detail") + f"?year={plan.year}")
    return _import_page(request, head=head, formset=formset, draft=draft, region=region)
