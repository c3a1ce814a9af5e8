"""REST endpoints for reported values: list, retrieve, submit, approve, reject.

Thin (style.md §2): reads through ``reported.selectors`` / ``restrict()``, writes through
``reported.services`` with ``actor=request.user`` (audited; transitions through the
workflow engine). Evidence files are uploaded on the web page; the API lists them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from kechuang.accounts.scoping import can
from kechuang.core.api import ScopedViewSetMixin
from kechuang.reported import selectors, services
from kechuang.reported.filters import ValueFilter
from kechuang.reported.models import ReportedValue
from kechuang.reported.serializers import (
    ReportedValueSerializer,
    ReviewSerializer,
)


@extend_schema_view(list=extend_schema(parameters=ValueFilter.openapi_parameters()))
class ReportedValueViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.CreateModelMixin, viewsets.GenericViewSet):
    """上报数值：县区、市局填报，市局审核（通过/退回，不能审核本人提交的数值）。"""

    scoped_model = ReportedValue
    serializer_class = ReportedValueSerializer
    filter_backends: list = []  # the selector filters, exactly as the list page

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            filters = ValueFilter.api_filters(self.request.query_params.dict(), user=user)
            qs = selectors.value_list(user=user, action="view", filters=filters)
        else:
            # approve/reject look the row up among those the user may *view*; the
            # transition re-reads it through restrict(user, "approve")
            qs = selectors.value_list(user=user, action="view")
        return qs.prefetch_related("evidence")

    def perform_create(self, serializer):
        serializer.instance = services.submit_value(actor=self.request.user,
                                                    data=dict(serializer.validated_data))

    def _review(self, request, name: str):
        if not can(request.user, "approve", ReportedValue):
            raise PermissionDenied
        value = self.get_object()
        params = ReviewSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        reason = params.validated_data.get("reason", "")
        if name == "approve":
            value = services.approve_value(value=value, actor=request.user, reason=reason)
        else:
            value = services.reject_value(value=value, actor=request.user, reason=reason)
        value = self.get_queryset().get(pk=value.pk)
        return Response(ReportedValueSerializer(value, context=self.get_serializer_context()).data)

    @extend_schema(request=ReviewSerializer, responses=ReportedValueSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """审核通过（市局；不能审核本人提交的数值）。"""
        return self._review(request, "approve")

    @extend_schema(request=ReviewSerializer, responses=ReportedValueSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """退回（市局；须填写原因 reason）。"""
        return self._review(request, "reject")


def register(router: DefaultRouter) -> None:
    router.register("reported-values", ReportedValueViewSet, basename="api-reported-value")
