"""Supervision (督查督办) of the plan's tasks and the reform measures (issue #18, items 1–3).

* :class:`ResponsibleUnit` — a unit answerable for tasks: a bureau division (科室), another
  city department (市直部门) or a county bureau (县区科技局), with its member accounts and the
  bureau's supervisor (督查联络人) who is told when it falls behind.
* :class:`ReformMeasure` — one of the sixteen reform measures of action 1: its area, its
  mechanism and its outputs (documents issued). Demo measures carry ``is_example``.
* :class:`SupervisedItem` — what is supervised: a plan task or a reform measure, with its lead
  and cooperating units, its deadline and :class:`Milestone` s.
* :class:`ProgressUpdate` — a unit's progress report with evidence (:class:`UpdateEvidence`);
  it may reach a milestone or declare the item finished.
* :class:`SupervisionNotice` — a 督办 notice the bureau issues to a unit, answered by a date.

Statuses are derived (``kechuang.policy.supervision``), never stored or typed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import ALL, READ, RestrictManager, Scope, register, rights
from kechuang.core.files import StoredFile, stored_file_field
from kechuang.policy import supervision as rule

STATUS_LABELS = {rule.NOT_STARTED: _("未启动"), rule.IN_PROGRESS: _("推进中"),
                 rule.DONE: _("已完成"), rule.LATE: _("滞后")}
STATUS_CHOICES = [(k, STATUS_LABELS[k]) for k in rule.STATUSES]
NOTICE_STATE_LABELS = {"open": _("待答复"), "answered": _("已答复"),
                       "overdue": _("逾期未答复")}


class ResponsibleUnit(models.Model):
    class Kind(models.TextChoices):
        DIVISION = "division", _("科室")
        DEPARTMENT = "department", _("市直部门")
        COUNTY_BUREAU = "county_bureau", _("县区科技局")

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    county = models.ForeignKey("regions.Region", verbose_name=_("县区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               help_text=_("县区科技局必填"))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("成员账号"),
                                     blank=True, related_name="responsible_units")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("督查联络人"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="supervised_units",
                                   help_text=_("市局负责督查该单位的工作人员，逾期时一并提醒"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("supervision:unit_board", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.COUNTY_BUREAU and not self.county_id:
            raise ValidationError({"county": _("县区科技局须选择所属县区")})
        if self.kind != self.Kind.COUNTY_BUREAU and self.county_id:
            raise ValidationError({"county": _("只有县区科技局填写县区")})


class ReformMeasure(models.Model):
    class Area(models.TextChoices):
        SUBJECT = "subject", _("强化成果转化主体")
        SUPPLY = "supply", _("增加科技成果供给")
        PLATFORM = "platform", _("建设成果转化平台")
        APPLICATION = "application", _("促进科技成果转化应用")

    class Mechanism(models.TextChoices):
        ENTERPRISE = "enterprise", _("强化企业科技创新主体地位")
        PROJECTS = "projects", _("重点研发项目支撑")
        PLATFORMS = "platforms", _("重大创新平台扶持")
        TRANSFER = "transfer", _("科技成果转化服务")

    plan = models.ForeignKey("plans.Plan", verbose_name=_("工作要点"), on_delete=models.CASCADE,
                             related_name="reform_measures")
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("措施名称"), max_length=200)
    area = models.CharField(_("领域"), max_length=20, choices=Area.choices)
    mechanism = models.CharField(_("机制"), max_length=20, choices=Mechanism.choices)
    description = models.TextField(_("主要内容"), blank=True)
    outputs = models.TextField(_("成果产出"), blank=True,
                               help_text=_("已印发的文件等，如“××实施细则（长科发〔2025〕×号）”，一行一项"))
    is_example = models.BooleanField(_("示例数据"), default=False,
                                     help_text=_("演示用示例措施，非正式文件内容"))
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("改革措施")
        verbose_name_plural = _("改革措施")
        ordering = ["plan_id", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"],
                                               name="uniq_reform_measure_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class SupervisedItem(models.Model):
    """A plan task or a reform measure under supervision (督查事项)."""

    class Kind(models.TextChoices):
        TASK = "task", _("重点任务")
        MEASURE = "measure", _("改革措施")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, editable=False)
    task = models.OneToOneField("plans.PlanTask", verbose_name=_("重点任务"), null=True,
                                blank=True, on_delete=models.CASCADE, related_name="supervision")
    measure = models.OneToOneField(ReformMeasure, verbose_name=_("改革措施"), null=True,
                                   blank=True, on_delete=models.CASCADE, related_name="item")
    lead_unit = models.ForeignKey(ResponsibleUnit, verbose_name=_("牵头单位"),
                                  on_delete=models.PROTECT, related_name="lead_items")
    cooperating_units = models.ManyToManyField(ResponsibleUnit, verbose_name=_("配合单位"),
                                               blank=True, related_name="cooperating_items")
    # lead and cooperating units together (kept by the services): the scope's county path
    units = models.ManyToManyField(ResponsibleUnit, verbose_name=_("责任单位"), editable=False,
                                   related_name="items")
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    completed_on = models.DateField(_("办结日期"), null=True, blank=True, editable=False,
                                    help_text=_("由申报办结的进展更新确定"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("交办人"),
                                    on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("交办时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("督查事项")
        verbose_name_plural = _("督查事项")
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="task", task__isnull=False, measure__isnull=True)
                           | Q(kind="measure", task__isnull=True, measure__isnull=False)),
                name="supervised_item_task_xor_measure"),
        ]

    def __str__(self) -> str:
        return str(self.task if self.kind == self.Kind.TASK else self.measure)

    def get_absolute_url(self) -> str:
        return reverse("supervision:item_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if (self.task_id is None) == (self.measure_id is None):
            raise ValidationError(_("督查事项须对应一项重点任务或一项改革措施"))
        self.kind = self.Kind.TASK if self.task_id else self.Kind.MEASURE

    @property
    def title(self) -> str:
        if self.kind == self.Kind.TASK:
            return self.task.text
        return self.measure.title


class Milestone(models.Model):
    item = models.ForeignKey(SupervisedItem, verbose_name=_("督查事项"),
                             on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点内容"), max_length=200)
    due_date = models.DateField(_("节点时间"))
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("进度节点")
        verbose_name_plural = _("进度节点")
        ordering = ["item_id", "due_date", "id"]

    def __str__(self) -> str:
        return f"{self.due_date:%Y-%m-%d} {self.title}"


class ProgressUpdate(models.Model):
    """A unit's progress report. History is kept: no change, no delete."""

    item = models.ForeignKey(SupervisedItem, verbose_name=_("督查事项"),
                             on_delete=models.CASCADE, related_name="updates")
    unit = models.ForeignKey(ResponsibleUnit, verbose_name=_("填报单位"),
                             on_delete=models.PROTECT, related_name="updates")
    reported_on = models.DateField(_("进展日期"), default=dt.date.today)
    text = models.TextField(_("进展情况"))
    milestone = models.ForeignKey(Milestone, verbose_name=_("达成节点"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="updates")
    completes = models.BooleanField(_("申报办结"), default=False,
                                    help_text=_("事项已全部完成；须上传佐证材料"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"),
                               on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("填报时间"), default=timezone.now)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("进展更新")
        verbose_name_plural = _("进展更新")
        ordering = ["item_id", "-reported_on", "-id"]
        indexes = [models.Index(fields=["item", "reported_on"])]

    def __str__(self) -> str:
        return f"{self.reported_on:%Y-%m-%d} {self.text[:40]}"

    def clean(self) -> None:
        super().clean()
        if self.milestone_id and self.item_id and self.milestone.item_id != self.item_id:
            raise ValidationError({"milestone": _("该节点不属于本事项")})


class UpdateEvidence(StoredFile):
    update = models.ForeignKey(ProgressUpdate, verbose_name=_("进展更新"),
                               on_delete=models.CASCADE, related_name="evidence")
    file = stored_file_field("supervision")

    objects = RestrictManager()

    class Meta:
        verbose_name = _("进展佐证材料")
        verbose_name_plural = _("进展佐证材料")
        ordering = ["update_id", "id"]

    def get_absolute_url(self) -> str:
        return reverse("supervision:evidence_download", args=[self.pk])


class SupervisionNotice(models.Model):
    """督办通知: issued by the bureau to a unit about an item, answered by ``answer_due``."""

    item = models.ForeignKey(SupervisedItem, verbose_name=_("督查事项"),
                             on_delete=models.CASCADE, related_name="notices")
    unit = models.ForeignKey(ResponsibleUnit, verbose_name=_("督办单位"),
                             on_delete=models.PROTECT, related_name="notices")
    text = models.TextField(_("督办事项"))
    issued_on = models.DateField(_("督办日期"), default=dt.date.today)
    answer_due = models.DateField(_("答复期限"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("督办人"),
                                  on_delete=models.PROTECT, related_name="+")
    answer = models.TextField(_("答复内容"), blank=True, editable=False)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True, editable=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("督办通知")
        verbose_name_plural = _("督办通知")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.issued_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:notice_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.answer_due and self.issued_on and self.answer_due < self.issued_on:
            raise ValidationError({"answer_due": _("答复期限不能早于督办日期")})

    def state(self, today: dt.date | None = None) -> str:
        return rule.notice_state(today=today or timezone.localdate(),
                                 answer_due=self.answer_due, answered_on=self.answered_on)

    def state_label(self) -> str:
        return str(NOTICE_STATE_LABELS[self.state()])


# City roles supervise everything. County staff (their county bureau's members) read the units,
# items, milestones and updates their county bureau is responsible for, file updates for them
# and answer the 督办 notices addressed to their bureau. No other role sees any of it.
# Updates and evidence are history: nobody changes or deletes them.
_CITY = rights(city_admin=ALL, city_staff=ALL, county_staff=READ)
_UPDATES = rights(city_admin={"view", "add", "export"}, city_staff={"view", "add", "export"},
                  county_staff={"view", "add", "export"})
_NOTICES = rights(city_admin=ALL, city_staff=ALL, county_staff={"view", "export", "change"})
register(ResponsibleUnit, Scope(rights=_CITY, county="county"))
register(ReformMeasure, Scope(rights=_CITY, county="item__units__county"))
register(SupervisedItem, Scope(rights=_CITY, county="units__county"))
register(Milestone, Scope(rights=_CITY, parents=("item",)))
register(ProgressUpdate, Scope(rights=_UPDATES, county="item__units__county"))
register(UpdateEvidence, Scope(rights=_UPDATES, parents=("update",)))
register(SupervisionNotice, Scope(rights=_NOTICES, county="unit__county"))
