"""Regions in the API: reference data every signed-in user reads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kechuang.regions.models import Region


class RegionSerializer(serializers.ModelSerializer):
    """行政区划（GB/T 2260）。"""

    level_display = serializers.CharField(source="get_level_display", read_only=True,
                                          label=_("层级名称"))
    kind_display = serializers.CharField(source="get_kind_display", read_only=True,
                                         label=_("类型名称"))

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "level_display", "kind", "kind_display",
                  "gb2260", "parent", "host", "sort_order"]
        read_only_fields = fields
