"""REST endpoints of the work plan (read-only): plans with their actions, and county shares.

Reads go through ``restrict()``; edits are made on the plan pages (audited services).
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import viewsets
from rest_framework.routers import DefaultRouter

from kechuang.core.api import IdFilter, ScopedViewSetMixin, YearFilter
from kechuang.plans import selectors
from kechuang.plans.models import CountyAllocation, Plan
from kechuang.plans.serializers import CountyAllocationSerializer, PlanSerializer


class PlanFilter(django_filters.FilterSet):
    year = YearFilter(field_name="year", label=_("年度"))

    class Meta:
        model = Plan
        fields = ["year"]


class PlanViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """年度工作要点，含行动、重点任务和指标。县区工作人员可读本市工作要点。"""

    scoped_model = Plan
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    ordering_fields = ["year"]

    def get_queryset(self):
        return (self.restricted().select_related("region")
                .prefetch_related(selectors.plan_children(user=self.request.user))
                .order_by("-year", "id"))


class AllocationFilter(django_filters.FilterSet):
    indicator = IdFilter(field_name="indicator", label=_("指标编号"))
    county = IdFilter(field_name="county", label=_("县区编号"))
    plan = IdFilter(field_name="indicator__action__plan", label=_("工作要点编号"))

    class Meta:
        model = CountyAllocation
        fields = ["indicator", "county", "plan"]


class CountyAllocationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """县区任务分解。县区工作人员只能看到本县区的分解目标。"""

    scoped_model = CountyAllocation
    serializer_class = CountyAllocationSerializer
    filterset_class = AllocationFilter
    ordering_fields = ["target", "county"]

    def get_queryset(self):
        return (self.restricted().select_related("county", "indicator")
                .order_by("indicator_id", "county__sort_order", "county__code"))


def register(router: DefaultRouter) -> None:
    router.register("plans", PlanViewSet, basename="api-plan")
    router.register("plan-allocations", CountyAllocationViewSet, basename="api-plan-allocation")
