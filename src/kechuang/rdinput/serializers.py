"""The module's records in the API: fiscal reports and reserve funds are written (through the
services), innovation points and intensity figures read."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kechuang.core.api import ScopedPrimaryKeyRelatedField
from kechuang.orgs.models import Organisation
from kechuang.orgs.serializers import version_field
from kechuang.rdinput import selectors
from kechuang.rdinput.models import FiscalReport, IntensityFigure, PointsResult, RdReserveFund
from kechuang.regions.models import Region


class _CountyField(ScopedPrimaryKeyRelatedField):
    """The counties the user files for (``selectors.fileable_counties``): their own county."""

    def get_queryset(self):
        request = self.context.get("request")
        return selectors.fileable_counties(user=getattr(request, "user", None))


class _EnterpriseField(ScopedPrimaryKeyRelatedField):
    """The enterprises in the user's scope (``selectors.reserve_enterprises``)."""

    def get_queryset(self):
        request = self.context.get("request")
        return selectors.reserve_enterprises(user=getattr(request, "user", None))


class _FixedOnChange:
    """Fields that identify the record (county/enterprise and year) are set when it is filed
    and never move: a change that sends other values is a 400, not silently ignored."""

    fixed: tuple[str, ...] = ()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = getattr(self, "instance", None)
        if instance is not None:
            for name in self.fixed:
                if name in attrs and getattr(attrs[name], "pk", attrs[name]) != getattr(
                        instance, f"{name}_id" if name != "year" else name):
                    raise serializers.ValidationError({name: _("已登记的记录不能修改%(f)s") % {
                        "f": instance._meta.get_field(name).verbose_name}})
        elif self.fixed:
            missing = [n for n in self.fixed if n not in attrs]
            if missing:
                raise serializers.ValidationError({n: _("该字段是必填项。") for n in missing})
        return attrs


class FiscalReportSerializer(_FixedOnChange, serializers.ModelSerializer):
    """县区财政科技投入（万元）。县区填报时以 multipart 上传财政部门文件（files，必填）；
    未审核通过前可修改（可补充文件），被退回的报告修改后重新进入待审核。"""

    fixed = ("county", "year")

    county = _CountyField(model=Region, required=False, label=_("县区"),
                          help_text=_("填报时必填，之后不能修改；县区只能填报本县区"))
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                    label=_("年度"), help_text=_("填报时必填，之后不能修改"))
    county_name = serializers.CharField(source="county.name", read_only=True, label=_("县区"))
    status = serializers.CharField(read_only=True, label=_("状态"),
                                   help_text=_("submitted 待审核、approved 已通过、"
                                               "rejected 已退回"))
    status_display = serializers.CharField(source="get_status_display", read_only=True,
                                           label=_("状态名称"))
    files = serializers.ListField(child=serializers.FileField(), required=False,
                                  write_only=True, label=_("财政部门文件（佐证）"),
                                  help_text=_("预算或决算报告；填报时至少一个"))
    evidence_count = serializers.SerializerMethodField(label=_("已上传文件数"))
    version = version_field()

    class Meta:
        model = FiscalReport
        fields = ["id", "county", "county_name", "year", "budget_wan", "actual_wan", "document",
                  "note", "files", "evidence_count", "status", "status_display", "submitted_at",
                  "reviewed_at", "review_note", "version"]
        read_only_fields = ["id", "submitted_at", "reviewed_at", "review_note"]
        validators: list = []  # one report per county and year: the service says so in Chinese

    @extend_schema_field(serializers.IntegerField())
    def get_evidence_count(self, obj: FiscalReport) -> int:
        cached = getattr(obj, "evidence_count", None)
        return cached if isinstance(cached, int) else obj.evidence.count()


class FiscalReviewSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                   label=_("审核意见"), help_text=_("退回时必填"))


class RdReserveFundSerializer(_FixedOnChange, serializers.ModelSerializer):
    """企业研发准备金（元，字符串形式的十进制数）。企业登记本企业的，市局、县区登记辖区企业的；
    企业与年度登记后不能修改。"""

    fixed = ("enterprise", "year")

    enterprise = _EnterpriseField(model=Organisation, required=False, label=_("企业"),
                                  help_text=_("登记时必填，之后不能修改"))
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                    label=_("年度"), help_text=_("登记时必填，之后不能修改"))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True,
                                            label=_("企业"))
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True,
                                        label=_("统一社会信用代码"))
    version = version_field()

    class Meta:
        model = RdReserveFund
        fields = ["id", "enterprise", "enterprise_name", "credit_code", "year",
                  "provision_yuan", "used_yuan", "system_document", "approved_on", "note",
                  "version"]
        read_only_fields = ["id"]
        validators: list = []  # one fund per enterprise and year: the service's message


class PointsResultSerializer(serializers.ModelSerializer):
    """企业创新积分（平台测算，非官方积分）。"""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True,
                                            label=_("企业"))

    class Meta:
        model = PointsResult
        fields = ["id", "run", "enterprise", "enterprise_name", "stage", "stage_name", "total",
                  "rank", "cohort_size", "tier", "tier_name", "scores"]
        read_only_fields = fields


class IntensityFigureSerializer(serializers.ModelSerializer):
    """全市R&D投入强度：官方公布数（含来源）、全省平均和估算用数据。"""

    class Meta:
        model = IntensityFigure
        fields = ["id", "year", "official_pct", "official_source", "province_pct",
                  "province_source", "rd_expenditure_yuan", "gdp_yuan", "note"]
        read_only_fields = fields
