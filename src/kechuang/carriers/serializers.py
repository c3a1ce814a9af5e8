"""Platforms, occupants and evaluations in the API. Serializers parse; the services write."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kechuang.carriers.models import Evaluation, Occupant, Platform, Recognition

LEVEL_HELP = _("national 国家级、provincial 省级、city 市级；空为未认定")


class RecognitionSerializer(serializers.ModelSerializer):
    level = serializers.CharField(read_only=True, label=_("级别"), help_text=LEVEL_HELP)
    class Meta:
        model = Recognition
        fields = ["level", "recognised_on", "issuer", "document_no", "document_title"]
        read_only_fields = fields


class PlatformSerializer(serializers.ModelSerializer):
    """创新平台。级别为当前（最高）认定级别；认定记录保留晋级历史。"""

    kind_name = serializers.CharField(source="kind.name", read_only=True, label=_("类别"))
    lead_host_name = serializers.CharField(source="lead_host.name", read_only=True,
                                           label=_("依托单位"))
    lead_host_credit_code = serializers.CharField(source="lead_host.credit_code",
                                                  read_only=True,
                                                  label=_("依托单位统一社会信用代码"))
    county_name = serializers.CharField(source="county.name", read_only=True,
                                        label=_("所在县区名称"))
    recognitions = RecognitionSerializer(many=True, read_only=True, label=_("认定记录"))
    level = serializers.CharField(read_only=True, label=_("当前级别"), help_text=LEVEL_HELP)

    class Meta:
        model = Platform
        fields = ["id", "name", "kind", "kind_name", "lead_host", "lead_host_name",
                  "lead_host_credit_code", "county", "county_name", "field", "established_on",
                  "status", "ended_on", "level", "jinchuanggu", "area_sqm", "capacity",
                  "recognitions"]
        read_only_fields = fields


class OccupantSerializer(serializers.ModelSerializer):
    """晋创谷载体的入驻主体（初创型企业、创新型团队）。"""

    carrier_name = serializers.CharField(source="carrier.name", read_only=True,
                                         label=_("载体"))

    class Meta:
        model = Occupant
        fields = ["id", "carrier", "carrier_name", "name", "kind", "field", "origin",
                  "settled_on", "graduated_on", "left_on"]
        read_only_fields = fields


class EvaluationSerializer(serializers.ModelSerializer):
    """平台年度绩效评价：依托单位填报的数据与市科技局的评定。"""

    platform_name = serializers.CharField(source="platform.name", read_only=True,
                                          label=_("平台名称"))
    year = serializers.IntegerField(source="campaign.year", read_only=True, label=_("评价年度"))

    class Meta:
        model = Evaluation
        fields = ["id", "campaign", "year", "platform", "platform_name", "status", "rd_staff",
                  "rd_spend_yuan", "projects", "patents", "achievements", "services",
                  "summary", "submitted_at", "grade", "score", "comment", "graded_at"]
        read_only_fields = fields


class GradeSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Evaluation.Grade.choices[1:], label=_("评价等级"))
    score = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0, max_value=100,
                                     required=False, allow_null=True, label=_("得分"))
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                    label=_("评价意见"))
