"""The dashboard as JSON: the same structure the page and the monthly report read."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from kechuang.kpi.sources import source_of


class DashboardQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                    help_text=_("工作要点年度，默认最新"))
    as_of = serializers.DateField(required=False,
                                  help_text=_("统计截止日，默认今天（限制在计划年度内）"))


class ProgressSerializer(serializers.Serializer):
    status = serializers.CharField(help_text=_(
        "achieved 已完成 / on_track 进度正常 / at_risk 存在风险 / behind 进度滞后 / "
        "no_target 无量化目标 / no_data 暂无数据"))
    status_label = serializers.CharField()
    value = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    goal = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    goal_kind = serializers.CharField(help_text=_("target 目标值 / reference 参照值 / "
                                                  "last_year 上年同期"))
    pct_of_goal = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    expected_pct = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    expected_basis = serializers.CharField(help_text=_("last_year_curve 上年逐月曲线 / "
                                                       "linear 时间进度"))
    forecast = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    explanation = serializers.CharField()


class CountyFigureSerializer(serializers.Serializer):
    county_id = serializers.IntegerField()
    county_name = serializers.CharField()
    value = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True,
                                     help_text=_("该县区的数值；null：没有数值（尚未上报，"
                                                 "或该指标仅有全市数据，见 city_only）"))
    share = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True,
                                     help_text=_("分解到该县区的目标"))
    progress = ProgressSerializer()


class IndicatorRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="indicator.pk")
    key = serializers.CharField()
    name = serializers.CharField(source="indicator.name")
    unit = serializers.CharField(source="indicator.unit")
    target = serializers.DecimalField(source="indicator.target", max_digits=20,
                                      decimal_places=4, allow_null=True)
    source_kind = serializers.CharField(help_text=_("metric 业务记录统计 / reported 上报审核 / "
                                                    "none 暂无数据来源"))
    source = serializers.SerializerMethodField(help_text=_(
        "来源标注：label 计数 / 上报 / 无来源；text 口径与统计截止日（与页面悬停说明、月报相同）"))
    progress = ProgressSerializer()
    city_only = serializers.BooleanField(help_text=_(
        "true：该指标仅有全市数据（如全市R&D投入强度），各县区 value 为 null、不分解目标、"
        "不计入县区排名"))
    counties = CountyFigureSerializer(many=True)

    @extend_schema_field({"type": "object", "properties": {
        "label": {"type": "string"}, "text": {"type": "string"}}, "required": ["label", "text"]})
    def get_source(self, row: Any) -> dict[str, str]:
        mark = source_of(row, self.context["as_of"])
        return {"label": str(mark.label), "text": str(mark.text)}


class ActionCardSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="action.number")
    name = serializers.CharField(source="action.name")
    indicators = IndicatorRowSerializer(many=True, source="rows")


class CountyRankSerializer(serializers.Serializer):
    county_id = serializers.IntegerField()
    county_name = serializers.CharField()
    score = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True,
                                     help_text=_("已分解指标的平均完成率（单项最高 100）"))
    allocated = serializers.IntegerField()
    behind = serializers.IntegerField()


# one object, although served by a viewset's list action (the schema said: an array)
@extend_schema_serializer(many=False)
class DashboardSerializer(serializers.Serializer):
    plan_id = serializers.IntegerField(source="plan.pk")
    year = serializers.IntegerField(source="plan.year")
    title = serializers.CharField(source="plan.title")
    as_of = serializers.DateField()
    actions = ActionCardSerializer(many=True, source="cards")
    ranking = CountyRankSerializer(many=True)
