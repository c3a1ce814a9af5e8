"""R&D projects in the API. Read models; the one write (a score sheet) goes through the
service. Blind calls: a reviewer (neither applicant nor staff) gets no party's name."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kechuang.accounts.scoping import can
from kechuang.projects.models import (
    Acceptance,
    AcceptanceOpinion,
    AcceptanceTask,
    Application,
    BudgetLine,
    Call,
    FundingSource,
    Project,
    Review,
    ReviewAssignment,
)


class RdCallSerializer(serializers.ModelSerializer):
    """申报指南。"""

    programme = serializers.CharField(source="programme.name", read_only=True,
                                      label=_("计划类别"))

    class Meta:
        model = Call
        fields = ["id", "programme", "year", "title", "directions", "fields", "deadline",
                  "pi_limit", "criteria", "budget_criteria", "budget_weight", "blind",
                  "published"]
        read_only_fields = fields


class RdBudgetLineSerializer(serializers.ModelSerializer):
    source = serializers.CharField(read_only=True, label=_("资金来源"),
                                   help_text="city / province / enterprise / other")

    class Meta:
        model = BudgetLine
        fields = ["category", "source", "amount_yuan"]
        read_only_fields = fields


def _sees_identity(user: Any, app: Application) -> bool:
    return not app.call.blind or can(user, "add", Application) or can(user, "approve",
                                                                         Application)


class RdApplicationSerializer(serializers.ModelSerializer):
    """项目申报。申报单位看到对外状态（已受理/评审中/已立项/未立项），市县看到内部环节；
    匿名评审的指南，评审专家看不到申报单位和人员。"""

    status = serializers.SerializerMethodField(label=_("状态"))
    lead = serializers.SerializerMethodField(label=_("牵头单位"))
    county = serializers.SerializerMethodField(label=_("所在县区"))
    pi_name = serializers.SerializerMethodField(label=_("项目负责人"))
    budget = RdBudgetLineSerializer(source="budget_lines", many=True, read_only=True)

    class Meta:
        model = Application
        fields = ["id", "call", "title", "direction", "lead", "county", "pi_name",
                  "objectives", "targets", "total_budget_yuan", "status", "submitted_at",
                  "budget"]
        read_only_fields = fields

    def _user(self) -> Any:
        return self.context["request"].user

    def get_status(self, app: Application) -> str:
        if can(self._user(), "approve", Application):
            return app.get_status_display()
        return app.public_label

    def get_lead(self, app: Application) -> str | None:
        return app.lead.name if _sees_identity(self._user(), app) else None

    def get_county(self, app: Application) -> str | None:
        return app.county.name if _sees_identity(self._user(), app) else None

    def get_pi_name(self, app: Application) -> str | None:
        return app.pi_name if _sees_identity(self._user(), app) else None


class RdAssignmentSerializer(serializers.ModelSerializer):
    """评审任务（专家本人的，或市局看到全部）。"""

    application_title = serializers.CharField(source="application.title", read_only=True,
                                              label=_("项目名称"))
    reviewed = serializers.SerializerMethodField(label=_("已评分"))
    status = serializers.CharField(read_only=True, label=_("状态"),
                                   help_text="invited / accepted / declined")
    kind = serializers.CharField(source="draw.kind", read_only=True, label=_("评审类型"),
                                 help_text="technical（技术评审）/ budget（财务评审）")

    class Meta:
        model = ReviewAssignment
        fields = ["id", "application", "application_title", "kind", "rank", "status",
                  "responded_at", "reviewed"]
        read_only_fields = fields

    def get_reviewed(self, a: ReviewAssignment) -> bool:
        return hasattr(a, "review")


class RdReviewSerializer(serializers.ModelSerializer):
    """评审意见：每项评审指标 0–100 分，加权总分由系统计算。申报单位无权查看。"""

    assignment = serializers.PrimaryKeyRelatedField(
        queryset=ReviewAssignment.objects.none(), label=_("评审任务"))
    scores = serializers.DictField(child=serializers.CharField(), label=_("分项得分"))

    class Meta:
        model = Review
        fields = ["id", "assignment", "scores", "total", "opinion", "submitted_at"]
        read_only_fields = ["id", "total", "submitted_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["assignment"].queryset = ReviewAssignment.objects.restrict(
                request.user, "change")


class RdAcceptanceTaskSerializer(serializers.ModelSerializer):
    """验收任务（专家本人的，或市局看到全部）：项目、考核指标和状态。"""

    project = serializers.IntegerField(source="acceptance.project_id", read_only=True,
                                       label=_("科技项目"))
    project_code = serializers.CharField(source="acceptance.project.code", read_only=True,
                                         label=_("项目编号"))
    project_title = serializers.CharField(source="acceptance.project.title", read_only=True,
                                          label=_("项目名称"))
    targets = serializers.SerializerMethodField(label=_("考核指标"))
    status = serializers.CharField(read_only=True, label=_("状态"),
                                   help_text="invited / accepted / declined")
    answered = serializers.SerializerMethodField(label=_("已提交意见"))

    class Meta:
        model = AcceptanceTask
        fields = ["id", "project", "project_code", "project_title", "targets", "rank",
                  "status", "responded_at", "answered"]
        read_only_fields = fields

    def get_targets(self, t: AcceptanceTask) -> list[str]:
        return t.acceptance.project.target_list()

    def get_answered(self, t: AcceptanceTask) -> bool:
        return hasattr(t, "opinion")


class RdAcceptanceRatingSerializer(serializers.Serializer):
    target = serializers.CharField(label=_("考核指标"))
    rating = serializers.ChoiceField(choices=AcceptanceOpinion.Rating.choices,
                                     label=_("完成情况"))


class RdAcceptanceOpinionSerializer(serializers.ModelSerializer):
    """专家验收意见：逐项评价考核指标（met 已完成 / partly 部分完成 / not_met 未完成），
    建议结论（passed 通过 / closed 结题 / failed 不通过）和意见；先接受任务，每项任务一次。"""

    task = serializers.PrimaryKeyRelatedField(queryset=AcceptanceTask.objects.none(),
                                              label=_("验收任务"))
    ratings = RdAcceptanceRatingSerializer(many=True, label=_("考核指标评价"))
    recommendation = serializers.ChoiceField(choices=Acceptance.Conclusion.choices,
                                             label=_("建议结论"))

    class Meta:
        model = AcceptanceOpinion
        fields = ["id", "task", "ratings", "recommendation", "opinion", "submitted_at"]
        read_only_fields = ["id", "submitted_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["task"].queryset = AcceptanceTask.objects.restrict(request.user,
                                                                           "change")


class RdFundingSerializer(serializers.ModelSerializer):
    source = serializers.CharField(read_only=True, label=_("资金来源"),
                                   help_text="city / province / enterprise / other")
    approved_yuan = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                             label=_("批准金额（元）"))
    paid_yuan = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                         label=_("已拨付（元）"))

    class Meta:
        model = FundingSource
        fields = ["source", "approved_yuan", "paid_yuan"]
        read_only_fields = fields


class RdProjectSerializer(serializers.ModelSerializer):
    """科技项目：批准金额和拨付情况按资金来源列出。"""

    lead = serializers.CharField(source="lead.name", read_only=True, label=_("承担单位"))
    county = serializers.CharField(source="county.name", read_only=True, label=_("所在县区"))
    # plain strings: the enums' names would collide with other modules' in the schema
    level = serializers.CharField(read_only=True, label=_("类别"),
                                  help_text="major_project / key_rd_project / "
                                            "joint_basic_research / basic_research / other")
    stage = serializers.CharField(read_only=True, label=_("阶段"),
                                  help_text="running / midterm / acceptance / accepted / "
                                            "terminated")
    funding = RdFundingSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = ["id", "code", "title", "year", "level", "stage", "lead", "county", "pi_name",
                  "approved_on", "ends_on", "contract_signed_on", "midterm_passed_on",
                  "approved_city_yuan", "approved_province_yuan", "approved_enterprise_yuan",
                  "carried_over", "targets", "funding"]
        read_only_fields = fields
