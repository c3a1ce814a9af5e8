"""Cultivation pages: the records of each rung, the candidate pool, the targets page.

Thin: selectors read, services write. No right to the action → 403; the right, but the row
outside ``restrict()`` → 404. Evidence files are streamed only after the file's record is
found through ``restrict(user, "view")``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from kechuang.accounts.scoping import can
from kechuang.core.errors import DomainError
from kechuang.core.params import parse_id, parse_year
from kechuang.core.shortcuts import (
    export_view,
    form_page,
    get_or_404,
    paginate,
    require,
)
from kechuang.core.uploads import serve_private
from kechuang.cultivation import exports, selectors, services, tables
from kechuang.cultivation.filters import CandidateFilter, RecordFilter
from kechuang.cultivation.forms import (
    RECORD_FORMS,
    CandidateForm,
    FileForm,
    ReasonForm,
    RevokeForm,
    VisitForm,
)
from kechuang.cultivation.models import RECORD_MODELS, CandidateEntry, RecordFile
from kechuang.cultivation.workflows import CANDIDATE_FLOW, FLOWS
from kechuang.workflow.selectors import history
from kechuang.workflow.services import available_actions

KINDS: dict[str, dict[str, Any]] = {
    "registration": {
        "title": gettext_lazy("科技型中小企业入库"), "noun": gettext_lazy("入库登记"),
        "add": gettext_lazy("登记入库"), "icon": "patch-check",
        "create": services.register_tech_sme,
        "update": lambda actor, obj, data: services.update_registration(
            actor=actor, registration=obj, data=data),
        "revoke": lambda actor, obj, reason, day: services.revoke_registration(
            actor=actor, registration=obj, reason=reason, revoked_on=day),
    },
    "certificate": {
        "title": gettext_lazy("高新技术企业认定"), "noun": gettext_lazy("高新技术企业证书"),
        "add": gettext_lazy("登记证书"), "icon": "award",
        "create": services.record_certificate,
        "update": lambda actor, obj, data: services.update_certificate(
            actor=actor, certificate=obj, data=data),
        "revoke": lambda actor, obj, reason, day: services.revoke_certificate(
            actor=actor, certificate=obj, reason=reason, revoked_on=day),
    },
    "leader": {
        "title": gettext_lazy("高科技领军企业"), "noun": gettext_lazy("领军企业认定"),
        "add": gettext_lazy("登记认定"), "icon": "trophy",
        "create": services.designate_leader,
        "update": lambda actor, obj, data: services.update_leader(
            actor=actor, designation=obj, data=data),
        "revoke": None,
    },
}


def _record_form(request: HttpRequest, form: Any, kind: str, obj: Any,
                 save: Any) -> HttpResponse:
    """A record's create/edit page; on to the saved record."""
    return form_page(request, form, save=save, done=lambda o: o,
                     message=lambda o: _("已保存“%(name)s”。") % {"name": o},
                     template="cultivation/record_form.html", context=_ctx(kind) | {"obj": obj})


def _ctx(kind: str) -> dict[str, Any]:
    meta = KINDS[kind]
    return {"kind": kind, "meta": meta, "url": {
        name: f"cultivation:{kind}_{name}" for name in (
            "list", "add", "export", "detail", "edit", "revoke", "files")}}


# ---- records ------------------------------------------------------------------------------


@login_required
@require_safe
def record_list(request: HttpRequest, kind: str) -> HttpResponse:
    user = request.user
    model = RECORD_MODELS[kind]
    require(user, "view", model)
    form = RecordFilter.page_form(request.GET or None, user=user, kind=kind)
    filters = form.filters()
    page = paginate(request, selectors.record_list(user=user, kind=kind, filters=filters))
    table = tables.RECORDS[kind]
    return render(request, "cultivation/record_list.html", _ctx(kind) | {
        "form": form, "filters": filters, "page_obj": page, "filtered": bool(filters),
        "table_head": table.head(request.GET, ""), "table_body": table.body(page),
        "can_add": can(user, "add", model), "can_export": can(user, "export", model),
        "today": timezone.localdate(),
    })


@login_required
def record_add(request: HttpRequest, kind: str) -> HttpResponse:
    user = request.user
    require(user, "add", RECORD_MODELS[kind])
    enterprise = None
    pk = parse_id(request.GET.get("enterprise"))
    if request.method == "GET" and pk is not None:
        enterprise = selectors.enterprise_in_scope(user=user, pk=pk)
    form = RECORD_FORMS[kind](request.POST or None, request.FILES or None, user=user,
                              enterprise=enterprise)
    create = KINDS[kind]["create"]
    return _record_form(request, form, kind, None,
                        lambda data: create(actor=user, data=data, files=form.files_data()))


@login_required
def record_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", RECORD_MODELS[kind])
    obj = get_or_404(selectors.record_detail, user=user, kind=kind, pk=pk, action="change")
    initial = {k: getattr(obj, k) for k in RECORD_FORMS[kind].base_fields if k != "enterprise"}
    form = RECORD_FORMS[kind](request.POST or None, user=user, enterprise=obj.enterprise,
                              with_files=False, initial=initial)
    update = KINDS[kind]["update"]
    return _record_form(request, form, kind, obj, lambda data: update(user, obj, data))


@login_required
@require_safe
def record_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    user = request.user
    model = RECORD_MODELS[kind]
    require(user, "view", model)
    obj = get_or_404(selectors.record_detail, user=user, kind=kind, pk=pk)
    flow = FLOWS.get(kind)
    return render(request, "cultivation/record_detail.html", _ctx(kind) | {
        "obj": obj, "files": selectors.files_of(record=obj),
        "trail": history(obj),
        "actions": available_actions(obj, workflow=flow, actor=user) if flow else [],
        "revoke_form": RevokeForm(), "file_form": FileForm(),
        "can_change": can(user, "change", model) and model.objects.restrict(
            user, "change").filter(pk=obj.pk).exists(),
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def record_revoke(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", RECORD_MODELS[kind])
    obj = get_or_404(selectors.record_detail, user=user, kind=kind, pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写原因（日期格式如 2025-06-30）"))
        return redirect(obj.get_absolute_url())
    try:
        done = KINDS[kind]["revoke"](user, obj, form.cleaned_data["reason"],
                                     form.cleaned_data.get("revoked_on"))
    except (DomainError, ValidationError) as exc:
        messages.error(request, getattr(exc, "message", None) or "；".join(exc.messages))
    else:
        params = {"enterprise": done.enterprise, "record": done, "day": done.revoked_on}
        if kind == "certificate":
            text = _("已取消%(enterprise)s的高新技术企业资格（证书 %(record)s，"
                     "取消日期 %(day)s），状态改为“已取消”，企业的培育层级已随之更新。")
        else:
            text = _("已撤销%(enterprise)s的入库登记 %(record)s（撤销日期 %(day)s），"
                     "状态改为“已撤销”，企业的培育层级已随之更新。")
        messages.success(request, text % params)
    return redirect(obj.get_absolute_url())


@login_required
@require_POST
def record_files(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    user = request.user
    require(user, "change", RECORD_MODELS[kind])
    obj = get_or_404(selectors.record_detail, user=user, kind=kind, pk=pk, action="change")
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件"))
        return redirect(obj.get_absolute_url())
    try:
        added = services.add_files(actor=user, record=obj, files=form.cleaned_data["files"])
    except (DomainError, ValidationError) as exc:
        messages.error(request, getattr(exc, "message", None) or "；".join(exc.messages))
    else:
        messages.success(request, _("已上传 %(n)s 个文件。") % {"n": len(added)})
    return redirect(obj.get_absolute_url())


record_export = export_view(
    exports.RECORD_EXPORT, model=lambda kind: RECORD_MODELS[kind], form=RecordFilter.page_form,
    params=lambda filters, kind: {"kind": kind, "filters": filters},
    title=lambda kind: _("导出%(t)s") % {"t": KINDS[kind]["title"]})

@login_required
@require_safe
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "view", RecordFile)
    f = get_or_404(selectors.file_detail, user=request.user, pk=pk)
    return serve_private(f.file, f.original_name)


# ---- candidate pool -----------------------------------------------------------------------


@login_required
@require_safe
def candidate_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "view", CandidateEntry)
    form = CandidateFilter.page_form(request.GET or None, user=user)
    filters = form.filters()
    ranked = selectors.ranked_candidates(user=user, filters=filters)
    # ranks are per county over the whole pool; a page shows 50 of them, grouped by county,
    # each group's badge counting the county's whole pool
    per_county = Counter(item.entry.enterprise.county_id for item in ranked)
    page = paginate(request, ranked)
    groups: list[dict[str, Any]] = []
    for item in page.object_list:
        county = item.entry.enterprise.county
        if not groups or groups[-1]["county"].pk != county.pk:
            groups.append({"county": county, "items": [], "total": per_county[county.pk]})
        groups[-1]["items"].append(item)
    for g in groups:
        g["body"] = tables.CANDIDATES.body(g["items"])
    return render(request, "cultivation/candidate_list.html", {
        "form": form, "filters": filters, "groups": groups, "count": len(ranked),
        "page_obj": page,
        "table_head": tables.CANDIDATES.head(request.GET, ""),
        "filtered": any(k != "status" for k in filters) or filters.get("status") != "active",
        "can_add": can(user, "add", CandidateEntry),
        "can_export": can(user, "export", CandidateEntry),
    })


@login_required
def candidate_add(request: HttpRequest) -> HttpResponse:
    """Add from the enterprise page (``?enterprise=<id>``) or after a search (``?q=``)."""
    user = request.user
    require(user, "add", CandidateEntry)
    enterprise = None
    if (pk := parse_id(request.GET.get("enterprise"))) is not None:
        enterprise = selectors.enterprise_in_scope(user=user, pk=pk)
    q = request.GET.get("q", "").strip()[:100]
    results = selectors.searchable_enterprises(user=user, term=q) if q else []
    form = CandidateForm(request.POST or None, user=user, enterprise=enterprise)
    return form_page(request, form,
                     save=lambda data: services.add_candidate(actor=user, data=data),
                     message=lambda o: _("已将“%(name)s”加入后备库。") % {
                         "name": o.enterprise.name},
                     done=lambda o: o, template="cultivation/candidate_form.html",
                     context={"q": q, "results": results, "enterprise": enterprise})


@login_required
@require_safe
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", CandidateEntry)
    entry = get_or_404(selectors.candidate_detail, user=user, pk=pk)
    return render(request, "cultivation/candidate_detail.html", {
        "entry": entry, "gap": selectors.candidate_gap(entry=entry),
        "visits": entry.visits.all(), "trail": history(entry),
        "actions": available_actions(entry, workflow=CANDIDATE_FLOW, actor=user),
        "reason_form": ReasonForm(), "visit_form": VisitForm(),
        "can_visit": (entry.status == CandidateEntry.Status.ACTIVE
                      and can(user, "add", CandidateEntry)),
    })


def _close(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    require(user, "change", CandidateEntry)
    entry = get_or_404(selectors.candidate_detail, user=user, pk=pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action == "remove":
            services.remove_candidate(actor=user, entry=entry, reason=reason)
            messages.success(request, _("已移出后备库。"))
        else:
            services.promote_candidate(actor=user, entry=entry, reason=reason)
            messages.success(request, _("已标记为晋级。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(entry.get_absolute_url())


@login_required
@require_POST
def candidate_remove(request: HttpRequest, pk: int) -> HttpResponse:
    return _close(request, pk, "remove")


@login_required
@require_POST
def candidate_promote(request: HttpRequest, pk: int) -> HttpResponse:
    return _close(request, pk, "promote")


@login_required
@require_POST
def candidate_visit_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "add", CandidateEntry)
    entry = get_or_404(selectors.candidate_detail, user=user, pk=pk, action="change")
    form = VisitForm(request.POST)
    if form.is_valid():
        try:
            services.record_visit(actor=user, entry=entry, data=form.service_data())
        except (DomainError, ValidationError) as exc:
            messages.error(request, getattr(exc, "message", None) or "；".join(exc.messages))
        else:
            messages.success(request, _("已记录辅导。"))
    else:
        messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}"
                                         for k, v in form.errors.items()))
    return redirect(entry.get_absolute_url())


candidate_export = export_view(exports.CANDIDATE_EXPORT, model=CandidateEntry,
                               form=CandidateFilter.page_form)

# ---- targets ------------------------------------------------------------------------------


@login_required
@require_safe
def targets(request: HttpRequest) -> HttpResponse:
    """培育目标进展: registrations and recognitions by county against the plan, the ladder,
    and the certificates expiring within six months (the user's scope)."""
    from kechuang.kpi import selectors as kpi_selectors
    from kechuang.plans import selectors as plan_selectors
    from kechuang.plans.models import Plan

    user = request.user
    require(user, "view", Plan)
    plans = plan_selectors.plans(user=user)
    year = request.GET.get("year", "")
    n = parse_year(year)
    plan = plans.filter(year=n).first() if n is not None else plans.first()
    today = timezone.localdate()
    expiring = (selectors.expiring_certificates(today=today, user=user)
                if can(user, "view", RECORD_MODELS["certificate"]) else [])
    if plan is None:
        return render(request, "cultivation/targets.html", {
            "plan": None, "expiring": expiring, "today": today})
    try:
        as_of = kpi_selectors.default_as_of(
            plan, today=dt.date.fromisoformat(request.GET.get("as_of", "")))
    except ValueError:
        as_of = kpi_selectors.default_as_of(plan)
    board = kpi_selectors.build_dashboard(plan=plan, as_of=as_of, keys=TARGET_KEYS)
    rows = [r for r in (board.row(k) for k in TARGET_KEYS) if r is not None]
    counties = board.counties
    focus = kpi_selectors.county_focus(user=user, plan=plan,
                                       requested=request.GET.get("county", ""))
    rungs = selectors.ladder(year=plan.year, as_of=as_of,
                             county_id=focus.pk if focus else None)
    table = [{"county": c, "cells": [r.county(c.pk) for r in rows]} for c in counties]
    funnel = {
        "labels": [r.label for r in rungs],
        "this_year": [r.value for r in rungs],
        "last_year": [r.last_year for r in rungs],
        "names": {"this_year": f"{plan.year}", "last_year": f"{plan.year - 1}"},
    }
    return render(request, "cultivation/targets.html", {
        "plan": plan, "as_of": as_of, "rows": rows, "table": table, "rungs": rungs,
        "funnel": funnel, "focus": focus, "counties": counties,
        "years": plan_selectors.plan_years(user=user), "expiring": expiring, "today": today,
    })


TARGET_KEYS = ["tech_sme_registered", "high_tech_recognized"]
