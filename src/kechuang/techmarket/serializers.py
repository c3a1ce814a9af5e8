"""Technology contracts in the API. Serializers parse; the services write (rules, scope, audit)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kechuang.policy.tech_contracts import COST_KINDS
from kechuang.techmarket import selectors
from kechuang.techmarket.models import ContractEvent, NonTechnicalCost, TechContract

MONEY = {"max_digits": 16, "decimal_places": 2, "min_value": 0}


class CostSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=list(COST_KINDS.items()), default="materials",
                                   label=_("类别"))
    amount_yuan = serializers.DecimalField(label=_("金额（元）"), **MONEY)
    # explicit bounds: the model field's range differs by database backend
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False,
                                        allow_null=True, label=_("数量"))

    class Meta:
        model = NonTechnicalCost
        fields = ["description", "kind", "amount_yuan", "reasonable_quantity", "quantity"]


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractEvent
        fields = ["kind", "effective_on", "year", "turnover_delta", "tech_transaction_delta",
                  "note", "recorded_at"]
        read_only_fields = fields


class PartyCodeField(serializers.CharField):
    """A party by 统一社会信用代码 (any organisation on record)."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        text = super().run_validation(data)
        request = self.context.get("request") if hasattr(self, "context") else None
        found = selectors.find_organisation(text, user=getattr(request, "user", None))
        if found is None:
            raise serializers.ValidationError(_("找不到该单位：请填写完整的统一社会信用代码"))
        return found


class TechContractSerializer(serializers.ModelSerializer):
    """技术合同。金额为字符串形式的十进制数（元）；当事方按统一社会信用代码填写。"""

    seller = PartyCodeField(max_length=18, write_only=True, label=_("卖方统一社会信用代码"))
    buyer = PartyCodeField(max_length=18, write_only=True, label=_("买方统一社会信用代码"))
    seller_name = serializers.CharField(source="seller.name", read_only=True,
                                        label=_("卖方"))
    buyer_name = serializers.CharField(source="buyer.name", read_only=True, label=_("买方"))
    seller_credit_code = serializers.CharField(source="seller.credit_code", read_only=True,
                                               label=_("卖方统一社会信用代码"))
    buyer_credit_code = serializers.CharField(source="buyer.credit_code", read_only=True,
                                              label=_("买方统一社会信用代码"))
    county = serializers.IntegerField(source="registrant.county_id", read_only=True,
                                      label=_("计入县区"))
    county_name = serializers.CharField(source="registrant.county.name", read_only=True,
                                        label=_("计入县区名称"))
    turnover_yuan = serializers.DecimalField(label=_("成交额（元）"), **MONEY)
    costs = CostSerializer(many=True, required=False, label=_("非技术性费用"))
    events = EventSerializer(many=True, read_only=True, label=_("登记记录"))

    class Meta:
        model = TechContract
        fields = ["id", "contract_type", "sub_type", "import_contract", "subject", "seller",
                  "buyer", "seller_name", "seller_credit_code", "buyer_name",
                  "buyer_credit_code", "county", "county_name", "turnover_yuan",
                  "non_technical_yuan", "tech_transaction_yuan", "needs_review", "disputed",
                  "signed_on", "effective_on", "applied_on", "corrected_on", "deadline_on",
                  "registered_on", "registration_no", "registration_office", "status",
                  "decision_note", "closed_on", "costs", "events"]
        read_only_fields = ["id", "non_technical_yuan", "tech_transaction_yuan",
                            "needs_review", "corrected_on", "deadline_on", "registered_on",
                            "registration_no", "status", "decision_note", "closed_on"]


class RegisterSerializer(serializers.Serializer):
    registration_no = serializers.CharField(max_length=40, label=_("登记编号"))
    registered_on = serializers.DateField(required=False, label=_("登记日期"),
                                          help_text=_("缺省为今天"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                 label=_("认定意见"))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, label=_("原因"))
    on = serializers.DateField(required=False, label=_("生效日期"), help_text=_("缺省为今天"))


class ChangeSerializer(ReasonSerializer):
    turnover_yuan = serializers.DecimalField(label=_("变更后成交额（元）"), **MONEY)
