"""REST endpoints of supervision: units, items (tasks and measures, with their derived status)
and a unit's progress update, 督办 notices and their answer. Thin: selectors read, services
write (rules, scope, audit)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from kechuang.accounts.scoping import can
from kechuang.core.api import ScopedViewSetMixin
from kechuang.core.parsers import SafeJSONParser
from kechuang.supervision import selectors, services
from kechuang.supervision.filters import ItemFilter, NoticeFilter, UnitFilter
from kechuang.supervision.models import (
    ProgressUpdate,
    ResponsibleUnit,
    SupervisedItem,
    SupervisionNotice,
)
from kechuang.supervision.serializers import (
    AnswerSerializer,
    ItemSerializer,
    NoticeSerializer,
    UnitSerializer,
    UpdateSerializer,
)


class _May(BasePermission):
    """The role has ``action`` on ``model`` (a POST that is not an "add" of the view's model)."""

    action = ""
    model: type = object

    def has_permission(self, request, view) -> bool:
        return can(request.user, self.action, self.model)


class MayFileUpdate(_May):
    action, model = "add", ProgressUpdate


class MayAnswer(_May):
    action, model = "change", SupervisionNotice


@extend_schema_view(list=extend_schema(parameters=UnitFilter.openapi_parameters()))
class UnitViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    """责任单位：市局科室、市直部门、县区科技局。"""

    scoped_model = ResponsibleUnit
    serializer_class = UnitSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        filters = (UnitFilter.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        return selectors.unit_list(user=user, filters=filters)


@extend_schema_view(list=extend_schema(parameters=ItemFilter.openapi_parameters()))
class ItemViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    """督查事项：重点任务与改革措施的责任单位、节点和派生状态；责任单位填报进展。"""

    scoped_model = SupervisedItem
    serializer_class = ItemSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        filters = (ItemFilter.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        return selectors.item_list(user=user, action="view", filters=filters
                                   ).prefetch_related("milestones")

    # Evidence (佐证材料) is files, so this body is also multipart; a progress note without
    # files may come as JSON (the project's SafeJSONParser: deep JSON is still a 400).
    @extend_schema(request={"application/json": UpdateSerializer,
                            "multipart/form-data": UpdateSerializer},
                   responses={201: UpdateSerializer})
    @action(detail=True, methods=["post"], permission_classes=[MayFileUpdate],
            parser_classes=[SafeJSONParser, MultiPartParser])
    def updates(self, request, pk=None):
        """填报进展（责任单位）：可上传佐证材料；申报办结须附佐证材料。"""
        item = self.get_object()
        params = UpdateSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        d = params.validated_data
        upd = services.file_update(actor=request.user, item=item, unit=d["unit"],
                                   text=d["text"], reported_on=d.get("reported_on"),
                                   milestone=d.get("milestone"),
                                   completes=d.get("completes", False),
                                   files=d.get("files") or [])
        return Response(UpdateSerializer(upd, context=self.get_serializer_context()).data,
                        status=201)


@extend_schema_view(list=extend_schema(parameters=NoticeFilter.openapi_parameters()))
class NoticeViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    viewsets.GenericViewSet):
    """督办通知：市局发出，责任单位在答复期限前答复。"""

    scoped_model = SupervisionNotice
    serializer_class = NoticeSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        filters = (NoticeFilter.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        action_ = "change" if self.action == "answer" else "view"
        return selectors.notice_list(user=user, action=action_, filters=filters)

    @extend_schema(request=AnswerSerializer, responses=NoticeSerializer)
    @action(detail=True, methods=["post"], permission_classes=[MayAnswer])
    def answer(self, request, pk=None):
        """答复督办（责任单位，一次）。"""
        notice = self.get_object()
        params = AnswerSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        notice = services.answer_notice(actor=request.user, notice=notice,
                                        answer=params.validated_data["answer"])
        return Response(NoticeSerializer(notice, context=self.get_serializer_context()).data)


def register(router: DefaultRouter) -> None:
    router.register("supervision-units", UnitViewSet, basename="api-supervision-unit")
    router.register("supervision-items", ItemViewSet, basename="api-supervision-item")
    router.register("supervision-notices", NoticeViewSet, basename="api-supervision-notice")
