"""National rules as pure Python: no Django import, no I/O, no clock.

Web views, the API, the CLI and batch jobs all call these functions, so a
rule is written once and can be tested and reused alone.

  credit_code   统一社会信用代码 (GB 32100-2015)
  tech_sme      evaluate_tech_sme(TechSmeInput) -> TechSmeResult        (国科发政〔2017〕115号)
  high_tech     evaluate_high_tech(HighTechInput) -> HighTechResult     (国科发火〔2016〕32号/195号)
  rd_deduction  compute_rd_deduction(RdDeductionInput) -> RdDeductionResult
  vouchers      evaluate_voucher_claim(VoucherClaimInput) -> VoucherClaimResult       (§f, fen)
  tech_contracts evaluate_tech_contract(TechContractInput) -> TechContractResult      (§e)
  innovation_points evaluate_innovation_points(InnovationPointsInput) -> …Result      (§d)
  rd_intensity  evaluate_rd_intensity(RegionalRdInput | EnterpriseRdInput) -> …Result (§i)
  divisions     lookup(code or name) -> the current 长治 unit and its status                (§h)
  inputs        AnnualFigures (the annual report's fields), PolicyInputError
  registry      rule sets by policy year; cli: ``kechuang policy …``

The engines are imported lazily (``from kechuang.policy import evaluate_tech_sme`` works) so
that importing ``credit_code`` from model code stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "AnnualFigures": "inputs", "PolicyInputError": "inputs", "RuleNotFound": "inputs",
    "TechSmeInput": "tech_sme", "TechSmeResult": "tech_sme", "evaluate_tech_sme": "tech_sme",
    "HighTechInput": "high_tech", "HighTechResult": "high_tech",
    "evaluate_high_tech": "high_tech",
    "RdDeductionInput": "rd_deduction", "RdDeductionResult": "rd_deduction",
    "ProjectExpenses": "rd_deduction", "compute_rd_deduction": "rd_deduction",
    "CapitalisedProject": "rd_deduction", "IntangibleAsset": "rd_deduction",
    "VoucherClaimInput": "vouchers", "VoucherClaimResult": "vouchers",
    "VoucherPolicy": "vouchers", "evaluate_voucher_claim": "vouchers",
    "TechContractInput": "tech_contracts", "TechContractResult": "tech_contracts",
    "evaluate_tech_contract": "tech_contracts",
    "InnovationPointsInput": "innovation_points", "InnovationPointsResult": "innovation_points",
    "evaluate_innovation_points": "innovation_points",
    "RegionalRdInput": "rd_intensity", "EnterpriseRdInput": "rd_intensity",
    "RdIntensityResult": "rd_intensity", "evaluate_rd_intensity": "rd_intensity",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"kechuang.policy.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'kechuang.policy' has no attribute {name!r}")
