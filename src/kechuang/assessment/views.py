"""Self-assessment (自评) with what-if, batch evaluation and its results. Thin views.

Self-assessment is a read: the enterprise must be in ``Enterprise.objects.restrict(user,
"view")`` (an enterprise user: its own; county staff: their county; city: all), else 404.
A what-if POST re-runs the engine on the submitted figures and saves nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kechuang.accounts.access import county_of, is_enterprise_user
from kechuang.accounts.scoping import can
from kechuang.assessment import display, selectors, services, tables
from kechuang.assessment.filters import ResultFilter
from kechuang.assessment.forms import BatchForm, WhatIfForm
from kechuang.assessment.inputs import person_message
from kechuang.assessment.jobs import RESULT_EXPORT
from kechuang.assessment.models import EvaluationResult, EvaluationRun
from kechuang.core.errors import DomainError
from kechuang.core.params import parse_year
from kechuang.core.shortcuts import export_view, paginate, require
from kechuang.orgs.models import Enterprise
from kechuang.policy.results import DISCLAIMER


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The menu's 自评: an enterprise user's own page; bureau staff go to the results list."""
    user = request.user
    if is_enterprise_user(user) and user.organisation_id:
        return redirect("assessment:enterprise_assessment", pk=user.organisation_id)
    if can(user, "view", EvaluationResult):
        return redirect("assessment:result_list")
    raise PermissionDenied


def _year(request: HttpRequest, years: list[int]) -> int | None:
    raw = request.GET.get("year", "")
    if (year := parse_year(raw)) in years:
        return year
    if raw:
        raise Http404
    return years[0] if years else None


@login_required
def enterprise_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", Enterprise)
    try:
        enterprise = selectors.enterprise(user=user, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    years = selectors.report_years(user=user, enterprise=enterprise)
    year = _year(request, years)
    context = {"enterprise": enterprise, "years": years, "year": year,
               "disclaimer": DISCLAIMER, "can_view_enterprise": True}
    if year is None:
        return render(request, "assessment/enterprise_assessment.html", context)
    as_of = timezone.localdate()
    stored = selectors.self_assessment(user=user, enterprise=enterprise, year=year, as_of=as_of)
    if stored is None:  # pragma: no cover - the year came from the report list
        raise Http404
    figures = selectors.figures_window(user=user, enterprise=enterprise, year=year)[year]
    form = WhatIfForm(request.POST or None, figures=figures)
    whatif = None
    if request.method == "POST" and form.is_valid():
        whatif = selectors.self_assessment(user=user, enterprise=enterprise, year=year,
                                           as_of=as_of, changes=form.changes)
        for rule_outcome in whatif.outcomes.values():
            # an input the engine refuses (e.g. 科技人员数 > 职工总数) belongs on the form
            if rule_outcome.error_field in form.fields and rule_outcome.error:
                form.add_error(rule_outcome.error_field,
                               person_message(rule_outcome.error_field, rule_outcome.error))
    changed = set(form.changes) if whatif is not None else set()
    context.update({
        "assessment": stored,
        "panels": display.panels(stored, whatif),
        "whatif": whatif,
        "form": form,
        "changed_fields": [(form[name].label, display_value(getattr(figures, name)),
                            display_value(form.changes[name])) for name in form.fields
                           if name in changed],
    })
    return render(request, "assessment/enterprise_assessment.html", context)


def display_value(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


@login_required
def batch(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", EvaluationResult)
    form = BatchForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_batch(actor=user, year=form.cleaned_data["year"],
                                       as_of=timezone.localdate())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.info(request, _("已开始批量测评，完成后结果将显示在测评结果列表中。"))
            return redirect(job.get_absolute_url())
    return render(request, "assessment/batch.html", {
        "form": form,
        "runs": selectors.runs(user=user)[:20],
        "scope": user.county.name if county_of(user)
        else _("全市"),
        "can_view_runs": can(user, "view", EvaluationRun),
    })


@login_required
def result_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "view", EvaluationResult)
    form = ResultFilter.page_form(request.GET or None, user=user)
    filters = form.filters()
    page = paginate(request, selectors.result_list(user=user, action="view", filters=filters))
    return render(request, "assessment/result_list.html", {
        "form": form,
        "filters": filters,
        "page_obj": page,
        **tables.RESULTS.context(request.GET, page),
        "filtered": bool(filters),
        "can_export": can(user, "export", EvaluationResult),
        "can_run": can(user, "add", EvaluationResult),
    })


result_export = export_view(RESULT_EXPORT, model=EvaluationResult,
                            form=ResultFilter.page_form)
