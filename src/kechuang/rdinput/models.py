"""R&D input (行动八): county fiscal S&T spending, R&D reserve funds, innovation points and the
official R&D intensity.

* :class:`FiscalReport` — a county's budgeted and actual 科学技术支出 of one year (万元),
  with the finance bureau's document as evidence; the county files, the city approves
  (``rdinput.workflows``). Approved actual spending is the plan figure.
* :class:`RdReserveFund` — an enterprise's 研发准备金 of one year (计提、使用、制度文件、审批日期),
  policy-rules.md §i: a register without subsidy rules.
* :class:`PointsModel` / :class:`PointsRun` / :class:`PointsResult` — the innovation-points
  model of §d (configurable; never the official national 积分), a batch run over a year's
  cohort and each enterprise's scores.
* :class:`IntensityFigure` — the city's official R&D intensity of a year with its source, the
  province average, and the inputs of the platform's estimate (labelled as such).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import READ, RestrictManager, Scope, register, rights
from kechuang.core.files import StoredFile, stored_file_field

WAN = {"max_digits": 14, "decimal_places": 2}
YUAN = {"max_digits": 16, "decimal_places": 2}
PCT = {"max_digits": 6, "decimal_places": 2}
NONNEG = [MinValueValidator(Decimal(0))]
YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]


class FiscalReport(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已退回")

    county = models.ForeignKey("regions.Region", verbose_name=_("县区"), on_delete=models.PROTECT,
                               related_name="fiscal_st_reports",
                               limit_choices_to={"level": "county"})
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    budget_wan = models.DecimalField(_("科学技术支出预算数（万元）"), validators=NONNEG, **WAN)
    actual_wan = models.DecimalField(_("科学技术支出决算（执行）数（万元）"), null=True,
                                     blank=True, validators=NONNEG, **WAN,
                                     help_text=_("年度执行完毕后填写；指标按审核通过的执行数计"))
    document = models.CharField(_("财政部门文件"), max_length=200,
                                help_text=_("如：××县财政局关于××年财政决算的报告（文号）"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.SUBMITTED, db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"),
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("填报时间"), default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True, editable=False)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("县区财政科技投入")
        verbose_name_plural = _("县区财政科技投入")
        ordering = ["-year", "county__sort_order", "county__code"]
        constraints = [models.UniqueConstraint(fields=["county", "year"],
                                               name="rdinput_fiscal_county_year")]

    def __str__(self) -> str:
        return f"{self.county.name} · {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("rdinput:fiscal_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.county_id and self.county.level != "county":
            raise ValidationError({"county": _("请选择县区")})


class FiscalEvidence(StoredFile):
    """The finance bureau's document (budget or final accounts) backing a fiscal report."""

    report = models.ForeignKey(FiscalReport, verbose_name=_("财政科技投入"),
                               on_delete=models.CASCADE, related_name="evidence")
    file = stored_file_field("rdinput")

    objects = RestrictManager()

    class Meta:
        verbose_name = _("财政部门文件")
        verbose_name_plural = _("财政部门文件")
        ordering = ["report_id", "id"]

    def get_absolute_url(self) -> str:
        return reverse("rdinput:fiscal_evidence", args=[self.pk])


class RdReserveFund(models.Model):
    """研发准备金 of one enterprise and year (§i): a register, no subsidy rules."""

    enterprise = models.ForeignKey("orgs.Organisation", verbose_name=_("企业"),
                                   on_delete=models.PROTECT, related_name="rd_reserve_funds",
                                   limit_choices_to={"kind": "enterprise"})
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    provision_yuan = models.DecimalField(_("计提金额（元）"), validators=NONNEG, **YUAN)
    used_yuan = models.DecimalField(_("使用金额（元）"), validators=NONNEG, default=Decimal(0),
                                    **YUAN)
    system_document = models.CharField(_("企业研发准备金制度文件"), max_length=200)
    approved_on = models.DateField(_("制度审批日期"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("企业研发准备金")
        verbose_name_plural = _("企业研发准备金")
        ordering = ["-year", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"],
                                               name="rdinput_reserve_enterprise_year")]

    def __str__(self) -> str:
        return f"{self.enterprise.name} · {self.year}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.enterprise_id and self.enterprise.kind != "enterprise":
            errors["enterprise"] = _("研发准备金只登记企业")
        if self.approved_on and self.year and self.approved_on.year > self.year:
            errors["approved_on"] = _("制度审批日期不能晚于所登记年度")
        if errors:
            raise ValidationError(errors)


class PointsModel(models.Model):
    """A configuration of the §d model: indicators (each read from an annual-report figure),
    weights per stage, a stage table and tiers. ``spec`` is the pure rule's input shape
    (``InnovationPointsInput.from_dict`` without year and enterprises)."""

    name = models.CharField(_("模型名称"), max_length=100, unique=True)
    description = models.CharField(_("说明"), max_length=500, blank=True)
    example = models.BooleanField(_("示例配置（非官方）"), default=False,
                                  help_text=_("示例配置仅供演示，权重等不是官方数据"))
    spec = models.JSONField(_("模型配置"), default=dict)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("创新积分模型")
        verbose_name_plural = _("创新积分模型")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("rdinput:points_model", args=[self.pk])

    @property
    def has_weights(self) -> bool:
        return bool(self.spec.get("weights"))


class PointsRun(models.Model):
    """One batch run of a model over a year's cohort (the enterprises with an annual report)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    model = models.ForeignKey(PointsModel, verbose_name=_("积分模型"), on_delete=models.PROTECT,
                              related_name="runs")
    year = models.PositiveSmallIntegerField(_("数据年度"), validators=YEAR)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    spec = models.JSONField(_("运行时模型配置"), default=dict, editable=False)
    enterprises = models.PositiveIntegerField(_("参评企业数"), default=0)
    notes = models.JSONField(_("说明"), default=list, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    job = models.ForeignKey("jobs.Job", verbose_name=_("后台任务"), null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"),
                                   on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("创新积分测算")
        verbose_name_plural = _("创新积分测算")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.model.name} · {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("rdinput:points_run", args=[self.pk])


class PointsResult(models.Model):
    run = models.ForeignKey(PointsRun, verbose_name=_("测算"), on_delete=models.CASCADE,
                            related_name="results")
    enterprise = models.ForeignKey("orgs.Organisation", verbose_name=_("企业"),
                                   on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(_("阶段"), max_length=40)
    stage_name = models.CharField(_("阶段名称"), max_length=120)
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=2)
    total_exact = models.CharField(_("总分（精确值）"), max_length=200)
    rank = models.PositiveIntegerField(_("阶段内名次"))
    cohort_size = models.PositiveIntegerField(_("阶段内企业数"))
    tier = models.CharField(_("榜单"), max_length=40, blank=True)
    tier_name = models.CharField(_("榜单名称"), max_length=60, blank=True)
    scores = models.JSONField(_("指标得分"), default=list)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("企业创新积分")
        verbose_name_plural = _("企业创新积分")
        ordering = ["run_id", "stage", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "enterprise"],
                                               name="rdinput_points_run_enterprise")]
        indexes = [models.Index(fields=["run", "stage", "rank"])]

    def __str__(self) -> str:
        return f"{self.enterprise.name} · {self.total}"


class IntensityFigure(models.Model):
    """The city's R&D intensity of a year: the official figure with its source, the province
    average (for 高于全省平均水平) and the inputs of the platform's own estimate."""

    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR, unique=True)
    official_pct = models.DecimalField(_("官方公布强度（%）"), null=True, blank=True,
                                       validators=NONNEG, **PCT)
    official_source = models.CharField(_("官方数据来源"), max_length=200, blank=True,
                                       help_text=_("统计公报名称、发布机关和日期"))
    province_pct = models.DecimalField(_("全省平均强度（%）"), null=True, blank=True,
                                       validators=NONNEG, **PCT)
    province_source = models.CharField(_("全省数据来源"), max_length=200, blank=True)
    rd_expenditure_yuan = models.DecimalField(_("R&D经费内部支出（元，估算用）"), null=True,
                                              blank=True, validators=NONNEG, **YUAN)
    gdp_yuan = models.DecimalField(_("地区生产总值（元，估算用）"), null=True, blank=True,
                                   validators=NONNEG, **YUAN)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("R&D投入强度")
        verbose_name_plural = _("R&D投入强度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.official_pct is not None and not self.official_source.strip():
            errors["official_source"] = _("请填写官方数据来源（统计公报名称、日期）")
        if self.province_pct is not None and not self.province_source.strip():
            errors["province_source"] = _("请填写全省数据来源")
        if errors:
            raise ValidationError(errors)


# The city files and approves everything; a county files and reads its own fiscal reports;
# enterprises have none.
_CITY = {"view", "add", "change", "export", "approve"}
_FISCAL = rights(city_admin=_CITY, city_staff=_CITY,
                 county_staff={"view", "add", "change", "export"})
register(FiscalReport, Scope(rights=_FISCAL, county="county_id"))
register(FiscalEvidence, Scope(rights=_FISCAL, parents=("report",)))
# Reserve funds: the city and the county register them, an enterprise its own.
_RESERVE = rights(city_admin={"view", "add", "change", "delete", "export"},
                  city_staff={"view", "add", "change", "export"},
                  county_staff={"view", "add", "change", "export"},
                  enterprise={"view", "add", "change", "export"})
register(RdReserveFund, Scope(rights=_RESERVE, county="enterprise__county_id",
                              organisation="enterprise_id"))
# Points models and runs: the city configures and runs; the bureau reads.
_POINTS = rights(city_admin={"view", "add", "change", "export", "approve"},
                 city_staff={"view", "add", "change", "export", "approve"},
                 county_staff=READ)
register(PointsModel, Scope(rights=_POINTS, public_read=True))
register(PointsRun, Scope(rights=_POINTS, public_read=True))
# Results: the city all, a county its enterprises, an enterprise its own (published only:
# selectors.results_visible).
register(PointsResult, Scope(rights=rights(city_admin=READ, city_staff=READ,
                                           county_staff=READ, enterprise={"view"}),
                             county="enterprise__county_id", organisation="enterprise_id"))
register(IntensityFigure, Scope(rights=rights(
    city_admin={"view", "add", "change", "export"}, city_staff={"view", "add", "change",
                                                                "export"},
    county_staff=READ), public_read=True))
