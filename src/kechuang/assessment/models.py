"""Stored batch evaluations: one run per (actor, year), one result per enterprise and rule.

Self-assessment (the 自评 page and the API) computes on the fly and stores nothing; only the
bureau's batch evaluation writes here, so the list page can filter hundreds of thousands of
enterprises without re-running the engine.

``year`` is the **data year**: the fiscal year of the annual report evaluated. The tech SME
evaluation year and the HNTE application year are ``year + 1``; the super-deduction's tax
year is ``year`` itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import RestrictManager, Scope, register, rights


class Rule(models.TextChoices):
    TECH_SME = "tech_sme", _("科技型中小企业评价")
    HIGH_TECH = "high_tech", _("高新技术企业认定")
    RD_DEDUCTION = "rd_deduction", _("研发费用加计扣除")


class Outcome(models.TextChoices):
    ELIGIBLE = "eligible", _("符合")
    INELIGIBLE = "ineligible", _("不符合")
    LIKELY = "likely", _("很可能符合")
    POSSIBLE = "possible", _("可能符合（取决于专家评分）")
    UNLIKELY = "unlikely", _("不符合或很可能不符合")
    ERROR = "error", _("数据不全，无法测评")


class EvaluationRun(models.Model):
    """One batch evaluation: who ran it, over which year and scope, and when it finished.

    Results of a run become visible only when ``finished_at`` is set, in the same transaction
    that removes the results it replaces, so readers never see a half-written run. A run that
    stops before that (an error, a killed worker found by the reaper) gets ``failed_at`` and
    its partial results are deleted; it never finishes afterwards.
    """

    year = models.PositiveSmallIntegerField(_("数据年度"))
    as_of = models.DateField(_("测评日期"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"),
                                   on_delete=models.SET_NULL, null=True,
                                   related_name="evaluation_runs")
    county = models.ForeignKey("regions.Region", verbose_name=_("县区范围"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+",
                               help_text=_("空：全市"))
    job = models.ForeignKey("jobs.Job", verbose_name=_("后台任务"), null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")
    rules = models.JSONField(_("规则"), default=list)
    rule_versions = models.JSONField(_("规则版本"), default=dict, blank=True)
    enterprises = models.PositiveIntegerField(_("测评企业数"), default=0)
    results = models.PositiveIntegerField(_("结果条数"), default=0)
    errors = models.PositiveIntegerField(_("数据不全条数"), default=0)
    created_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    failed_at = models.DateTimeField(_("失败时间"), null=True, blank=True)
    error = models.CharField(_("失败原因"), max_length=500, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("批量测评")
        verbose_name_plural = _("批量测评")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return _("%(year)s年度批量测评（%(scope)s）") % {
            "year": self.year, "scope": self.county.name if self.county_id else _("全市")}


class EvaluationResult(models.Model):
    """One enterprise × data year × rule, as the engine judged it in a batch run."""

    run = models.ForeignKey(EvaluationRun, verbose_name=_("批量测评"), on_delete=models.CASCADE,
                            related_name="result_rows")
    enterprise = models.ForeignKey("orgs.Organisation", verbose_name=_("企业"),
                                   on_delete=models.CASCADE, related_name="evaluation_results",
                                   limit_choices_to={"kind": "enterprise"})
    # the enterprise's county when the run wrote the row: the KPI sums group by it without
    # joining a province-sized organisation table (a result is a state as of its run)
    county = models.ForeignKey("regions.Region", verbose_name=_("所在县区"),
                               on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("数据年度"))
    rule = models.CharField(_("规则"), max_length=20, choices=Rule.choices)
    rule_version = models.CharField(_("规则版本"), max_length=40, blank=True)
    outcome = models.CharField(_("结论"), max_length=12, choices=Outcome.choices)
    eligible = models.BooleanField(
        _("符合"), help_text=_("高新技术企业：未发现不符合的条件（很可能或可能符合）"))
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True,
                                blank=True, help_text=_("高新技术企业为得分下限"))
    score_max = models.DecimalField(_("得分上限"), max_digits=6, decimal_places=2, null=True,
                                    blank=True)
    failed_conditions = models.JSONField(_("未通过的条件"), default=list, blank=True)
    gap_text = models.TextField(_("差距"), blank=True)
    gap_points = models.DecimalField(
        _("距通过还差（分）"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("只差综合得分时：科技型中小企业 60 − 得分；高新技术企业 71 − 得分上限"))
    rd_deduction_amount_yuan = models.DecimalField(_("加计扣除额（元）"), max_digits=16,
                                                   decimal_places=2, null=True, blank=True)
    error = models.CharField(_("数据问题"), max_length=500, blank=True)
    computed_at = models.DateTimeField(_("测评时间"))

    objects = RestrictManager()

    class Meta:
        verbose_name = _("测评结果")
        verbose_name_plural = _("测评结果")
        ordering = ["enterprise_id", "rule"]
        indexes = [
            models.Index(fields=["year", "rule", "eligible"], name="assess_year_rule_elig"),
            models.Index(fields=["enterprise", "year", "rule"], name="assess_ent_year_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} {self.rule}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.county_id is None and self.enterprise_id is not None:
            self.county_id = self.enterprise.county_id
        super().save(*args, **kwargs)

    @property
    def evaluation_year(self) -> int:
        """The tech SME evaluation year / HNTE application year; the tax year for deductions."""
        return self.year if self.rule == Rule.RD_DEDUCTION else self.year + 1


_BUREAU = frozenset({"view", "add", "export"})
register(EvaluationRun, Scope(
    rights=rights(city_admin=_BUREAU, city_staff=_BUREAU, county_staff=_BUREAU),
    county="county_id"))
register(EvaluationResult, Scope(
    rights=rights(city_admin=_BUREAU, city_staff=_BUREAU, county_staff=_BUREAU),
    county="enterprise__county_id", organisation="enterprise_id"))
