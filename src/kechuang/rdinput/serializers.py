"""The module's records in the API (read-only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kechuang.rdinput.models import FiscalReport, IntensityFigure, PointsResult, RdReserveFund


class FiscalReportSerializer(serializers.ModelSerializer):
    """县区财政科技投入（万元）。"""

    county_name = serializers.CharField(source="county.name", read_only=True, label=_("县区"))
    status = serializers.CharField(read_only=True, label=_("状态"),
                                   help_text=_("submitted 待审核、approved 已通过、"
                                               "rejected 已退回"))
    status_display = serializers.CharField(source="get_status_display", read_only=True,
                                           label=_("状态名称"))

    class Meta:
        model = FiscalReport
        fields = ["id", "county", "county_name", "year", "budget_wan", "actual_wan", "document",
                  "note", "status", "status_display", "submitted_at", "reviewed_at", "review_note"]
        read_only_fields = fields


class RdReserveFundSerializer(serializers.ModelSerializer):
    """企业研发准备金（元）。"""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True,
                                            label=_("企业"))
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True,
                                        label=_("统一社会信用代码"))

    class Meta:
        model = RdReserveFund
        fields = ["id", "enterprise", "enterprise_name", "credit_code", "year",
                  "provision_yuan", "used_yuan", "system_document", "approved_on", "note"]
        read_only_fields = fields


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
