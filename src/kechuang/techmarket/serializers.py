"""Technology contracts in the API. Serializers parse; the services write (rules, scope, audit)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from kechuang.orgs.models import Organisation
from kechuang.policy.tech_contracts import COST_KINDS
from kechuang.techmarket import selectors
from kechuang.techmarket.industries import above_scale_threshold
from kechuang.techmarket.models import ContractEvent, CountyGdp, NonTechnicalCost, TechContract

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


class GdpSerializer(serializers.ModelSerializer):
    """地区生产总值（统计部门公布数）。县区留空为全市；同一地区同一年度再次提交即更正。"""

    county_name = serializers.SerializerMethodField(label=_("地区"))
    gdp_yi = serializers.DecimalField(label=_("地区生产总值（亿元）"), max_digits=12,
                                      decimal_places=2, min_value=Decimal("0.01"))
    year = serializers.IntegerField(label=_("年度"), min_value=2000, max_value=2100)

    class Meta:
        model = CountyGdp
        fields = ["id", "county", "county_name", "year", "gdp_yi", "source", "entered_at"]
        read_only_fields = ["id", "county_name", "entered_at"]

    def get_county_name(self, obj: CountyGdp) -> str:
        return obj.county.name if obj.county_id else str(_("全市"))


class CandidateSerializer(serializers.ModelSerializer):
    """升规入统培育企业：尚未规上的科技服务业企业及其距规上标准的差额。"""

    county_name = serializers.CharField(source="county.name", read_only=True,
                                        label=_("县区"))
    revenue_yuan = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True,
                                            allow_null=True, label=_("最近年报营业收入（元）"))
    revenue_year = serializers.IntegerField(read_only=True, allow_null=True,
                                            label=_("年报年度"))
    threshold_yuan = serializers.SerializerMethodField(label=_("规上标准（元）"))
    gap_yuan = serializers.SerializerMethodField(label=_("距规上差额（元）"))

    class Meta:
        model = Organisation
        fields = ["id", "name", "credit_code", "county", "county_name", "industry_code",
                  "revenue_yuan", "revenue_year", "threshold_yuan", "gap_yuan"]
        read_only_fields = fields

    def get_threshold_yuan(self, obj: Organisation) -> Decimal:
        return above_scale_threshold(obj.industry_code)

    def get_gap_yuan(self, obj: Organisation) -> Decimal | None:
        if obj.revenue_yuan is None:
            return None
        return max(above_scale_threshold(obj.industry_code) - obj.revenue_yuan, Decimal(0))


class TechCountyFigureSerializer(serializers.Serializer):
    county_id = serializers.IntegerField()
    name = serializers.CharField()
    turnover = serializers.DecimalField(max_digits=16, decimal_places=4,
                                        label=_("成交额（亿元，卖方县区）"))
    tech = serializers.DecimalField(max_digits=16, decimal_places=4, label=_("技术交易额（亿元）"))
    bought = serializers.DecimalField(max_digits=16, decimal_places=4,
                                      label=_("吸纳（买方县区，亿元）"))
    target = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True,
                                      label=_("分解目标（亿元）"))
    gdp = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    gdp_year = serializers.IntegerField(allow_null=True)
    share = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True,
                                     label=_("占GDP比重（%）"))


class TechTypeFigureSerializer(serializers.Serializer):
    type = serializers.CharField()
    label = serializers.CharField()
    contracts = serializers.IntegerField()
    turnover = serializers.DecimalField(max_digits=16, decimal_places=4)
    tech = serializers.DecimalField(max_digits=16, decimal_places=4)


class TechMonthFigureSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    added = serializers.DecimalField(max_digits=16, decimal_places=4)
    cumulative = serializers.DecimalField(max_digits=16, decimal_places=4)


class StatisticsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text=_(
        "年度（默认截至日期所在年度，否则今年；今年尚无登记时为最近有登记的年度）"))
    as_of = serializers.DateField(required=False,
                                  help_text=_("截至日期（默认今天或年末；限制在所选年度内）"))


# one object, although served by a viewset's list action (the schema said: an array)
@extend_schema_serializer(many=False)
class TechMarketStatisticsSerializer(serializers.Serializer):
    """技术市场统计（亿元），截至日期：按县区、类型、月份，及全市合计。"""

    year = serializers.IntegerField()
    as_of = serializers.DateField()
    city = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)
    city_tech = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)
    city_share = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    target = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)
    counties = TechCountyFigureSerializer(many=True)
    by_type = TechTypeFigureSerializer(many=True)
    monthly = TechMonthFigureSerializer(many=True)
