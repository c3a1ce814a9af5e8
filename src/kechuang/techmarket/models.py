"""Technology contracts (技术合同) and their registration (认定登记), policy-rules.md §e.

A contract is applied for by a party (or by the registration office on its behalf), then
registered or refused by the office; a registered contract may later be changed (变更登记) or
cancelled (注销登记). Every step that moves a figure appends a :class:`ContractEvent` with the
date it takes effect and the change it makes to 成交额 (turnover) and 技术交易额, so the
figures as of any date are a plain sum of events up to that date: a cancelled contract leaves
the totals from its cancellation date, a changed one counts its new amount from the change.

The contract counts where its registrant is: the seller's organisation, the domestic buyer's
for a technology import (``registrant``). ``parties`` (seller and buyer) is what an
enterprise user's scope reads: it sees the contracts it sells or buys.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import READ, RestrictManager, Scope, register, rights
from kechuang.core.files import StoredFile, stored_file_field
from kechuang.policy.tech_contracts import COST_KINDS, SUB_TYPES

MONEY = {"max_digits": 16, "decimal_places": 2}


class TechContract(models.Model):
    class Type(models.TextChoices):
        DEVELOPMENT = "development", _("技术开发")
        TRANSFER = "transfer", _("技术转让")
        LICENSING = "licensing", _("技术许可")
        CONSULTING = "consulting", _("技术咨询")
        SERVICE = "service", _("技术服务")

    class SubType(models.TextChoices):
        NONE = "", _("—")
        COMMISSIONED = "commissioned", _("委托开发")
        COOPERATIVE = "cooperative", _("合作开发")
        TRAINING = "training", _("技术培训")
        INTERMEDIARY = "intermediary", _("技术中介")

    class Status(models.TextChoices):
        APPLIED = "applied", _("待认定")
        REGISTERED = "registered", _("已登记")
        REFUSED = "refused", _("不予登记")
        CHANGED = "changed", _("已变更登记")
        CANCELLED = "cancelled", _("已注销")

    contract_type = models.CharField(_("合同类型"), max_length=20, choices=Type.choices)
    sub_type = models.CharField(_("子类"), max_length=20, choices=SubType.choices, blank=True,
                                default="")
    import_contract = models.BooleanField(_("技术进口合同"), default=False)
    subject = models.CharField(_("合同名称（标的）"), max_length=300)
    seller = models.ForeignKey("orgs.Organisation", verbose_name=_("卖方"),
                               on_delete=models.PROTECT, related_name="tech_contracts_sold")
    buyer = models.ForeignKey("orgs.Organisation", verbose_name=_("买方"),
                              on_delete=models.PROTECT, related_name="tech_contracts_bought")
    # where the contract is registered and counted: the seller, the buyer for an import
    registrant = models.ForeignKey("orgs.Organisation", verbose_name=_("登记主体"),
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    parties = models.ManyToManyField("orgs.Organisation", verbose_name=_("当事方"),
                                     related_name="+", editable=False)
    turnover_yuan = models.DecimalField(_("成交额（元）"), validators=[MinValueValidator(0)],
                                        **MONEY)
    non_technical_yuan = models.DecimalField(_("扣除的非技术性费用（元）"), default=Decimal(0),
                                             editable=False, **MONEY)
    tech_transaction_yuan = models.DecimalField(_("技术交易额（元）"), default=Decimal(0),
                                                editable=False, **MONEY)
    needs_review = models.BooleanField(_("合理数量待核定"), default=False, editable=False)
    disputed = models.BooleanField(_("有争议"), default=False)
    signed_on = models.DateField(_("签订日期"))
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    applied_on = models.DateField(_("申请日期"))
    corrected_on = models.DateField(_("补正日期"), null=True, blank=True, editable=False,
                                    help_text=_("最近一次补正材料提交日期，认定期限自此重新起算"))
    deadline_on = models.DateField(_("认定期限"), null=True, blank=True, editable=False)
    registered_on = models.DateField(_("登记日期"), null=True, blank=True, editable=False)
    registration_no = models.CharField(_("登记编号"), max_length=40, null=True, blank=True,
                                       unique=True, editable=False)
    registration_office = models.CharField(_("登记机构"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.APPLIED, db_index=True)
    decision_note = models.CharField(_("认定意见"), max_length=500, blank=True, editable=False)
    closed_on = models.DateField(_("注销日期"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"),
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("技术合同")
        verbose_name_plural = _("技术合同")
        ordering = ["-applied_on", "-id"]
        indexes = [models.Index(fields=["status", "registered_on"]),
                   models.Index(fields=["registrant", "status"])]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("techmarket:contract_detail", args=[self.pk])

    @property
    def counted(self) -> bool:
        """Registered (or changed) and not cancelled: the contract is in the figures now."""
        return self.status in (self.Status.REGISTERED, self.Status.CHANGED)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.sub_type and self.sub_type not in SUB_TYPES.get(self.contract_type, {}):
            errors["sub_type"] = _("该合同类型没有这一子类")
        if self.seller_id and self.seller_id == self.buyer_id:
            errors["buyer"] = _("买方与卖方不能是同一单位")
        if self.signed_on and self.applied_on and self.applied_on < self.signed_on:
            errors["applied_on"] = _("申请日期不能早于签订日期")
        if self.effective_on and self.signed_on and self.effective_on < self.signed_on:
            errors["effective_on"] = _("生效日期不能早于签订日期")
        if errors:
            raise ValidationError(errors)


class NonTechnicalCost(models.Model):
    """An itemised non-technical cost in the price (设备、仪器、原材料 …), §e.

    ``reasonable_quantity`` claims "合理数量标的物的直接成本": the item is then not deducted
    from the 技术交易额, and the office reviews the quantity.
    """

    contract = models.ForeignKey(TechContract, verbose_name=_("技术合同"),
                                 on_delete=models.CASCADE, related_name="costs")
    description = models.CharField(_("费用名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=20,
                            choices=[(k, v) for k, v in COST_KINDS.items()], default="materials")
    amount_yuan = models.DecimalField(_("金额（元）"), validators=[MinValueValidator(0)],
                                      **MONEY)
    reasonable_quantity = models.BooleanField(_("合理数量（不扣除）"), default=False)
    quantity = models.PositiveIntegerField(_("数量"), null=True, blank=True)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("非技术性费用")
        verbose_name_plural = _("非技术性费用")
        ordering = ["contract_id", "id"]

    def __str__(self) -> str:
        return self.description


class ContractEvent(models.Model):
    """One step of a contract's history, with the date it takes effect and what it adds to
    the figures (zero for steps that move none: application, correction, refusal)."""

    class Kind(models.TextChoices):
        APPLIED = "applied", _("申请登记")
        CORRECTED = "corrected", _("补正材料")
        REGISTERED = "registered", _("认定登记")
        REFUSED = "refused", _("不予登记")
        CHANGED = "changed", _("变更登记")
        CANCELLED = "cancelled", _("注销登记")

    contract = models.ForeignKey(TechContract, verbose_name=_("技术合同"),
                                 on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=12, choices=Kind.choices)
    effective_on = models.DateField(_("生效日期"))
    # the statistical year the figures belong to: the contract's registration year
    year = models.PositiveSmallIntegerField(_("统计年度"), null=True, blank=True)
    turnover_delta = models.DecimalField(_("成交额变动（元）"), default=Decimal(0), **MONEY)
    tech_transaction_delta = models.DecimalField(_("技术交易额变动（元）"), default=Decimal(0),
                                                 **MONEY)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True,
                              blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("登记事项")
        verbose_name_plural = _("登记事项")
        ordering = ["contract_id", "effective_on", "id"]
        indexes = [models.Index(fields=["year", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on:%Y-%m-%d}"


class ContractAttachment(StoredFile):
    """A file of the contract (the signed text, annexes, the 登记证明), validated like every
    upload (core.uploads) and kept private; it follows the contract's scope."""

    contract = models.ForeignKey(TechContract, verbose_name=_("技术合同"),
                                 on_delete=models.CASCADE, related_name="attachments")
    file = stored_file_field("techmarket")

    objects = RestrictManager()

    class Meta:
        verbose_name = _("合同附件")
        verbose_name_plural = _("合同附件")
        ordering = ["contract_id", "id"]

    def get_absolute_url(self) -> str:
        return reverse("techmarket:attachment_download", args=[self.pk])


class CountyGdp(models.Model):
    """GDP of a county (or the city, county empty) for one year, as the statistics bureau
    published it: the denominator of 技术合同成交额占GDP比重. Entered by the bureau with its
    source (统计公报、统计年鉴 …); a correction is a new figure for the same year, audited."""

    county = models.ForeignKey("regions.Region", verbose_name=_("县区"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+",
                               help_text=_("留空为全市"))
    year = models.PositiveSmallIntegerField(_("年度"))
    gdp_yi = models.DecimalField(_("地区生产总值（亿元）"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    source = models.CharField(_("数据来源"), max_length=300,
                              help_text=_("如：2024年长治市国民经济和社会发展统计公报"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"),
                                   on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("地区生产总值")
        verbose_name_plural = _("地区生产总值")
        ordering = ["-year", "county_id"]  # no join: rows are locked for update
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="uniq_gdp_county_year"),
            models.UniqueConstraint(fields=["year"], condition=Q(county__isnull=True),
                                    name="uniq_gdp_city_year"),
        ]

    def __str__(self) -> str:
        return f"{self.county or _('全市')} {self.year}"


class TechServiceIndustry(models.Model):
    """The bureau's override of the 科技服务业 industry list (GB/T 4754 divisions).

    The defaults are in ``techmarket/data/tech_service_industries.yaml`` (M73–M75); a row
    here adds a division (included) or drops a default one (not included). Edited by city
    staff, audited like every write."""

    code = models.CharField(_("行业代码"), max_length=3, unique=True,
                            help_text=_("GB/T 4754 大类，如 M74、I65"))
    included = models.BooleanField(_("计入科技服务业"), default=True)
    note = models.CharField(_("依据"), max_length=300, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"),
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("科技服务业行业")
        verbose_name_plural = _("科技服务业行业")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class EntityConversion(models.Model):
    """推动平台培育为法人企业: a lab, centre or platform registered as a legal entity — an
    event the bureau records (the platform's name, the new enterprise, the date)."""

    platform_name = models.CharField(_("平台名称"), max_length=200)
    enterprise = models.ForeignKey("orgs.Organisation", verbose_name=_("新设法人企业"),
                                   on_delete=models.PROTECT, related_name="+")
    converted_on = models.DateField(_("注册日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("平台转制法人")
        verbose_name_plural = _("平台转制法人")
        ordering = ["-converted_on", "-id"]

    def __str__(self) -> str:
        return self.platform_name


# The registration office (the city bureau) does everything; a county reads the contracts
# counted in it; an enterprise applies for, corrects and reads the contracts it is a party to.
_RIGHTS = rights(city_admin={"view", "add", "change", "export", "approve"},
                 city_staff={"view", "add", "change", "export", "approve"},
                 county_staff=set(READ),
                 enterprise={"view", "add", "change", "export"})
register(TechContract, Scope(rights=_RIGHTS, county="registrant__county_id",
                             organisation="parties"))
register(NonTechnicalCost, Scope(rights=_RIGHTS, parents=("contract",)))
register(ContractEvent, Scope(rights=_RIGHTS, parents=("contract",)))
register(ContractAttachment, Scope(rights=_RIGHTS, parents=("contract",)))
# GDP and the industry list: the bureau enters them; county staff read them (a county's
# share of GDP is on their statistics page). Conversions: the bureau records, counties read
# their own (the new enterprise's county).
_CITY_DATA = rights(city_admin={"view", "add", "change", "export"},
                    city_staff={"view", "add", "change", "export"},
                    county_staff=set(READ))
register(CountyGdp, Scope(rights=_CITY_DATA, county="county_id", role_terms=dict(
    county_staff=(frozenset(READ), Q(county__isnull=True)))))
register(TechServiceIndustry, Scope(rights=_CITY_DATA, role_terms=dict(
    county_staff=(frozenset(READ), Q()))))
register(EntityConversion, Scope(rights=_CITY_DATA, county="enterprise__county_id"))

FIGURE_KINDS = (ContractEvent.Kind.REGISTERED, ContractEvent.Kind.CHANGED,
                ContractEvent.Kind.CANCELLED)
FIGURE_EVENTS = Q(kind__in=FIGURE_KINDS)
