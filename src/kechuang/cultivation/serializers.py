"""Cultivation records and the candidate pool in the API (read-only; writes are on the pages)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kechuang.cultivation.models import (
    CandidateEntry,
    HighTechCertificate,
    LeaderDesignation,
    RecordFile,
    TechSmeRegistration,
)

RUNGS = list(CandidateEntry.Rung.values)
RUNG_HELP = "；".join(f"{v} {label}" for v, label in CandidateEntry.Rung.choices)


class RecordFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(label=_("下载地址"))

    class Meta:
        model = RecordFile
        fields = ["id", "original_name", "size", "content_type", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, obj: RecordFile) -> str:
        return reverse("cultivation:file_download", args=[obj.pk])


class _RecordSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True,
                                            label=_("企业名称"))
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True,
                                        label=_("统一社会信用代码"))
    county = serializers.IntegerField(source="enterprise.county_id", read_only=True,
                                      label=_("县区编号"))
    county_name = serializers.CharField(source="enterprise.county.name", read_only=True,
                                        label=_("县区"))
    files = RecordFileSerializer(many=True, read_only=True, label=_("证明材料"))

    COMMON = ["id", "enterprise", "enterprise_name", "credit_code", "county", "county_name"]


class TechSmeRegistrationSerializer(_RecordSerializer):
    """科技型中小企业入库登记。"""

    class Meta:
        model = TechSmeRegistration
        fields = [*_RecordSerializer.COMMON, "year", "registration_no", "registered_on",
                  "status", "revoked_on", "revoke_reason", "note", "files", "updated_at"]
        read_only_fields = fields


class HighTechCertificateSerializer(_RecordSerializer):
    """高新技术企业证书。state 为按今天计算的状态（valid 有效、expired 已过期、revoked 已取消）。"""

    state = serializers.ChoiceField(choices=["valid", "expired", "revoked"], read_only=True,
                                    label=_("当前状态"))

    class Meta:
        model = HighTechCertificate
        fields = [*_RecordSerializer.COMMON, "certificate_no", "issued_on", "expires_on",
                  "batch", "kind", "status", "state", "revoked_on", "revoke_reason", "note",
                  "files", "updated_at"]
        read_only_fields = fields


class LeaderDesignationSerializer(_RecordSerializer):
    """高科技领军企业认定。"""

    class Meta:
        model = LeaderDesignation
        fields = [*_RecordSerializer.COMMON, "year", "designated_on", "document_no", "note",
                  "files", "updated_at"]
        read_only_fields = fields


class CandidateEntrySerializer(serializers.ModelSerializer):
    """后备库企业（按县区排名见页面与导出）。"""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True,
                                            label=_("企业名称"))
    county = serializers.IntegerField(source="enterprise.county_id", read_only=True,
                                      label=_("县区编号"))
    county_name = serializers.CharField(source="enterprise.county.name", read_only=True,
                                        label=_("县区"))
    visit_count = serializers.IntegerField(read_only=True, label=_("辅导次数"))
    # values only: the labelled set equals Organisation.Tier's and would share its enum name
    target_rung = serializers.ChoiceField(choices=RUNGS, read_only=True, label=_("培育目标"),
                                          help_text=RUNG_HELP)

    class Meta:
        model = CandidateEntry
        fields = ["id", "enterprise", "enterprise_name", "county", "county_name",
                  "target_rung", "year", "status", "note", "added_at", "closed_at",
                  "close_reason", "visit_count"]
        read_only_fields = fields
