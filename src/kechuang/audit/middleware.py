"""Per-request audit plumbing: a server-side request id, and the access events of a response.

* The request id is generated here, never taken from the client: a client-sent
  ``X-Request-ID`` could file its changes under another request. The id is echoed in the
  response's ``X-Request-ID`` header so a user can quote it.
* A file download (an attachment response), a refused request (403) and a 404 on a routed URL
  (an object outside the user's scope, or gone) each leave an :class:`AccessEvent`. Unrouted
  paths (scanners, static files) are not logged: they reveal nothing and would only be noise.
* Every Django-admin log entry a request wrote is copied into the audit trail as well.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.db import DatabaseError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from kechuang.audit.context import audit_context
from kechuang.audit.services import access_event, copy_admin_log_entries, last_admin_log_id

log = logging.getLogger(__name__)

_REFUSED = {403: "denied", 404: "not_found"}


def _admin_prefix() -> str:
    try:
        return reverse("admin:index")
    except NoReverseMatch:
        return "/admin/"


def _is_download(response: HttpResponse) -> bool:
    if response.status_code != 200:
        return False
    if isinstance(response, FileResponse):
        return True
    return response.get("Content-Disposition", "").lower().startswith("attachment")


class RequestContextMiddleware:
    """Give each request a server-side id and audit its downloads, refusals and admin use."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = _admin_prefix()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        source = "api" if request.path.startswith("/api/") else "web"
        admin_post = request.method == "POST" and request.path.startswith(self.admin_prefix)
        with audit_context(source=source, request_id=request_id):
            before = last_admin_log_id() if admin_post else None
            response = self.get_response(request)
            try:
                self._audit(request, response, request_id, before)
            except DatabaseError:  # the audit write must not turn an answer into a 500
                log.exception("could not write the access event of %s", request.path)
        response["X-Request-ID"] = request_id
        return response

    def _audit(self, request: HttpRequest, response: HttpResponse, request_id: str,
               admin_log_before: int | None) -> None:
        match = getattr(request, "resolver_match", None)
        if admin_log_before is not None:
            copy_admin_log_entries(request, after_id=admin_log_before, request_id=request_id)
        if match is None:
            return
        kind = _REFUSED.get(response.status_code)
        if kind is None and _is_download(response):
            kind = "download"
            detail = response.get("Content-Disposition", "")[:500]
        else:
            detail = ""
        if kind is not None:
            access_event(request, kind=kind, status=response.status_code,
                         view=match.view_name or "", detail=detail, request_id=request_id)
