"""Supervision in the API. Serializers parse and show; the services write."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kechuang.supervision.models import (
    STATUS_CHOICES,
    Milestone,
    ProgressUpdate,
    ResponsibleUnit,
    SupervisedItem,
    SupervisionNotice,
)


class UnitSerializer(serializers.ModelSerializer):
    county_name = serializers.CharField(source="county.name", read_only=True, default=None,
                                        label=_("县区"))

    class Meta:
        model = ResponsibleUnit
        fields = ["id", "name", "kind", "county", "county_name", "sort_order"]
        read_only_fields = fields


class SupervisionMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_date"]
        read_only_fields = fields


class ItemSerializer(serializers.ModelSerializer):
    """督查事项（重点任务或改革措施）。status 为按今天计算的派生状态，不可写。"""

    title = serializers.CharField(read_only=True, label=_("事项"))
    status = serializers.ChoiceField(source="derived_status", choices=STATUS_CHOICES,
                                     read_only=True, label=_("状态"))
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True,
                                           label=_("牵头单位"))
    cooperating_units = serializers.PrimaryKeyRelatedField(many=True, read_only=True,
                                                           label=_("配合单位"))
    milestones = SupervisionMilestoneSerializer(many=True, read_only=True)
    action_number = serializers.SerializerMethodField(label=_("行动序号"))
    is_example = serializers.SerializerMethodField(label=_("示例数据"))

    class Meta:
        model = SupervisedItem
        fields = ["id", "kind", "task", "measure", "title", "action_number", "lead_unit",
                  "lead_unit_name", "cooperating_units", "due_date", "completed_on", "status",
                  "milestones", "is_example"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_action_number(self, obj: SupervisedItem) -> int | None:
        return obj.task.action.number if obj.task_id else None

    @extend_schema_field(serializers.BooleanField())
    def get_is_example(self, obj: SupervisedItem) -> bool:
        return bool(obj.measure_id and obj.measure.is_example)


class UpdateSerializer(serializers.ModelSerializer):
    """进展更新：责任单位填报；申报办结须以 multipart 上传佐证材料（files）。"""

    files = serializers.ListField(child=serializers.FileField(), required=False,
                                  write_only=True, label=_("佐证材料"))
    reported_on = serializers.DateField(required=False, label=_("进展日期"))

    class Meta:
        model = ProgressUpdate
        fields = ["id", "item", "unit", "reported_on", "text", "milestone", "completes",
                  "files", "author", "created_at"]
        read_only_fields = ["id", "item", "author", "created_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        self.fields["unit"].queryset = ResponsibleUnit.objects.restrict(user, "view")
        self.fields["milestone"].queryset = Milestone.objects.restrict(user, "view")


class NoticeSerializer(serializers.ModelSerializer):
    answer_state = serializers.SerializerMethodField(label=_("答复状态"))

    class Meta:
        model = SupervisionNotice
        fields = ["id", "item", "unit", "text", "issued_on", "answer_due", "answer",
                  "answered_on", "answer_state"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["open", "answered", "overdue"]))
    def get_answer_state(self, obj: SupervisionNotice) -> str:
        return obj.state()


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=4000, label=_("答复内容"))
