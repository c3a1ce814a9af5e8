"""REST endpoints (read-only) of the R&D-input lists; the same selectors as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.routers import DefaultRouter

from kechuang.core.api import ScopedViewSetMixin
from kechuang.rdinput import selectors
from kechuang.rdinput.filters import FiscalFilter, IntensityFilter, ReserveFilter, ResultFilter
from kechuang.rdinput.models import FiscalReport, IntensityFigure, PointsResult, RdReserveFund
from kechuang.rdinput.serializers import (
    FiscalReportSerializer,
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


@extend_schema_view(list=extend_schema(parameters=FiscalFilter.openapi_parameters()))
class FiscalReportViewSet(_ReadOnly):
    """县区财政科技投入：县区填报、市局审核；县区只见本县区。"""

    scoped_model = FiscalReport
    serializer_class = FiscalReportSerializer
    filter_cls = FiscalFilter
    selector = staticmethod(selectors.fiscal_list)


@extend_schema_view(list=extend_schema(parameters=ReserveFilter.openapi_parameters()))
class RdReserveFundViewSet(_ReadOnly):
    """企业研发准备金台账；企业只见本企业。"""

    scoped_model = RdReserveFund
    serializer_class = RdReserveFundSerializer
    filter_cls = ReserveFilter
    selector = staticmethod(selectors.reserve_list)


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
