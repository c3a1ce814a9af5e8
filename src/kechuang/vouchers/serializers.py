"""Vouchers in the API. Serializers parse; the services write (rules, scope, audit)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kechuang.vouchers.models import Claim, ClaimFile, Provider, Voucher


class VoucherSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True,
                                            label=_("企业"))
    year = serializers.IntegerField(source="policy.year", read_only=True, label=_("政策年度"))
    available_fen = serializers.IntegerField(read_only=True, allow_null=True,
                                             label=_("可用余额（分）"))

    class Meta:
        model = Voucher
        fields = ["id", "number", "enterprise", "enterprise_name", "year", "face_value_fen",
                  "available_fen", "valid_from", "valid_to", "status", "issued_on",
                  "lapsed_on"]
        read_only_fields = fields


class ClaimFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(label=_("下载地址"))

    class Meta:
        model = ClaimFile
        fields = ["id", "kind", "original_name", "size", "content_type", "uploaded_at",
                  "download_url"]
        read_only_fields = fields

    def get_download_url(self, obj: ClaimFile) -> str:
        return reverse("vouchers:claim_file_download", args=[obj.pk])


class ClaimSerializer(serializers.ModelSerializer):
    """兑付申请。新申请须以 multipart 上传付款凭证（payment_proof_files）和服务完成证明
    （completion_evidence_files），各至少一个文件；同一券、合同和发票的重复提交返回首次结果。"""

    payment_proof_files = serializers.ListField(
        child=serializers.FileField(), required=False, write_only=True, max_length=10,
        label=_("付款凭证"), help_text=_("转账回单等（PDF、图片、Word、Excel），新申请必传"))
    completion_evidence_files = serializers.ListField(
        child=serializers.FileField(), required=False, write_only=True, max_length=10,
        label=_("完成证明"), help_text=_("验收报告、检测报告等，新申请必传"))
    files = ClaimFileSerializer(many=True, read_only=True, label=_("兑付材料"))

    class Meta:
        model = Claim
        fields = ["id", "voucher", "contract", "invoice_no", "fee_fen", "service_completed_on",
                  "payment_proof", "completion_evidence", "payment_proof_files",
                  "completion_evidence_files", "files", "amount_fen", "policy_year",
                  "status", "explanation", "reasons", "decision_note", "paid_on",
                  "created_at"]
        read_only_fields = ["id", "voucher", "amount_fen", "policy_year", "status",
                            "explanation", "reasons", "decision_note", "paid_on", "created_at"]
        extra_kwargs = {"fee_fen": {"min_value": 0, "max_value": 10**13}}


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                   label=_("审核意见"),
                                   help_text=_("驳回、不予通过时必填"))


class ProviderSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True,
                                              label=_("服务机构"))

    class Meta:
        model = Provider
        fields = ["id", "organisation", "organisation_name", "services", "qualifications",
                  "status", "listed_from", "delisted_on", "version"]
        read_only_fields = ["id", "organisation", "organisation_name", "status", "listed_from",
                            "delisted_on", "version"]
