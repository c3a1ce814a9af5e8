"""科技创新券 (innovation vouchers, action 4): policy, providers, vouchers, claims, ledger.

Every policy number is data (``VoucherPolicy`` per year, its ``ServiceKind`` catalogue);
the payable amount of a claim comes from the pure rule ``kechuang.policy.vouchers`` and is
frozen on the claim, so a later policy edit never changes a decided claim.

Money moves only through the double-entry ledger: an :class:`Entry` is a balanced set of
:class:`Posting` rows on :class:`Account` rows (issuance, reservation, payout, release,
lapse). ``Account.balance_fen`` is a guard copy of the sum of its postings, moved in the
same transaction by a conditional ``UPDATE … WHERE balance_fen >= amount`` and backed by a
check constraint (shared/docs/dependencies.md §3); ``check_vouchers`` re-derives every
balance from the postings and reports any difference.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts.scoping import READ, RestrictManager, Scope, register, rights
from kechuang.core.files import StoredFile, stored_file_field

RATIO = {"max_digits": 5, "decimal_places": 4,
         "validators": [MinValueValidator(0), MaxValueValidator(1)]}


class VoucherPolicy(models.Model):
    """One year's voucher policy: who may apply, what it pays for, how much, until when."""

    year = models.PositiveSmallIntegerField(_("政策年度"), unique=True)
    name = models.CharField(_("政策名称"), max_length=200)
    document = models.CharField(_("政策文件"), max_length=300, blank=True)
    ratio = models.DecimalField(_("补贴比例"), **RATIO,
                                help_text=_("服务费中由创新券支付的比例，0 至 1，如 0.5"))
    annual_cap_fen = models.PositiveBigIntegerField(_("每家企业年度额度（分）"))
    face_value_fen = models.PositiveBigIntegerField(_("单张券面额上限（分）"))
    budget_fen = models.PositiveBigIntegerField(_("年度预算（分）"))
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"))
    required_tiers = models.CharField(
        _("申请资格（任一）"), max_length=100, blank=True,
        help_text=_("以逗号分隔的梯队代码，如 tech_sme,high_tech；留空表示不限"))
    in_city_only = models.BooleanField(_("限本市注册企业"), default=True)
    revenue_cap_yuan = models.DecimalField(_("上年销售收入上限（元）"), max_digits=16,
                                           decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("创新券政策")
        verbose_name_plural = _("创新券政策")
        ordering = ["-year"]
        constraints = [models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")),
                                              name="vouchers_policy_window")]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("vouchers:policy_detail", args=[self.pk])

    @property
    def tiers(self) -> frozenset[str]:
        return frozenset(t.strip() for t in self.required_tiers.split(",") if t.strip())


class ServiceKind(models.Model):
    """One entry of the catalogue of services a voucher pays for (widening the scope = an
    edit here, audited)."""

    policy = models.ForeignKey(VoucherPolicy, verbose_name=_("政策"), on_delete=models.CASCADE,
                               related_name="kinds")
    code = models.SlugField(_("代码"), max_length=30)
    name = models.CharField(_("服务类别"), max_length=100)
    ratio = models.DecimalField(_("本类补贴比例"), null=True, blank=True, **RATIO,
                                help_text=_("留空则按政策的补贴比例"))
    active = models.BooleanField(_("可兑付"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("服务目录")
        verbose_name_plural = _("服务目录")
        ordering = ["policy_id", "id"]
        constraints = [models.UniqueConstraint(fields=["policy", "code"],
                                               name="vouchers_kind_unique")]

    def __str__(self) -> str:
        return self.name


class CountyAllocation(models.Model):
    """The part of a year's budget allocated to one county. A county with an allocation issues
    its vouchers from it alone (never more); a county without one draws on the city's
    unallocated budget. ``amount_fen`` = ``opening_fen`` (issued in the county from the city
    budget before the allocation existed, counted towards it) + the ledger's allocation
    entries; what is left is the balance of the county's budget account."""

    policy = models.ForeignKey(VoucherPolicy, verbose_name=_("政策"), on_delete=models.PROTECT,
                               related_name="allocations")
    county = models.ForeignKey("regions.Region", verbose_name=_("县区"),
                               on_delete=models.PROTECT, related_name="+")
    amount_fen = models.PositiveBigIntegerField(_("分配额度（分）"))
    opening_fen = models.PositiveBigIntegerField(_("分配前已发放（分）"), default=0,
                                                 editable=False)
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("县区预算分配")
        verbose_name_plural = _("县区预算分配")
        ordering = ["policy_id", "county__sort_order", "county__code"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "county"],
                                    name="vouchers_allocation_unique"),
            models.CheckConstraint(condition=Q(amount_fen__gte=models.F("opening_fen")),
                                   name="vouchers_allocation_covers_opening"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.year} {self.county}"


class Provider(models.Model):
    """A service organisation's listing (入库): on the whitelist from ``listed_from`` up to
    and including ``delisted_on``; a claim is judged by the listing on its service date."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("待审核")
        LISTED = "listed", _("已入库")
        REFUSED = "refused", _("未通过")
        DELISTED = "delisted", _("已出库")

    organisation = models.OneToOneField("orgs.Organisation", verbose_name=_("服务机构"),
                                        on_delete=models.PROTECT, related_name="voucher_listing")
    services = models.CharField(_("提供的服务类别"), max_length=300,
                                help_text=_("以逗号分隔的服务目录代码"))
    qualifications = models.CharField(_("资质"), max_length=500, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    shareholders = models.CharField(_("主要股东"), max_length=500, blank=True,
                                    help_text=_("以逗号分隔"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.APPLIED, db_index=True)
    listed_from = models.DateField(_("入库日期"), null=True, blank=True)
    delisted_on = models.DateField(_("出库日期"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"),
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("服务机构名录")
        verbose_name_plural = _("服务机构名录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.organisation)

    def get_absolute_url(self) -> str:
        return reverse("vouchers:provider_detail", args=[self.pk])

    @property
    def service_codes(self) -> list[str]:
        return [c.strip() for c in self.services.split(",") if c.strip()]


class Voucher(models.Model):
    """An enterprise's voucher: applied → county reviewed → issued (or refused) → lapsed."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("待县区审核")
        REVIEWED = "reviewed", _("待市局审批")
        ISSUED = "issued", _("已发放")
        REFUSED = "refused", _("未通过")
        LAPSED = "lapsed", _("已失效")

    policy = models.ForeignKey(VoucherPolicy, verbose_name=_("政策"), on_delete=models.PROTECT,
                               related_name="vouchers")
    enterprise = models.ForeignKey("orgs.Organisation", verbose_name=_("企业"),
                                   on_delete=models.PROTECT, related_name="vouchers")
    number = models.CharField(_("券号"), max_length=30, null=True, blank=True, unique=True,
                              editable=False)
    face_value_fen = models.PositiveBigIntegerField(_("面额（分）"))
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"))
    purpose = models.CharField(_("用途说明"), max_length=500, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    shareholders = models.CharField(_("主要股东"), max_length=500, blank=True,
                                    help_text=_("以逗号分隔"))
    related_parties = models.ManyToManyField(
        "orgs.Organisation", verbose_name=_("声明的关联单位"), related_name="+", blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.APPLIED, db_index=True)
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    issued_on = models.DateField(_("发放日期"), null=True, blank=True, editable=False)
    lapsed_on = models.DateField(_("失效日期"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"),
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("创新券")
        verbose_name_plural = _("创新券")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["policy", "status"])]
        constraints = [models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")),
                                              name="vouchers_voucher_window")]

    def __str__(self) -> str:
        return self.number or _("创新券申请 #%(pk)s") % {"pk": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("vouchers:voucher_detail", args=[self.pk])


class ServiceContract(models.Model):
    """A service contract between the voucher's enterprise and a listed provider; a claim
    needs both parties' confirmation."""

    voucher = models.ForeignKey(Voucher, verbose_name=_("创新券"), on_delete=models.PROTECT,
                                related_name="contracts")
    provider = models.ForeignKey(Provider, verbose_name=_("服务机构"), on_delete=models.PROTECT,
                                 related_name="contracts")
    contract_no = models.CharField(_("合同编号"), max_length=60)
    service_kind = models.CharField(_("服务类别"), max_length=30)
    subject = models.CharField(_("服务内容"), max_length=300)
    fee_fen = models.PositiveBigIntegerField(_("合同金额（分）"))
    signed_on = models.DateField(_("签订日期"))
    related_declared = models.BooleanField(
        _("双方声明存在关联关系"), default=False,
        help_text=_("任一方声明存在关联关系（如控股、同一法定代表人），不得用券"))
    enterprise_confirmed_at = models.DateTimeField(_("企业确认时间"), null=True, blank=True,
                                                   editable=False)
    provider_confirmed_at = models.DateTimeField(_("服务机构确认时间"), null=True, blank=True,
                                                 editable=False)
    parties = models.ManyToManyField("orgs.Organisation", verbose_name=_("当事方"),
                                     related_name="+", editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"),
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("服务合同")
        verbose_name_plural = _("服务合同")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["provider", "contract_no"],
                                               name="vouchers_contract_unique")]

    def __str__(self) -> str:
        return self.contract_no

    def get_absolute_url(self) -> str:
        return reverse("vouchers:contract_detail", args=[self.pk])

    @property
    def confirmed(self) -> bool:
        return bool(self.enterprise_confirmed_at and self.provider_confirmed_at)


class Claim(models.Model):
    """A redemption claim. Its amount is the pure rule's payable amount at filing, reserved
    in the ledger; a claim the rule refuses is kept (status ``refused``) with its reasons, so
    resubmitting the same (voucher, contract, invoice) returns that first result."""

    class Status(models.TextChoices):
        PENDING = "pending", _("审核中")
        APPROVED = "approved", _("审核通过")
        PAID = "paid", _("已兑付")
        REJECTED = "rejected", _("已驳回")
        REFUSED = "refused", _("不予受理")

    voucher = models.ForeignKey(Voucher, verbose_name=_("创新券"), on_delete=models.PROTECT,
                                related_name="claims")
    contract = models.ForeignKey(ServiceContract, verbose_name=_("服务合同"),
                                 on_delete=models.PROTECT, related_name="claims")
    invoice_no = models.CharField(_("发票号码"), max_length=60)
    fee_fen = models.PositiveBigIntegerField(_("实际服务费（分）"))
    service_completed_on = models.DateField(_("服务完成日期"))
    # notes beside the uploaded files (ClaimFile): a voucher number, what the file shows
    payment_proof = models.CharField(_("付款凭证说明"), max_length=300, blank=True)
    completion_evidence = models.CharField(_("完成证明说明"), max_length=300, blank=True)
    amount_fen = models.PositiveBigIntegerField(_("兑付金额（分）"), default=0, editable=False)
    policy_year = models.PositiveSmallIntegerField(_("政策年度"), editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    explanation = models.TextField(_("计算说明"), blank=True, editable=False)
    reasons = models.JSONField(_("不予兑付原因"), default=list, blank=True, editable=False)
    result = models.JSONField(_("规则结果"), default=dict, blank=True, editable=False)
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    paid_on = models.DateField(_("兑付日期"), null=True, blank=True, editable=False)
    parties = models.ManyToManyField("orgs.Organisation", verbose_name=_("当事方"),
                                     related_name="+", editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"),
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("兑付申请")
        verbose_name_plural = _("兑付申请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["policy_year", "status"])]
        constraints = [models.UniqueConstraint(fields=["voucher", "contract", "invoice_no"],
                                               name="vouchers_claim_idempotent")]

    def __str__(self) -> str:
        return f"{self.contract.contract_no} / {self.invoice_no}"

    def get_absolute_url(self) -> str:
        return reverse("vouchers:claim_detail", args=[self.pk])


class ClaimFile(StoredFile):
    """A file filed with a claim: the payment proof (付款凭证) or the completion evidence
    (服务完成证明). Checked like every upload (core.uploads), kept private, and downloadable
    by exactly those who see the claim (its enterprise, its provider, the bureau in scope)."""

    class Kind(models.TextChoices):
        PAYMENT_PROOF = "payment_proof", _("付款凭证")
        COMPLETION_EVIDENCE = "completion_evidence", _("完成证明")

    claim = models.ForeignKey(Claim, verbose_name=_("兑付申请"), on_delete=models.CASCADE,
                              related_name="files")
    kind = models.CharField(_("材料类别"), max_length=20, choices=Kind.choices)
    file = stored_file_field("vouchers")

    objects = RestrictManager()

    class Meta:
        verbose_name = _("兑付材料")
        verbose_name_plural = _("兑付材料")
        ordering = ["claim_id", "kind", "id"]

    def get_absolute_url(self) -> str:
        return reverse("vouchers:claim_file_download", args=[self.pk])


class Account(models.Model):
    """A ledger account of one policy year. Only the two source accounts (funding, cap
    grants) may go negative; every other balance is ≥ 0 by constraint."""

    class Kind(models.TextChoices):
        FUNDING = "funding", _("财政资金来源")
        BUDGET = "budget", _("年度预算余额")
        VOUCHER_AVAILABLE = "voucher_available", _("券面可用余额")
        VOUCHER_RESERVED = "voucher_reserved", _("券面已占用")
        PAID = "paid", _("已兑付")
        LAPSED = "lapsed", _("已失效")
        CAP_GRANTS = "cap_grants", _("年度额度来源")
        CAP_AVAILABLE = "cap_available", _("企业年度额度可用")
        CAP_RESERVED = "cap_reserved", _("企业年度额度占用")
        CAP_USED = "cap_used", _("企业年度额度已用")
        COUNTY_BUDGET = "county_budget", _("县区分配额度余额")

    SOURCES = (Kind.FUNDING, Kind.CAP_GRANTS)

    key = models.CharField(_("账户键"), max_length=80, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    policy = models.ForeignKey(VoucherPolicy, verbose_name=_("政策"), on_delete=models.PROTECT,
                               related_name="accounts")
    voucher = models.ForeignKey(Voucher, verbose_name=_("创新券"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="accounts")
    enterprise = models.ForeignKey("orgs.Organisation", verbose_name=_("企业"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    balance_fen = models.BigIntegerField(_("余额（分）"), default=0)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("台账账户")
        verbose_name_plural = _("台账账户")
        ordering = ["policy_id", "kind", "id"]
        constraints = [models.CheckConstraint(
            condition=Q(balance_fen__gte=0) | Q(kind__in=["funding", "cap_grants"]),
            name="vouchers_account_not_negative")]

    def __str__(self) -> str:
        return self.key


class Entry(models.Model):
    """One balanced set of postings (the sum of its postings is zero)."""

    class Kind(models.TextChoices):
        FUNDING = "funding", _("预算下达")
        ALLOCATION = "allocation", _("县区分配")
        ISSUANCE = "issuance", _("发放")
        CAP_GRANT = "cap_grant", _("年度额度")
        RESERVATION = "reservation", _("占用")
        PAYOUT = "payout", _("兑付")
        RELEASE = "release", _("释放")
        LAPSE = "lapse", _("失效")

    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, db_index=True)
    policy = models.ForeignKey(VoucherPolicy, verbose_name=_("政策"), on_delete=models.PROTECT,
                               related_name="entries")
    voucher = models.ForeignKey(Voucher, verbose_name=_("创新券"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="entries")
    claim = models.ForeignKey(Claim, verbose_name=_("兑付申请"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="entries")
    amount_fen = models.BigIntegerField(_("金额（分）"))
    memo = models.CharField(_("摘要"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("记账时间"), default=timezone.now)

    objects = RestrictManager()

    class Meta:
        verbose_name = _("记账凭证")
        verbose_name_plural = _("记账凭证")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="vouchers_entry_positive"),
            # a claim is reserved, paid out and released at most once each
            models.UniqueConstraint(fields=["claim", "kind"], condition=Q(claim__isnull=False),
                                    name="vouchers_entry_once_per_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_fen}"


class Posting(models.Model):
    entry = models.ForeignKey(Entry, verbose_name=_("凭证"), on_delete=models.PROTECT,
                              related_name="postings")
    account = models.ForeignKey(Account, verbose_name=_("账户"), on_delete=models.PROTECT,
                                related_name="postings")
    amount_fen = models.BigIntegerField(_("金额（分）"))

    objects = RestrictManager()

    class Meta:
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~Q(amount_fen=0),
                                              name="vouchers_posting_nonzero")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount_fen:+d}"


# The city bureau runs the policy, the whitelist, approval and payout; a county reviews the
# applications of its enterprises and reads its rows; an enterprise applies and files claims;
# a provider applies for listing, keeps its catalogue and files claims for its contracts.
_CITY = {"view", "add", "change", "export", "approve"}
register(VoucherPolicy, Scope(rights=rights(city_admin=_CITY, city_staff=_CITY), public_read=True))
register(ServiceKind, Scope(rights=rights(city_admin=_CITY, city_staff=_CITY), public_read=True))
register(Provider, Scope(
    rights=rights(city_admin=_CITY, city_staff=_CITY, county_staff=READ,
                  provider={"view", "add", "change"}, enterprise={"view"}),
    county="organisation__county_id", organisation="organisation_id",
    role_terms=dict(enterprise=(frozenset({"view"}), Q(status="listed")))))
register(Voucher, Scope(
    rights=rights(city_admin=_CITY, city_staff=_CITY,
                  county_staff={"view", "export", "approve"},
                  enterprise={"view", "add", "export"}),
    county="enterprise__county_id", organisation="enterprise_id"))
register(ServiceContract, Scope(
    rights=rights(city_admin=_CITY, city_staff=_CITY, county_staff=READ,
                  enterprise={"view", "add", "change"}, provider={"view", "add", "change"}),
    county="voucher__enterprise__county_id", organisation="parties"))
register(Claim, Scope(
    rights=rights(city_admin=_CITY, city_staff=_CITY, county_staff=READ,
                  enterprise={"view", "add", "export"}, provider={"view", "add", "export"}),
    county="voucher__enterprise__county_id", organisation="parties"))
register(CountyAllocation, Scope(
    rights=rights(city_admin=_CITY, city_staff=_CITY, county_staff=READ, auditor=READ),
    county="county_id"))
# a claim's files follow the claim: visible exactly when the claim is
register(ClaimFile, Scope(
    rights=rights(city_admin={"view", "add"}, city_staff={"view", "add"}, county_staff={"view"},
                  enterprise={"view", "add"}, provider={"view", "add"}),
    parents=("claim",)))
_LEDGER = rights(city_admin=READ, city_staff=READ, auditor=READ)
register(Account, Scope(rights=_LEDGER))
register(Entry, Scope(rights=_LEDGER))
register(Posting, Scope(rights=_LEDGER))
