"""REST endpoints: platforms (with their recognitions), occupants and evaluations (read), and
the bureau's grading. Thin: reads through the selectors, writes through the services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from kechuang.accounts.scoping import can
from kechuang.carriers import selectors, services
from kechuang.carriers.filters import EvaluationFilter, OccupantFilter, PlatformFilter
from kechuang.carriers.models import Evaluation, Occupant, Platform
from kechuang.carriers.serializers import (
    EvaluationSerializer,
    GradeSerializer,
    OccupantSerializer,
    PlatformSerializer,
)
from kechuang.core.api import ScopedViewSetMixin


@extend_schema_view(list=extend_schema(parameters=PlatformFilter.openapi_parameters()))
class PlatformViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """创新平台台账：市科技局登记和维护，县区读本县区、依托单位读本单位的平台。"""

    scoped_model = Platform
    serializer_class = PlatformSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        filters = (PlatformFilter.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        return selectors.platform_list(user=user, filters=filters).prefetch_related(
            "recognitions")


@extend_schema_view(list=extend_schema(parameters=OccupantFilter.openapi_parameters()))
class OccupantViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """晋创谷载体的入驻主体。"""

    scoped_model = Occupant
    serializer_class = OccupantSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        filters = (OccupantFilter.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        return selectors.occupant_list(user=user, filters=filters)


@extend_schema_view(list=extend_schema(parameters=EvaluationFilter.openapi_parameters()))
class EvaluationViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """平台年度绩效评价：依托单位填报（页面），市科技局评定。"""

    scoped_model = Evaluation
    serializer_class = EvaluationSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        filters = (EvaluationFilter.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        return selectors.evaluation_list(user=user, filters=filters)

    @extend_schema(request=GradeSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def grade(self, request, pk=None):
        """评定（市科技局）：已提交的评价评定为优秀、良好、合格或不合格。"""
        if not can(request.user, "approve", Evaluation):
            raise PermissionDenied
        evaluation = self.get_object()
        params = GradeSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        d = params.validated_data
        services.grade_evaluation(evaluation=evaluation, actor=request.user, grade=d["grade"],
                                  score=d.get("score"), comment=d.get("comment", ""))
        return Response(EvaluationSerializer(self.get_queryset().get(pk=evaluation.pk)).data)


def register(router: DefaultRouter) -> None:
    router.register("platforms", PlatformViewSet, basename="api-platform")
    router.register("platform-occupants", OccupantViewSet, basename="api-platform-occupant")
    router.register("platform-evaluations", EvaluationViewSet,
                    basename="api-platform-evaluation")
