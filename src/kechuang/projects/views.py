"""R&D pages. Thin: selectors read, services write; 403 without the right, 404 outside the
scope (an expert asking for an application not assigned to them, or one they are recused
from, gets 404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
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
from kechuang.projects import documents, exports, selectors, services, tables
from kechuang.projects.filters import (
    AcceptanceTaskFilter,
    ApplicationFilter,
    AssignmentFilter,
    CallFilter,
    DisbursementFilter,
    ExpertFilter,
    OverdueReportFilter,
    ProgrammeFilter,
    ProjectFilter,
)
from kechuang.projects.forms import (
    AcceptanceForm,
    AcceptanceOpinionForm,
    ApplicationForm,
    AttachmentForm,
    CallForm,
    ChangeForm,
    ConcludeForm,
    DrawForm,
    ExpertForm,
    PaymentForm,
    ProgrammeForm,
    ReasonForm,
    ReportForm,
    ScoreForm,
    profile_formsets,
)
from kechuang.projects.models import (
    Acceptance,
    AcceptanceOpinion,
    AcceptanceTask,
    Application,
    ApplicationAttachment,
    Call,
    ChangeRequest,
    Deliberation,
    Disbursement,
    Draw,
    Expert,
    FundingSource,
    Instalment,
    Programme,
    ProgressReport,
    Project,
    ReportDue,
    Review,
    ReviewAssignment,
    ReviewKind,
)
from kechuang.projects.workflows import (
    ACCEPTANCE_TASK_FLOW,
    APPLICATION_FLOW,
    ASSIGNMENT_FLOW,
    CHANGE_FLOW,
)
from kechuang.workflow.selectors import history
from kechuang.workflow.services import available_actions

STEPS = ("recommend", "return", "pass_check", "approve", "reject")


# ---- calls ---------------------------------------------------------------------------------

@login_required
@require_safe
def call_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=Call, filter_cls=CallFilter, selector=selectors.call_list,
                      table=tables.CALLS, template="projects/call_list.html")


@login_required
@require_safe
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", Call)
    call = get_or_404(selectors.call_detail, user=user, pk=pk)
    return render(request, "projects/call_detail.html", {
        "call": call, "directions": [d for d in call.directions.splitlines() if d.strip()],
        "can_apply": call.published and can(user, "add", Application),
        "can_rank": can(user, "add", Deliberation), "can_manage": can(user, "change", Call)})


call_export = export_view(exports.CALL_EXPORT, model=Call, form=CallFilter.page_form)


@login_required
def call_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", Call)
    form = CallForm(request.POST or None, initial={"year": timezone.localdate().year})
    return form_page(request, form, template="projects/call_form.html",
                     save=lambda d: services.save_call(actor=user, data=d),
                     message=lambda c: _("已新建指南“%(t)s”，发布后企业和高校可见。") % {"t": c},
                     done=lambda c: c)


@login_required
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a call; once published only its deadline (extended) — see services.save_call."""
    user = request.user
    require(user, "change", Call)
    call = get_or_404(selectors.call_detail, user=user, pk=pk)
    form = CallForm(request.POST or None, instance=call)
    return form_page(request, form, template="projects/call_form.html",
                     context={"obj": call},
                     save=lambda d: services.save_call(actor=user, data=d, call=call),
                     message=lambda c: _("已保存。"), done=lambda c: c)


@login_required
@require_POST
def call_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return row_action(request, model=Call, action="change", read=selectors.call_detail, pk=pk,
                      do=lambda c, u: services.publish_call(call=c, actor=u),
                      done=_("已发布，企业和高校现在可以看到并申报。"))


# ---- programmes (计划类别) -------------------------------------------------------------------

@login_required
@require_safe
def programme_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "change", Programme)  # the funding rules are the city's to manage
    return list_page(request, model=Programme, filter_cls=ProgrammeFilter,
                     selector=selectors.programme_list, table=tables.PROGRAMMES,
                     template="projects/programme_list.html")


programme_export = export_view(exports.PROGRAMME_EXPORT, model=Programme,
                               form=ProgrammeFilter.page_form)


@login_required
def programme_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", Programme)
    form = ProgrammeForm(request.POST or None)
    return form_page(request, form, template="projects/programme_form.html",
                     save=lambda d: services.save_programme(actor=user, data=d),
                     message=lambda p: _("已新增计划类别“%(n)s”。") % {"n": p},
                     done=lambda p: "projects:programme_list")


@login_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", Programme)
    programme = get_or_404(selectors.programme_detail, user=user, pk=pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    return form_page(request, form, template="projects/programme_form.html",
                     context={"obj": programme},
                     save=lambda d: services.save_programme(actor=user, data=d,
                                                            programme=programme),
                     message=lambda p: _("已保存。"), done=lambda p: "projects:programme_list")


# ---- applications --------------------------------------------------------------------------

@login_required
@require_safe
def application_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=Application, filter_cls=ApplicationFilter,
                      selector=selectors.application_list, table=tables.APPLICATIONS,
                      template="projects/application_list.html",
                      flags={"internal": can(request.user, "approve", Application),
                             # reviewers (neither applicants nor staff) see no names of a
                             # blind call's parties
                             "hide_blind": not can(request.user, "add", Application)
                             and not can(request.user, "approve", Application)})


def _application_form(request: HttpRequest, application: Application | None) -> HttpResponse:
    user = request.user
    initial = {"call": request.GET.get("call")} if application is None else {}
    form = ApplicationForm(request.POST or None, user=user, application=application,
                           initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.save_application(
                actor=user, data=form.service_data(), application=application,
                partners=list(form.cleaned_data.get("partners") or []), budget=form.budget())
        except (DomainError, ValidationError) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存“%(t)s”。提交前可继续修改。") % {"t": app})
            return redirect(app)
    return render(request, "projects/application_form.html",
                  {"form": form, "application": application})


@login_required
def application_add(request: HttpRequest) -> HttpResponse:
    require(request.user, "add", Application)
    return _application_form(request, None)


@login_required
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", Application)
    app = get_or_404(selectors.application_detail, user=user, pk=pk, action="change")
    if app.status not in services.EDITABLE:
        messages.error(request, _("只有草稿或退回修改的申报可以修改"))
        return redirect(app)
    return _application_form(request, app)


@login_required
@require_safe
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", Application)
    app = get_or_404(selectors.application_detail, user=user, pk=pk)
    staff = can(user, "approve", Application)
    reviews = selectors.reviews_of(user=user, application=app)
    return render(request, "projects/application_detail.html", {
        "app": app, "budget": selectors.budget_of(app), "partners": selectors.partners_of(app),
        "status_label": app.get_status_display() if staff else app.public_label,
        "hide_identity": app.call.blind and not staff and not can(user, "add", Application),
        "trail": history(app) if staff else [],
        "actions": [s for s in available_actions(app, workflow=APPLICATION_FLOW, actor=user)
                    if s.action in STEPS],
        "can_submit": any(s.action == "submit" for s in available_actions(
            app, workflow=APPLICATION_FLOW, actor=user)),
        "can_edit": app.status in services.EDITABLE and can(user, "change", Application),
        "can_draw": can(user, "add", Draw) and app.status in ("checked", "reviewing"),
        "reviews": reviews,
        "summaries": [(label, summary) for (label, summary) in (
            (ReviewKind(k).label, v) for k, v in selectors.summaries_by_kind(reviews).items())],
        "reason_form": ReasonForm(),
        "required_files": selectors.required_attachments(user=user, application=app),
        "other_files": [a for a in selectors.attachments_of(user=user, application=app)
                        if not a.requirement],
        "blind_files": selectors.reads_blind(user, app),
        "can_attach": app.status in services.EDITABLE and can(user, "change", Application)
        and can(user, "add", ApplicationAttachment),
        "attachment_form": AttachmentForm()})


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", Application)
    app = get_or_404(selectors.application_detail, user=user, pk=pk, action="change")
    try:
        services.submit_application(application=app, actor=user)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已提交，等待县区推荐。"))
    return redirect(app)


@login_required
@require_POST
def application_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    if action not in STEPS:
        raise Http404
    require(user, "approve", Application)
    app = get_or_404(selectors.application_detail, user=user, pk=pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action == "approve":
            project = services.approve_application(application=app, actor=user, reason=reason)
            messages.success(request, _("已立项：%(p)s") % {"p": project})
        else:
            services.take_step(application=app, actor=user, action=action, reason=reason)
            messages.success(request, _("已办理。"))
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(app)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a required (or a further) attachment to one's draft application."""
    user = request.user
    require(user, "add", ApplicationAttachment)
    app = get_or_404(selectors.application_detail, user=user, pk=pk, action="change")
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(app)
    try:
        att = services.upload_attachment(application=app, actor=user,
                                         requirement=form.cleaned_data["requirement"],
                                         upload=form.cleaned_data["file"])
    except (DomainError, ValidationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已上传附件：%(n)s") % {"n": att.original_name})
    return redirect(app)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "delete", ApplicationAttachment)
    att = get_or_404(selectors.attachment_detail, user=user, pk=pk)
    try:
        services.delete_attachment(attachment=att, actor=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除附件。"))
    return redirect(att.application)


@login_required
@require_safe
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An application's file: 404 outside the scope; a reviewer of a blind call gets only
    the anonymised copies, under a neutral name (selectors.reads_blind)."""
    user = request.user
    require(user, "view", ApplicationAttachment)
    att = get_or_404(selectors.attachment_detail, user=user, pk=pk)
    name = (att.neutral_name() if selectors.reads_blind(user, att.application)
            else att.original_name)
    return serve_private(att.file, name)


application_export = export_view(exports.APPLICATION_EXPORT, model=Application,
                                 form=ApplicationFilter.page_form)


@login_required
def application_draw(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: run a draw, see every draw with its exclusions and reasons."""
    user = request.user
    require(user, "add", Draw)
    app = get_or_404(selectors.application_detail, user=user, pk=pk)
    form = DrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            draw = services.run_draw(application=app, actor=user, size=d["size"],
                                     reserves=d["reserves"], titles=d["titles"],
                                     max_load=d["max_load"], seed=d["seed"],
                                     overrides=d["overrides"], kind=d["kind"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已抽取 %(n)s 位专家（随机种子 %(s)s）。") % {
                "n": len(draw.members), "s": draw.seed})
            return redirect("projects:application_draw", pk=app.pk)
    return render(request, "projects/draw.html", {
        "app": app, "form": form, "draws": selectors.draws_of(user=user, application=app)})


# ---- experts and reviews -------------------------------------------------------------------

@login_required
@require_safe
def expert_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "export", Expert)  # the pool is the city's list
    return list_page(request, model=Expert, filter_cls=ExpertFilter,
                      selector=selectors.expert_list, table=tables.EXPERTS,
                      template="projects/expert_list.html")


expert_export = export_view(exports.EXPERT_EXPORT, model=Expert, form=ExpertFilter.page_form)


def _expert_page(request: HttpRequest, expert: Expert | None, *, own: bool) -> HttpResponse:
    """The profile with its three kinds of rows (former employers, relations, declarations),
    saved together by services.save_expert_profile or not at all."""
    user = request.user
    data = request.POST or None
    form = ExpertForm(data, expert=expert, own=own)
    sets = profile_formsets(data, expert=expert, applications=selectors.declarable_applications(
        user=user, expert=expert))
    if request.method == "POST" and form.is_valid() and all(
            f.is_valid() for f in sets.values()):
        try:
            saved = services.save_expert_profile(
                actor=user, data=form.service_data(), expert=expert,
                former=[r for f in sets["former"] if (r := f.row())],
                relations=[r for f in sets["relations"] if (r := f.row())],
                declarations=[r for f in sets["declarations"] if (r := f.row())])
        except (DomainError, ValidationError) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存专家信息。"))
            return redirect("projects:expert_edit", pk=saved.pk)
    return render(request, "projects/expert_form.html",
                  {"form": form, "obj": expert, "own": own, **sets})


@login_required
def expert_add(request: HttpRequest) -> HttpResponse:
    require(request.user, "add", Expert)
    return _expert_page(request, None, own=False)


@login_required
def expert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The bureau edits any profile; an expert only their own (another's: 404)."""
    user = request.user
    require(user, "change", Expert)
    expert = get_or_404(selectors.expert_detail, user=user, pk=pk)
    return _expert_page(request, expert, own=not can(user, "add", Expert))


@login_required
@require_safe
def expert_me(request: HttpRequest) -> HttpResponse:
    """The expert's workbench entry: their own profile (404 without one)."""
    if not selectors.keeps_own_profile(request.user):
        raise PermissionDenied  # the bureau edits profiles from the expert list
    expert = get_or_404(selectors.own_expert_profile, user=request.user)
    return redirect("projects:expert_edit", pk=expert.pk)


@login_required
@require_safe
def assignment_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=ReviewAssignment, filter_cls=AssignmentFilter,
                      selector=selectors.assignment_list, table=tables.ASSIGNMENTS,
                      template="projects/assignment_list.html")


# the bureau's (export right): an expert reads their own tasks on the page
assignment_export = export_view(exports.ASSIGNMENT_EXPORT, model=ReviewAssignment,
                                form=AssignmentFilter.page_form)


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert's page for one task: accept or decline, then the score sheet."""
    user = request.user
    require(user, "view", ReviewAssignment)
    a = get_or_404(selectors.assignment_detail, user=user, pk=pk)
    call = a.application.call
    mine = getattr(a, "review", None) if hasattr(a, "review") else None
    form = ScoreForm(request.POST or None, criteria=call.criteria_list(a.draw.kind) or [
        (_("综合评价"), Decimal(1))])
    if request.method == "POST":
        require(user, "add", Review)
        if form.is_valid():
            try:
                services.submit_review(assignment=a, actor=user, scores=form.scores(),
                                       opinion=form.cleaned_data["opinion"])
            except (DomainError, ValidationError) as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("评审意见已提交。"))
                return redirect("projects:review", pk=a.pk)
    return render(request, "projects/review.html", {
        "a": a, "app": a.application, "call": call, "form": form, "mine": mine,
        "budget": selectors.budget_of(a.application),
        "partners": [] if call.blind else selectors.partners_of(a.application),
        "actions": available_actions(a, workflow=ASSIGNMENT_FLOW, actor=user),
        "reason_form": ReasonForm()})


def _respond(request: HttpRequest, pk: int, *, accept: bool, model: type[Any],
             read: Any, do_accept: Any, do_decline: Any, accepted: str, page: str,
             listing: str) -> HttpResponse:
    """An invited expert accepts or declines a review or acceptance task (a decline brings
    the next reserve in and goes back to the list)."""
    user = request.user
    require(user, "change", model)
    obj = get_or_404(read, user=user, pk=pk, action="change")
    form = ReasonForm(request.POST)
    try:
        if accept:
            do_accept(obj, user)
            messages.success(request, accepted)
        else:
            do_decline(obj, user, form.cleaned_data["reason"] if form.is_valid() else "")
            messages.success(request, _("已谢绝，系统已递补替补专家。"))
            return redirect(listing)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(page, pk=obj.pk)


def _respond_review(request: HttpRequest, pk: int, accept: bool) -> HttpResponse:
    return _respond(
        request, pk, accept=accept, model=ReviewAssignment, read=selectors.assignment_detail,
        do_accept=lambda a, u: services.accept_assignment(assignment=a, actor=u),
        do_decline=lambda a, u, r: services.decline_assignment(assignment=a, actor=u, reason=r),
        accepted=_("已接受评审任务。"), page="projects:review", listing="projects:assignment_list")


@login_required
@require_POST
def assignment_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _respond_review(request, pk, True)


@login_required
@require_POST
def assignment_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _respond_review(request, pk, False)


# ---- the acceptance expert's own pages --------------------------------------------------------

@login_required
@require_safe
def acceptance_task_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=AcceptanceTask, filter_cls=AcceptanceTaskFilter,
                     selector=selectors.acceptance_task_list, table=tables.ACCEPTANCE_TASKS,
                     template="projects/acceptance_task_list.html")


acceptance_task_export = export_view(exports.ACCEPTANCE_TASK_EXPORT, model=AcceptanceTask,
                                     form=AcceptanceTaskFilter.page_form)


@login_required
def acceptance_task(request: HttpRequest, pk: int) -> HttpResponse:
    """The acceptance expert's page for one task: accept or decline, then the opinion per
    考核指标 and the recommended conclusion (404 unless the task is theirs and they have no
    conflict with the project)."""
    user = request.user
    require(user, "view", AcceptanceTask)
    task = get_or_404(selectors.acceptance_task_detail, user=user, pk=pk)
    acc = task.acceptance
    project = acc.project
    mine = getattr(task, "opinion", None) if hasattr(task, "opinion") else None
    form = AcceptanceOpinionForm(request.POST or None, targets=project.target_list())
    if request.method == "POST":
        require(user, "add", AcceptanceOpinion)
        if form.is_valid():
            try:
                services.submit_acceptance_opinion(
                    task=task, actor=user, ratings=form.ratings(),
                    recommendation=form.cleaned_data["recommendation"],
                    opinion=form.cleaned_data["opinion"])
            except (DomainError, ValidationError) as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("验收意见已提交。"))
                return redirect("projects:acceptance_task", pk=task.pk)
    return render(request, "projects/acceptance_task.html", {
        "task": task, "acceptance": acc, "project": project, "form": form, "mine": mine,
        "actions": available_actions(task, workflow=ACCEPTANCE_TASK_FLOW, actor=user)})


def _respond_acceptance(request: HttpRequest, pk: int, accept: bool) -> HttpResponse:
    return _respond(
        request, pk, accept=accept, model=AcceptanceTask, read=selectors.acceptance_task_detail,
        do_accept=lambda t, u: services.accept_acceptance_task(task=t, actor=u),
        do_decline=lambda t, u, r: services.decline_acceptance_task(task=t, actor=u, reason=r),
        accepted=_("已接受验收任务。"), page="projects:acceptance_task",
        listing="projects:acceptance_task_list")


@login_required
@require_POST
def acceptance_task_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _respond_acceptance(request, pk, True)


@login_required
@require_POST
def acceptance_task_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _respond_acceptance(request, pk, False)


# ---- projects ------------------------------------------------------------------------------

@login_required
@require_safe
def project_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=Project, filter_cls=ProjectFilter,
                      selector=selectors.project_list, table=tables.PROJECTS,
                      template="projects/project_list.html")


@login_required
@require_safe
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", Project)
    project = get_or_404(selectors.project_detail, user=user, pk=pk)
    funding = selectors.funding_of(user=user, project=project)
    acceptance = selectors.acceptance_of(user=user, project=project)
    staff = can(user, "approve", Acceptance)
    tasks = selectors.acceptance_tasks_of(user=user, acceptance=acceptance) \
        if acceptance and staff else []
    changes = selectors.changes_of(user=user, project=project)
    open_project = project.stage not in (Project.Stage.ACCEPTED, Project.Stage.TERMINATED)
    return render(request, "projects/project_detail.html", {
        "project": project, "funding": funding, "staff": staff,
        "reports": selectors.reports_of(user=user, project=project),
        "report_dues": selectors.report_dues_of(user=user, project=project),
        "can_plan_reports": can(user, "add", ReportDue) and open_project,
        "today": timezone.localdate(),
        "changes": [(c, available_actions(c, workflow=CHANGE_FLOW, actor=user))
                    for c in changes],
        "acceptance": acceptance,
        "group": selectors.acceptance_group(acceptance) if acceptance and staff else None,
        "tasks": tasks, "tally": selectors.recommendation_tally(
            [t.opinion for t in tasks if getattr(t, "opinion", None) is not None]),
        "can_report": can(user, "add", ProgressReport) and open_project,
        "can_check": can(user, "approve", ProgressReport),
        "can_change": can(user, "add", ChangeRequest) and open_project,
        "can_apply": can(user, "add", Acceptance) and open_project and acceptance is None,
        "report_form": ReportForm(), "change_form": ChangeForm(),
        "acceptance_form": AcceptanceForm(targets=project.target_list()),
        "conclude_form": ConcludeForm(), "reason_form": ReasonForm(),
        "disbursements": selectors.disbursement_list(user=user).filter(project=project)[:50],
        "can_pay": can(user, "add", Disbursement) and bool(project.contract_signed_on),
        "can_plan": can(user, "add", FundingSource),
        "can_sign": can(user, "change", Project) and not project.contract_signed_on,
        "pay_form": PaymentForm()})


@login_required
@require_POST
def project_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The task contract is signed: the first instalments are released."""
    return row_action(request, model=Project, action="change",
                      read=selectors.project_detail, pk=pk,
                      do=lambda p, user: services.sign_contract(project=p, actor=user),
                      done=_("已登记任务书签订，首期资金可以拨付。"))


@login_required
@require_POST
def project_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """(Re)build the default funding plan while nothing has been paid."""
    user = request.user
    require(user, "add", FundingSource)
    project = get_or_404(selectors.project_detail, user=user, pk=pk)
    try:
        services.plan_funding(project=project, actor=user)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已生成拨付计划：首期在任务书签订后拨付，"
                                    "其余在中期检查通过后拨付。"))
    return redirect(project)


@login_required
@require_POST
def project_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Pay from one instalment; every refusal says why and nothing is written."""
    user = request.user
    require(user, "add", Disbursement)
    project = get_or_404(selectors.project_detail, user=user, pk=pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for m in errors:
                messages.error(request, m)
        return redirect(project)
    d = form.cleaned_data
    inst = Instalment.objects.restrict(user, "change").filter(
        pk=d["instalment"], funding__project=project).first()
    if inst is None:
        raise Http404
    try:
        row = services.disburse(instalment=inst, actor=user, amount_yuan=d["amount_yuan"],
                                paid_on=d["paid_on"], voucher_no=d["voucher_no"],
                                note=d["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已拨付 %(amt)s 元。") % {"amt": row.amount_yuan})
    return redirect(project)


@login_required
@require_safe
def disbursement_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=Disbursement, filter_cls=DisbursementFilter,
                     selector=selectors.disbursement_list, table=tables.DISBURSEMENTS,
                     template="projects/disbursement_list.html")


disbursement_export = export_view(exports.DISBURSEMENT_EXPORT, model=Disbursement,
                                  form=DisbursementFilter.page_form)


project_export = export_view(exports.PROJECT_EXPORT, model=Project, form=ProjectFilter.page_form)


# ---- progress, changes, acceptance ---------------------------------------------------------

def _errors(request: HttpRequest, exc: Exception) -> None:
    for m in (exc.messages if isinstance(exc, ValidationError) else [exc.message]):
        messages.error(request, m)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for m in errors:
            messages.error(request, f"{label}：{m}" if label else m)


@login_required
@require_POST
def report_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "add", ProgressReport)
    project = get_or_404(selectors.project_detail, user=user, pk=pk)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(project)
    d = form.cleaned_data
    try:
        services.file_report(project=project, actor=user, kind=d["kind"], period=d["period"],
                             summary=d["summary"], spent_yuan=d["spent_yuan"],
                             evidence=d["evidence"])
    except (DomainError, ValidationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("进展报告已提交。"))
    return redirect(project)


@login_required
@require_POST
def report_check(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "approve", ProgressReport)
    report = get_or_404(selectors.report_detail, user=user, pk=pk, action="approve")
    form = ReasonForm(request.POST)
    note = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.check_midterm(report=report, actor=user,
                               passed=request.POST.get("passed") == "1", note=note)
    except DomainError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已登记中期检查结果。"))
    return redirect(report.project)


@login_required
@require_safe
def report_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", ProgressReport)
    report = get_or_404(selectors.report_detail, user=user, pk=pk)
    return serve_private(report.evidence, report.evidence_name)


@login_required
@require_safe
def report_overdue_list(request: HttpRequest) -> HttpResponse:
    """The bureau's list of reports owed and not filed by their due date."""
    require(request.user, "export", ReportDue)
    return list_page(request, model=ReportDue, filter_cls=OverdueReportFilter,
                     selector=selectors.overdue_reports, table=tables.OVERDUE_REPORTS,
                     template="projects/report_overdue_list.html")


report_overdue_export = export_view(exports.OVERDUE_REPORT_EXPORT, model=ReportDue,
                                    form=OverdueReportFilter.page_form)


@login_required
@require_POST
def project_report_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: record the reports a project owes (e.g. for a carry-over or an imported one)."""
    user = request.user
    require(user, "add", ReportDue)
    project = get_or_404(selectors.project_detail, user=user, pk=pk)
    added = services.plan_reports(project=project, actor=user)
    messages.success(request, _("已生成报告计划 %(n)s 项。") % {"n": added})
    return redirect(project)


@login_required
@require_POST
def change_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "add", ChangeRequest)
    project = get_or_404(selectors.project_detail, user=user, pk=pk)
    form = ChangeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(project)
    d = form.cleaned_data
    try:
        services.request_change(project=project, actor=user, kind=d["kind"],
                                reason=d["reason"], new_pi_name=d["new_pi_name"],
                                new_ends_on=d["new_ends_on"], moves=form.moves())
    except (DomainError, ValidationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("变更申请已提交，等待市科技局审核。"))
    return redirect(project)


@login_required
@require_POST
def change_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    if action not in ("approve", "reject"):
        raise Http404
    require(user, "approve", ChangeRequest)
    change = get_or_404(selectors.change_detail, user=user, pk=pk, action="approve")
    form = ReasonForm(request.POST)
    try:
        services.decide_change(change=change, actor=user, approve=action == "approve",
                               reason=form.cleaned_data["reason"] if form.is_valid() else "")
    except DomainError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已办理。"))
    return redirect(change.project)


@login_required
@require_POST
def acceptance_apply(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "add", Acceptance)
    project = get_or_404(selectors.project_detail, user=user, pk=pk)
    form = AcceptanceForm(request.POST, request.FILES, targets=project.target_list())
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(project)
    try:
        services.apply_for_acceptance(project=project, actor=user,
                                      evaluation=form.evaluation(),
                                      audit_report=form.cleaned_data["audit_report"])
    except (DomainError, ValidationError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已申请验收。"))
    return redirect(project)


def _acceptance(request: HttpRequest, pk: int) -> Acceptance:
    user = request.user
    require(user, "approve", Acceptance)
    project = get_or_404(selectors.project_detail, user=user, pk=pk)
    acc = selectors.acceptance_of(user=user, project=project)
    if acc is None:
        raise Http404
    return acc


@login_required
@require_POST
def acceptance_draw(request: HttpRequest, pk: int) -> HttpResponse:
    acc = _acceptance(request, pk)
    try:
        services.draw_acceptance_group(acceptance=acc, actor=request.user)
    except DomainError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已抽取验收专家组。"))
    return redirect(acc.project)


@login_required
@require_POST
def acceptance_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    acc = _acceptance(request, pk)
    form = ConcludeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(acc.project)
    try:
        services.conclude_acceptance(acceptance=acc, actor=request.user,
                                     conclusion=form.cleaned_data["conclusion"],
                                     opinion=form.cleaned_data["opinion"])
    except DomainError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已登记验收结论。"))
    return redirect(acc.project)


@login_required
@require_safe
def acceptance_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", Acceptance)
    project = get_or_404(selectors.project_detail, user=user, pk=pk)
    acc = selectors.acceptance_of(user=user, project=project)
    if acc is None:
        raise Http404
    return serve_private(acc.audit_report, acc.audit_report_name)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def project_contract(request: HttpRequest, pk: int) -> HttpResponse:
    """The task contract (任务书) as .docx, from the application and the approved budget."""
    user = request.user
    require(user, "view", Project)
    project = get_or_404(selectors.project_detail, user=user, pk=pk)
    content = documents.task_contract(
        project, budget=services.project_budget(project),
        instalments=selectors.instalments_of(user=user, project=project))
    return _docx(content, f"任务书-{project.code}.docx")


@login_required
@require_safe
def acceptance_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    """The acceptance opinion (验收意见) as .docx."""
    user = request.user
    require(user, "view", Acceptance)
    project = get_or_404(selectors.project_detail, user=user, pk=pk)
    acc = selectors.acceptance_of(user=user, project=project)
    if acc is None:
        raise Http404
    content = documents.acceptance_opinion(
        acc, experts=selectors.acceptance_group(acc)["members"],
        opinions=selectors.acceptance_opinions(user=user, acceptance=acc))
    return _docx(content, f"验收意见-{project.code}.docx")


@login_required
def call_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: the call's ranking by score, the 会审 decision (who, why) and its 公示."""
    user = request.user
    require(user, "add", Deliberation)
    call = get_or_404(selectors.call_detail, user=user, pk=pk)
    if request.method == "POST":
        try:
            start = dt.date.fromisoformat(request.POST.get("publicity_from", ""))
        except ValueError:
            start = timezone.localdate()
        try:
            services.deliberate(call=call, actor=user, reason=request.POST.get("reason", ""),
                                proposed=[int(x) for x in request.POST.getlist("proposed")
                                          if x.isdigit()],
                                publicity_from=start,
                                publicity_days=int(request.POST.get("days") or 7))
        except (DomainError, ValidationError) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("会审结果已记录并进入公示。"))
            return redirect("projects:call_ranking", pk=call.pk)
    return render(request, "projects/call_ranking.html", {
        "call": call, "rows": selectors.call_ranking(user=user, call=call),
        "deliberations": selectors.deliberations_of(user=user, call=call),
        "today": timezone.localdate()})


@login_required
@require_safe
def call_publicity(request: HttpRequest, pk: int) -> HttpResponse:
    """The 公示 of a call's proposed projects: titles, leads and counties, no scores."""
    user = request.user
    require(user, "view", Call)
    call = get_or_404(selectors.call_detail, user=user, pk=pk)
    return render(request, "projects/call_publicity.html", {
        "call": call, "deliberations": selectors.deliberations_of(user=user, call=call)})


@login_required
@require_safe
def project_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """The archive zip of a project (the bureau's: it holds the experts' names and scores)."""
    user = request.user
    require(user, "change", Project)
    project = get_or_404(selectors.project_detail, user=user, pk=pk)
    acc = selectors.acceptance_of(user=user, project=project)
    trail = []
    if project.application_id:
        trail += list(history(project.application))
    for change in selectors.changes_of(user=user, project=project):
        trail += list(history(change))
    for report in selectors.reports_of(user=user, project=project):
        trail += list(history(report))
    trail.sort(key=lambda t: (t.at, t.pk))
    content = documents.dossier(
        project, budget=services.project_budget(project),
        instalments=selectors.instalments_of(user=user, project=project),
        reviews=selectors.reviews_of(user=user, application=project.application)
        if project.application_id else [],
        trail=trail,
        disbursements=list(selectors.disbursement_list(user=user).filter(project=project)),
        reports=selectors.reports_of(user=user, project=project), acceptance=acc,
        group=selectors.acceptance_group(acc)["members"] if acc else [],
        opinions=selectors.acceptance_opinions(user=user, acceptance=acc) if acc else [],
        attachments=selectors.attachments_of(user=user, application=project.application)
        if project.application_id else [])
    response = HttpResponse(content, content_type="application/zip")
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(f'项目档案-{project.code}.zip')}")
    response["Cache-Control"] = "private, no-store"
    return response
