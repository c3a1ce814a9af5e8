"""REST endpoints for regions (read-only reference data)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import viewsets
from rest_framework.routers import DefaultRouter

from kechuang.core.api import IdFilter, ScopedViewSetMixin
from kechuang.regions.models import Region
from kechuang.regions.serializers import RegionSerializer


class RegionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Region.Level.choices, label=_("层级"))
    kind = django_filters.ChoiceFilter(choices=Region.Kind.choices, label=_("类型"))
    parent = IdFilter(field_name="parent", label=_("上级区划编号"))

    class Meta:
        model = Region
        fields = ["level", "kind", "parent"]


class RegionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """行政区划（省、市、县区），所有登录用户可读。"""

    scoped_model = Region
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    ordering_fields = ["code", "sort_order", "name"]

    def get_queryset(self):
        return self.restricted()  # Meta.ordering: level, sort_order, code


def register(router: DefaultRouter) -> None:
    router.register("regions", RegionViewSet, basename="api-region")
