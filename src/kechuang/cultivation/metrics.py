"""Plan indicators counted from cultivation records (issue #5, item 4 of the plan's 行动四 and
行动八), registered with the KPI metric registry when the app loads.

* ``tech_sme_registered`` (科技型中小企业入库, target 300): enterprises registered for the
  plan year's evaluation, not revoked, counted once, dated by the registration date.
* ``high_tech_recognized`` (高新技术企业认定, target 94): enterprises that passed recognition
  in the plan year — **first recognitions and re-recognitions (重新认定) alike**, as the
  bureau counts every enterprise that passed that year — dated by the certificate's issue
  date; a certificate since revoked (取消资格) no longer counts.

(``chain_enterprises_with_rd_reserve`` moved to ``kechuang.rdinput.metrics``: it counts the
reserve-fund register.)

And the figures of the cultivation ladder (培育目标进展), which count who *holds* a status on
the as-of date rather than who obtained it in the year: ``high_tech_valid`` (certificate in
force) and ``leaders_current`` (designated this or last year) — distinct enterprises among the
rows standing that day (``kechuang.metrics.StandingMetric``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kechuang.cultivation.models import (
    HighTechCertificate,
    LeaderDesignation,
    TechSmeRegistration,
)
from kechuang.cultivation.selectors import current_leaders, valid_certificates
from kechuang.metrics import Column, RecordMetric, StandingMetric, enterprise_columns, register


def _registrations(year: int):
    return TechSmeRegistration.objects.filter(
        year=year, status=TechSmeRegistration.Status.REGISTERED)


def _recognitions(year: int):
    return HighTechCertificate.objects.filter(issued_on__year=year).exclude(
        status=HighTechCertificate.Status.REVOKED)


TECH_SME_REGISTERED = RecordMetric(
    key="tech_sme_registered",
    name="科技型中小企业入库",
    unit="家",
    model=TechSmeRegistration,
    rows=_registrations,
    county_field="enterprise__county",
    date_field="registered_on",
    aggregate="count",  # one registration per enterprise and year (a unique constraint)
    places=0,
    description="本年度评价入库（未撤销）的科技型中小企业家数，按入库日期计入进度；"
                "同一企业只计一次。",
    columns=(*enterprise_columns(), Column(_("入库登记编号"), "registration_no"),
             Column(_("入库日期"), "registered_on")),
)

HIGH_TECH_RECOGNIZED = RecordMetric(
    key="high_tech_recognized",
    name="高新技术企业认定",
    unit="家",
    model=HighTechCertificate,
    rows=_recognitions,
    county_field="enterprise__county",
    date_field="issued_on",
    aggregate="count",
    distinct="enterprise",
    places=0,
    description="本年度通过认定（含首次认定和重新认定）的高新技术企业家数，按发证日期计入进度；"
                "已取消资格的证书不计。",
    columns=(*enterprise_columns(), Column(_("证书编号"), "certificate_no"),
             Column(_("认定类型"), "get_kind_display"), Column(_("发证日期"), "issued_on")),
)

HIGH_TECH_VALID = StandingMetric(
    key="high_tech_valid",
    name=_("有效期内高新技术企业"),
    model=HighTechCertificate,
    standing=valid_certificates,
    description=_("统计日持有有效高新技术企业证书（已发证、未到期、未取消资格）的企业家数，"
                  "不论哪一年认定；与“高新技术企业认定”（本年度新通过认定的家数）口径不同。"),
    county_field="enterprise__county",
    distinct="enterprise",
    columns=(*enterprise_columns(), Column(_("证书编号"), "certificate_no"),
             Column(_("有效期至"), "expires_on")),
)

LEADERS_CURRENT = StandingMetric(
    key="leaders_current",
    name=_("高科技领军企业（本年或上年认定）"),
    model=LeaderDesignation,
    standing=current_leaders,
    description=_("统计日前本年或上年被认定为高科技领军企业的企业家数。"),
    county_field="enterprise__county",
    distinct="enterprise",
    columns=(*enterprise_columns(), Column(_("认定年度"), "year")),
)

METRICS = (TECH_SME_REGISTERED, HIGH_TECH_RECOGNIZED, HIGH_TECH_VALID,
           LEADERS_CURRENT)


def register_all() -> None:
    """(Re-)register the metrics (tests that stub a key call this to restore them)."""
    for metric in METRICS:
        register(metric)


register_all()
