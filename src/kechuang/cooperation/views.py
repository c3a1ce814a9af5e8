"""Cooperation pages. Thin: selectors read, services write.

No right to the action → 403; the right, but the row outside ``restrict()`` → 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kechuang.accounts.scoping import can
from kechuang.cooperation import exports, selectors, services, tables
from kechuang.cooperation.filters import AchievementFilter, ProjectFilter, TalentFilter
from kechuang.cooperation.forms import (
    AchievementForm,
    EvidenceForm,
    MilestoneForm,
    OutcomeForm,
    ProjectForm,
    ReopenForm,
    TalentForm,
)
from kechuang.cooperation.models import (
    Achievement,
    CooperationProject,
    Milestone,
    MilestoneEvidence,
    Outcome,
    Talent,
)
from kechuang.core.errors import DomainError
from kechuang.core.shortcuts import export_view, form_page, get_or_404, list_page, require
from kechuang.core.uploads import serve_private

# ---- projects ------------------------------------------------------------------------------


@login_required
@require_safe
def project_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=CooperationProject, filter_cls=ProjectFilter,
                     selector=selectors.project_list, table=tables.PROJECTS,
                     template="cooperation/project_list.html", sorts={"name", "agreement_on"})


project_export = export_view(exports.PROJECT_EXPORT, model=CooperationProject,
                             form=ProjectFilter.page_form)


def _save_project(user: Any, project: CooperationProject | None) -> Any:
    def save(data: dict[str, Any]) -> CooperationProject:
        partners = data.pop("local_partners")
        if project is None:
            return services.create_project(actor=user, data=data, local_partners=partners)
        return services.update_project(project=project, actor=user, data=data,
                                       local_partners=partners)
    return save


@login_required
def project_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", CooperationProject)
    form = ProjectForm(request.POST or None, user=user)
    return form_page(request, form, save=_save_project(user, None),
                     message=lambda p: _("已登记合作项目“%(n)s”。") % {"n": p},
                     done=lambda p: p, template="cooperation/project_form.html")


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", CooperationProject)
    project = get_or_404(selectors.project_detail, user=user, pk=pk, action="change")
    form = ProjectForm(request.POST or None, user=user, instance=project)
    return form_page(request, form, save=_save_project(user, project),
                     message=lambda p: _("已保存。"), done=lambda p: p,
                     template="cooperation/project_form.html", context={"obj": project})


@login_required
@require_safe
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", CooperationProject)
    project = get_or_404(selectors.project_detail, user=user, pk=pk)
    milestones = selectors.milestones_of(project=project, user=user)
    changeable = set(Milestone.objects.restrict(user, "change").filter(
        project=project).values_list("pk", flat=True))
    for m in milestones:
        m.can_file = m.pk in changeable and can(user, "add", MilestoneEvidence)
    return render(request, "cooperation/project_detail.html", {
        "project": project, "partners": selectors.partners_of(project=project),
        "milestones": milestones, "outcomes": selectors.outcomes_of(project=project),
        "achievements": selectors.achievements_of(project=project, user=user),
        "talents": selectors.talents_of(project=project, user=user),
        "schedule_badge": tables.schedule_badge(project),
        "status_badge": tables.STATUS_BADGE.get(project.status, "text-bg-light"),
        "can_edit": CooperationProject.objects.restrict(user, "change").filter(
            pk=project.pk).exists(),
        "can_add_milestone": can(user, "add", Milestone),
        "can_add_outcome": can(user, "add", Outcome),
        "can_reopen": can(user, "approve", Milestone),
        "milestone_form": MilestoneForm(), "evidence_form": EvidenceForm(),
        "reopen_form": ReopenForm(), "outcome_form": OutcomeForm(),
    })


def _errors(request: HttpRequest, form: Any) -> None:
    messages.error(request, "；".join(
        f"{form.fields[f].label}：{' '.join(e)}" if f in form.fields else " ".join(e)
        for f, e in form.errors.items()))


def _post(request: HttpRequest, form: Any, act: Any, done: str, back: Any) -> HttpResponse:
    if not form.is_valid():
        _errors(request, form)
        return redirect(back)
    try:
        act(form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "add", Milestone)
    project = get_or_404(selectors.project_detail, user=user, pk=pk)
    return _post(request, MilestoneForm(request.POST), lambda d: services.add_milestone(
        project=project, actor=user, data=d), _("已新增建设节点。"), project)


@login_required
@require_POST
def outcome_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "add", Outcome)
    project = get_or_404(selectors.project_detail, user=user, pk=pk)
    return _post(request, OutcomeForm(request.POST), lambda d: services.add_outcome(
        project=project, actor=user, data=d), _("已登记合作成果。"), project)


@login_required
@require_POST
def milestone_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", Milestone)
    milestone = get_or_404(selectors.milestone_detail, user=user, pk=pk, action="change")
    form = EvidenceForm(request.POST, request.FILES)
    return _post(request, form, lambda d: services.file_evidence(
        milestone=milestone, actor=user, done_on=d.get("done_on"), files=d.get("files") or [],
        note=d.get("note") or ""), _("已报送节点完成情况。"), milestone.project)


@login_required
@require_POST
def milestone_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "approve", Milestone)
    milestone = get_or_404(selectors.milestone_detail, user=user, pk=pk, action="change")
    return _post(request, ReopenForm(request.POST), lambda d: services.reopen_milestone(
        milestone=milestone, actor=user, reason=d["reason"]), _("已退回该节点。"),
        milestone.project)


@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "view", MilestoneEvidence)
    ev = get_or_404(selectors.evidence_detail, user=request.user, pk=pk)
    return serve_private(ev.file, ev.original_name)


# ---- talents -------------------------------------------------------------------------------


@login_required
@require_safe
def talent_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=Talent, filter_cls=TalentFilter,
                     selector=selectors.talent_list, table=tables.TALENTS,
                     template="cooperation/talent_list.html", sorts={"started_on"},
                     flags={"can_change": can(request.user, "change", Talent)},
                     masked=not selectors.shows_personal(request.user))


talent_export = export_view(exports.TALENT_EXPORT, model=Talent, form=TalentFilter.page_form)


@login_required
def talent_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", Talent)
    initial = {}
    if getattr(user, "organisation_id", None):
        initial["host"] = user.organisation.credit_code
    form = TalentForm(request.POST or None, user=user, initial=initial)
    return form_page(request, form,
                     save=lambda d: services.create_talent(actor=user, data=d),
                     message=lambda t: _("已登记。"), done=lambda t: "cooperation:talent_list",
                     template="cooperation/talent_form.html")


@login_required
def talent_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", Talent)
    talent = get_or_404(selectors.talent_detail, user=user, pk=pk, action="change")
    form = TalentForm(request.POST or None, user=user, instance=talent)
    return form_page(request, form,
                     save=lambda d: services.update_talent(talent=talent, actor=user, data=d),
                     message=lambda t: _("已保存。"), done=lambda t: "cooperation:talent_list",
                     template="cooperation/talent_form.html", context={"obj": talent})


# ---- achievements --------------------------------------------------------------------------


@login_required
@require_safe
def achievement_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=Achievement, filter_cls=AchievementFilter,
                     selector=selectors.achievement_list, table=tables.ACHIEVEMENTS,
                     template="cooperation/achievement_list.html",
                     sorts={"title", "amount_yuan", "transferred_on"},
                     flags={"can_change": can(request.user, "change", Achievement)})


achievement_export = export_view(exports.ACHIEVEMENT_EXPORT, model=Achievement,
                                 form=AchievementFilter.page_form)


@login_required
def achievement_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", Achievement)
    form = AchievementForm(request.POST or None, user=user)
    return form_page(request, form,
                     save=lambda d: services.create_achievement(actor=user, data=d),
                     message=lambda a: _("已登记“%(n)s”。") % {"n": a},
                     done=lambda a: "cooperation:achievement_list",
                     template="cooperation/achievement_form.html")


@login_required
def achievement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", Achievement)
    obj = get_or_404(selectors.achievement_detail, user=user, pk=pk, action="change")
    form = AchievementForm(request.POST or None, user=user, instance=obj)
    return form_page(request, form,
                     save=lambda d: services.update_achievement(achievement=obj, actor=user,
                                                                data=d),
                     message=lambda a: _("已保存。"), done=lambda a: "cooperation:achievement_list",
                     template="cooperation/achievement_form.html", context={"obj": obj})
