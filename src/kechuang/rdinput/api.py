"""REST endpoints of R&D input: the same selectors as the pages for reading, the same services
for writing — counties file fiscal S&T reports (multipart, with the finance bureau's document)
and correct them, the city approves or returns them; enterprises (and the bureau for the
enterprises in its scope) register R&D reserve funds. Innovation points and intensity: read."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.settings import api_settings

from kechuang.accounts.scoping import can
from kechuang.core.api import ScopedViewSetMixin
from kechuang.core.parsers import SafeJSONParser
from kechuang.rdinput import selectors, services
from kechuang.rdinput.filters import FiscalFilter, IntensityFilter, ReserveFilter, ResultFilter
from kechuang.rdinput.models import FiscalReport, IntensityFigure, PointsResult, RdReserveFund
from kechuang.rdinput.serializers import (
    FiscalReportSerializer,
    FiscalReviewSerializer,
    IntensityFigureSerializer,
    PointsResultSerializer,
    RdReserveFundSerializer,
)


class _ReadOnly(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                viewsets.GenericViewSet):
    filter_backends: list = []
    filter_cls = None
    selector = None

    def get_queryset(self):
        user = self.request.user
        filters = (self.filter_cls.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        return type(self).selector(user=user, action="view", filters=filters)


class MayReview(BasePermission):
    """The city's reviewer roles (``approve`` on fiscal reports); a county is answered 403."""

    def has_permission(self, request, view) -> bool:
        return can(request.user, "approve", FiscalReport)


def _data(validated: dict[str, Any], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in validated.items() if k not in ("files", *drop)}


# Evidence is files, so the fiscal report's bodies are also multipart; a correction without
# files may come as JSON (SafeJSONParser: deep JSON is still a 400).
_FISCAL_BODY = {"application/json": FiscalReportSerializer,
                "multipart/form-data": FiscalReportSerializer}


@extend_schema_view(list=extend_schema(parameters=FiscalFilter.openapi_parameters()),
                    create=extend_schema(request=_FISCAL_BODY,
                                         responses={201: FiscalReportSerializer}),
                    partial_update=extend_schema(request=_FISCAL_BODY))
class FiscalReportViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, _ReadOnly):
    """县区财政科技投入：县区填报（附财政部门文件）、未通过前可修改，市局审核通过或退回；县区只见本县区。"""

    scoped_model = FiscalReport
    serializer_class = FiscalReportSerializer
    filter_cls = FiscalFilter
    selector = staticmethod(selectors.fiscal_list)
    parser_classes = [SafeJSONParser, MultiPartParser]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action in ("approve", "reject"):
            qs = selectors.fiscal_list(user=self.request.user, action="approve")
        elif self.action == "partial_update":
            qs = selectors.fiscal_list(user=self.request.user, action="change")
        else:
            qs = super().get_queryset()
        return qs.annotate(evidence_count=Count("evidence"))  # not one query per row

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.submit_fiscal(actor=self.request.user,
                                                     data=_data(d, ("version",)),
                                                     files=d.get("files") or [])

    def perform_update(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.correct_fiscal(
            report=serializer.instance, actor=self.request.user,
            data=_data(d, ("county", "year")), files=d.get("files") or [])

    def _review(self, request, act) -> Response:
        report = self.get_object()
        params = FiscalReviewSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        report = act(report=report, actor=request.user,
                     reason=(params.validated_data.get("reason") or "").strip())
        return Response(FiscalReportSerializer(report, context=self.get_serializer_context()
                                               ).data)

    @extend_schema(request=FiscalReviewSerializer, responses=FiscalReportSerializer)
    @action(detail=True, methods=["post"], permission_classes=[MayReview],
            parser_classes=api_settings.DEFAULT_PARSER_CLASSES)
    def approve(self, request, pk=None):
        """审核通过（市局；须已上传财政部门文件，不能审核本人提交的报告）。"""
        return self._review(request, services.approve_fiscal)

    @extend_schema(request=FiscalReviewSerializer, responses=FiscalReportSerializer)
    @action(detail=True, methods=["post"], permission_classes=[MayReview],
            parser_classes=api_settings.DEFAULT_PARSER_CLASSES)
    def reject(self, request, pk=None):
        """退回（市局，须填写原因）；县区修改后重新进入待审核。"""
        return self._review(request, services.reject_fiscal)


@extend_schema_view(list=extend_schema(parameters=ReserveFilter.openapi_parameters()))
class RdReserveFundViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, _ReadOnly):
    """企业研发准备金台账：企业登记、修改本企业的，市局与县区登记辖区企业的；企业只见本企业。"""

    scoped_model = RdReserveFund
    serializer_class = RdReserveFundSerializer
    filter_cls = ReserveFilter
    selector = staticmethod(selectors.reserve_list)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "partial_update":
            return selectors.reserve_list(user=self.request.user, action="change")
        return super().get_queryset()

    def perform_create(self, serializer):
        serializer.instance = services.save_reserve(actor=self.request.user,
                                                    data=_data(serializer.validated_data,
                                                               ("version",)))

    def perform_update(self, serializer):
        serializer.instance = services.save_reserve(
            actor=self.request.user, fund=serializer.instance,
            data=_data(serializer.validated_data, ("enterprise", "year")))


@extend_schema_view(list=extend_schema(parameters=ResultFilter.openapi_parameters()))
class PointsResultViewSet(_ReadOnly):
    """企业创新积分（平台测算，非官方积分）；企业只见本企业已公布的积分。"""

    scoped_model = PointsResult
    serializer_class = PointsResultSerializer
    filter_cls = ResultFilter
    selector = staticmethod(selectors.result_list)


@extend_schema_view(list=extend_schema(parameters=IntensityFilter.openapi_parameters()))
class IntensityFigureViewSet(_ReadOnly):
    """全市R&D投入强度（官方公布数与来源、全省平均）。"""

    scoped_model = IntensityFigure
    serializer_class = IntensityFigureSerializer
    filter_cls = IntensityFilter
    selector = staticmethod(selectors.intensity_list)


def register(router: DefaultRouter) -> None:
    router.register("fiscal-st-reports", FiscalReportViewSet, basename="api-fiscal-st-report")
    router.register("rd-reserve-funds", RdReserveFundViewSet, basename="api-rd-reserve-fund")
    router.register("innovation-points", PointsResultViewSet, basename="api-innovation-points")
    router.register("rd-intensity", IntensityFigureViewSet, basename="api-rd-intensity")
