from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import ALL, READ, RestrictManager, Scope, register, rights
from kechuang.orgs.industry import DIVISIONS, INDUSTRY_CHOICES
from kechuang.policy import credit_code as cc

ZERO = Decimal("0")


def validate_credit_code(value: str) -> None:
    try:
        cc.validate(value)
    except cc.CreditCodeError as exc:
        raise ValidationError(exc.message, code="credit_code") from exc


def validate_industry_code(value: str) -> None:
    if value not in DIVISIONS:
        raise ValidationError(_("未知的行业代码“%(code)s”（应为 GB/T 4754 大类，如 C26）"),
                              params={"code": value}, code="industry_code")


def money(verbose: str, **kw) -> models.DecimalField:
    """Money in yuan, to the fen; never float."""
    return models.DecimalField(verbose, max_digits=16, decimal_places=2, default=ZERO, **kw)


class IndustrialChain(models.Model):
    """One of the city's key industrial chains (configurable list)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("重点产业链")
        verbose_name_plural = _("重点产业链")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """Any legal person the bureau deals with: enterprise, university, institute, provider."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        UNIVERSITY = "university", _("高校")
        INSTITUTE = "institute", _("科研院所")
        SERVICE_PROVIDER = "service_provider", _("服务机构")

    class Tier(models.TextChoices):
        NONE = "", _("未入梯队")
        TECH_SME = "tech_sme", _("科技型中小企业")
        HIGH_TECH = "high_tech", _("高新技术企业")
        LEADER = "leader", _("高科技领军企业")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.ENTERPRISE,
                            db_index=True)
    name = models.CharField(_("名称"), max_length=200, db_index=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code],
        # Django's default reads "具有 统一社会信用代码 的 机构 已存在。"; also used by the API
        error_messages={"unique": _("已有单位使用该统一社会信用代码，请勿重复登记。")})
    county = models.ForeignKey("regions.Region", verbose_name=_("所在县区"),
                               on_delete=models.PROTECT, related_name="organisations",
                               limit_choices_to={"level": "county"})
    address = models.CharField(_("地址"), max_length=300, blank=True)
    industry_code = models.CharField(_("所属行业"), max_length=3, choices=INDUSTRY_CHOICES,
                                     validators=[validate_industry_code], db_index=True)
    established_on = models.DateField(_("成立日期"))
    above_scale = models.BooleanField(_("规模以上"), default=False, db_index=True)
    tier = models.CharField(_("培育梯队"), max_length=20, choices=Tier.choices, blank=True,
                            default="", db_index=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # optimistic locking: bumped by every update (core.services.update_object)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    chains = models.ManyToManyField(IndustrialChain, through="ChainMembership",
                                    verbose_name=_("重点产业链"), related_name="members",
                                    blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["kind", "county", "name"]),
            models.Index(fields=["kind", "name", "id"], name="orgs_org_kind_name_id"),
            # the KPI metrics' filters (above-scale × industry) and what they group and join by,
            # so PostgreSQL answers them from the index alone
            models.Index(fields=["above_scale", "industry_code", "kind", "county", "id"],
                         name="orgs_org_scale_industry"),
            # the metrics that group another table's rows by enterprise county join through
            # it: an index-only lookup of id → county
            models.Index(fields=["id", "county"], name="orgs_org_id_county"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:enterprise_detail", args=[self.pk])

    def unique_error_message(self, model_class, unique_check):  # type: ignore[override]
        """Name the code in the message, which tells a clerk which row is the duplicate."""
        if tuple(unique_check) == ("credit_code",) and self.credit_code:
            return ValidationError(
                _("统一社会信用代码为 %(code)s 的单位已存在，请勿重复登记。"),
                code="unique", params={"code": self.credit_code})
        return super().unique_error_message(model_class, unique_check)

    def clean_fields(self, exclude=None) -> None:
        # people paste codes with spaces and lower case: normalise before the field checks
        if self.credit_code:
            self.credit_code = cc.normalize(self.credit_code)
        super().clean_fields(exclude=exclude)


class EnterpriseManager(RestrictManager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Organisation.Kind.ENTERPRISE)


class Enterprise(Organisation):
    """The organisations of kind "enterprise" (a proxy: one table for every organisation)."""

    objects = EnterpriseManager()

    class Meta:
        proxy = True
        verbose_name = _("企业")
        verbose_name_plural = _("企业")


class ChainMembership(models.Model):
    class Role(models.TextChoices):
        CHAIN_LEADER = "chain_leader", _("链主")
        CHAIN_CORE = "chain_core", _("链核")
        MEMBER = "member", _("成员")

    organisation = models.ForeignKey(Organisation, verbose_name=_("企业"),
                                     on_delete=models.CASCADE, related_name="chain_memberships")
    chain = models.ForeignKey(IndustrialChain, verbose_name=_("产业链"), on_delete=models.PROTECT,
                              related_name="memberships")
    role = models.CharField(_("链上角色"), max_length=20, choices=Role.choices, default=Role.MEMBER)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("产业链成员")
        verbose_name_plural = _("产业链成员")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "chain"], name="uniq_chain_member")
        ]

    def __str__(self) -> str:
        return f"{self.chain} · {self.get_role_display()}"


def _nonneg(**kw) -> models.DecimalField:
    return models.DecimalField(max_digits=16, decimal_places=2, default=ZERO,
                               validators=[MinValueValidator(ZERO)], **kw)


class EnterpriseAnnualReport(models.Model):
    """One enterprise's figures for one fiscal year: everything the national rules need.

    Field names are the policy engine's input names (kechuang.policy).
    """

    enterprise = models.ForeignKey(Organisation, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="annual_reports",
                                   limit_choices_to={"kind": "enterprise"})
    year = models.PositiveSmallIntegerField(_("年度"),
                                            validators=[MinValueValidator(2000)])
    employees = models.PositiveIntegerField(_("职工总数（人）"), default=0)
    st_staff = models.PositiveIntegerField(_("科技人员数（人）"), default=0)
    revenue_yuan = _nonneg(verbose_name=_("销售收入（元）"),
                           help_text=_("主营业务收入 + 其他业务收入"))
    total_income_yuan = _nonneg(verbose_name=_("总收入（元）"),
                                help_text=_("收入总额 − 不征税收入"))
    high_tech_revenue_yuan = _nonneg(verbose_name=_("高新技术产品（服务）收入（元）"))
    total_costs_yuan = _nonneg(verbose_name=_("成本费用支出总额（元）"))
    total_assets_yuan = _nonneg(verbose_name=_("资产总额（元）"))
    net_assets_yuan = models.DecimalField(_("净资产（元）"), max_digits=16, decimal_places=2,
                                          default=ZERO, help_text=_("资产总额 − 负债总额，可为负"))
    rd_expense_yuan = _nonneg(verbose_name=_("研发费用总额（元）"))
    rd_domestic_yuan = _nonneg(verbose_name=_("境内研发费用（元）"))
    rd_personnel_yuan = _nonneg(verbose_name=_("人员人工费用（元）"))
    rd_direct_input_yuan = _nonneg(verbose_name=_("直接投入费用（元）"))
    rd_depreciation_yuan = _nonneg(verbose_name=_("折旧费用（元）"))
    rd_amortization_yuan = _nonneg(verbose_name=_("无形资产摊销（元）"))
    rd_design_yuan = _nonneg(verbose_name=_("新产品设计费等（元）"))
    rd_other_yuan = _nonneg(verbose_name=_("其他相关费用（元）"))
    rd_entrusted_domestic_yuan = _nonneg(verbose_name=_("委托境内研发费用（元）"))
    rd_entrusted_overseas_yuan = _nonneg(verbose_name=_("委托境外研发费用（元）"))
    rd_reserve_fund_yuan = _nonneg(verbose_name=_("研发准备金（元）"))
    ip_class_1_count = models.PositiveIntegerField(_("Ⅰ类知识产权（项）"), default=0)
    ip_class_2_count = models.PositiveIntegerField(_("Ⅱ类知识产权（项）"), default=0)
    achievements_converted = models.PositiveIntegerField(_("科技成果转化（项）"), default=0)
    has_rd_activity = models.BooleanField(_("有研发活动"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # optimistic locking: bumped by every update (core.services.update_object)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("企业年度报表")
        verbose_name_plural = _("企业年度报表")
        ordering = ["enterprise_id", "-year"]
        indexes = [
            # the KPI share of enterprises with R&D activity reads only these columns
            models.Index(fields=["year", "enterprise", "has_rd_activity", "id"],
                         name="orgs_report_year_rd"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="uniq_report_year"),
            models.CheckConstraint(condition=models.Q(st_staff__lte=models.F("employees")),
                                   name="report_st_staff_le_employees"),
            models.CheckConstraint(
                condition=models.Q(rd_domestic_yuan__lte=models.F("rd_expense_yuan")),
                name="report_domestic_rd_le_total"),
            models.CheckConstraint(condition=models.Q(revenue_yuan__gte=0),
                                   name="report_revenue_nonneg"),
        ]

    def __str__(self) -> str:
        return _("%(name)s %(year)s年度") % {"name": self.enterprise, "year": self.year}

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.st_staff is not None and self.employees is not None:
            if self.st_staff > self.employees:
                errors["st_staff"] = _("科技人员数（%(a)s）不能大于职工总数（%(b)s）") % {
                    "a": self.st_staff, "b": self.employees}
        if (self.rd_domestic_yuan is not None and self.rd_expense_yuan is not None
                and self.rd_domestic_yuan > self.rd_expense_yuan):
            errors["rd_domestic_yuan"] = _(
                "境内研发费用（%(a)s 元）不能大于研发费用总额（%(b)s 元）") % {
                "a": self.rd_domestic_yuan, "b": self.rd_expense_yuan}
        if (self.high_tech_revenue_yuan is not None and self.total_income_yuan is not None
                and self.high_tech_revenue_yuan > self.total_income_yuan > 0):
            errors["high_tech_revenue_yuan"] = _("高新技术产品（服务）收入不能大于总收入")
        if self.enterprise_id and getattr(self.enterprise, "kind", "enterprise") != "enterprise":
            errors["enterprise"] = _("只有企业才能填报年度报表")
        if errors:
            raise ValidationError(errors)

    @property
    def rd_categories_total_yuan(self) -> Decimal:
        return (self.rd_personnel_yuan + self.rd_direct_input_yuan + self.rd_depreciation_yuan
                + self.rd_amortization_yuan + self.rd_design_yuan + self.rd_other_yuan)


# Scopes: the city sees all; a county its own; an enterprise its own organisation.
_BUREAU = rights(city_admin=ALL, city_staff=ALL, county_staff=ALL)
register(Organisation, Scope(
    rights=rights(**_BUREAU, enterprise={"view", "change", "export"}, provider={"view"}),
    county="county_id", organisation="pk"))
register(Enterprise, Scope(
    rights=rights(**_BUREAU, enterprise={"view", "change", "export"}),
    county="county_id", organisation="pk"))
register(EnterpriseAnnualReport, Scope(
    rights=rights(**_BUREAU, enterprise={"view", "add", "change", "export"}),
    county="enterprise__county_id", organisation="enterprise_id"))
register(ChainMembership, Scope(
    rights=rights(**_BUREAU, enterprise=READ),
    county="organisation__county_id", organisation="organisation_id"))
register(IndustrialChain, Scope(
    rights=rights(city_admin=ALL, city_staff=READ, county_staff=READ), public_read=True))
