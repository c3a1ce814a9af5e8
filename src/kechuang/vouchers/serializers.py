"""Vouchers in the API. Serializers parse; the services write (rules, scope, audit)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kechuang.vouchers.models import Claim, Provider, Voucher


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


class ClaimSerializer(serializers.ModelSerializer):
    class Meta:
        model = Claim
        fields = ["id", "voucher", "contract", "invoice_no", "fee_fen", "service_completed_on",
                  "payment_proof", "completion_evidence", "amount_fen", "policy_year",
                  "status", "explanation", "reasons", "decision_note", "paid_on",
                  "created_at"]
        read_only_fields = ["id", "voucher", "amount_fen", "policy_year", "status",
                            "explanation", "reasons", "decision_note", "paid_on", "created_at"]
        extra_kwargs = {"fee_fen": {"min_value": 0, "max_value": 10**13}}


class ProviderSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True,
                                              label=_("服务机构"))

    class Meta:
        model = Provider
        fields = ["id", "organisation", "organisation_name", "services", "qualifications",
                  "status", "listed_from", "delisted_on", "version"]
        read_only_fields = ["id", "organisation", "organisation_name", "status", "listed_from",
                            "delisted_on", "version"]
