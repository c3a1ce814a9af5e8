"""University–city cooperation (行动七 校地科技合作深化行动): cooperation projects with their
milestones and outcomes, the teams and talents landed, and the achievements transferred.

* A :class:`CooperationProject` joins a university or institute (``partner``: an organisation
  on record, or just its name for one that is not) with one or more local partner
  organisations (``local_partners``) in a county. It is "on schedule" on a day when none of its
  :class:`Milestone` s is overdue (``policy/cooperation.py``); a partner files evidence
  (:class:`MilestoneEvidence`) and the done date.
* A :class:`Talent` is a team or a person landed at a host organisation (全职 or 柔性引才).
  Personal data is minimal: the person's name and an optional ID number. Lists, exports and the
  API show them masked to roles that only read (``selectors.shows_personal``); the audit trail
  keeps only a digest of them (``audit.services.SECRET_MODEL_FIELDS``), and ``str()`` — which
  the audit trail copies as the object's label — never holds the name.
* An :class:`Achievement` is a research result transferred to an enterprise (转化先进适用科技成果),
  with mode and amount; a technology contract's registration number may be noted as text (no
  link into the technology-market app, which is another domain module).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import READ, RestrictManager, Scope, register, rights
from kechuang.core.files import StoredFile, stored_file_field

MONEY = {"max_digits": 16, "decimal_places": 2}


class CooperationProject(models.Model):
    class Kind(models.TextChoices):
        INSTITUTE = "institute", _("研究院")
        JOINT_LAB = "joint_lab", _("联合实验室")
        CONCEPT = "concept", _("概念验证中心")
        PILOT = "pilot", _("中试基地")
        TRANSFER_CENTRE = "transfer_centre", _("成果转化中心")
        ALLIANCE = "alliance", _("产业联盟")
        ENCLAVE = "enclave", _("双向飞地")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("筹建")
        BUILDING = "building", _("建设中")
        OPERATING = "operating", _("运行")
        ENDED = "ended", _("终止")

    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("合作形式"), max_length=20, choices=Kind.choices)
    partner = models.ForeignKey("orgs.Organisation", verbose_name=_("合作高校/院所"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+",
                                help_text=_("已在系统中登记的高校或科研院所"))
    partner_name = models.CharField(_("合作高校/院所名称"), max_length=200,
                                    help_text=_("未在系统中登记的（如市外高校）直接填写名称"))
    local_partners = models.ManyToManyField("orgs.Organisation", verbose_name=_("本地合作单位"),
                                            related_name="cooperation_projects")
    county = models.ForeignKey("regions.Region", verbose_name=_("所在县区"),
                               on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"level": "county"})
    agreement_on = models.DateField(_("协议签订日期"))
    provincial = models.BooleanField(_("省校合作项目"), default=False,
                                     help_text=_("计划点名的省校合作项目，计入“省校合作项目建设”"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.BUILDING, db_index=True)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    summary = models.TextField(_("建设内容"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("校地合作项目")
        verbose_name_plural = _("校地合作项目")
        ordering = ["-agreement_on", "-id"]
        indexes = [models.Index(fields=["provincial", "agreement_on"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cooperation:project_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.status == self.Status.ENDED and not self.ended_on:
            raise ValidationError({"ended_on": _("终止的项目请填写终止日期")})
        if self.ended_on and self.agreement_on and self.ended_on < self.agreement_on:
            raise ValidationError({"ended_on": _("终止日期不能早于协议签订日期")})


class Milestone(models.Model):
    project = models.ForeignKey(CooperationProject, verbose_name=_("合作项目"),
                                on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("计划完成日期"))
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    note = models.CharField(_("完成情况"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("建设节点")
        verbose_name_plural = _("建设节点")
        ordering = ["project_id", "due_on", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:project_detail", args=[self.project_id])


class MilestoneEvidence(StoredFile):
    """A file showing a milestone reached (协议、挂牌照片、验收报告 …)."""

    milestone = models.ForeignKey(Milestone, verbose_name=_("建设节点"),
                                  on_delete=models.CASCADE, related_name="evidence")
    file = stored_file_field("cooperation")

    objects = RestrictManager()

    class Meta:
        verbose_name = _("节点佐证材料")
        verbose_name_plural = _("节点佐证材料")
        ordering = ["milestone_id", "id"]

    def get_absolute_url(self) -> str:
        return reverse("cooperation:evidence_download", args=[self.pk])


class Outcome(models.Model):
    """What a project produced besides transferred achievements (专利、标准、平台、人才培养 …)."""

    class Kind(models.TextChoices):
        PATENT = "patent", _("专利")
        STANDARD = "standard", _("标准")
        PLATFORM = "platform", _("平台")
        PRODUCT = "product", _("新产品/新工艺")
        TRAINING = "training", _("人才培养")
        OTHER = "other", _("其他")

    project = models.ForeignKey(CooperationProject, verbose_name=_("合作项目"),
                                on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("成果"), max_length=200)
    achieved_on = models.DateField(_("取得日期"))
    note = models.CharField(_("说明"), max_length=500, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("合作成果")
        verbose_name_plural = _("合作成果")
        ordering = ["project_id", "-achieved_on", "id"]

    def __str__(self) -> str:
        return self.title


class Talent(models.Model):
    class Category(models.TextChoices):
        TEAM = "team", _("高端创新团队")
        LEADER = "leader", _("科技领军人才")
        YOUNG = "young", _("青年科技人才")

    class Mode(models.TextChoices):
        FULL_TIME = "full_time", _("全职引进")
        PART_TIME = "part_time", _("柔性引才·兼职")
        PROJECT = "project", _("柔性引才·项目合作")
        VISITING = "visiting", _("柔性引才·客座访问")
        CULTIVATED = "cultivated", _("本地培育")

    FLEXIBLE = (Mode.PART_TIME, Mode.PROJECT, Mode.VISITING)

    category = models.CharField(_("类别"), max_length=10, choices=Category.choices)
    mode = models.CharField(_("引进方式"), max_length=12, choices=Mode.choices)
    team_name = models.CharField(_("团队名称"), max_length=200, blank=True,
                                 help_text=_("高端创新团队填写"))
    # personal data: masked to readers, a digest only in the audit trail
    name = models.CharField(_("姓名（团队负责人）"), max_length=50)
    id_number = models.CharField(_("证件号码"), max_length=30, blank=True,
                                 help_text=_("选填，仅用于去重；列表与导出中对只读角色隐去"))
    members = models.PositiveSmallIntegerField(_("团队人数"), default=1,
                                               validators=[MinValueValidator(1)])
    host = models.ForeignKey("orgs.Organisation", verbose_name=_("依托单位"),
                             on_delete=models.PROTECT, related_name="talents")
    project = models.ForeignKey(CooperationProject, verbose_name=_("关联合作项目"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="talents")
    field = models.CharField(_("研究领域"), max_length=100)
    origin = models.CharField(_("来源单位"), max_length=200, blank=True,
                              help_text=_("引进前所在的高校、院所或企业"))
    started_on = models.DateField(_("落地日期"))
    ended_on = models.DateField(_("离开日期"), null=True, blank=True)
    support = models.CharField(_("支持情况"), max_length=300, blank=True,
                               help_text=_("安家补贴、科研经费、平台条件等"))
    support_yuan = models.DecimalField(_("支持资金（元）"), null=True, blank=True,
                                       validators=[MinValueValidator(0)], **MONEY)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("人才团队")
        verbose_name_plural = _("人才团队")
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["category", "started_on"])]

    def __str__(self) -> str:
        # the audit trail copies str() as the object's label: never the person's name
        label = self.team_name or self.get_category_display()
        return f"{label} #{self.pk}" if self.pk else str(label)

    def get_absolute_url(self) -> str:
        return reverse("cooperation:talent_edit", args=[self.pk])

    @property
    def flexible(self) -> bool:
        return self.mode in self.FLEXIBLE

    def clean(self) -> None:
        super().clean()
        errors: dict[str, object] = {}
        if self.category == self.Category.TEAM and not self.team_name:
            errors["team_name"] = _("高端创新团队请填写团队名称")
        if self.category != self.Category.TEAM and self.members and self.members != 1:
            errors["members"] = _("个人的团队人数为 1")
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("离开日期不能早于落地日期")
        if errors:
            raise ValidationError(errors)


class Achievement(models.Model):
    class Mode(models.TextChoices):
        TRANSFER = "transfer", _("转让")
        LICENCE = "licence", _("许可")
        JOINT = "joint", _("合作开发")
        EQUITY = "equity", _("作价投资")

    title = models.CharField(_("成果名称"), max_length=200)
    source = models.CharField(_("成果来源"), max_length=200,
                              help_text=_("完成成果的高校、院所或团队"))
    project = models.ForeignKey(CooperationProject, verbose_name=_("关联合作项目"), null=True,
                                blank=True, on_delete=models.SET_NULL,
                                related_name="achievements")
    receiver = models.ForeignKey("orgs.Organisation", verbose_name=_("承接企业"),
                                 on_delete=models.PROTECT, related_name="achievements_received")
    mode = models.CharField(_("转化方式"), max_length=10, choices=Mode.choices)
    amount_yuan = models.DecimalField(_("转化金额（元）"), validators=[MinValueValidator(0)],
                                      default=0, **MONEY)
    transferred_on = models.DateField(_("转化日期"))
    contract_no = models.CharField(_("技术合同登记编号"), max_length=40, blank=True,
                                   help_text=_("已认定登记的技术合同填写登记编号"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("转化科技成果")
        verbose_name_plural = _("转化科技成果")
        ordering = ["-transferred_on", "-id"]
        indexes = [models.Index(fields=["transferred_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:achievement_edit", args=[self.pk])


# The city bureau does everything; county staff keep their county's records; a local partner
# organisation's users read their own projects and file their milestones' evidence; a host
# organisation keeps its own talents; a receiving enterprise reads its achievements.
_CITY = {"view", "add", "change", "delete", "export", "approve"}
_COUNTY = {"view", "add", "change", "export"}
register(CooperationProject, Scope(
    rights=rights(city_admin=_CITY, city_staff=_CITY, county_staff=_COUNTY,
                  enterprise=set(READ)),
    county="county", organisation="local_partners"))
_PROJECT_PART = rights(city_admin=_CITY, city_staff=_CITY, county_staff=_COUNTY,
                       enterprise={"view", "change", "export"})
register(Milestone, Scope(rights=_PROJECT_PART, county="project__county",
                          organisation="project__local_partners"))
register(MilestoneEvidence, Scope(
    rights=rights(city_admin=_CITY, city_staff=_CITY, county_staff=_COUNTY,
                  enterprise={"view", "add"}),
    county="milestone__project__county", organisation="milestone__project__local_partners"))
register(Outcome, Scope(rights=rights(city_admin=_CITY, city_staff=_CITY, county_staff=_COUNTY,
                                      enterprise=set(READ)),
                        county="project__county", organisation="project__local_partners"))
register(Talent, Scope(rights=rights(city_admin=_CITY, city_staff=_CITY,
                                     county_staff={"view", "export"},
                                     enterprise={"view", "add", "change", "export"}),
                       county="host__county", organisation="host"))
register(Achievement, Scope(rights=rights(city_admin=_CITY, city_staff=_CITY,
                                          county_staff=_COUNTY, enterprise=set(READ)),
                            county="receiver__county", organisation="receiver"))
