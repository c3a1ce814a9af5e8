"""Innovation platforms and 晋创谷 carriers (行动三、五), their recognitions, occupants and the
annual performance evaluation (年度绩效评价).

A :class:`Platform` is held once, with its kind, host organisation(s) and county. Its level is
never a stored fact of its own: each recognition (认定) by a ministry, the province or the
city is a :class:`Recognition` row with its document and date, and a promotion (a city platform
recognised at province level) adds a row, so the history stays. The level on a date is the
highest recognition on or before that date — unless the platform was revoked (撤销) or delisted
(摘牌) on or before it (``ended_on``). ``level`` on the platform is the current level, kept by
the services for the lists.

晋创谷 carriers (incubators, pilot bases, transformation centres) are platforms of a kind marked
``carrier``; they add area and capacity, and :class:`Occupant` rows (startups and innovation
teams) settling in, graduating and leaving with dates. Turning a platform into a legal-entity
enterprise (行动六) is a :class:`Conversion` event.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import READ, RestrictManager, Scope, register, rights
from kechuang.core.files import StoredFile, stored_file_field

MONEY = {"max_digits": 16, "decimal_places": 2}


class Level(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")


# the level-on-a-date rule itself is pure: kechuang.policy.platform_levels
PROVINCIAL_OR_ABOVE = (Level.NATIONAL, Level.PROVINCIAL)


class PlatformKind(models.Model):
    """A kind of platform (重点实验室, 技术创新中心 …); the bureau may add kinds.

    ``carrier``: a 晋创谷 carrier (has area, capacity and occupants); ``incubator_or_pilot``:
    counted in 科技企业孵化器和中试基地.
    """

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    carrier = models.BooleanField(_("晋创谷载体"), default=False,
                                  help_text=_("孵化器、中试基地、成果转化中心等：登记面积、容量和入驻主体"))
    incubator_or_pilot = models.BooleanField(_("计入孵化器和中试基地"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("平台类别")
        verbose_name_plural = _("平台类别")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Platform(models.Model):
    class Status(models.TextChoices):
        PLANNING = "planning", _("筹建")
        OPERATING = "operating", _("运行")
        REVOKED = "revoked", _("撤销")
        DELISTED = "delisted", _("摘牌")

    name = models.CharField(_("平台名称"), max_length=200)
    kind = models.ForeignKey(PlatformKind, verbose_name=_("类别"), on_delete=models.PROTECT,
                             related_name="platforms")
    lead_host = models.ForeignKey("orgs.Organisation", verbose_name=_("依托单位"),
                                  on_delete=models.PROTECT, related_name="+")
    # every host (the lead first): what a host organisation's user sees
    hosts = models.ManyToManyField("orgs.Organisation", verbose_name=_("共建单位"),
                                   related_name="platforms", blank=True)
    county = models.ForeignKey("regions.Region", verbose_name=_("所在县区"),
                               on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("技术领域"), max_length=100, blank=True)
    established_on = models.DateField(_("成立（筹建）日期"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.OPERATING, db_index=True)
    ended_on = models.DateField(_("撤销/摘牌日期"), null=True, blank=True, editable=False)
    end_reason = models.CharField(_("撤销/摘牌原因"), max_length=500, blank=True,
                                  editable=False)
    # the current (highest) recognised level, kept by the services from the recognitions
    level = models.CharField(_("当前级别"), max_length=12, choices=Level.choices, blank=True,
                             default="", editable=False, db_index=True)
    # 晋创谷 carriers
    jinchuanggu = models.BooleanField(_("晋创谷·长治载体"), default=False)
    area_sqm = models.DecimalField(_("面积（平方米）"), max_digits=12, decimal_places=2,
                                   null=True, blank=True, validators=[MinValueValidator(0)])
    capacity = models.PositiveIntegerField(_("容量（可入驻主体数）"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"),
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("创新平台")
        verbose_name_plural = _("创新平台")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["name", "lead_host"],
                                               name="carriers_platform_uniq_name_host")]
        indexes = [models.Index(fields=["county", "status"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("carriers:platform_detail", args=[self.pk])

    @property
    def ended(self) -> bool:
        return self.status in (self.Status.REVOKED, self.Status.DELISTED)

    def clean(self) -> None:
        super().clean()
        if self.capacity is not None and self.capacity > 100000:
            raise ValidationError({"capacity": _("容量不合理，请核对")})


class Recognition(models.Model):
    """One recognition (认定) of a platform at a level: a promotion adds a row."""

    platform = models.ForeignKey(Platform, verbose_name=_("平台"), on_delete=models.CASCADE,
                                 related_name="recognitions")
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    recognised_on = models.DateField(_("认定日期"))
    issuer = models.CharField(_("认定部门"), max_length=100, blank=True)
    document_no = models.CharField(_("认定文号"), max_length=100, blank=True)
    document_title = models.CharField(_("文件名称"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("认定记录")
        verbose_name_plural = _("认定记录")
        ordering = ["platform_id", "recognised_on", "id"]
        constraints = [models.UniqueConstraint(fields=["platform", "level"],
                                               name="carriers_recognition_uniq_level")]
        indexes = [models.Index(fields=["level", "recognised_on"])]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.recognised_on:%Y-%m-%d}"


class Conversion(models.Model):
    """The platform became (or founded) a legal-entity enterprise (行动六 改制为法人企业)."""

    platform = models.OneToOneField(Platform, verbose_name=_("平台"), on_delete=models.CASCADE,
                                    related_name="conversion")
    enterprise = models.ForeignKey("orgs.Organisation", verbose_name=_("法人企业"),
                                   on_delete=models.PROTECT, related_name="+")
    converted_on = models.DateField(_("转制日期"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"),
                                    on_delete=models.PROTECT, related_name="+")

    objects = RestrictManager()

    class Meta:
        verbose_name = _("转制为法人企业")
        verbose_name_plural = _("转制为法人企业")

    def __str__(self) -> str:
        return f"{self.platform} → {self.enterprise}"


class Occupant(models.Model):
    """A startup or innovation team settled in a 晋创谷 carrier."""

    class Kind(models.TextChoices):
        STARTUP = "startup", _("初创型企业")
        TEAM = "team", _("创新型团队")

    carrier = models.ForeignKey(Platform, verbose_name=_("载体"), on_delete=models.CASCADE,
                                related_name="occupants")
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("对应企业"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+",
                                     help_text=_("已在系统中登记的企业（选填）"))
    field = models.CharField(_("领域"), max_length=100, blank=True)
    origin = models.CharField(_("来源"), max_length=100, blank=True,
                              help_text=_("如：北京研发、长治转化（双向飞地）"))
    settled_on = models.DateField(_("入驻日期"))
    graduated_on = models.DateField(_("毕业日期"), null=True, blank=True)
    left_on = models.DateField(_("迁出日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("入驻主体")
        verbose_name_plural = _("入驻主体")
        ordering = ["carrier_id", "-settled_on", "id"]
        indexes = [models.Index(fields=["settled_on", "graduated_on", "left_on"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("carriers:platform_detail", args=[self.carrier_id])

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.settled_on and self.graduated_on and self.graduated_on < self.settled_on:
            errors["graduated_on"] = _("毕业日期不能早于入驻日期")
        if self.settled_on and self.left_on and self.left_on < self.settled_on:
            errors["left_on"] = _("迁出日期不能早于入驻日期")
        if self.graduated_on and self.left_on:
            errors["left_on"] = _("已毕业的主体不再登记迁出日期")
        if errors:
            raise ValidationError(errors)

    def present_on(self, day: dt.date) -> bool:
        return (self.settled_on <= day and not (self.graduated_on and self.graduated_on <= day)
                and not (self.left_on and self.left_on <= day))


def settled_q(as_of: dt.date, prefix: str = "") -> Q:
    """Occupants settled on ``as_of`` and neither graduated nor left by then."""
    p = prefix
    return (Q(**{f"{p}settled_on__lte": as_of})
            & (Q(**{f"{p}graduated_on__isnull": True}) | Q(**{f"{p}graduated_on__gt": as_of}))
            & (Q(**{f"{p}left_on__isnull": True}) | Q(**{f"{p}left_on__gt": as_of})))


def standing_q(as_of: dt.date, prefix: str = "") -> Q:
    """Platforms not revoked or delisted on ``as_of``."""
    return Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": as_of})


# ---- the annual performance evaluation (年度绩效评价) --------------------------------------

class Campaign(models.Model):
    """The bureau's annual evaluation of the platforms, opened for one year."""

    class Status(models.TextChoices):
        OPEN = "open", _("填报中")
        CLOSED = "closed", _("已结束")

    year = models.PositiveSmallIntegerField(_("评价年度"), validators=[
        MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("名称"), max_length=200)
    kinds = models.ManyToManyField(PlatformKind, verbose_name=_("参评平台类别"), blank=True,
                                   related_name="+", help_text=_("留空为全部类别"))
    due_on = models.DateField(_("填报截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"),
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("绩效评价")
        verbose_name_plural = _("绩效评价")
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["year", "title"],
                                               name="carriers_campaign_uniq_title")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("carriers:campaign_detail", args=[self.pk])


class Evaluation(models.Model):
    """One platform's figures for a campaign: the host fills them in, the bureau grades."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待填报")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        GRADED = "graded", _("已评定")

    class Grade(models.TextChoices):
        NONE = "", _("—")
        EXCELLENT = "excellent", _("优秀")
        GOOD = "good", _("良好")
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    campaign = models.ForeignKey(Campaign, verbose_name=_("绩效评价"), on_delete=models.CASCADE,
                                 related_name="evaluations")
    platform = models.ForeignKey(Platform, verbose_name=_("平台"), on_delete=models.CASCADE,
                                 related_name="evaluations")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    rd_staff = models.PositiveIntegerField(_("研发人员（人）"), null=True, blank=True)
    rd_spend_yuan = models.DecimalField(_("研发投入（元）"), null=True, blank=True,
                                        validators=[MinValueValidator(0)], **MONEY)
    projects = models.PositiveIntegerField(_("承担科研项目（项）"), null=True, blank=True)
    patents = models.PositiveIntegerField(_("授权发明专利（件）"), null=True, blank=True)
    achievements = models.PositiveIntegerField(_("转化科技成果（项）"), null=True, blank=True)
    services = models.PositiveIntegerField(_("服务企业（家次）"), null=True, blank=True)
    summary = models.TextField(_("年度工作总结"), max_length=4000, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    grade = models.CharField(_("评价等级"), max_length=10, choices=Grade.choices, blank=True,
                             default="")
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True,
                                blank=True, validators=[MinValueValidator(0),
                                                        MaxValueValidator(100)])
    comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评定人"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    graded_at = models.DateTimeField(_("评定时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("平台绩效评价")
        verbose_name_plural = _("平台绩效评价")
        ordering = ["campaign_id", "platform__name", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "platform"],
                                               name="carriers_evaluation_uniq")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.platform}"

    def get_absolute_url(self) -> str:
        return reverse("carriers:evaluation_detail", args=[self.pk])

    FIGURES = ("rd_staff", "rd_spend_yuan", "projects", "patents", "achievements", "services")


class EvaluationEvidence(StoredFile):
    """A file backing an evaluation's figures (audit report, certificates …)."""

    evaluation = models.ForeignKey(Evaluation, verbose_name=_("绩效评价"),
                                   on_delete=models.CASCADE, related_name="evidence")
    file = stored_file_field("carriers")

    objects = RestrictManager()

    class Meta:
        verbose_name = _("评价佐证材料")
        verbose_name_plural = _("评价佐证材料")
        ordering = ["evaluation_id", "id"]

    def get_absolute_url(self) -> str:
        return reverse("carriers:evidence_download", args=[self.pk])


# The city bureau keeps the registry and grades; a county reads its county's platforms; a host
# organisation's user (enterprise or service provider bound to it) reads its own platforms,
# records their occupants and fills in their evaluations. Kinds are reference data.
_CITY = {"view", "add", "change", "delete", "export", "approve"}
_RIGHTS = rights(city_admin=_CITY, city_staff=_CITY, county_staff=set(READ),
                 enterprise=set(READ), provider=set(READ))
_OCCUPANT_RIGHTS = rights(city_admin=_CITY, city_staff=_CITY, county_staff=set(READ),
                          enterprise={"view", "add", "change", "export"},
                          provider={"view", "add", "change", "export"})
_EVAL_RIGHTS = rights(city_admin=_CITY, city_staff=_CITY, county_staff=set(READ),
                      enterprise={"view", "change", "export"},
                      provider={"view", "change", "export"})
register(PlatformKind, Scope(rights=rights(city_admin={"view", "add", "change"},
                                           city_staff={"view", "add", "change"}),
                             public_read=True))
register(Platform, Scope(rights=_RIGHTS, county="county", organisation="hosts"))
register(Recognition, Scope(rights=_RIGHTS, parents=("platform",)))
register(Conversion, Scope(rights=_RIGHTS, parents=("platform",)))
register(Occupant, Scope(rights=_OCCUPANT_RIGHTS, county="carrier__county",
                         organisation="carrier__hosts"))
register(Campaign, Scope(rights=rights(city_admin=_CITY, city_staff=_CITY,
                                       county_staff=set(READ), enterprise={"view"},
                                       provider={"view"}),
                         county="evaluations__platform__county",
                         organisation="evaluations__platform__hosts"))
register(Evaluation, Scope(rights=_EVAL_RIGHTS, county="platform__county",
                           organisation="platform__hosts"))
register(EvaluationEvidence, Scope(rights=_EVAL_RIGHTS, parents=("evaluation",)))

ZERO = Decimal(0)
