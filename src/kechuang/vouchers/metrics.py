"""Action 4's voucher figures, counted from the claims and vouchers (kechuang.metrics).

``vouchers_redeemed`` is the plan's indicator (万元, 行动四): the amounts paid out on claims of
the year's policy, dated by their payout. A voucher counts where its enterprise is; the
registry splits every figure by county like every record metric.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.metrics import Column, RecordMetric, register
from kechuang.vouchers.models import Claim, Voucher

WAN = Decimal("0.000001")  # 分 → 万元
COUNTY = "voucher__enterprise__county"


def _paid(year: int) -> QuerySet[Claim]:
    return Claim.objects.filter(status=Claim.Status.PAID, policy_year=year).select_related(
        "voucher__enterprise__county", "contract__provider__organisation")


def _claims(year: int) -> QuerySet[Claim]:
    return Claim.objects.filter(policy_year=year, status__in=(
        Claim.Status.PENDING, Claim.Status.APPROVED, Claim.Status.PAID)).select_related(
        "voucher__enterprise__county", "contract__provider__organisation")


def _issued(year: int) -> QuerySet[Voucher]:
    return Voucher.objects.filter(policy__year=year, status__in=(
        Voucher.Status.ISSUED, Voucher.Status.LAPSED)).select_related("enterprise__county")


CLAIM_COLUMNS = (
    Column(_("企业"), "voucher.enterprise.name"),
    Column(_("县区"), "voucher.enterprise.county.name"),
    Column(_("服务机构"), "contract.provider.organisation.name"),
    Column(_("发票号码"), "invoice_no"),
    Column(_("兑付金额（分）"), "amount_fen"),
    Column(_("兑付日期"), "paid_on"),
)
VOUCHER_COLUMNS = (
    Column(_("券号"), "number"),
    Column(_("企业"), "enterprise.name"),
    Column(_("县区"), "enterprise.county.name"),
    Column(_("面额（分）"), "face_value_fen"),
    Column(_("发放日期"), "issued_on"),
)

REDEEMED = RecordMetric(
    key="vouchers_redeemed", name=_("科技创新券兑付"), unit="万元", model=Claim, rows=_paid,
    county_field=COUNTY, date_field="paid_on", aggregate="sum", value_field="amount_fen",
    scale=WAN, places=2,
    description=_("本年度政策的创新券兑付申请中已兑付的金额（按兑付日期计），按用券企业所在县区"
                  "统计；审核中和已通过未兑付的不计。"),
    columns=CLAIM_COLUMNS)
ISSUED_AMOUNT = RecordMetric(
    key="vouchers_issued_amount", name=_("科技创新券发放金额"), unit="万元", model=Voucher,
    rows=_issued, county_field="enterprise__county", date_field="issued_on", aggregate="sum",
    value_field="face_value_fen", scale=WAN, places=2,
    description=_("本年度政策发放的创新券面额合计（含到期失效的），按企业所在县区统计。"),
    columns=VOUCHER_COLUMNS)
ISSUED_COUNT = RecordMetric(
    key="vouchers_issued_count", name=_("科技创新券发放张数"), unit="张", model=Voucher,
    rows=_issued, county_field="enterprise__county", date_field="issued_on",
    description=_("本年度政策发放的创新券张数，按企业所在县区统计。"), columns=VOUCHER_COLUMNS)
REDEEMED_COUNT = RecordMetric(
    key="vouchers_redeemed_count", name=_("科技创新券兑付笔数"), unit="笔", model=Claim,
    rows=_paid, county_field=COUNTY, date_field="paid_on",
    description=_("本年度已兑付的创新券兑付申请笔数。"), columns=CLAIM_COLUMNS)
ENTERPRISES = RecordMetric(
    key="vouchers_enterprises_served", name=_("创新券服务企业数"), unit="家", model=Claim,
    rows=_paid, county_field=COUNTY, date_field="paid_on", distinct="voucher__enterprise",
    description=_("本年度获得创新券兑付的企业数（同一企业计一次）。"), columns=CLAIM_COLUMNS)
PROVIDERS = RecordMetric(
    key="vouchers_providers_active", name=_("创新券活跃服务机构数"), unit="家", model=Claim,
    rows=_claims, county_field=COUNTY, date_field="service_completed_on",
    distinct="contract__provider",
    description=_("本年度有有效兑付申请（审核中、已通过或已兑付）的服务机构数，按用券企业"
                  "所在县区统计（同一机构在一个县区计一次）。"), columns=CLAIM_COLUMNS)

METRICS = (REDEEMED, ISSUED_AMOUNT, ISSUED_COUNT, REDEEMED_COUNT, ENTERPRISES, PROVIDERS)


def register_all() -> None:
    """(Re-)register the metrics (tests that stub a key call this to restore them)."""
    for metric in METRICS:
        register(metric)


register_all()
