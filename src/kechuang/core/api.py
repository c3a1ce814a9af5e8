"""Shared API plumbing: pagination and the one error format.

Every error response has the shape
``{"code": "...", "message": "...", "errors": [{"field": "a.b", "message": "..."}]}``
with Chinese messages, so clients need one parser.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kechuang.core.errors import DomainError


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            out.extend(_flatten(value, path))
    elif isinstance(detail, list):
        if all(not isinstance(v, (dict, list)) for v in detail):
            out.extend({"field": prefix, "message": str(v)} for v in detail)
        else:
            for i, value in enumerate(detail):
                if value:
                    out.extend(_flatten(value, f"{prefix}[{i}]" if prefix else f"[{i}]"))
    else:
        out.append({"field": prefix, "message": str(detail)})
    return out


def error_body(code: str, message: str, errors: list[dict[str, str]] | None = None) -> dict:
    return {"code": code, "message": message, "errors": errors or []}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        errors = [{"field": exc.field or "", "message": exc.message}]
        code = status.HTTP_403_FORBIDDEN if exc.code == "permission_denied" else 400
        return Response(error_body(exc.code, exc.message, errors), status=code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("记录不存在或无权查看"))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("无权执行该操作"))

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        message = errors[0]["message"] if len(errors) == 1 else _("提交的数据有误，请检查后重试")
        response.data = error_body("invalid", message, errors)
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = error_body(str(code), str(detail))
    return response
