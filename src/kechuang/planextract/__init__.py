"""Plan-text extraction: a work plan's actions and quantitative targets (pure Python).

    from kechuang.planextract import extract_plan
    draft = extract_plan(text)          # DraftPlan: actions → targets
    draft.to_yaml_dict()                # the shape of sample-plan-2026.expected.yaml

No Django import anywhere in this package. Text clean-up lives in ``.normalise``
(``normalise.normalise(text)``), numerals in ``.numerals``.
"""

from .extract import Action, DraftPlan, Target, extract_plan, main, read_plan_file, to_yaml
from .numerals import parse_chinese_numeral, parse_number, to_chinese

__all__ = [
    "Action",
    "DraftPlan",
    "Target",
    "extract_plan",
    "main",
    "parse_chinese_numeral",
    "parse_number",
    "read_plan_file",
    "to_chinese",
    "to_yaml",
]
