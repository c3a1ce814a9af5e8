"""REST endpoints of the cooperation module: projects (with milestones), talents and
achievements — list, retrieve and create. Thin: reads through the selectors, writes through
the services; a talent's personal fields come masked to readers, as on the page."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.routers import DefaultRouter

from kechuang.cooperation import selectors, services
from kechuang.cooperation.filters import AchievementFilter, ProjectFilter, TalentFilter
from kechuang.cooperation.models import Achievement, CooperationProject, Talent
from kechuang.cooperation.serializers import (
    AchievementSerializer,
    ProjectSerializer,
    TalentSerializer,
)
from kechuang.core.api import ScopedViewSetMixin


@extend_schema_view(list=extend_schema(parameters=ProjectFilter.openapi_parameters()))
class ProjectViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     mixins.CreateModelMixin, viewsets.GenericViewSet):
    """校地合作项目：合作高校/院所、本地合作单位、建设节点与进度（有逾期节点为滞后）。"""

    scoped_model = CooperationProject
    serializer_class = ProjectSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        filters = (ProjectFilter.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        return selectors.project_list(user=user, action=self.scope_action, filters=filters
                                      ).prefetch_related("milestones")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        partners = data.pop("local_partners", [])
        serializer.instance = selectors.project_list(user=self.request.user).get(
            pk=services.create_project(actor=self.request.user, data=data,
                                       local_partners=partners).pk)


@extend_schema_view(list=extend_schema(parameters=TalentFilter.openapi_parameters()))
class TalentViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.CreateModelMixin, viewsets.GenericViewSet):
    """人才团队：高端创新团队、科技领军人才、青年科技人才（含柔性引才）。只读角色看到的姓名、证件号码已隐去。"""

    scoped_model = Talent
    serializer_class = TalentSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        filters = (TalentFilter.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        return selectors.talent_list(user=user, action=self.scope_action, filters=filters)

    def perform_create(self, serializer):
        obj = services.create_talent(actor=self.request.user, data=serializer.validated_data)
        serializer.instance = selectors.talent_detail(user=self.request.user, pk=obj.pk)


@extend_schema_view(list=extend_schema(parameters=AchievementFilter.openapi_parameters()))
class AchievementViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, viewsets.GenericViewSet):
    """转化科技成果：来源、承接企业、转化方式、金额（元，十进制字符串）、技术合同登记编号。"""

    scoped_model = Achievement
    serializer_class = AchievementSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        filters = (AchievementFilter.api_filters(self.request.query_params.dict(), user=user)
                   if self.action == "list" else {})
        return selectors.achievement_list(user=user, action=self.scope_action, filters=filters)

    def perform_create(self, serializer):
        serializer.instance = services.create_achievement(actor=self.request.user,
                                                          data=serializer.validated_data)


def register(router: DefaultRouter) -> None:
    router.register("cooperation-projects", ProjectViewSet, basename="api-cooperation-project")
    router.register("talents", TalentViewSet, basename="api-talent")
    router.register("achievements", AchievementViewSet, basename="api-achievement")
