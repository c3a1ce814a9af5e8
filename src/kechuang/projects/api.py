"""REST endpoints of R&D projects (/api/v1/): calls, applications (one's own; an expert's
assigned ones), review assignments and reviews (one's own), projects. Thin: reads through the
selectors (the pages' scopes: 404 outside them), the score sheet through the service."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.routers import DefaultRouter

from kechuang.core.api import ScopedViewSetMixin
from kechuang.projects import selectors, services
from kechuang.projects.filters import (
    AcceptanceTaskFilter,
    ApplicationFilter,
    AssignmentFilter,
    CallFilter,
    ProjectFilter,
)
from kechuang.projects.models import (
    AcceptanceOpinion,
    AcceptanceTask,
    Application,
    Call,
    FundingSource,
    Project,
    Review,
    ReviewAssignment,
)
from kechuang.projects.serializers import (
    RdAcceptanceOpinionSerializer,
    RdAcceptanceTaskSerializer,
    RdApplicationSerializer,
    RdAssignmentSerializer,
    RdCallSerializer,
    RdProjectSerializer,
    RdReviewSerializer,
)


def _filters(view, filter_cls):
    if view.action != "list":
        return {}
    return filter_cls.api_filters(view.request.query_params.dict(), user=view.request.user)


@extend_schema_view(list=extend_schema(parameters=CallFilter.openapi_parameters()))
class CallViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    """申报指南：已发布的指南对企业、高校和县区可见。"""

    scoped_model = Call
    serializer_class = RdCallSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.call_list(user=self.request.user, filters=_filters(self, CallFilter))


@extend_schema_view(list=extend_schema(parameters=ApplicationFilter.openapi_parameters()))
class ApplicationViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    """项目申报：企业看到本单位的，县区看到本县区的，评审专家只看到分配给本人且未回避的。"""

    scoped_model = Application
    serializer_class = RdApplicationSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.application_list(user=self.request.user,
                                          filters=_filters(self, ApplicationFilter)
                                          ).prefetch_related("budget_lines")


@extend_schema_view(list=extend_schema(parameters=AssignmentFilter.openapi_parameters()))
class AssignmentViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """评审任务：专家本人的（替补不在其中），市局看到全部。"""

    scoped_model = ReviewAssignment
    serializer_class = RdAssignmentSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user,
                                         filters=_filters(self, AssignmentFilter))


class ReviewViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.CreateModelMixin, viewsets.GenericViewSet):
    """评审意见：专家提交和查看本人的（先接受任务）；市局查看全部；申报单位无权查看。"""

    scoped_model = Review
    serializer_class = RdReviewSerializer
    filter_backends: list = []

    def get_queryset(self):
        return Review.objects.restrict(self.request.user, "view").select_related(
            "assignment").order_by("-submitted_at", "-id")

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.submit_review(
            assignment=d["assignment"], actor=self.request.user, scores=d["scores"],
            opinion=d.get("opinion", ""))


@extend_schema_view(list=extend_schema(parameters=AcceptanceTaskFilter.openapi_parameters()))
class AcceptanceTaskViewSet(ScopedViewSetMixin, mixins.ListModelMixin,
                            mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """验收任务：专家本人的（替补和有利害关系的项目不在其中），市局看到全部。"""

    scoped_model = AcceptanceTask
    serializer_class = RdAcceptanceTaskSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.acceptance_task_list(user=self.request.user,
                                              filters=_filters(self, AcceptanceTaskFilter))


class AcceptanceOpinionViewSet(ScopedViewSetMixin, mixins.ListModelMixin,
                               mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                               viewsets.GenericViewSet):
    """专家验收意见：专家提交和查看本人的（先接受任务）；市局查看全部，据此作出验收结论。"""

    scoped_model = AcceptanceOpinion
    serializer_class = RdAcceptanceOpinionSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        # the tasks' reading rules (回避 computed again) hold for the opinions too
        return AcceptanceOpinion.objects.restrict(user, "view").filter(
            task__in=selectors.acceptance_task_list(user=user).values("pk")).select_related(
            "task").order_by("-submitted_at", "-id")

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.submit_acceptance_opinion(
            task=d["task"], actor=self.request.user,
            ratings={r["target"]: r["rating"] for r in d["ratings"]},
            recommendation=d["recommendation"], opinion=d.get("opinion", ""))


@extend_schema_view(list=extend_schema(parameters=ProjectFilter.openapi_parameters()))
class ProjectViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    """科技项目：承担单位看到本单位的，县区看到本县区的，市局看到全部。"""

    scoped_model = Project
    serializer_class = RdProjectSerializer
    filter_backends: list = []

    def get_queryset(self):
        funding = FundingSource.objects.restrict(self.request.user, "view").order_by("source")
        return selectors.project_list(user=self.request.user,
                                      filters=_filters(self, ProjectFilter)).prefetch_related(
            Prefetch("funding", funding))


def register(router: DefaultRouter) -> None:
    router.register("rd-calls", CallViewSet, basename="api-rd-call")
    router.register("rd-applications", ApplicationViewSet, basename="api-rd-application")
    router.register("rd-assignments", AssignmentViewSet, basename="api-rd-assignment")
    router.register("rd-reviews", ReviewViewSet, basename="api-rd-review")
    router.register("rd-acceptance-tasks", AcceptanceTaskViewSet,
                    basename="api-rd-acceptance-task")
    router.register("rd-acceptance-opinions", AcceptanceOpinionViewSet,
                    basename="api-rd-acceptance-opinion")
    router.register("rd-projects", ProjectViewSet, basename="api-rd-project")
