"""R&D projects (行动二, issue #14): programmes, calls, applications, the expert pool, draws
with computed 回避, reviews and projects (approved applications and historical carry-overs).

Who sees what is declared once per model below (accounts/scoping.py): the city every row;
county staff the rows of their county; an enterprise its own applications and projects and the
published calls; an expert only the applications assigned to them and not recused (回避), their
own assignments, reviews and profile.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import READ, Assignment, RestrictManager, Scope, register, rights
from kechuang.core.files import StoredFile, stored_file_field
from kechuang.core.uploads import UploadTo, private_storage
from kechuang.policy import rd_attachments

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2,
           "validators": [MinValueValidator(0), MaxValueValidator(100)]}


class Level(models.TextChoices):
    """The programme a project belongs to, as the plan's indicators count it."""

    MAJOR = "major_project", _("市级重大专项")
    KEY_RD = "key_rd_project", _("重点研发计划")
    JOINT_BASIC = "joint_basic_research", _("省基础研究计划（长治·潞安）联合资助")
    BASIC = "basic_research", _("市级基础研究")
    OTHER = "other", _("其他")


class Source(models.TextChoices):
    CITY = "city", _("申请市财政")
    PROVINCE = "province", _("省财政")
    ENTERPRISE = "enterprise", _("企业自筹")
    OTHER = "other", _("其他")


class Category(models.TextChoices):
    EQUIPMENT = "equipment", _("设备费")
    MATERIALS = "materials", _("材料费")
    TESTING = "testing", _("测试化验加工费")
    FUEL = "fuel", _("燃料动力费")
    TRAVEL = "travel", _("差旅/会议/国际合作交流费")
    PUBLICATION = "publication", _("出版/文献/信息传播/知识产权事务费")
    LABOUR = "labour", _("劳务费")
    CONSULTING = "consulting", _("专家咨询费")
    INDIRECT = "indirect", _("间接费用")


class ReviewKind(models.TextChoices):
    """A review group's kind: the technical review scores the call's criteria, the budget
    review (财务评审) its budget criteria; each kind is drawn, scored and ranked apart."""

    TECHNICAL = "technical", _("技术评审")
    BUDGET = "budget", _("财务评审")


class Programme(models.Model):
    """A funding programme and its rules: who pays what share, the cap, the co-funding rule."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    level = models.CharField(_("类别"), max_length=30, choices=Level.choices, db_index=True)
    share_province_pct = models.DecimalField(_("省财政比例（%）"), null=True, blank=True,
                                             **PERCENT)
    share_city_pct = models.DecimalField(_("市财政比例（%）"), null=True, blank=True, **PERCENT)
    share_enterprise_pct = models.DecimalField(_("企业出资比例（%）"), null=True, blank=True,
                                               **PERCENT)
    cap_city_yuan = models.DecimalField(_("单项市财政资助上限（元）"), null=True, blank=True,
                                        **MONEY)
    cofund_ratio = models.DecimalField(
        _("企业自筹与市财政资金最低比例"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)], help_text=_("如 1 表示企业自筹不少于申请市财政资金"))

    objects = RestrictManager()

    class Meta:
        verbose_name = _("计划类别")
        verbose_name_plural = _("计划类别")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def shares(self) -> dict[str, Decimal]:
        """Source → the share (percent) the programme fixes; empty when it fixes none."""
        pairs = ((Source.PROVINCE, self.share_province_pct), (Source.CITY, self.share_city_pct),
                 (Source.ENTERPRISE, self.share_enterprise_pct))
        return {str(s): v for s, v in pairs if v is not None}


class Call(models.Model):
    """A call for applications (申报指南) of a programme and year."""

    programme = models.ForeignKey(Programme, verbose_name=_("计划类别"),
                                  on_delete=models.PROTECT, related_name="calls")
    year = models.PositiveIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("指南名称"), max_length=200)
    directions = models.TextField(_("支持方向"), blank=True, help_text=_("每行一个方向"))
    fields = models.CharField(_("专业领域"), max_length=300, blank=True,
                              help_text=_("评审专家的领域，用逗号分隔"))
    deadline = models.DateField(_("申报截止日期"))
    pi_limit = models.PositiveSmallIntegerField(
        _("负责人限项数"), default=1,
        help_text=_("项目负责人同时承担在研项目和在审申报的最多项数"))
    criteria = models.JSONField(_("评审指标及权重"), default=list, blank=True,
                                help_text=_('如 [{"name": "创新性", "weight": 30}, …]'))
    budget_criteria = models.JSONField(
        _("财务评审指标及权重"), default=list, blank=True,
        help_text=_('如 [{"name": "预算合理性", "weight": 60}, '
                    '{"name": "经费匹配", "weight": 40}]；留空则不设财务评审'))
    budget_fields = models.CharField(_("财务评审专家领域"), max_length=200, blank=True,
                                     default="财务,会计,审计",
                                     help_text=_("抽取财务评审专家时的专业领域，用逗号分隔"))
    budget_weight = models.PositiveSmallIntegerField(
        _("财务评审权重（%）"), default=0, validators=[MaxValueValidator(100)],
        help_text=_("0：按技术评审得分排名，财务评审得分和意见并列显示供会审参考；"
                    "大于 0：综合得分 = 技术评审 ×（100 − 权重）% + 财务评审 × 权重%"))
    blind = models.BooleanField(_("匿名评审"), default=False)
    required_attachments = models.JSONField(
        _("申报附件要求"), default=list, blank=True,
        help_text=_('如 [{"name": "可行性研究报告", "types": ["pdf"], "blind_copy": true}, '
                    '{"name": "营业执照", "types": ["pdf", "jpg"]}]；blind_copy 表示须上传'
                    '匿名版本，匿名评审时只有此类附件提供给专家'))
    published = models.BooleanField(_("已发布"), default=False, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("申报指南")
        verbose_name_plural = _("申报指南")
        ordering = ["-year", "-deadline", "-id"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:call_detail", args=[self.pk])

    def field_set(self) -> frozenset[str]:
        return frozenset(f.strip() for f in self.fields.replace("，", ",").split(",")
                         if f.strip())

    def criteria_list(self, kind: str = ReviewKind.TECHNICAL) -> list[tuple[str, Decimal]]:
        """The criteria of a review kind with their weights (budget: the budget criteria)."""
        raw = self.budget_criteria if kind == ReviewKind.BUDGET else self.criteria
        return [(str(c["name"]), Decimal(str(c.get("weight", 1)))) for c in raw or []]

    @property
    def has_budget_review(self) -> bool:
        return bool(self.budget_criteria)

    def budget_field_set(self) -> frozenset[str]:
        return frozenset(f.strip() for f in self.budget_fields.replace("，", ",").split(",")
                         if f.strip())

    def attachment_requirements(self) -> list[rd_attachments.Requirement]:
        """The attachments an application to this call must carry (malformed entries are
        refused by clean(), so none are left out here in practice)."""
        return rd_attachments.parse_requirements(self.required_attachments)[0]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        for field in ("criteria", "budget_criteria"):
            for c in getattr(self, field) or []:
                if not isinstance(c, dict) or not c.get("name"):
                    raise ValidationError({field: _("每个评审指标须有名称和权重")})
                try:
                    if Decimal(str(c.get("weight", 1))) <= 0:
                        raise ValueError
                except (ArithmeticError, ValueError) as exc:
                    raise ValidationError(
                        {field: _("评审指标“%(name)s”的权重须为正数") % {"name": c["name"]}}
                    ) from exc
        if self.budget_weight and not self.budget_criteria:
            raise ValidationError({"budget_weight": _("未设财务评审指标时财务评审权重须为 0")})
        _reqs, problems = rd_attachments.parse_requirements(self.required_attachments)
        if problems:
            kind, detail = problems[0]
            raise ValidationError({"required_attachments": {
                "shape": _("申报附件要求须为列表，每项含名称和允许的文件类型"),
                "name": _("第 %(d)s 项附件要求缺少名称"),
                "duplicate": _("附件“%(d)s”重复列出"),
                "types": _("附件“%(d)s”的文件类型须从 %(known)s 中选择"),
            }[kind] % {"d": detail, "known": "、".join(rd_attachments.KNOWN_TYPES)}})


class Application(models.Model):
    """An application (申报) to a call; its state moves only through projects.workflows."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RECOMMENDED = "recommended", _("县区已推荐")
        RETURNED = "returned", _("退回修改")
        CHECKED = "checked", _("形式审查通过")
        REVIEWING = "reviewing", _("专家评审中")
        APPROVED = "approved", _("已立项")
        REJECTED = "rejected", _("未立项")

    # what the applicant sees: the internal steps collapse into 已受理 / 评审中
    PUBLIC_LABELS = {
        "draft": _("草稿"), "returned": _("退回修改"), "submitted": _("已受理"),
        "recommended": _("已受理"), "checked": _("已受理"), "reviewing": _("评审中"),
        "approved": _("已立项"), "rejected": _("未立项"),
    }
    ACTIVE = ("submitted", "recommended", "checked", "reviewing")  # count against 限项

    call = models.ForeignKey(Call, verbose_name=_("申报指南"), on_delete=models.PROTECT,
                             related_name="applications")
    title = models.CharField(_("项目名称"), max_length=200)
    direction = models.CharField(_("支持方向"), max_length=100, blank=True)
    lead = models.ForeignKey("orgs.Organisation", verbose_name=_("牵头单位"),
                             on_delete=models.PROTECT, related_name="rd_applications")
    county = models.ForeignKey("regions.Region", verbose_name=_("所在县区"),
                               on_delete=models.PROTECT, related_name="rd_applications",
                               help_text=_("牵头单位所在县区"))
    partners = models.ManyToManyField("orgs.Organisation", verbose_name=_("合作单位"),
                                      related_name="rd_partner_applications", blank=True)
    pi_name = models.CharField(_("项目负责人"), max_length=50)
    team = models.TextField(_("项目组成员"), blank=True, help_text=_("每行一人"))
    objectives = models.TextField(_("研究目标"), blank=True)
    targets = models.TextField(_("考核指标"), blank=True)
    total_budget_yuan = models.DecimalField(_("总预算（元）"), default=Decimal(0),
                                            validators=[MinValueValidator(0)], **MONEY)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"),
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_note = models.CharField(_("决定理由"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("项目申报")
        verbose_name_plural = _("项目申报")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["call", "status"]),
                   models.Index(fields=["county", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:application_detail", args=[self.pk])

    @property
    def public_label(self) -> str:
        return str(self.PUBLIC_LABELS.get(self.status, self.status))

    def team_members(self) -> list[str]:
        return [n.strip() for n in self.team.splitlines() if n.strip()]

    def people(self) -> frozenset[str]:
        return frozenset([self.pi_name, *self.team_members()])


class BudgetLine(models.Model):
    """One cell of the budget: category × source, an amount in yuan."""

    application = models.ForeignKey(Application, verbose_name=_("项目申报"),
                                    on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("科目"), max_length=20, choices=Category.choices)
    source = models.CharField(_("资金来源"), max_length=12, choices=Source.choices)
    amount_yuan = models.DecimalField(_("金额（元）"), validators=[MinValueValidator(0)],
                                      **MONEY)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("预算明细")
        verbose_name_plural = _("预算明细")
        ordering = ["application_id", "category", "source"]
        constraints = [models.UniqueConstraint(fields=["application", "category", "source"],
                                               name="uniq_budget_cell")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.get_source_display()}"


class ApplicationAttachment(StoredFile):
    """A file of an application: one per attachment the call requires (``requirement`` is its
    name; a new upload replaces the old while the application is a draft), or a further
    attachment (``requirement`` empty). Private storage; served only by
    ``views.attachment_download`` after the scope check — and on a blind call reviewers get
    only the attachments the call marks as anonymised copies (``blind_copy``), under a
    neutral file name."""

    application = models.ForeignKey(Application, verbose_name=_("项目申报"),
                                    on_delete=models.CASCADE, related_name="attachments")
    requirement = models.CharField(_("附件名称"), max_length=100, blank=True,
                                   help_text=_("申报指南要求的附件名称；空为其他附件"))
    file = stored_file_field("projects")

    objects = RestrictManager()

    class Meta:
        verbose_name = _("申报附件")
        verbose_name_plural = _("申报附件")
        ordering = ["application_id", "requirement", "id"]
        constraints = [models.UniqueConstraint(
            fields=["application", "requirement"], condition=~Q(requirement=""),
            name="uniq_application_requirement")]

    def __str__(self) -> str:
        return f"{self.requirement or _('其他附件')} · {self.original_name}"

    def neutral_name(self) -> str:
        """The file name a reviewer of a blind call sees (the original may name the
        applicant)."""
        ext = rd_attachments.extension(self.original_name)
        return f"{self.requirement or _('附件')}-{self.application_id}.{ext}"


class Expert(models.Model):
    """A profile of the expert pool (专家库)."""

    class Title(models.TextChoices):
        SENIOR = "senior", _("正高级")
        ASSOCIATE = "associate", _("副高级")
        INTERMEDIATE = "intermediate", _("中级")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="expert_profile")
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职称"), max_length=20, choices=Title.choices)
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("工作单位"), null=True,
                                     blank=True, on_delete=models.PROTECT,
                                     related_name="experts")
    fields = models.CharField(_("专业领域"), max_length=300, help_text=_("用逗号分隔"))
    available = models.BooleanField(_("可参加评审"), default=True)
    # the former employers as the Excel import writes them ("单位:2019-2022；…", see
    # projects/imports.py); the FormerEmployment rows are what 回避 reads
    former_employers_text = models.CharField(
        _("曾任职单位"), max_length=1000, blank=True,
        help_text=_("如 单位A:2019-2022；单位B:2015.03-2019.06"))

    objects = RestrictManager()

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def field_set(self) -> frozenset[str]:
        return frozenset(f.strip() for f in self.fields.replace("，", ",").split(",")
                         if f.strip())

    def former_employers_cell(self) -> str:
        """The former employers as the import writes them (prefetch
        ``former_employments__organisation`` for a list)."""
        return former_employers_text([(f.organisation.name, f.started, f.ended)
                                      for f in self.former_employments.all()])


def _period_text(started: Any, ended: Any) -> str:
    if started is None or ended is None:
        return ""
    if started.month == 1 and ended.month == 12:
        return f":{started.year}-{ended.year}"
    return f":{started:%Y.%m}-{ended:%Y.%m}"


def former_employers_text(rows: Any) -> str:
    """The 曾任职单位 cell of the expert import for (organisation name, started, ended) rows
    — what the expert export writes and the import compares with (latest first)."""
    ordered = sorted(rows, key=lambda r: (-(r[2] or dt.date.max).toordinal(), r[0]))
    return "；".join(f"{name}{_period_text(s, e)}" for name, s, e in ordered)


class FormerEmployment(models.Model):
    expert_profile = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.CASCADE,
                               related_name="former_employments")
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("曾任职单位"),
                                     on_delete=models.PROTECT, related_name="+")
    started = models.DateField(_("入职日期"), null=True, blank=True)
    ended = models.DateField(_("离职日期"), null=True, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("曾任职单位")
        verbose_name_plural = _("曾任职单位")

    def __str__(self) -> str:
        return f"{self.expert_profile} · {self.organisation}"


class Relation(models.Model):
    """A relation the expert declared with an organisation or a person."""

    expert_profile = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.CASCADE,
                               related_name="relations")
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("单位"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.CharField(_("人员"), max_length=50, blank=True)
    note = models.CharField(_("关系说明"), max_length=200, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("利害关系")
        verbose_name_plural = _("利害关系")

    def __str__(self) -> str:
        return f"{self.expert_profile} · {self.organisation or self.person}"


class Declaration(models.Model):
    """An expert's own declaration of a conflict with one application (主动申明回避)."""

    expert_profile = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.CASCADE,
                               related_name="declarations")
    application = models.ForeignKey(Application, verbose_name=_("项目申报"),
                                    on_delete=models.CASCADE, related_name="declarations")
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("回避申明")
        verbose_name_plural = _("回避申明")
        constraints = [models.UniqueConstraint(fields=["expert_profile", "application"],
                                               name="uniq_declaration")]

    def __str__(self) -> str:
        return f"{self.expert_profile} · {self.application}"


class Draw(models.Model):
    """One recorded draw of a review group: seed, rules, pool snapshot and outcome — enough
    for anyone to run it again (policy.expert_draw) and get the same group."""

    application = models.ForeignKey(Application, verbose_name=_("项目申报"),
                                    on_delete=models.PROTECT, related_name="draws")
    kind = models.CharField(_("评审类型"), max_length=10, choices=ReviewKind.choices,
                            default=ReviewKind.TECHNICAL)
    seed = models.BigIntegerField(_("随机种子"))
    rules = models.JSONField(_("抽取条件"), default=dict, blank=True)
    pool = models.JSONField(_("专家库快照"), default=list, blank=True)
    members = models.JSONField(_("抽中专家"), default=list, blank=True)
    reserves = models.JSONField(_("替补专家"), default=list, blank=True)
    substitutions = models.JSONField(_("替补记录"), default=list, blank=True)
    rule_version = models.CharField(_("规则版本"), max_length=40)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("抽取人"),
                                 on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(_("抽取时间"), default=timezone.now)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("专家抽取")
        verbose_name_plural = _("专家抽取")
        ordering = ["-drawn_at", "-id"]

    def __str__(self) -> str:
        return f"{self.application} · {self.drawn_at:%Y-%m-%d %H:%M}"


class DrawExclusion(models.Model):
    """An expert of the pool left out of a draw, with every reason."""

    draw = models.ForeignKey(Draw, verbose_name=_("专家抽取"), on_delete=models.CASCADE,
                             related_name="exclusions")
    expert_profile = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.PROTECT,
                               related_name="+")
    reasons = models.JSONField(_("原因"), default=list, blank=True)
    conflicted = models.BooleanField(_("回避"), default=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("未入选原因")
        verbose_name_plural = _("未入选原因")
        ordering = ["draw_id", "-conflicted", "expert_profile_id"]

    def __str__(self) -> str:
        return f"{self.expert_profile} · {'；'.join(self.reasons)}"


class Recusal(models.Model):
    """An expert recused from an application (回避): they never see it, whatever else holds."""

    application = models.ForeignKey(Application, verbose_name=_("项目申报"),
                                    on_delete=models.CASCADE, related_name="recusals")
    expert_profile = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.CASCADE,
                               related_name="recusals")
    conflicts = models.JSONField(_("回避情形"), default=list, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("回避记录")
        verbose_name_plural = _("回避记录")
        constraints = [models.UniqueConstraint(fields=["application", "expert_profile"],
                                               name="uniq_recusal")]

    def __str__(self) -> str:
        return f"{self.expert_profile} · {self.application}"


class ExpertPlace(models.Model):
    """What a review assignment and an acceptance task share: an expert's place in a drawn
    group — member (invited → accepted / declined) or reserve — and when they answered."""

    class Status(models.TextChoices):
        INVITED = "invited", _("待确认")
        ACCEPTED = "accepted", _("已接受")
        DECLINED = "declined", _("已谢绝")
        RESERVE = "reserve", _("替补")

    rank = models.PositiveSmallIntegerField(_("顺序"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    objects = RestrictManager()

    class Meta:
        abstract = True


class ReviewAssignment(ExpertPlace):
    """An expert's place in a review group: member (invited → accepted / declined) or reserve.

    ``reviewer`` is the expert's account while the place is live (invited or accepted) — the
    path by which the expert's scope reaches the application — and empty otherwise.
    """

    draw = models.ForeignKey(Draw, verbose_name=_("专家抽取"), on_delete=models.CASCADE,
                             related_name="assignments")
    application = models.ForeignKey(Application, verbose_name=_("项目申报"),
                                    on_delete=models.CASCADE, related_name="assignments")
    expert_profile = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.PROTECT,
                               related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评审账号"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="review_assignments")
    class Meta:
        verbose_name = _("评审任务")
        verbose_name_plural = _("评审任务")
        ordering = ["application_id", "rank"]
        constraints = [models.UniqueConstraint(fields=["draw", "expert_profile"],
                                               name="uniq_assignment")]

    def __str__(self) -> str:
        return f"{self.expert_profile} · {self.application}"

    def get_absolute_url(self) -> str:
        return reverse("projects:review", args=[self.pk])

    @property
    def kind(self) -> str:
        """The group's kind (技术评审 / 财务评审): the draw's."""
        return self.draw.kind


class Review(models.Model):
    """An expert's score sheet: a score per criterion (0–100), the weighted total, an opinion."""

    assignment = models.OneToOneField(ReviewAssignment, verbose_name=_("评审任务"),
                                      on_delete=models.PROTECT, related_name="review")
    scores = models.JSONField(_("分项得分"), default=dict)
    total = models.DecimalField(_("加权总分"), max_digits=6, decimal_places=2)
    opinion = models.TextField(_("评审意见"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("评审意见")
        verbose_name_plural = _("评审意见")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.total}"


class Project(models.Model):
    """A funded project: an approved application, or a historical carry-over (结转)."""

    class Stage(models.TextChoices):
        RUNNING = "running", _("实施中")
        MIDTERM = "midterm", _("中期检查")
        ACCEPTANCE = "acceptance", _("验收中")
        ACCEPTED = "accepted", _("已验收")
        TERMINATED = "terminated", _("已终止")

    application = models.OneToOneField(Application, verbose_name=_("项目申报"), null=True,
                                       blank=True, on_delete=models.PROTECT,
                                       related_name="project")
    programme = models.ForeignKey(Programme, verbose_name=_("计划类别"),
                                  on_delete=models.PROTECT, related_name="projects")
    code = models.CharField(_("项目编号"), max_length=30, unique=True)
    title = models.CharField(_("项目名称"), max_length=200)
    year = models.PositiveIntegerField(_("立项年度"), db_index=True)
    level = models.CharField(_("类别"), max_length=30, choices=Level.choices, db_index=True)
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices,
                             default=Stage.RUNNING, db_index=True)
    lead = models.ForeignKey("orgs.Organisation", verbose_name=_("承担单位"),
                             on_delete=models.PROTECT, related_name="rd_projects")
    county = models.ForeignKey("regions.Region", verbose_name=_("所在县区"),
                               on_delete=models.PROTECT, related_name="rd_projects")
    partners = models.ManyToManyField("orgs.Organisation", verbose_name=_("合作单位"),
                                      related_name="rd_partner_projects", blank=True)
    pi_name = models.CharField(_("项目负责人"), max_length=50)
    team = models.TextField(_("项目组成员"), blank=True)
    approved_on = models.DateField(_("立项日期"))
    ends_on = models.DateField(_("计划完成日期"), null=True, blank=True)
    approved_city_yuan = models.DecimalField(_("市财政资助（元）"), default=Decimal(0),
                                             validators=[MinValueValidator(0)], **MONEY)
    approved_province_yuan = models.DecimalField(_("省财政资助（元）"), default=Decimal(0),
                                                 validators=[MinValueValidator(0)], **MONEY)
    approved_enterprise_yuan = models.DecimalField(_("企业自筹（元）"), default=Decimal(0),
                                                   validators=[MinValueValidator(0)], **MONEY)
    carried_over = models.BooleanField(_("上年度结转"), default=False, db_index=True)
    contract_signed_on = models.DateField(_("任务书签订日期"), null=True, blank=True)
    midterm_passed_on = models.DateField(_("中期检查通过日期"), null=True, blank=True)
    targets = models.TextField(_("考核指标"), blank=True, help_text=_("每行一项"))

    objects = RestrictManager()

    class Meta:
        verbose_name = _("科技项目")
        verbose_name_plural = _("科技项目")
        ordering = ["-year", "code"]
        indexes = [models.Index(fields=["year", "level"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.pk])

    def target_list(self) -> list[str]:
        return [t.strip() for t in self.targets.splitlines() if t.strip()]

    @property
    def approved_total_yuan(self) -> Decimal:
        return self.approved_city_yuan + self.approved_province_yuan + \
            self.approved_enterprise_yuan



class FundingSource(models.Model):
    """The approved amount of one source of a project and what has been paid from it.

    Amounts are integer fen. ``paid_fen`` moves only by the conditional update of
    ``services.disburse`` and a check constraint holds it within ``0 … approved_fen``: the
    ledger can never pay more than was approved, whatever runs at the same time.
    """

    project = models.ForeignKey(Project, verbose_name=_("科技项目"), on_delete=models.CASCADE,
                                related_name="funding")
    source = models.CharField(_("资金来源"), max_length=12, choices=Source.choices)
    approved_fen = models.BigIntegerField(_("批准金额（分）"), validators=[MinValueValidator(0)])
    paid_fen = models.BigIntegerField(_("已拨付（分）"), default=0, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
        ordering = ["project_id", "source"]
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="uniq_funding_source"),
            models.CheckConstraint(condition=Q(paid_fen__gte=0), name="funding_paid_gte_0"),
            models.CheckConstraint(condition=Q(paid_fen__lte=models.F("approved_fen")),
                                   name="funding_paid_lte_approved"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_source_display()}"

    @property
    def approved_yuan(self) -> Decimal:
        return Decimal(self.approved_fen) / 100

    @property
    def paid_yuan(self) -> Decimal:
        return Decimal(self.paid_fen) / 100

    @property
    def remaining_yuan(self) -> Decimal:
        return Decimal(self.approved_fen - self.paid_fen) / 100


class Instalment(models.Model):
    """One instalment of a source's funding plan (e.g. first at signing, rest after the
    mid-term check); like its source it can never be paid beyond its amount."""

    class Condition(models.TextChoices):
        SIGNING = "signing", _("任务书签订后")
        MIDTERM = "midterm", _("中期检查通过后")
        ACCEPTANCE = "acceptance", _("验收通过后")

    funding = models.ForeignKey(FundingSource, verbose_name=_("资金来源"),
                                on_delete=models.CASCADE, related_name="instalments")
    seq = models.PositiveSmallIntegerField(_("批次"))
    condition = models.CharField(_("拨付条件"), max_length=12, choices=Condition.choices)
    amount_fen = models.BigIntegerField(_("计划金额（分）"), validators=[MinValueValidator(1)])
    paid_fen = models.BigIntegerField(_("已拨付（分）"), default=0, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("拨付批次")
        verbose_name_plural = _("拨付批次")
        ordering = ["funding_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["funding", "seq"], name="uniq_instalment"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="instalment_amount_gt_0"),
            models.CheckConstraint(condition=Q(paid_fen__gte=0),
                                   name="instalment_paid_gte_0"),
            models.CheckConstraint(condition=Q(paid_fen__lte=models.F("amount_fen")),
                                   name="instalment_paid_lte_amount"),
        ]

    def __str__(self) -> str:
        return _("第%(n)s批") % {"n": self.seq}

    @property
    def amount_yuan(self) -> Decimal:
        return Decimal(self.amount_fen) / 100

    @property
    def paid_yuan(self) -> Decimal:
        return Decimal(self.paid_fen) / 100

    @property
    def remaining_yuan(self) -> Decimal:
        return Decimal(self.amount_fen - self.paid_fen) / 100


class Disbursement(models.Model):
    """A payment of the ledger (拨付记录): append-only; a correction is a new row."""

    project = models.ForeignKey(Project, verbose_name=_("科技项目"), on_delete=models.PROTECT,
                                related_name="disbursements")
    instalment = models.ForeignKey(Instalment, verbose_name=_("拨付批次"),
                                   on_delete=models.PROTECT, related_name="disbursements")
    source = models.CharField(_("资金来源"), max_length=12, choices=Source.choices)
    amount_fen = models.BigIntegerField(_("拨付金额（分）"), validators=[MinValueValidator(1)])
    paid_on = models.DateField(_("拨付日期"))
    voucher_no = models.CharField(_("凭证号"), max_length=50, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"),
                                on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("拨付记录")
        verbose_name_plural = _("拨付记录")
        ordering = ["-paid_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0),
                                              name="disbursement_amount_gt_0")]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.get_source_display()} · {self.amount_yuan}"

    @property
    def amount_yuan(self) -> Decimal:
        return Decimal(self.amount_fen) / 100


class ProgressReport(models.Model):
    """A periodic progress report (进展报告) or the mid-term report (中期检查) with its
    evidence; the city checks a mid-term report, and passing it releases the later
    instalments."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("进展报告")
        MIDTERM = "midterm", _("中期检查")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        PASSED = "passed", _("检查通过")
        FAILED = "failed", _("检查未通过")

    project = models.ForeignKey(Project, verbose_name=_("科技项目"), on_delete=models.CASCADE,
                                related_name="reports")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    period = models.CharField(_("报告期"), max_length=50, help_text=_("如 2025年上半年"))
    summary = models.TextField(_("进展情况"))
    spent_yuan = models.DecimalField(_("累计支出（元）"), default=Decimal(0),
                                     validators=[MinValueValidator(0)], **MONEY)
    evidence = models.FileField(_("佐证材料"), storage=private_storage, blank=True,
                                upload_to=UploadTo("projects"), max_length=200)
    evidence_name = models.CharField(_("文件名"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.SUBMITTED, db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"),
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("检查人"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    check_note = models.CharField(_("检查意见"), max_length=500, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("项目进展报告")
        verbose_name_plural = _("项目进展报告")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.get_kind_display()} · {self.period}"


class ReportDue(models.Model):
    """A report a project owes (报告计划): a half-yearly progress report or the mid-term
    report, with its due date (policy.rd_reports). Filing a report of that kind fulfils the
    earliest one still open; the daily reminder job (services.send_report_reminders) tells
    the project's organisation and the county's staff before, on and after the date."""

    project = models.ForeignKey(Project, verbose_name=_("科技项目"), on_delete=models.CASCADE,
                                related_name="report_dues")
    kind = models.CharField(_("类型"), max_length=10, choices=ProgressReport.Kind.choices)
    period = models.CharField(_("报告期"), max_length=50)
    due_on = models.DateField(_("应报日期"), db_index=True)
    report = models.OneToOneField(ProgressReport, verbose_name=_("已报报告"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="due")

    objects = RestrictManager()

    class Meta:
        verbose_name = _("报告计划")
        verbose_name_plural = _("报告计划")
        ordering = ["due_on", "project_id", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "kind", "period"],
                                               name="uniq_report_due")]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.get_kind_display()} · {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.project_id])


class ChangeRequest(models.Model):
    """A change to a running project (项目变更): a new PI, a budget reallocation within the
    limits of policy.rd_funding, or an extension — decided through projects.workflows."""

    class Kind(models.TextChoices):
        PI = "pi", _("变更项目负责人")
        BUDGET = "budget", _("预算调剂")
        EXTENSION = "extension", _("延期")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已同意")
        REJECTED = "rejected", _("不同意")

    project = models.ForeignKey(Project, verbose_name=_("科技项目"), on_delete=models.CASCADE,
                                related_name="changes")
    kind = models.CharField(_("变更类型"), max_length=10, choices=Kind.choices)
    new_pi_name = models.CharField(_("新项目负责人"), max_length=50, blank=True)
    new_ends_on = models.DateField(_("延期至"), null=True, blank=True)
    moves = models.JSONField(_("调剂明细"), default=list, blank=True,
                             help_text=_('如 [{"source": "city", "from": "equipment", '
                                         '"to": "materials", "yuan": "50000"}]'))
    reason = models.TextField(_("变更理由"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.SUBMITTED, db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"),
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("项目变更")
        verbose_name_plural = _("项目变更")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.project_id])


class Acceptance(models.Model):
    """The acceptance (验收) of a project: the self-evaluation of each 考核指标, the financial
    audit report, the acceptance group drawn like a review group, and the conclusion."""

    class Conclusion(models.TextChoices):
        PASSED = "passed", _("通过")
        CLOSED = "closed", _("结题")
        FAILED = "failed", _("不通过")

    project = models.OneToOneField(Project, verbose_name=_("科技项目"), on_delete=models.CASCADE,
                                   related_name="acceptance")
    self_evaluation = models.JSONField(_("考核指标完成情况"), default=list,
                                       help_text=_('[{"target": …, "achieved": …, "met": true}]'))
    audit_report = models.FileField(_("财务审计报告"), storage=private_storage,
                                    upload_to=UploadTo("projects"), max_length=200)
    audit_report_name = models.CharField(_("文件名"), max_length=200)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"),
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    seed = models.BigIntegerField(_("随机种子"), null=True, blank=True)
    group = models.JSONField(_("验收专家组"), default=list, blank=True)
    reserves = models.JSONField(_("替补专家"), default=list, blank=True)
    exclusions = models.JSONField(_("未入选原因"), default=list, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    conclusion = models.CharField(_("验收结论"), max_length=10, choices=Conclusion.choices,
                                  blank=True)
    opinion = models.TextField(_("验收意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_on = models.DateField(_("验收日期"), null=True, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("项目验收")
        verbose_name_plural = _("项目验收")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project.code} · {_('验收')}"


class AcceptanceTask(ExpertPlace):
    """An expert's place in an acceptance group (验收任务): member (invited → accepted /
    declined) or reserve, like a review assignment. ``reviewer`` is the expert's account
    while the place is live — the path by which the expert's scope reaches it."""

    acceptance = models.ForeignKey(Acceptance, verbose_name=_("项目验收"),
                                   on_delete=models.CASCADE, related_name="tasks")
    expert_profile = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.PROTECT,
                                       related_name="acceptance_tasks")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("验收账号"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="acceptance_tasks")
    class Meta:
        verbose_name = _("验收任务")
        verbose_name_plural = _("验收任务")
        ordering = ["acceptance_id", "rank"]
        constraints = [models.UniqueConstraint(fields=["acceptance", "expert_profile"],
                                               name="uniq_acceptance_task")]

    def __str__(self) -> str:
        return f"{self.expert_profile} · {self.acceptance.project}"

    def get_absolute_url(self) -> str:
        return reverse("projects:acceptance_task", args=[self.pk])


class AcceptanceOpinion(models.Model):
    """An acceptance expert's opinion: each 考核指标 met / partly / not met, the conclusion
    they recommend and why. The city decides the conclusion (Acceptance) with these in view."""

    class Rating(models.TextChoices):
        MET = "met", _("已完成")
        PARTLY = "partly", _("部分完成")
        NOT_MET = "not_met", _("未完成")

    task = models.OneToOneField(AcceptanceTask, verbose_name=_("验收任务"),
                                on_delete=models.PROTECT, related_name="opinion")
    ratings = models.JSONField(_("考核指标评价"), default=list,
                               help_text=_('[{"target": …, "rating": "met"}]'))
    recommendation = models.CharField(_("建议结论"), max_length=10,
                                      choices=Acceptance.Conclusion.choices)
    opinion = models.TextField(_("验收意见"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("专家验收意见")
        verbose_name_plural = _("专家验收意见")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task} · {self.get_recommendation_display()}"

    def rating_rows(self) -> list[tuple[str, str]]:
        labels = dict(self.Rating.choices)
        return [(r.get("target", ""), str(labels.get(r.get("rating"), r.get("rating", ""))))
                for r in self.ratings]


class Deliberation(models.Model):
    """The 会审 of a call: who decided which applications to propose for funding and why,
    and the 公示 (publicity) period. ``listing`` is the published list as it was decided
    (title, lead, county), so the 公示 page reads no application."""

    call = models.ForeignKey(Call, verbose_name=_("申报指南"), on_delete=models.PROTECT,
                             related_name="deliberations")
    proposed = models.JSONField(_("拟立项申报"), default=list)
    listing = models.JSONField(_("公示名单"), default=list)
    reason = models.TextField(_("会审意见"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"),
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("会审时间"), default=timezone.now)
    publicity_from = models.DateField(_("公示开始"))
    publicity_until = models.DateField(_("公示截止"))

    objects = RestrictManager()

    class Meta:
        verbose_name = _("会审")
        verbose_name_plural = _("会审")
        ordering = ["-decided_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=Q(publicity_until__gte=models.F("publicity_from")),
            name="deliberation_publicity_order")]

    def __str__(self) -> str:
        return f"{self.call} · {_('会审')}"


# ---- scopes ------------------------------------------------------------------------------
# The city manages everything; county staff see and recommend their county's applications;
# an enterprise writes its own applications; the expert reads what is assigned to them.
_CITY = {"view", "add", "change", "delete", "export", "approve"}
CITY_ONLY = rights(city_admin=_CITY, city_staff=_CITY)
PUBLISHED = (READ, Q(published=True))

register(Programme, Scope(rights=CITY_ONLY, public_read=True))
register(Call, Scope(
    rights=rights(city_admin=_CITY, city_staff=_CITY, county_staff=READ,
                  enterprise=READ, expert={"view"}),
    county="applications__county", organisation="applications__lead",
    assigned=Assignment(to="applications__assignments__reviewer"),
    role_terms=dict(county_staff=PUBLISHED, enterprise=PUBLISHED)))
register(Application, Scope(
    rights=rights(city_admin=_CITY, city_staff=_CITY,
                  county_staff={"view", "export", "approve"},
                  enterprise={"view", "add", "change", "export"}, expert={"view"}),
    county="county", organisation="lead",
    assigned=Assignment(to="assignments__reviewer", excluded="recusals__expert_profile__user")))
register(BudgetLine, Scope(rights=rights(city_admin=_CITY, city_staff=_CITY,
                                         county_staff=READ, enterprise=_CITY - {"approve"},
                                         expert={"view"}),
                           parents=("application",)))
register(ApplicationAttachment, Scope(
    rights=rights(city_admin=_CITY, city_staff=_CITY, county_staff=READ,
                  enterprise={"view", "add", "delete"}, expert={"view"}),
    parents=("application",)))
register(Expert, Scope(rights=rights(city_admin=_CITY, city_staff=_CITY,
                                     expert={"view", "change"}),
                       assigned=Assignment(to="user")))
for _m in (FormerEmployment, Relation, Declaration):
    register(_m, Scope(rights=rights(city_admin=_CITY, city_staff=_CITY,
                                     expert={"view"}),
                       parents=("expert_profile",)))
register(Draw, Scope(rights=CITY_ONLY))
register(DrawExclusion, Scope(rights=CITY_ONLY, parents=("draw",)))
register(Recusal, Scope(rights=CITY_ONLY))
register(ReviewAssignment, Scope(
    rights=rights(city_admin=_CITY, city_staff=_CITY,
                  expert={"view", "change"}),
    assigned=Assignment(to="expert_profile__user",
                        excluded="application__recusals__expert_profile__user")))
register(Review, Scope(
    rights=rights(city_admin=READ | {"approve"}, city_staff=READ | {"approve"},
                  expert={"view", "add"}),
    assigned=Assignment(to="assignment__expert_profile__user",
                        excluded="assignment__application__recusals__expert_profile__user")))
register(Project, Scope(
    rights=rights(city_admin=_CITY, city_staff=_CITY, county_staff=READ,
                  enterprise=READ),
    county="county", organisation="lead"))

_LEDGER = rights(city_admin=_CITY, city_staff=_CITY, county_staff=READ, enterprise=READ)
register(FundingSource, Scope(rights=_LEDGER, parents=("project",)))
register(Instalment, Scope(rights=_LEDGER, parents=("funding",)))
register(Disbursement, Scope(rights=_LEDGER, parents=("project",)))
_OWNER_FILES = rights(city_admin=_CITY, city_staff=_CITY, county_staff=READ,
                      enterprise={"view", "add"})
for _m in (ProgressReport, ChangeRequest, Acceptance):
    register(_m, Scope(rights=_OWNER_FILES, county="project__county",
                       organisation="project__lead"))
# the schedule: the organisation sees its own on the project page; the overdue list and its
# export are the bureau's (export right)
register(ReportDue, Scope(rights=rights(city_admin=_CITY, city_staff=_CITY, county_staff=READ,
                                        enterprise={"view"}),
                          county="project__county", organisation="project__lead"))
register(Deliberation, Scope(rights=CITY_ONLY, public_read=True))
# an acceptance expert reads and answers only their own live places (reserves and declined
# places have no reviewer); an opinion is theirs to add, the city reads every one
register(AcceptanceTask, Scope(
    rights=rights(city_admin=_CITY, city_staff=_CITY, expert={"view", "change"}),
    assigned=Assignment(to="reviewer")))
register(AcceptanceOpinion, Scope(
    rights=rights(city_admin=READ | {"approve"}, city_staff=READ | {"approve"},
                  expert={"view", "add"}),
    assigned=Assignment(to="task__reviewer")))
