"""Plumbing endpoints that belong to no domain app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def ping(request: HttpRequest) -> HttpResponse:
    """Liveness check for load balancers and the benchmark baseline: no login, no database."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
