"""GET/POST /api/v1/assessment/enterprises/{id}/: self-assessment and what-if (nothing saved).

Scoped like the page: the enterprise must be in ``Enterprise.objects.restrict(user,
"view")`` (else 404); roles without the right to view enterprises get 403. A what-if is a
read, so POST needs the "view" right too, not "add".
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from kechuang.accounts.scoping import can
from kechuang.assessment import selectors
from kechuang.assessment.inputs import parse_changes
from kechuang.assessment.serializers import (
    AssessmentQuerySerializer,
    AssessmentSerializer,
    WhatIfSerializer,
)
from kechuang.core.api import ScopedViewSetMixin, json_type_errors
from kechuang.core.schema import AutoSchema
from kechuang.orgs.models import Enterprise

ENTERPRISE_PARAM = OpenApiParameter("enterprise_pk", OpenApiTypes.INT, OpenApiParameter.PATH,
                                    description=gettext_lazy("企业编号"))


class OneObjectSchema(AutoSchema):
    """The GET answers one object, though the router names the action ``list``."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class CanViewEnterprises(BasePermission):
    message = gettext_lazy("您的角色无权查看企业自评")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and can(user, "view", Enterprise))


class EnterpriseAssessmentViewSet(ScopedViewSetMixin, viewsets.ViewSet):
    """企业自评：用最近（或指定）年度报表测评科技型中小企业、高新技术企业和研发费用加计扣除。

    GET 返回已存年报的测评结果；POST 提交要替换的年报数字，返回假设情形的测评结果，不保存任何
    数据。企业用户只能查看本企业，县区工作人员只能查看本县区企业。结果仅供参考，以主管部门认定为准。
    """

    scoped_model = Enterprise
    permission_classes = [CanViewEnterprises]
    filter_backends: list = []
    schema = OneObjectSchema()

    def get_queryset(self):
        return Enterprise.objects.restrict(self.request.user, "view")

    def _load(self, request: Request, enterprise_pk: Any) -> tuple[Enterprise, int, list[int]]:
        query = AssessmentQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        enterprise = self.get_queryset().filter(pk=enterprise_pk).first()
        if enterprise is None:
            raise exceptions.NotFound(_("企业不存在或不在您的管辖范围内"))
        years = selectors.report_years(user=request.user, enterprise=enterprise)
        year = query.validated_data.get("year") or (years[0] if years else None)
        if year is None or year not in years:
            raise exceptions.NotFound(_("该企业没有该年度的年度报表") if years
                                      else _("该企业还没有年度报表，无法自评"))
        return enterprise, year, years

    def _respond(self, request: Request, enterprise: Enterprise, year: int, years: list[int],
                 changes: dict[str, Any] | None = None) -> Response:
        result = selectors.self_assessment(user=request.user, enterprise=enterprise, year=year,
                                           as_of=timezone.localdate(), changes=changes)
        if result is None:  # pragma: no cover - year checked in _load
            raise exceptions.NotFound(_("该企业没有该年度的年度报表"))
        body = result.to_dict()
        body["years"] = years
        return Response(body)

    @extend_schema(parameters=[ENTERPRISE_PARAM, AssessmentQuerySerializer],
                   responses=AssessmentSerializer)
    def list(self, request: Request, enterprise_pk: Any = None) -> Response:
        enterprise, year, years = self._load(request, enterprise_pk)
        return self._respond(request, enterprise, year, years)

    @extend_schema(parameters=[ENTERPRISE_PARAM, AssessmentQuerySerializer],
                   request=WhatIfSerializer, responses={200: AssessmentSerializer})
    def create(self, request: Request, enterprise_pk: Any = None) -> Response:
        enterprise, year, years = self._load(request, enterprise_pk)
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError(
                {"non_field_errors": [_("请求体应为 JSON 对象：{字段名: 数值}")]})
        changes, errors = parse_changes(request.data)
        problems = {e.field: [e.message] for e in errors}
        # what the schema declares (JSON types, bounds, no null) on top of the rules' own checks
        body = WhatIfSerializer(data=request.data)
        if request.content_type.startswith("application/json"):
            for field, messages in json_type_errors(body, request.data).items():
                problems.setdefault(field, messages)
        if not body.is_valid():
            for field, messages in body.errors.items():
                problems.setdefault(field, messages)
        if problems:
            raise exceptions.ValidationError(problems)
        response = self._respond(request, enterprise, year, years, changes)
        refused = {o["error_field"]: [o["error"]]
                   for o in response.data["results"].values()
                   if o["error_field"] and o["error_field"] in changes}
        if refused:
            raise exceptions.ValidationError(refused)
        return response


def register(router: DefaultRouter) -> None:
    router.register(r"assessment/enterprises/(?P<enterprise_pk>[0-9]{1,18})",
                    EnterpriseAssessmentViewSet, basename="api-assessment-enterprise")
