"""Monthly snapshots of every indicator, so last month's report can be reproduced.

Live figures change as records are added or corrected; a snapshot freezes what the
dashboard showed at a period end (city-wide and per county), with the explanation.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import RestrictManager, Scope, register, rights


class IndicatorSnapshot(models.Model):
    plan = models.ForeignKey("plans.Plan", verbose_name=_("工作要点"), on_delete=models.CASCADE,
                             related_name="snapshots")
    indicator = models.ForeignKey("plans.Indicator", verbose_name=_("指标"),
                                  on_delete=models.CASCADE, related_name="snapshots")
    county = models.ForeignKey("regions.Region", verbose_name=_("县区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               help_text=_("为空表示全市"))
    period_end = models.DateField(_("统计截止日"), db_index=True)
    source_kind = models.CharField(_("数据来源"), max_length=10)
    value = models.DecimalField(_("当前值"), max_digits=20, decimal_places=4, null=True)
    goal = models.DecimalField(_("比较值"), max_digits=20, decimal_places=4, null=True)
    goal_kind = models.CharField(_("比较对象"), max_length=12, blank=True)
    share = models.DecimalField(_("分解目标"), max_digits=20, decimal_places=4, null=True)
    pct_of_goal = models.DecimalField(_("完成率"), max_digits=12, decimal_places=2, null=True)
    expected_pct = models.DecimalField(_("时序进度"), max_digits=12, decimal_places=2,
                                       null=True)
    expected_basis = models.CharField(_("时序依据"), max_length=20, blank=True)
    forecast = models.DecimalField(_("预计全年"), max_digits=20, decimal_places=4, null=True)
    last_year_value = models.DecimalField(_("上年同期"), max_digits=20, decimal_places=4,
                                          null=True)
    status = models.CharField(_("状态"), max_length=12)
    explanation = models.TextField(_("说明"), blank=True)
    taken_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("指标月度快照")
        verbose_name_plural = _("指标月度快照")
        ordering = ["period_end", "indicator_id", "county_id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "county", "period_end"],
                                    name="uniq_snapshot_county",
                                    condition=models.Q(county__isnull=False)),
            models.UniqueConstraint(fields=["indicator", "period_end"],
                                    name="uniq_snapshot_city",
                                    condition=models.Q(county__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.period_end}"


# Snapshots are plan figures: city roles manage them, county staff read them (the dashboard
# shows every county's figures to county staff too — aggregates, not records).
register(IndicatorSnapshot, Scope(rights=rights(city_admin={"view", "add", "delete"},
                                                city_staff={"view", "add", "delete"},
                                                county_staff={"view"}),
                                  county="plan__region__children"))
