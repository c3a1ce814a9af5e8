"""Action 4's voucher figures, counted from the claims and vouchers (kechuang.metrics).

``vouchers_redeemed`` is the plan's indicator (万元, 行动四): the amounts paid out on claims of
the year's policy, dated by their payout. A voucher counts where its enterprise is; the
registry splits every figure by county like every record metric.

``vouchers_catalogue_used`` (服务目录使用率, %) is an extra figure, not a plan indicator (the
plan's task 扩大“科技创新券”兑付支持范围 has no target): of the year's active catalogue
kinds, the share that at least one *paid* claim used — paid, not approved, because a payout
has a date (``paid_on``) and an approval has none on the claim, so the figure at a past
as-of date never changes afterwards, and it counts what 行动四's indicator counts.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.db.models import Min, QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.metrics import (
    Attribution,
    Column,
    Figures,
    Metric,
    RecordMetric,
    get_attribution,
    register,
)
from kechuang.vouchers.models import Claim, ServiceKind, Voucher

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



class CatalogueUsed(Metric):
    """服务目录使用率: used active kinds ÷ active kinds of the year's catalogue × 100.

    The catalogue is the year's policy's kinds as they stand (a kind deactivated later leaves
    both the numerator and the denominator). A county's share is the kinds its enterprises'
    paid claims used, over the same city-wide catalogue, so the counties do not add up to the
    city (unit %). One query for the kinds' first payouts by county unit, one for the
    catalogue's size; the drill-down lists the paid claims behind it.
    """

    key = "vouchers_catalogue_used"
    name = _("创新券服务目录使用率")
    unit = "%"
    description = _("本年度政策服务目录中可兑付的服务类别里，至少有一笔已兑付的兑付申请"
                    "（按兑付日期计，截至统计日）使用过的类别所占比例。县区按用券企业所在县区的"
                    "已兑付申请计，分母同为全市的服务目录，各县区之和不等于全市。"
                    "审核通过但尚未兑付的不计。")
    dated = True
    model = Claim
    columns = (*CLAIM_COLUMNS, Column(_("服务类别代码"), "contract.service_kind"))
    distinct = "contract__service_kind"  # each kind counted once (a county's curve included)
    places = 2

    @staticmethod
    def _active(year: int) -> QuerySet[ServiceKind]:
        return ServiceKind.objects.filter(policy__year=year, active=True)

    def _paid(self, year: int, as_of: dt.date) -> QuerySet[Claim]:
        return REDEEMED._rows(year, as_of, None).filter(
            contract__service_kind__in=self._active(year).values("code"))

    def _share(self, used: int, size: int) -> Decimal:
        return (Decimal(used) * 100 / size).quantize(Decimal(1).scaleb(-self.places))

    def figures(self, *, year: int, as_of: dt.date, full_curve: bool = False,
                attribution: Attribution | None = None) -> Figures:
        att = attribution or get_attribution(year)
        size = self._active(year).count()
        if not size:
            return Figures(counties={}, city=None, curve=None, has_rows=False)
        end = dt.date(year, 12, 31) if full_curve else as_of
        first: dict[int, dict[str, dt.date]] = {}
        for row in (REDEEMED._by_unit(self._paid(year, end), att, "contract__service_kind")
                    .annotate(first=Min("paid_on"))):
            first.setdefault(row["_u"], {})[row["contract__service_kind"]] = row["first"]
        city_first: dict[str, dt.date] = {}
        for kinds in first.values():
            for code, day in kinds.items():
                city_first[code] = min(day, city_first.get(code, day))

        def share(kinds: dict[str, dt.date], cut: dt.date) -> Decimal:
            return self._share(sum(1 for day in kinds.values() if day <= cut), size)

        cuts = [dt.date(year, m, calendar.monthrange(year, m)[1]) for m in range(1, 13)]
        if not full_curve:
            cuts = [min(c, as_of) for c in cuts]
        counties = {u: share(first.get(u, {}), as_of) for u in att.units}
        return Figures(counties=counties, city=share(city_first, as_of),
                       curve=[share(city_first, c) for c in cuts], has_rows=True,
                       county_curves={u: [share(first.get(u, {}), c) for c in cuts]
                                      for u in att.units})

    def value(self, *, year: int, as_of: dt.date, county_id: int | None = None,
              attribution: Attribution | None = None) -> Decimal:
        fig = self.figures(year=year, as_of=as_of, attribution=attribution)
        if county_id is not None:
            return fig.counties.get(county_id, Decimal(0))
        return fig.city if fig.city is not None else Decimal(0)

    def by_county(self, *, year: int, as_of: dt.date,
                  attribution: Attribution | None = None) -> dict[int, Decimal]:
        return self.figures(year=year, as_of=as_of, attribution=attribution).counties

    def by_month(self, *, year: int, county_id: int | None = None,
                 attribution: Attribution | None = None) -> list[Decimal] | None:
        fig = self.figures(year=year, as_of=dt.date(year, 12, 31), full_curve=True,
                           attribution=attribution)
        if county_id is not None:
            return fig.county_curves.get(county_id)
        return fig.curve

    def records(self, *, year: int, as_of: dt.date, county_id: int | None = None,
                base: QuerySet | None = None,
                attribution: Attribution | None = None) -> QuerySet:
        """The paid claims that used an active kind (the county's, with ``county_id``)."""
        return REDEEMED.records(year=year, as_of=as_of, county_id=county_id, base=base,
                                attribution=attribution).filter(
            contract__service_kind__in=self._active(year).values("code"))


CATALOGUE_USED = CatalogueUsed()

METRICS = (REDEEMED, ISSUED_AMOUNT, ISSUED_COUNT, REDEEMED_COUNT, ENTERPRISES, PROVIDERS,
           CATALOGUE_USED)


def register_all() -> None:
    """(Re-)register the metrics (tests that stub a key call this to restore them)."""
    for metric in METRICS:
        register(metric)


register_all()
