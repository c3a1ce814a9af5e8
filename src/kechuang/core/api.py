"""Shared API plumbing: pagination, the scoped viewset base, and the one error format.

Every error response has the shape
``{"code": "...", "message": "...", "errors": [{"field": "a.b", "message": "..."}]}``
with Chinese messages, so clients need one parser. The OpenAPI schema declares it on every
operation (:func:`error_responses_hook`).

Scoping (style.md §3): a viewset names its ``scoped_model``; :class:`ScopedPermission` answers
403 when the role has no right to the request's action at all (``can()``), and the viewset's
``get_queryset`` reads through ``restrict(user, self.scope_action)`` so a row outside the
user's scope is a 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kechuang.accounts.scoping import can
from kechuang.core.authentication import ExpiringTokenAuthentication
from kechuang.core.errors import DomainError
from kechuang.core.params import MAX_ID, is_digits


class Pagination(PageNumberPagination):
    """Page-number pagination whose parameters are as strict as the schema says.

    DRF silently falls back to the default for an unparsable ``page_size`` (``null``, ``0``,
    ``1.5``); here that is a 400, so the served behaviour matches the declared integer ≥ 1.
    Sizes above 500 are capped (documented), not refused.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        digits = raw.lstrip("0") if is_digits(raw) else ""
        if not digits:  # not a whole number, or 0
            raise exceptions.ValidationError({self.page_size_query_param: [
                _("每页条数应为大于 0 的整数（最大 %(n)s）") % {"n": self.max_page_size}]})
        # any larger whole number is capped, however long (the schema sets no maximum)
        return self.max_page_size if len(digits) > 18 else min(int(digits), self.max_page_size)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_query_param:
                param["schema"] = {"type": "integer", "minimum": 1}
            elif param["name"] == self.page_size_query_param:
                param["schema"] = {"type": "integer", "minimum": 1}
                param["description"] = str(_("每页条数，默认 %(d)s；大于 %(n)s 时按 %(n)s 返回") % {
                    "d": self.page_size, "n": self.max_page_size})
        return params


# --- scoping ------------------------------------------------------------------------------

METHOD_ACTIONS = {
    "GET": "view", "HEAD": "view", "OPTIONS": "view",
    "POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete",
}


def scope_action(request) -> str:
    """The restrict()/can() action for an HTTP method."""
    return METHOD_ACTIONS.get(request.method, "view")


class ScopedPermission(BasePermission):
    """Signed in, and the role has the request's action on the view's model at all (else 403).

    Which rows: the viewset's get_queryset() through restrict() (outside the scope → 404).
    """

    message = gettext_lazy("您的角色无权执行该操作")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return can(user, scope_action(request), view.scoped_model)


class ScopedViewSetMixin:
    """Base for every /api/v1/ viewset over a scoped model.

    Token first, so an anonymous request is answered 401 with ``WWW-Authenticate: Token``.
    """

    scoped_model: type[models.Model]
    # ids of at most 18 digits (BIGINT holds 19): a longer one is a 404, not a database error
    lookup_value_regex = r"[0-9]{1,18}"
    authentication_classes = [ExpiringTokenAuthentication, SessionAuthentication]
    permission_classes = [ScopedPermission]
    # no SearchFilter by default: without search_fields it would only add a dead parameter
    filter_backends = [DjangoFilterBackend, OrderingFilter]

    @property
    def scope_action(self) -> str:
        return scope_action(self.request)

    def initial(self, request, *args: Any, **kwargs: Any) -> None:
        """After authentication and permissions: a write's JSON values must have the types the
        schema declares (DRF alone would coerce them)."""
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if (request.method in ("POST", "PUT", "PATCH") and hasattr(self, "get_serializer_class")
                and request.content_type.startswith("application/json")):
            serializer = self.get_serializer_class()(context=self.get_serializer_context())
            check_json_types(serializer, request.data)

    def restricted(self, model: type[models.Model] | None = None) -> models.QuerySet:
        """``Model.objects.restrict(request.user, <action of the request's method>)``."""
        model = model or self.scoped_model
        return model._default_manager.restrict(self.request.user, self.scope_action)




# --- JSON types -----------------------------------------------------------------------------

_STRING_FIELDS = (serializers.CharField, serializers.ChoiceField, serializers.DateField,
                  serializers.DateTimeField, serializers.TimeField)


def _type_error(field: serializers.Field, value: Any) -> str | None:
    """The schema type a JSON value fails, or None. DRF alone would coerce ``"5"`` to 5,
    ``1`` to true and ``5`` to ``Decimal("5")``: lenient where the schema is not."""
    if value is None:
        return None  # null: the field's own allow_null check answers
    if isinstance(field, serializers.BooleanField):
        ok, name = isinstance(value, bool), _("布尔值（true 或 false）")
    elif isinstance(field, (serializers.IntegerField, serializers.PrimaryKeyRelatedField)):
        ok, name = isinstance(value, int) and not isinstance(value, bool), _("整数")
    elif isinstance(field, serializers.DecimalField):
        # a decimal string, or a JSON number (parsed exactly as a Decimal, core/parsers.py)
        ok = isinstance(value, (str, int, Decimal)) and not isinstance(value, bool)
        name = _("字符串形式的十进制数或数字")
    elif isinstance(field, serializers.FloatField):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        name = _("数字")
    elif isinstance(field, _STRING_FIELDS):
        ok, name = isinstance(value, str), _("字符串")
    else:
        return None
    return None if ok else _("应为%(type)s") % {"type": name}


def json_type_errors(serializer: serializers.BaseSerializer, data: Any) -> dict[str, Any]:
    """Field → error for every value of ``data`` whose JSON type is not the declared one."""
    if isinstance(serializer, serializers.ListSerializer):
        if not isinstance(data, list):
            return {}  # DRF's own "expected a list" answers
        out = {}
        for i, item in enumerate(data):
            errors = json_type_errors(serializer.child, item)
            if errors:
                out[i] = errors
        return out
    if not isinstance(data, dict) or not hasattr(serializer, "fields"):
        return {}
    errors: dict[str, Any] = {}
    for name, field in serializer.fields.items():
        if field.read_only or name not in data:
            continue
        value = data[name]
        if isinstance(field, serializers.BaseSerializer):
            nested = json_type_errors(field, value)
            if nested:
                errors[name] = nested
        elif isinstance(field, serializers.ListField):
            if isinstance(value, list):
                wrong = {i: [e] for i, v in enumerate(value)
                         if (e := _type_error(field.child, v))}
                if wrong:
                    errors[name] = wrong
        else:
            message = _type_error(field, value)
            if message:
                errors[name] = [message]
    return errors


def check_json_types(serializer: serializers.BaseSerializer, data: Any) -> None:
    """Raise a 400 naming every field whose JSON type differs from the schema's."""
    errors = json_type_errors(serializer, data)
    if errors:
        raise exceptions.ValidationError(errors)


class IdField(forms.IntegerField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


# a row id as the schema declares it: what IdField and ScopedPrimaryKeyRelatedField accept
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.NumberFilter):
    """A filter on a row id (an integer within the id range, unlike NumberFilter's decimal)."""

    field_class = IdField


class YearField(forms.IntegerField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100})
class YearFilter(django_filters.NumberFilter):
    """A filter on a year: an integer 2000–2100 (NumberFilter would take ``0.5``)."""

    field_class = YearField


# --- errors -------------------------------------------------------------------------------


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # a list serializer's errors, keyed by item index
                out.extend(_flatten(value, f"{prefix}[{key}]"))
                continue
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
        code = {"permission_denied": status.HTTP_403_FORBIDDEN,
                "conflict": status.HTTP_409_CONFLICT}.get(exc.code, status.HTTP_400_BAD_REQUEST)
        return Response(error_body(exc.code, exc.message, errors), status=code)
    if isinstance(exc, DjangoValidationError):
        # full_clean() in a service: field names are the model's, which the serializers share
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("记录不存在或无权查看"))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("无权执行该操作"))
    elif isinstance(exc, RecursionError):
        # input nested too deeply for a validator or serializer: the client's error, not a 500
        exc = exceptions.ParseError(_("请求数据嵌套过深，无法处理"))

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


# --- OpenAPI ------------------------------------------------------------------------------

ERROR_RESPONSES = {
    "400": gettext_lazy("请求数据或查询参数有误（errors 列出每个字段的问题）"),
    "401": gettext_lazy("未登录，或令牌无效"),
    "403": gettext_lazy("当前角色无权执行该操作，或账号已锁定"),
    "404": gettext_lazy("记录不存在或不在您的管辖范围内（页码超出范围也是 404）"),
}
# only on a change whose body carries the optimistic-locking version
CONFLICT_RESPONSE = gettext_lazy(
    "记录已被他人修改（请求中的 version 不是当前版本），未保存；请重新读取后再修改")
# An operation may narrow the declared errors: @extend_schema(extensions={ERROR_CODES: ["400"]}).
ERROR_CODES = "x-kechuang-error-codes"


def _body_has_version(operation: dict, schemas: dict) -> bool:
    """Whether the operation's JSON request body has the optimistic-locking ``version``."""
    content = operation.get("requestBody", {}).get("content", {})
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    component = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else {}
    return "version" in component.get("properties", {})


def error_responses_hook(result: dict, generator, request, public) -> dict:
    """SPECTACULAR_SETTINGS POSTPROCESSING_HOOKS: declare the error format on every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", {
        "type": "object",
        "properties": {
            "field": {"type": "string", "description": str(_(
                "出错字段的路径，如 credit_code、chains[0].role；空字符串表示整体错误"))},
            "message": {"type": "string", "description": str(_("中文错误说明"))},
        },
        "required": ["field", "message"],
    })
    schemas.setdefault("Error", {
        "type": "object",
        "description": str(_("所有错误响应的统一格式")),
        "properties": {
            "code": {"type": "string", "description": str(_(
                "错误代码，如 invalid、not_authenticated、permission_denied、not_found、"
                "locked_out"))},
            "message": {"type": "string", "description": str(_("中文错误说明"))},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ErrorDetail"}},
        },
        "required": ["code", "message", "errors"],
    })
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = operation.pop(ERROR_CODES, None) or list(ERROR_RESPONSES)
            descriptions = dict(ERROR_RESPONSES)
            if method in ("put", "patch") and _body_has_version(operation, schemas):
                codes.append("409")
                descriptions["409"] = CONFLICT_RESPONSE
            responses = operation["responses"]
            for code in codes:
                responses.setdefault(code, {
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}},
                    "description": str(descriptions[code]),
                })
            operation["responses"] = dict(sorted(responses.items()))
    return result


@extend_schema_field(ID_SCHEMA)
class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key whose choices are the rows the requesting user may see.

    An id outside the scope is answered exactly like an unknown id (no existence leak).
    """

    default_error_messages = {
        "does_not_exist": gettext_lazy("编号为 {pk_value} 的记录不存在，或不在您的管辖范围内"),
        "incorrect_type": gettext_lazy("应填写记录编号（整数），收到的是 {data_type}"),
    }

    def __init__(self, *, model: type[models.Model], action: str = "view", **kwargs) -> None:
        self.model = model
        self.action = action
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model._default_manager.none())  # typing/schema only
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> models.Model:
        digits = str(data).lstrip("-") if isinstance(data, (int, str)) else ""
        if isinstance(data, bool) or (is_digits(digits) and not 0 < int(data) <= MAX_ID):
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)

    def get_queryset(self) -> models.QuerySet:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return self.model._default_manager.restrict(user, self.action)

