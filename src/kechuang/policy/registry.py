"""Versioned rule sets, chosen by policy year.

A revision of a policy is added *beside* the old rule set (with its own ``valid_from``), never
edited into it, so an old self-assessment can be re-run under the rules of its year and every
result records the ``rule_version`` it was computed with.
"""

from __future__ import annotations

from typing import Any, Protocol

from kechuang.policy.inputs import RuleNotFound


class RuleSet(Protocol):
    version: str  # e.g. "tech_sme/2017-115"
    document: str  # the document number(s) the thresholds come from
    valid_from: int  # first policy year covered
    valid_to: int | None  # last policy year covered (None: open-ended)


_REGISTRY: dict[str, list[Any]] = {}

RULE_NAMES = {"tech_sme": "科技型中小企业评价", "high_tech": "高新技术企业认定",
              "rd_deduction": "研发费用加计扣除", "vouchers": "科技创新券兑付",
              "tech_contracts": "技术合同认定登记", "innovation_points": "企业创新积分",
              "rd_intensity": "R&D投入强度", "credit_code": "统一社会信用代码",
              "divisions": "行政区划（长治市）"}

# The JSON input of each rule in one line (``kechuang policy rules``; details in docs/policy.md).
INPUT_SHAPES = {
    "tech_sme": "{annual-report fields (year, employees, st_staff, revenue_yuan, …), "
                "industry_code, established_on, evaluation_year, "
                "evaluation_date, high_tech_certificate_issue_date, "
                "awards|standards|rd_institutions: [{level, rank, year}], first_evaluation, "
                "*_years, has_valid_high_tech_certificate (override), …}",
    "high_tech": "{application_date, established_on, years: [{annual-report fields}], tech_field, "
                 "years[].employees_monthly|st_staff_monthly|*_avg, years[].rd_costs: {…}, "
                 "expert_scores: {item: points|[lo, hi]|band}, expert_totals: [n, …], "
                 "incidents: [{date, kind}], innovation_score (override), …}",
    "rd_deduction": "{year, rd_personnel_yuan … rd_other_yuan, rd_entrusted_*_yuan, "
                    "industry_code, is_tech_sme, ic_or_machine_tool_list, projects: […], "
                    "rd_depreciation_tax_yuan, government_subsidy_yuan, subsidy_taxable, "
                    "capitalised_projects: [{name, rd_*_yuan, finished}], intangible_assets: "
                    "[{name, cost_yuan, eligible_cost_yuan, amortisation_years, available_from, "
                    "legal_years}], prefiling_period: H1|Q1-Q3|FY, filer: quarterly|monthly, …}",
    "vouchers": "{policy: {policy_year, ratio, annual_cap_fen, valid_from, valid_to, "
                "providers: [{provider_id, listed_from, listed_to}], eligible_services}, "
                "voucher: {voucher_id, face_value_fen}, enterprise_id, provider_id, "
                "service_fee_fen, service_completed_on, service_category, contract_no, "
                "invoice_no, related_party, history: [{claim_id, amount_fen, status, "
                "voucher_id, contract_no, invoice_no}]}",
    "tech_contracts": "{contract_type, sub_type, import_contract, form, seller, buyer, subject, "
                      "turnover_yuan, non_technical_costs: [{description, amount_yuan, kind, "
                      "reasonable_quantity, quantity}], accepted_on, corrections_submitted_on, "
                      "disputed, annual_transfer_income_yuan, calendar: {holidays, workdays}}",
    "innovation_points": "{year, indicators: [code|{code, label}], weights: {stage|\"*\": "
                         "{indicator: weight}}, stages: [{code, name, min_revenue_yuan, "
                         "max_revenue_yuan}] | preset, tiers: [{code, name, top_percent}], "
                         "enterprises: [{enterprise_id, revenue_yuan, values: {indicator: x}}]}",
    "rd_intensity": "{level: regional, region, year, rd_expenditure_yuan, gdp_yuan, "
                    "official_intensity_pct, official_source} | {level: enterprise, enterprise, "
                    "year, rd_expense_yuan, revenue_yuan, scope: deduction|high_tech|accounting}",
    "credit_code": "{code, zone_counts_under}",
    "divisions": "{query: code|name | queries: [code|name, …], zone_counts_under}",
}


def register(rule: str, ruleset: Any) -> Any:
    """Add a rule set (returns it, so modules can ``X = register("rule", X_RULES(...))``)."""
    existing = _REGISTRY.setdefault(rule, [])
    if any(r.version == ruleset.version for r in existing):
        raise ValueError(f"duplicate rule version {ruleset.version}")
    existing.append(ruleset)
    existing.sort(key=lambda r: r.valid_from)
    return ruleset


def select(rule: str, year: int) -> Any:
    """The rule set in force for ``year``: the latest one starting on or before it."""
    candidates = [r for r in _REGISTRY.get(rule, ())
                  if r.valid_from <= year and (r.valid_to is None or year <= r.valid_to)]
    if not candidates:
        name = RULE_NAMES.get(rule, rule)
        known = "、".join(f"{r.version}（{r.valid_from}–{r.valid_to or ''}）"
                         for r in _REGISTRY.get(rule, ()))
        raise RuleNotFound(f"{name}：没有适用于 {year} 年的规则（已有：{known or '无'}）")
    return max(candidates, key=lambda r: r.valid_from)


def versions(rule: str) -> list[Any]:
    """All rule sets of a rule, oldest first (for documentation and tests)."""
    return list(_REGISTRY.get(rule, ()))


def document_label(version: Any, short: bool = False) -> str:
    """A rule version ("high_tech/2016-32") as the document it implements, for people.

    ``short`` keeps the first document number only (国科发火〔2016〕32号) for narrow columns.
    A version no longer registered falls back to the rule's name and the stored version.
    """
    if not version:
        return ""
    rule = str(version).partition("/")[0]
    document = next((r.document for r in versions(rule) if r.version == version), "")
    if not document:
        name = RULE_NAMES.get(rule)
        return f"{name}（{version}）" if name else str(version)
    if short:
        for sep in ("、", "《", "；"):
            document = document.partition(sep)[0]
    return document
