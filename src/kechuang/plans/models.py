"""The annual work plan (工作要点): its actions (行动), their tasks and indicators (指标).

A plan belongs to a city (its region). Loaded from a data file by
``plans.services.load_plan``; later modules add targets per county and live values.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import ALL, RestrictManager, Scope, register, rights


class Plan(models.Model):
    class ZoneAttribution(models.TextChoices):
        """Where a functional zone's enterprises count in this year's county figures
        (policy-rules §h: the bureau decides; never inferred from the credit code)."""

        HOST = "host", _("计入所在县区（长治高新区计入潞州区）")
        ZONE = "zone", _("功能区单列为一个县区单位")

    region = models.ForeignKey("regions.Region", verbose_name=_("行政区划"),
                               on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000)])
    title = models.CharField(_("标题"), max_length=200)
    aim = models.TextField(_("总体要求"), blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True,
                              help_text=_("文件名称或数据文件"))
    source_text = models.TextField(_("原文"), blank=True,
                                   help_text=_("由文本导入时保存的工作要点原文"))
    on_track_ratio = models.DecimalField(
        _("正常进度阈值"), max_digits=5, decimal_places=4, default=Decimal("0.90"),
        help_text=_("当前值不低于“应完成值×该比例”为进度正常"))
    at_risk_ratio = models.DecimalField(
        _("预警阈值"), max_digits=5, decimal_places=4, default=Decimal("0.70"),
        help_text=_("当前值不低于“应完成值×该比例”为有风险，再低为滞后"))
    zone_attribution = models.CharField(
        _("功能区企业计入"), max_length=10, choices=ZoneAttribution.choices,
        default=ZoneAttribution.HOST,
        help_text=_("县区分解、县区排名、县区数据和月报中功能区（长治高新区）企业的归属"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("工作要点")
        verbose_name_plural = _("工作要点")
        ordering = ["-year", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="uniq_plan_region_year"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail") + f"?year={self.year}"

    def clean(self) -> None:
        super().clean()
        on_track, at_risk = self.on_track_ratio, self.at_risk_ratio
        if on_track is None or at_risk is None:
            return
        if not (0 < at_risk <= on_track <= 1):
            raise ValidationError({"at_risk_ratio": _(
                "阈值须满足 0 < 预警阈值 ≤ 正常进度阈值 ≤ 1")})


class Action(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("工作要点"), on_delete=models.CASCADE,
                             related_name="actions")
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=200)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("行动")
        verbose_name_plural = _("行动")
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="uniq_action_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class PlanTask(models.Model):
    class Status(models.TextChoices):
        NONE = "", _("未填报")
        NOT_STARTED = "not_started", _("未开始")
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")

    action = models.ForeignKey(Action, verbose_name=_("行动"), on_delete=models.CASCADE,
                               related_name="tasks")
    text = models.TextField(_("任务内容"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    responsible_unit = models.CharField(_("责任单位"), max_length=200, blank=True)
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    status = models.CharField(_("进展状态"), max_length=20, choices=Status.choices, blank=True,
                              default="")

    objects = RestrictManager()

    class Meta:
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务")
        ordering = ["action_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "sort_order"], name="uniq_task_order"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Indicator(models.Model):
    """A measurable item of the plan; ``target`` is empty where the plan names no number."""

    class Comparison(models.TextChoices):
        GE = ">=", _("不低于")
        GT = ">", _("高于")
        EQ = "==", _("等于")

    class Direction(models.TextChoices):
        NONE = "", _("—")
        INCREASE = "increase", _("提升")

    class Scope(models.TextChoices):
        CITY = "city", _("全市")
        COUNTY = "county", _("各县区")

    class Source(models.TextChoices):
        REPORTED = "reported", _("统计或部门上报")
        ENTERPRISES = "enterprises", _("企业")
        PROJECTS = "projects", _("科技项目")
        PLATFORMS = "platforms", _("创新平台")
        VOUCHERS = "vouchers", _("科技创新券")
        CONTRACTS = "contracts", _("技术合同")
        COOPERATION = "cooperation", _("校地合作")

    action = models.ForeignKey(Action, verbose_name=_("行动"), on_delete=models.CASCADE,
                               related_name="indicators")
    key = models.SlugField(_("指标代码"), max_length=60)
    name = models.CharField(_("名称"), max_length=200)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    target = models.DecimalField(_("目标值"), max_digits=16, decimal_places=4, null=True,
                                 blank=True)
    comparison = models.CharField(_("比较方式"), max_length=2, choices=Comparison.choices,
                                  default=Comparison.GE)
    reference = models.CharField(_("参照"), max_length=200, blank=True,
                                 help_text=_("相对目标的比较对象，如“全省平均水平”"))
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices,
                                 blank=True, default="")
    scope = models.CharField(_("范围"), max_length=10, choices=Scope.choices,
                             default=Scope.CITY)
    source = models.CharField(_("数据来源"), max_length=20, choices=Source.choices,
                              default=Source.REPORTED)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    metric = models.CharField(_("计算口径"), max_length=60, blank=True,
                              help_text=_("绑定的系统计算指标；为空时按指标代码匹配"))
    reference_value = models.DecimalField(
        _("参照值"), max_digits=16, decimal_places=4, null=True, blank=True,
        help_text=_("相对目标的参照数值，如全省平均R&D投入强度"))
    reference_value_note = models.CharField(_("参照值来源"), max_length=200, blank=True,
                                            help_text=_("参照值的出处与日期"))

    objects = RestrictManager()

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["action_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "key"], name="uniq_indicator_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.target is None and not self.direction and not self.reference:
            raise ValidationError(_("目标值、方向、参照至少填写一项"))


    @property
    def metric_key(self) -> str:
        """The registered metric this indicator is computed by (its own key by default)."""
        return self.metric or self.key

    @property
    def city_only(self) -> bool:
        """Its metric has the whole city's figure only (the city's R&D intensity): no county
        figure to compare a county target with, so the target is not allocated — unless the
        indicator is set to county scope (counties then report their own figures)."""
        from kechuang import metrics

        return self.scope != self.Scope.COUNTY and metrics.is_city_only(self.metric_key)


class CountyAllocation(models.Model):
    """A county's share of a city indicator's target (任务分解)."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.CASCADE,
                                  related_name="allocations")
    county = models.ForeignKey("regions.Region", verbose_name=_("县区"),
                               on_delete=models.PROTECT, related_name="plan_allocations")
    target = models.DecimalField(_("分解目标"), max_digits=16, decimal_places=4,
                                 validators=[MinValueValidator(0)])
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("县区任务分解")
        verbose_name_plural = _("县区任务分解")
        ordering = ["indicator_id", "county__sort_order", "county__code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "county"],
                                    name="uniq_allocation_county"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.county}"

    def clean(self) -> None:
        super().clean()
        if self.indicator_id is None or self.county_id is None:
            return
        region_id = self.indicator.action.plan.region_id
        if self.county.parent_id != region_id:
            raise ValidationError({"county": _("只能分解到本市所辖县区")})


# A plan belongs to a city: city roles do everything, county staff read the plan of the city
# their county lies in (the county path goes through the plan region's children), other
# roles see nothing.
_RIGHTS = rights(city_admin=ALL, city_staff=ALL, county_staff={"view"})
register(Plan, Scope(rights=_RIGHTS, county="region__children"))
register(Action, Scope(rights=_RIGHTS, county="plan__region__children"))
register(PlanTask, Scope(rights=_RIGHTS, county="action__plan__region__children"))
register(Indicator, Scope(rights=_RIGHTS, county="action__plan__region__children"))
# County staff read their own county's share only.
register(CountyAllocation, Scope(rights=_RIGHTS, county="county"))
