"""Annual reports and enterprises → the policy engine's inputs (no queries, no clock).

The report's field names are the engine's (``AnnualFigures``), so the mapping is a copy; what
this module adds is the enterprise-level data each rule asks for and the dates:

* tech SME: the report is the data year; evaluation year = report year + 1; the 直通车 option
  "有效期内高新技术企业资格证书" from the enterprise's tier (高新技术企业 / 高科技领军企业);
* HNTE: the reports of the three fiscal years before the application year (report year − 2 …
  report year; fewer exist → the engine explains what is missing); the application date is a
  parameter (:func:`application_date_for`);
* super-deduction: tax year = report year; 科技型中小企业 / 高新技术企业 from the tier.

Callers pass ``as_of`` (the view: ``timezone.localdate()``); nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kechuang.policy.high_tech import HighTechInput
from kechuang.policy.inputs import ANNUAL_FIELDS, FIELD_LABELS, AnnualFigures, PolicyInputError
from kechuang.policy.rd_deduction import RdDeductionInput
from kechuang.policy.tech_sme import TechSmeInput

HIGH_TECH_TIERS = frozenset({"high_tech", "leader"})
HNTE_WINDOW = 3

# The figures the what-if form and the API accept (every annual-report figure but the
# reserve fund and the R&D flag, which no rule reads).
WHAT_IF_FIELDS: tuple[str, ...] = (
    "employees", "st_staff", "revenue_yuan", "total_income_yuan", "high_tech_revenue_yuan",
    "total_costs_yuan", "total_assets_yuan", "net_assets_yuan", "rd_expense_yuan",
    "rd_domestic_yuan", "rd_personnel_yuan", "rd_direct_input_yuan", "rd_depreciation_yuan",
    "rd_amortization_yuan", "rd_design_yuan", "rd_other_yuan", "rd_entrusted_domestic_yuan",
    "rd_entrusted_overseas_yuan", "ip_class_1_count", "ip_class_2_count",
    "achievements_converted",
)


@dataclass(frozen=True)
class EnterpriseFacts:
    """What the rules need of the enterprise itself (from ``Organisation`` or a values() row)."""

    pk: int
    industry_code: str
    established_on: dt.date
    tier: str = ""

    @classmethod
    def of(cls, enterprise: Any) -> EnterpriseFacts:
        return cls(pk=enterprise.pk, industry_code=enterprise.industry_code or "",
                   established_on=enterprise.established_on, tier=enterprise.tier or "")

    @property
    def is_high_tech(self) -> bool:
        return self.tier in HIGH_TECH_TIERS

    @property
    def is_tech_sme(self) -> bool:
        return self.tier == "tech_sme"


def figures_from_report(report: Any) -> AnnualFigures:
    """An ``EnterpriseAnnualReport`` (or any object with its field names) as ``AnnualFigures``."""
    return AnnualFigures(**{name: getattr(report, name) for name in ANNUAL_FIELDS})


def figures_from_row(row: Mapping[str, Any]) -> AnnualFigures:
    """A ``values()`` row of the report table (the batch reads rows, not model instances)."""
    return AnnualFigures(**{name: row[name] for name in ANNUAL_FIELDS})


def application_date_for(year: int, as_of: dt.date) -> dt.date:
    """The HNTE application date for data year ``year``: applications are in ``year + 1``.

    ``as_of`` itself when it lies in that year; the last day of that year when ``as_of`` is
    later (an old report); 1 January of it when ``as_of`` is earlier (a report of the
    current year: a forecast).
    """
    app_year = year + 1
    if as_of.year == app_year:
        return as_of
    if as_of.year > app_year:
        return dt.date(app_year, 12, 31)
    return dt.date(app_year, 1, 1)


def tech_sme_input(facts: EnterpriseFacts, figures: AnnualFigures) -> TechSmeInput:
    return TechSmeInput(figures, industry_code=facts.industry_code,
                        established_on=facts.established_on,
                        has_valid_high_tech_certificate=facts.is_high_tech)


def high_tech_input(facts: EnterpriseFacts, years: Iterable[AnnualFigures], *,
                    application_date: dt.date) -> HighTechInput:
    """The fiscal years before the application year that exist (the engine names the rest)."""
    app_year = application_date.year
    window = tuple(sorted((f for f in years if app_year - HNTE_WINDOW <= f.year < app_year),
                          key=lambda f: f.year))
    return HighTechInput(years=window, application_date=application_date,
                         established_on=facts.established_on,
                         industry_code=facts.industry_code)


def rd_deduction_input(facts: EnterpriseFacts, figures: AnnualFigures) -> RdDeductionInput:
    return RdDeductionInput(figures, industry_code=facts.industry_code,
                            established_on=facts.established_on,
                            is_tech_sme=facts.is_tech_sme, is_high_tech=facts.is_high_tech)


def parse_changes(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[PolicyInputError]]:
    """What-if figures → (parsed changes, errors): every field checked, not just the first.

    Unknown keys are errors too (a typo must not silently change nothing). Blank values
    are skipped (the stored figure stays).
    """
    changes: dict[str, Any] = {}
    errors: list[PolicyInputError] = []
    for key, value in data.items():
        if key not in WHAT_IF_FIELDS:
            errors.append(PolicyInputError(str(key), _("不是可调整的年报字段，可用：%(fields)s") % {
                "fields": "、".join(WHAT_IF_FIELDS)}))
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            parsed = AnnualFigures.from_dict({key: value})
        except PolicyInputError as exc:
            errors.append(exc)
            continue
        changes[key] = getattr(parsed, key)
    return changes, errors


def person_message(field: str | None, message: str) -> str:
    """An engine message for the page: the field's Chinese label only, without its key.

    The engine writes "职工总数（employees）：…" so the CLI and API name the field; a person
    reads the label, so the "（employees）" goes (the API keeps it and also sends ``field``).
    """
    if field and field in FIELD_LABELS:
        return message.replace(f"{FIELD_LABELS[field]}（{field}）", FIELD_LABELS[field], 1)
    return message
