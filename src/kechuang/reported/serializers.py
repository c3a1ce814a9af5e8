"""Reported values in the API. Serializers parse; the services write (validate, scope, audit)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kechuang.core.api import ScopedPrimaryKeyRelatedField
from kechuang.plans.models import Indicator
from kechuang.regions.models import Region
from kechuang.reported.models import Evidence, ReportedValue


class EvidenceSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(label=_("下载地址"))

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "size", "content_type", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, obj: Evidence) -> str:
        return reverse("reported:evidence_download", args=[obj.pk])


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


class ReportedValueSerializer(serializers.ModelSerializer):
    """上报数值。数值为字符串形式的十进制数（四位小数）；county 为空表示全市数值。"""

    indicator = ScopedPrimaryKeyRelatedField(model=Indicator, label=_("指标"))
    indicator_key = serializers.CharField(source="indicator.key", read_only=True,
                                          label=_("指标代码"))
    indicator_name = serializers.CharField(source="indicator.name", read_only=True,
                                           label=_("指标名称"))
    county = ScopedPrimaryKeyRelatedField(model=Region, allow_null=True, required=False,
                                          label=_("县区"))
    county_name = serializers.SerializerMethodField(label=_("县区名称"))
    submitted_by_name = serializers.SerializerMethodField(label=_("填报人"))
    reviewed_by_name = serializers.SerializerMethodField(label=_("审核人"))
    evidence = EvidenceSerializer(many=True, read_only=True, label=_("佐证材料"))

    class Meta:
        model = ReportedValue
        fields = ["id", "indicator", "indicator_key", "indicator_name", "county", "county_name",
                  "period_end", "value", "note", "status", "submitted_by_name", "submitted_at",
                  "reviewed_by_name", "reviewed_at", "review_note", "evidence"]
        read_only_fields = ["id", "status", "submitted_at", "reviewed_at", "review_note"]

    def get_county_name(self, obj: ReportedValue) -> str:
        return obj.county.name if obj.county_id else str(_("全市"))

    def get_submitted_by_name(self, obj: ReportedValue) -> str:
        return _name(obj.submitted_by)

    def get_reviewed_by_name(self, obj: ReportedValue) -> str:
        return _name(obj.reviewed_by)


class ReviewSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                   label=_("审核意见"), help_text=_("退回时必填"))
