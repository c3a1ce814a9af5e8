"""Reported-value pages. Thin: selectors read, services write.

No right to the action → 403; the right, but the row outside ``restrict()`` → 404.
Evidence files are streamed only after the row is found through ``restrict(user, "view")``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kechuang.accounts.scoping import can
from kechuang.core.errors import DomainError
from kechuang.core.params import parse_id
from kechuang.core.shortcuts import (
    apply_service_error,
    export_view,
    list_page,
    require,
)
from kechuang.core.uploads import serve_private
from kechuang.reported import exports, selectors, services, tables
from kechuang.reported.filters import ValueFilter
from kechuang.reported.forms import ReviewForm, SourceForm, ValueForm
from kechuang.reported.models import Evidence, ReportedValue, SourceOverride, has_live_source
from kechuang.reported.workflows import REPORTED_FLOW
from kechuang.workflow.selectors import history
from kechuang.workflow.services import available_actions


def _value_or_404(user, pk: int, action: str = "view") -> ReportedValue:
    try:
        return selectors.value_detail(user=user, pk=pk, action=action)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_safe
def value_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, model=ReportedValue, filter_cls=ValueFilter,
                     selector=selectors.value_list, table=tables.VALUES,
                     template="reported/value_list.html")


@login_required
def value_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", ReportedValue)
    initial = {}
    if request.method == "GET" and parse_id(request.GET.get("indicator")):
        initial["indicator"] = request.GET["indicator"]
    form = ValueForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.submit_value(actor=user, data=form.service_data(),
                                        files=form.cleaned_data.get("files") or [])
        except (DomainError, ValidationError) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已提交“%(name)s”，等待市局审核。") % {"name": obj})
            return redirect("reported:value_detail", pk=obj.pk)
    return render(request, "reported/value_form.html", {"form": form})


@login_required
@require_safe
def value_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", ReportedValue)
    value = _value_or_404(user, pk)
    return render(request, "reported/value_detail.html", {
        "value": value,
        "evidence": selectors.evidence_of(value=value),
        "trail": history(value),
        "others": [v for v in selectors.history_of(value=value) if v.pk != value.pk],
        "actions": available_actions(value, workflow=REPORTED_FLOW, actor=user),
        "review_form": ReviewForm(),
        "can_add": can(user, "add", ReportedValue),
    })


def _review(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    require(user, "approve", ReportedValue)
    value = _value_or_404(user, pk)
    form = ReviewForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action == "approve":
            services.approve_value(value=value, actor=user, reason=reason)
            messages.success(request, _("已审核通过。"))
        else:
            services.reject_value(value=value, actor=user, reason=reason)
            messages.success(request, _("已退回。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("reported:value_detail", pk=value.pk)


@login_required
@require_POST
def value_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, "approve")


@login_required
@require_POST
def value_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, "reject")


value_export = export_view(exports.VALUE_EXPORT, model=ReportedValue, form=ValueFilter.page_form)

@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", Evidence)
    try:
        ev = selectors.evidence_detail(user=user, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    return serve_private(ev.file, ev.original_name)


@login_required
def indicator_source(request: HttpRequest, pk: int) -> HttpResponse:
    """数据口径: whether a counted indicator takes the official (reported) statistic instead."""
    user = request.user
    require(user, "change", SourceOverride)
    indicator = selectors.indicator_for_source(user=user, pk=pk)
    if indicator is None or not has_live_source(indicator):
        raise Http404
    current = selectors.source_override(user=user, indicator=indicator)
    initial = ({"use_reported": current.use_reported, "reason": current.reason}
               if current else {"use_reported": True})
    form = SourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_source(actor=user, indicator=indicator,
                                use_reported=form.cleaned_data["use_reported"],
                                reason=form.cleaned_data["reason"])
        except (DomainError, ValidationError) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存“%(name)s”的数据口径。") % {"name": indicator.name})
            return redirect("kpi:indicator_detail", pk=indicator.pk)
    return render(request, "reported/indicator_source.html", {
        "form": form, "indicator": indicator, "current": current})
