"""GET /api/v1/kpi/dashboard/: every indicator, city-wide and per county, at an as-of date."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from kechuang.core.api import ScopedViewSetMixin
from kechuang.kpi import selectors
from kechuang.kpi.serializers import DashboardQuerySerializer, DashboardSerializer
from kechuang.plans import selectors as plan_selectors
from kechuang.plans.models import Plan


class DashboardViewSet(ScopedViewSetMixin, viewsets.ViewSet):
    """工作进展：计划全部指标的全市值与各县区值、状态、时序进度和预计全年值。

    计算值实时取自业务记录；上报类指标取审核通过的最新上报值。县区工作人员同样可见各县区
    汇总数（排名通报所需），明细记录仍只限本县区。
    """

    scoped_model = Plan

    def get_queryset(self):  # for schema generation and the deploy check; list() reads below
        return self.restricted()

    @extend_schema(parameters=[DashboardQuerySerializer], responses=DashboardSerializer)
    def list(self, request: Request) -> Response:
        query = DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        plans = plan_selectors.plans(user=request.user)
        year = query.validated_data.get("year")
        plan = (plans.filter(year=year) if year else plans).first()
        if plan is None:
            raise NotFound(_("没有该年度的工作要点"))
        as_of = selectors.default_as_of(plan, today=query.validated_data.get("as_of"))
        board = selectors.build_dashboard(plan=plan, as_of=as_of)
        return Response(DashboardSerializer(board, context={"as_of": as_of}).data)


def register(router: DefaultRouter) -> None:
    router.register("kpi/dashboard", DashboardViewSet, basename="api-kpi-dashboard")
