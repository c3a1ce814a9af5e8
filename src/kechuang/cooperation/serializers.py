"""Cooperation records in the API. Serializers parse; the services write (rules, scope, audit)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kechuang.cooperation import selectors
from kechuang.cooperation.models import Achievement, CooperationProject, Milestone, Talent
from kechuang.core.api import ScopedPrimaryKeyRelatedField
from kechuang.orgs.models import Organisation
from kechuang.regions.selectors import counties

MONEY = {"max_digits": 16, "decimal_places": 2, "min_value": 0}


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "done_on", "note"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    """校地合作项目。本地合作单位按机构编号填写；on_schedule 为今天没有逾期节点。"""

    partner = serializers.PrimaryKeyRelatedField(
        queryset=selectors.partner_choices(), required=False, allow_null=True,
        label=_("合作高校/院所（机构编号）"))
    partner_name = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                         label=_("合作高校/院所名称"))
    local_partners = ScopedPrimaryKeyRelatedField(model=Organisation, many=True,
                                                  label=_("本地合作单位（机构编号）"))
    county = serializers.PrimaryKeyRelatedField(queryset=counties(), label=_("所在县区"))
    county_name = serializers.CharField(source="county.name", read_only=True,
                                        label=_("所在县区名称"))
    on_schedule = serializers.SerializerMethodField(label=_("按计划推进"))
    overdue_milestones = serializers.IntegerField(source="overdue_n", read_only=True,
                                                  label=_("逾期节点数"))
    milestones = MilestoneSerializer(many=True, read_only=True, label=_("建设节点"))

    class Meta:
        model = CooperationProject
        fields = ["id", "name", "kind", "partner", "partner_name", "local_partners", "county",
                  "county_name", "agreement_on", "provincial", "status", "ended_on", "summary",
                  "on_schedule", "overdue_milestones", "milestones"]
        read_only_fields = ["id"]

    def get_on_schedule(self, obj: CooperationProject) -> bool:
        return obj.status != CooperationProject.Status.ENDED and not getattr(obj, "overdue_n", 0)


class TalentSerializer(serializers.ModelSerializer):
    """人才团队。依托单位按机构编号填写；只读角色看到的 name、id_number 已隐去。"""

    host = ScopedPrimaryKeyRelatedField(model=Organisation, label=_("依托单位（机构编号）"))
    project = ScopedPrimaryKeyRelatedField(model=CooperationProject, required=False,
                                           allow_null=True, label=_("关联合作项目"))
    host_name = serializers.CharField(source="host.name", read_only=True, label=_("依托单位"))
    county = serializers.IntegerField(source="host.county_id", read_only=True,
                                      label=_("所在县区"))
    support_yuan = serializers.DecimalField(required=False, allow_null=True,
                                            label=_("支持资金（元）"), **MONEY)
    members = serializers.IntegerField(min_value=1, max_value=999, required=False,
                                       label=_("团队人数"))

    class Meta:
        model = Talent
        fields = ["id", "category", "mode", "team_name", "name", "id_number", "members",
                  "host", "host_name", "county", "project", "field", "origin", "started_on",
                  "ended_on", "support", "support_yuan"]
        read_only_fields = ["id"]

    def to_representation(self, instance: Talent) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["name"] = selectors.shown_name(instance)
        data["id_number"] = selectors.shown_id(instance)
        return data


class AchievementSerializer(serializers.ModelSerializer):
    """转化科技成果。承接企业按机构编号填写；金额为字符串形式的十进制数（元）。"""

    receiver = ScopedPrimaryKeyRelatedField(model=Organisation, label=_("承接企业（机构编号）"))
    project = ScopedPrimaryKeyRelatedField(model=CooperationProject, required=False,
                                           allow_null=True, label=_("关联合作项目"))
    receiver_name = serializers.CharField(source="receiver.name", read_only=True,
                                          label=_("承接企业"))
    county = serializers.IntegerField(source="receiver.county_id", read_only=True,
                                      label=_("所在县区"))
    amount_yuan = serializers.DecimalField(label=_("转化金额（元）"), **MONEY)

    class Meta:
        model = Achievement
        fields = ["id", "title", "source", "project", "receiver", "receiver_name", "county",
                  "mode", "amount_yuan", "transferred_on", "contract_no", "note"]
        read_only_fields = ["id"]
