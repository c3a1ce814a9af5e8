"""Reported values (指标上报): figures only a statistics office or a department knows.

A county or city clerk submits the value of a ``source: reported`` indicator as of a date
(``period_end``, usually a month end; the cumulative / as-of figure at that date), with
evidence files; city staff approve or reject it (``reported.workflows``). Rows are never
edited: a correction is a new submission, and every row stays as history. The effective
value of (indicator, county, period_end) is the latest approved row.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang import metrics
from kechuang.accounts.scoping import RestrictManager, Scope, register, rights
from kechuang.core.files import StoredFile, stored_file_field

COUNTY_WIDE_ACTIONS = frozenset({"view", "export"})


def plain(value: Decimal | None) -> str:
    """2.3500 → "2.35", 16.0000 → "16" (never "1.6E+1")."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


class ReportedValue(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已退回")

    indicator = models.ForeignKey("plans.Indicator", verbose_name=_("指标"),
                                  on_delete=models.PROTECT, related_name="reported_values")
    county = models.ForeignKey("regions.Region", verbose_name=_("县区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="reported_values",
                               limit_choices_to={"level": "county"},
                               help_text=_("留空表示全市数值"))
    period_end = models.DateField(_("截至日期"),
                                  help_text=_("数值的统计截至日期（累计值），通常为月末"))
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=4)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.SUBMITTED, db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"),
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("填报时间"), default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("上报数值")
        verbose_name_plural = _("上报数值")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["indicator", "status", "period_end"]),
            models.Index(fields=["county", "status"]),
        ]

    def __str__(self) -> str:
        where = self.county.name if self.county_id else _("全市")
        return f"{self.indicator.name} · {where} · {self.period_end:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("reported:value_detail", args=[self.pk])

    @property
    def display_value(self) -> str:
        return plain(self.value)

    @property
    def display_target(self) -> str:
        return plain(self.indicator.target)

    def clean(self) -> None:
        """Single-row rules (Chinese messages).

        ``period_end`` lies within the plan's year: an annual figure published after the
        year end (e.g. in February) is still the figure *as of* 31 December and is entered
        with that date, so the dashboard of the year finds it. It cannot be in the future.
        """
        super().clean()
        errors: dict[str, Any] = {}
        indicator = self.indicator if self.indicator_id else None
        if indicator is None:
            return
        from kechuang.plans.models import Indicator

        plan = indicator.action.plan
        if not takes_reported_values(indicator):
            errors["indicator"] = _(
                "指标“%(name)s”的数据来自系统统计，不接受上报（如需以官方统计数为准，"
                "请市局管理员先在指标的“数据口径”中改为采用上报数值）") % {"name": indicator.name}
        if indicator.scope == Indicator.Scope.COUNTY and not self.county_id:
            errors["county"] = _("指标“%(name)s”按县区考核，请选择县区") % {
                "name": indicator.name}
        if indicator.scope == Indicator.Scope.CITY and self.county_id:
            errors["county"] = _("指标“%(name)s”是全市指标，只上报全市数值（县区留空）") % {
                "name": indicator.name}
        if self.county_id and self.county.parent_id != plan.region_id:
            errors["county"] = _("“%(county)s”不是%(city)s所辖县区") % {
                "county": self.county.name, "city": plan.region.name}
        if self.period_end:
            if not dt.date(plan.year, 1, 1) <= self.period_end <= dt.date(plan.year, 12, 31):
                errors["period_end"] = _(
                    "截至日期须在%(year)s年内（年度数据在次年发布的，截至日期填 %(year)s-12-31）"
                ) % {"year": plan.year}
            elif self.period_end > timezone.localdate():
                errors["period_end"] = _("截至日期不能晚于今天")
        if errors:
            raise ValidationError(errors)


class SourceOverride(models.Model):
    """The bureau's per-indicator choice to take an official statistic (a reported, approved
    value) instead of the figure counted from records — e.g. the statistics office's count of
    high-tech enterprises once it is published. Changed only through audited services."""

    indicator = models.OneToOneField("plans.Indicator", verbose_name=_("指标"),
                                     on_delete=models.CASCADE, related_name="source_override")
    use_reported = models.BooleanField(
        _("采用上报数值"), default=True,
        help_text=_("勾选后，该指标以审核通过的上报数值（官方统计）为准，不再按业务记录计数"))
    reason = models.CharField(_("依据"), max_length=300,
                              help_text=_("如：以市统计局公布数为准（文件名称、日期）"))

    objects = RestrictManager()

    class Meta:
        verbose_name = _("指标数据口径")
        verbose_name_plural = _("指标数据口径")
        ordering = ["indicator_id"]

    def __str__(self) -> str:
        choice = _("采用上报数值") if self.use_reported else _("按记录计数")
        return f"{self.indicator.name} · {choice}"


def has_live_source(indicator: Any) -> bool:
    """True when a registered metric counts the indicator from records."""
    return metrics.get(indicator.metric_key) is not None


def takes_reported_values(indicator: Any) -> bool:
    """An indicator takes reported values when no metric counts it from records (its module
    is not built, or only a statistics office knows it) or when the bureau chose to take the
    official statistic instead (:class:`SourceOverride`)."""
    if not has_live_source(indicator):
        return True
    return SourceOverride.objects.filter(indicator_id=indicator.pk, use_reported=True).exists()


class Evidence(StoredFile):
    """A file backing a reported value (statistics bulletin, department letter…)."""

    reported_value = models.ForeignKey(ReportedValue, verbose_name=_("上报数值"),
                                       on_delete=models.CASCADE, related_name="evidence")
    file = stored_file_field("reported")

    objects = RestrictManager()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["reported_value_id", "id"]

    def get_absolute_url(self) -> str:
        return reverse("reported:evidence_download", args=[self.pk])


# City roles see, submit, export and approve everything; county staff see their county's
# rows and also read the city-level rows (county null; they submit for their county only);
# every other role has nothing. No change/delete: history is kept, corrections resubmit.
# Evidence follows its row: visible exactly when the reported value is.
_RIGHTS = rights(city_admin={"view", "add", "export", "approve"},
                 city_staff={"view", "add", "export", "approve"},
                 county_staff={"view", "add", "export"})
register(ReportedValue, Scope(
    rights=_RIGHTS, county="county",
    role_terms=dict(county_staff=(COUNTY_WIDE_ACTIONS, Q(county__isnull=True)))))
register(Evidence, Scope(rights=_RIGHTS, parents=("reported_value",)))
# The data-source choice is the city bureau's: its administrators set it; everyone who reads
# the plan reads it.
register(SourceOverride, Scope(
    rights=rights(city_admin={"view", "add", "change"}, city_staff={"view"},
                  county_staff={"view"}),
    county="indicator__action__plan__region__children"))
