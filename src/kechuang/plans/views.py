from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kechuang.accounts.scoping import can
from kechuang.plans import selectors
from kechuang.plans.models import Plan


@login_required
def plan_detail(request: HttpRequest) -> HttpResponse:
    """The work plan as data: actions, tasks and the indicators with their targets."""
    if not can(request.user, "view", Plan):
        raise PermissionDenied
    year = request.GET.get("year")
    plan = selectors.plan_overview(user=request.user,
                                   year=int(year) if year and year.isdigit() else None)
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "years": selectors.plan_years(user=request.user)})
