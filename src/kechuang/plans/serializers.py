"""The work plan in the API (read-only): plans with actions, tasks and indicators; shares."""

from __future__ import annotations

from rest_framework import serializers

from kechuang.plans.models import Action, CountyAllocation, Indicator, Plan, PlanTask


class PlanTaskSerializer(serializers.ModelSerializer):
    """重点任务。"""

    class Meta:
        model = PlanTask
        fields = ["id", "sort_order", "text", "responsible_unit", "due_date", "status"]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    """指标：目标值、比较方式、参照及参照值、计算口径。"""

    class Meta:
        model = Indicator
        fields = ["id", "key", "name", "unit", "target", "comparison", "reference",
                  "reference_value", "reference_value_note", "direction", "scope", "source",
                  "metric", "note", "sort_order"]
        read_only_fields = fields


class ActionSerializer(serializers.ModelSerializer):
    """行动及其重点任务、指标。"""

    tasks = PlanTaskSerializer(many=True, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Action
        fields = ["id", "number", "name", "tasks", "indicators"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    """年度工作要点。"""

    region_name = serializers.CharField(source="region.name", read_only=True)
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "region", "region_name", "year", "title", "aim", "source",
                  "on_track_ratio", "at_risk_ratio", "zone_attribution", "actions",
                  "created_at", "updated_at"]
        read_only_fields = fields


class CountyAllocationSerializer(serializers.ModelSerializer):
    """县区任务分解：一个指标分到一个县区的目标。"""

    county_name = serializers.CharField(source="county.name", read_only=True)
    indicator_key = serializers.CharField(source="indicator.key", read_only=True)

    class Meta:
        model = CountyAllocation
        fields = ["id", "indicator", "indicator_key", "county", "county_name", "target",
                  "note", "updated_at"]
        read_only_fields = fields
