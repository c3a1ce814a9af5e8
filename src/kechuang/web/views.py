from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import defaults

from kechuang.accounts.scoping import can
from kechuang.core.api import error_body
from kechuang.orgs.models import Enterprise
from kechuang.plans.models import Plan
from kechuang.web import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Bureau staff land on the work-plan dashboard; everyone else on their workbench."""
    if can(request.user, "view", Plan):
        return redirect("kpi:dashboard")
    return render(request, "web/home.html", {"summary": selectors.home_summary(user=request.user)})


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Bureau staff's enterprise overview: counts by tier and county, recent changes."""
    if not can(request.user, "add", Enterprise):
        raise PermissionDenied
    return render(request, "web/home.html", {"summary": selectors.home_summary(user=request.user),
                                             "overview": True})


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status,
                        json_dumps_params={"ensure_ascii": False})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """API paths answer in the API's one error format; pages get the Chinese 404 page."""
    if request.path.startswith("/api/"):
        return _api_error(404, "not_found", _("记录不存在或无权查看"))
    return defaults.page_not_found(request, exception, template_name="404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _api_error(500, "server_error", _("服务器处理请求时出错，错误已记录，请稍后重试"))
    return defaults.server_error(request, template_name="500.html")
