"""GB/T 4754-2017 国民经济行业分类: 门类 (sections) and 大类 (divisions).

Codes are stored as section letter + two-digit division, e.g. ``C26``.
"""

from __future__ import annotations

from pathlib import Path

_TABLE = (Path(__file__).parent / "data" / "gbt4754-2017.txt").read_text(encoding="utf-8")

SECTIONS: dict[str, str] = {}
DIVISIONS: dict[str, str] = {}  # "C26" -> "化学原料和化学制品制造业"
for _line in _TABLE.strip().splitlines():
    if _line.startswith("#"):
        continue
    _head, *_divs = _line.split("|")
    _letter, _name = _head.split(" ", 1)
    SECTIONS[_letter] = _name
    for _d in _divs:
        _code, _dname = _d.split(" ", 1)
        DIVISIONS[f"{_letter}{_code}"] = _dname

INDUSTRY_CHOICES = [
    (name, [(code, f"{code} {dname}") for code, dname in DIVISIONS.items() if code[0] == letter])
    for letter, name in SECTIONS.items()
]
INDUSTRIAL_SECTIONS = frozenset({"B", "C", "D"})  # 工业 in official statistics


def section_of(code: str) -> str:
    return code[:1]


def label(code: str) -> str:
    return f"{code} {DIVISIONS.get(code, '')}".strip()
