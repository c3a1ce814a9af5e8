"""Organisations, enterprises, industrial chains and annual reports in the API.

Serializers only parse and check the shape of input; the services write (full_clean,
scope re-check, audit). Foreign keys offer only the rows the user may see, so an id
outside the user's scope reads exactly like an unknown one.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kechuang.accounts.access import is_enterprise_user
from kechuang.accounts.scoping import can
from kechuang.core.api import ScopedPrimaryKeyRelatedField
from kechuang.orgs import selectors
from kechuang.orgs.industry import DIVISIONS
from kechuang.orgs.models import (
    ChainMembership,
    Enterprise,
    EnterpriseAnnualReport,
    IndustrialChain,
    Organisation,
)

# ENTERPRISE_LOCKED_FIELDS: what an enterprise user may not change on its own profile (the
# service drops them silently; the API says so instead).
from kechuang.orgs.services import ENTERPRISE_LOCKED_FIELDS
from kechuang.policy import credit_code as cc
from kechuang.regions.models import Region

INT_MAX = 2_147_483_647  # PostgreSQL integer


def _user(serializer: serializers.Field) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def _role(membership: dict[str, Any]) -> str:
    # a PATCH (partial) does not fill nested defaults in
    return membership.get("role", ChainMembership.Role.MEMBER)


class CountyField(ScopedPrimaryKeyRelatedField):
    """A county-level region the user's enterprise rows may lie in (county staff: their own).

    The service's scope re-check refuses anything else; these choices say so up front.
    """

    default_error_messages = {
        "does_not_exist": _("编号为 {pk_value} 的县区不存在，或不在您的管辖范围内"
                            "（县区工作人员只能选择本县区）"),
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(model=Region, **kwargs)

    def get_queryset(self):
        instance = getattr(self.parent, "instance", None)
        return selectors.counties_in_scope(user=_user(self),
                                           action="add" if instance is None else "change")


class CreditCodeField(serializers.CharField):
    """统一社会信用代码: spaces and lower case are accepted and normalised, then checked."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("统一社会信用代码"))
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("18位，GB 32100-2015；可含空格、小写，保存时规范化"))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return cc.validate(value)
        except cc.CreditCodeError as exc:
            raise serializers.ValidationError(exc.message, code="credit_code") from exc


def version_field() -> serializers.IntegerField:
    """Optimistic locking: the version read with the row, sent back with a change."""
    return serializers.IntegerField(
        required=False, min_value=1, max_value=INT_MAX, label=_("版本"),
        help_text=_("记录的版本号，每次修改加 1。修改时带上读取时的 version：若记录已被他人修改，"
                    "返回 409（code 为 conflict），不保存；不带则不检查"))


class IndustrialChainSerializer(serializers.ModelSerializer):
    """重点产业链。"""

    class Meta:
        model = IndustrialChain
        fields = ["id", "code", "name", "sort_order"]
        read_only_fields = fields


class ChainMembershipSerializer(serializers.Serializer):
    """企业在一条产业链上的角色。"""

    chain = ScopedPrimaryKeyRelatedField(model=IndustrialChain, label=_("产业链"))
    chain_name = serializers.CharField(source="chain.name", read_only=True, label=_("产业链名称"))
    role = serializers.ChoiceField(choices=ChainMembership.Role.choices,
                                   default=ChainMembership.Role.MEMBER, label=_("链上角色"))


class OrganisationSerializer(serializers.ModelSerializer):
    """机构（企业、高校、科研院所、服务机构）。产业链成员关系在此只读，请在 /enterprises/ 修改。"""

    credit_code = CreditCodeField()
    county = CountyField(label=_("所在县区"))
    county_name = serializers.CharField(source="county.name", read_only=True,
                                        label=_("县区名称"))
    industry_name = serializers.SerializerMethodField(label=_("行业名称"))
    chains = ChainMembershipSerializer(source="chain_memberships", many=True, read_only=True,
                                       label=_("重点产业链"))
    version = version_field()

    class Meta:
        model = Organisation
        fields = ["id", "kind", "name", "credit_code", "county", "county_name", "address",
                  "industry_code", "industry_name", "established_on", "above_scale", "tier",
                  "contact_name", "contact_phone", "chains", "created_at", "updated_at",
                  "version"]
        # the tier follows the cultivation records (cultivation.services.refresh_tier)
        read_only_fields = ["id", "tier", "created_at", "updated_at"]
        validators: list = []  # uniqueness is the model's (full_clean in the service)

    def get_industry_name(self, obj: Organisation) -> str:
        return DIVISIONS.get(obj.industry_code, "")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = self.instance
        errors: dict[str, str] = {}
        if instance is not None and "kind" in attrs and attrs["kind"] != instance.kind:
            errors["kind"] = _("机构类型创建后不能修改")
        user = _user(self)
        if (instance is not None and instance.kind == Organisation.Kind.ENTERPRISE
                and is_enterprise_user(user)):
            for name in ENTERPRISE_LOCKED_FIELDS:
                if name in attrs and attrs[name] != getattr(instance, name):
                    label = self.fields[name].label
                    errors[name] = _(
                        "企业用户不能修改“%(field)s”，如需变更请联系所在县区科技部门"
                    ) % {"field": label}
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def service_data(self) -> dict[str, Any]:
        """validated_data in the shape orgs.services expects."""
        data = dict(self.validated_data)
        if "chain_memberships" in data:
            data["chain_memberships"] = [(m["chain"], _role(m))
                                         for m in data["chain_memberships"]]
        return data


class EnterpriseSerializer(OrganisationSerializer):
    """企业及其重点产业链成员关系（发送 chains 时整体替换）。"""

    kind = serializers.CharField(read_only=True, label=_("类型"))
    chains = ChainMembershipSerializer(source="chain_memberships", many=True, required=False,
                                       label=_("重点产业链"),
                                       help_text=_("发送时整体替换该企业的产业链成员关系"))

    class Meta(OrganisationSerializer.Meta):
        model = Enterprise

    def validate_chains(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen: set[int] = set()
        for item in value:
            if item["chain"].pk in seen:
                raise serializers.ValidationError(
                    _("产业链“%(name)s”重复出现") % {"name": item["chain"].name})
            seen.add(item["chain"].pk)
        user = _user(self)
        if not can(user, "change", ChainMembership):
            current = set()
            if self.instance is not None:
                current = {(m.chain_id, m.role) for m in self.instance.chain_memberships.all()}
            if {(m["chain"].pk, _role(m)) for m in value} != current:
                raise serializers.ValidationError(_("您的角色不能修改产业链成员关系"))
        return value


class AnnualReportSerializer(serializers.ModelSerializer):
    """企业年度报表。金额为字符串形式的十进制数（元，两位小数），不使用浮点数。"""

    enterprise = ScopedPrimaryKeyRelatedField(model=Enterprise, label=_("企业"))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True,
                                            label=_("企业名称"))
    rd_categories_total_yuan = serializers.DecimalField(
        max_digits=17, decimal_places=2, read_only=True, label=_("研发费用分项合计（元）"))
    version = version_field()

    class Meta:
        model = EnterpriseAnnualReport
        fields = ["id", "enterprise", "enterprise_name", "year", "employees", "st_staff",
                  "revenue_yuan", "total_income_yuan", "high_tech_revenue_yuan",
                  "total_costs_yuan", "total_assets_yuan", "net_assets_yuan",
                  "rd_expense_yuan", "rd_domestic_yuan", "rd_personnel_yuan",
                  "rd_direct_input_yuan", "rd_depreciation_yuan", "rd_amortization_yuan",
                  "rd_design_yuan", "rd_other_yuan", "rd_entrusted_domestic_yuan",
                  "rd_entrusted_overseas_yuan", "rd_reserve_fund_yuan", "rd_categories_total_yuan",
                  "ip_class_1_count", "ip_class_2_count", "achievements_converted",
                  "has_rd_activity", "created_at", "updated_at", "version"]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators: list = []  # (enterprise, year) uniqueness: full_clean in the service
        # explicit bounds: the model's come from the database backend (SQLite 2**63, PG 2**31),
        # which would make the committed schema depend on where it was generated
        extra_kwargs = {
            "year": {"max_value": 2100},
            **{name: {"max_value": INT_MAX} for name in (
                "employees", "st_staff", "ip_class_1_count", "ip_class_2_count",
                "achievements_converted")},
        }

    def validate_enterprise(self, value: Organisation) -> Organisation:
        if self.instance is not None and value.pk != self.instance.enterprise_id:
            raise serializers.ValidationError(_("年度报表所属企业不能修改"))
        return value
