from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kechuang.audit.context import audit_context


class RequestContextMiddleware:
    """Give each request an id so its change records can be grouped."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        source = "api" if request.path.startswith("/api/") else "web"
        with audit_context(source=source, request_id=request_id[:64]):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id[:64]
        return response
