"""统一社会信用代码 (GB 32100-2015): normalisation, the check character and a breakdown.

The one implementation: form validation, the API, imports and demo data all
call it. ``analyse(code)`` explains a code: the weighted sum behind the check character, the
登记管理部门 and 机构类别 by name, the region segment (never rejected for being an old or a
non-GB/T 2260 code: §g, §h) and the 主体标识码's own GB 11714 check (a warning only, [U]).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kechuang.policy.registry import register


@dataclass(frozen=True)
class CreditCodeStandard:
    """The coding rule, registered like the rule sets so ``kechuang policy rules`` lists it."""

    version: str
    document: str
    valid_from: int
    valid_to: int | None


GB32100 = register("credit_code", CreditCodeStandard(
    "credit_code/gb32100-2015", "GB 32100-2015《法人和其他组织统一社会信用代码编码规则》",
    2015, None))

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters; no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(CHARSET)}


class CreditCodeError(ValueError):
    """A credit code that fails GB 32100-2015, with a message a clerk can read."""

    def __init__(self, message: str, expected_check: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.expected_check = expected_check


def normalize(code: str) -> str:
    """Upper-case and drop spaces: people paste codes with both."""
    return "".join(str(code).split()).upper()


def weighted_sum(first17: str) -> int:
    """Σ value(cᵢ) × Wᵢ over the first 17 characters (the check character is 31 − s mod 31)."""
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise CreditCodeError("前17位须为数字或大写字母（不含 I、O、Z、S、V）")
    return sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))


def check_character(first17: str) -> str:
    """The 18th character for the given first 17."""
    return CHARSET[(31 - weighted_sum(first17) % 31) % 31]


def validate(code: str) -> str:
    """Return the normalised code, or raise CreditCodeError saying what is wrong."""
    norm = normalize(code)
    if len(norm) != 18:
        raise CreditCodeError(f"统一社会信用代码应为18位，当前为{len(norm)}位")
    bad = [c for c in norm if c not in _VALUE]
    if bad:
        raise CreditCodeError(
            f"统一社会信用代码含非法字符“{bad[0]}”（只允许数字和除 I、O、Z、S、V 外的大写字母）"
        )
    if not norm[2:8].isdigit():
        raise CreditCodeError("统一社会信用代码第3–8位（登记管理机关行政区划码）应为6位数字")
    expected = check_character(norm[:17])
    if norm[17] != expected:
        raise CreditCodeError(
            f"统一社会信用代码校验位错误：第18位应为“{expected}”，实际为“{norm[17]}”",
            expected_check=expected,
        )
    return norm


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except CreditCodeError:
        return False
    return True


def make_code(first17: str) -> str:
    """Complete 17 characters with their check character (demo data, tests)."""
    return first17 + check_character(first17)


# -- breakdown ---------------------------------------------------------------------------------

# 登记管理部门代码 and 机构类别代码 as policy-rules.md §g lists them (public validator
# fdstar/NumberValidators, [V-2]; "3 教育" and "N 农业" are [U] there). A character not listed
# is not an error when the check character is right: it is shown as 未知.
DEPARTMENTS: dict[str, str] = {
    "1": "机构编制", "2": "外交", "3": "教育", "4": "公安", "5": "民政", "6": "司法",
    "7": "交通运输", "8": "文化", "9": "工商（市场监管）", "A": "旅游", "B": "宗教事务",
    "C": "全国总工会", "D": "人民解放军总后勤部", "E": "省级人民政府", "F": "地市级人民政府",
    "G": "区县级人民政府", "N": "农业", "Y": "其他",
}
UNVERIFIED_DEPARTMENTS = frozenset({"3", "N"})
CATEGORIES: dict[str, dict[str, str]] = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
}
CATEGORY_NOTES = {"N": "农村集体经济组织 [U]"}
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 组织机构代码, chars 9–16


def org_code_check(body8: str) -> str | None:
    """The GB 11714 check character of the 主体标识码's first 8 characters (None if not
    computable: a character outside 0–9/A–Z)."""
    total = 0
    for c, w in zip(body8, ORG_WEIGHTS, strict=True):
        if c.isdigit():
            v = int(c)
        elif "A" <= c <= "Z":
            v = ord(c) - ord("A") + 10
        else:
            return None
        total += v * w
    r = 11 - total % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


@dataclass(slots=True)
class CreditCodeInfo:
    """What a code says, part by part, and why it passes or fails (Chinese messages)."""

    input: str
    code: str  # normalised
    valid: bool
    errors: list[str]
    warnings: list[str]
    weighted_sum: int | None = None
    remainder: int | None = None  # weighted_sum mod 31
    check_expected: str | None = None
    check_actual: str | None = None
    department_code: str | None = None
    department_name: str | None = None
    category_code: str | None = None
    category_name: str | None = None
    region_code: str | None = None
    region: dict[str, Any] | None = None  # divisions.lookup(...).to_dict() (never an error)
    subject_code: str | None = None  # 主体标识码 (组织机构代码), chars 9–17
    org_check_expected: str | None = None
    org_check_ok: bool | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        """Alias of ``valid`` for batch summaries that count passing rows."""
        return self.valid

    @property
    def message(self) -> str:
        if self.valid:
            return (f"统一社会信用代码 {self.code} 校验通过：加权和 {self.weighted_sum}，"
                    f"{self.weighted_sum} mod 31 = {self.remainder}，校验位 "
                    f"(31 − {self.remainder}) mod 31 → “{self.check_expected}”")
        return "；".join(self.errors)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": "credit_code", "rule_version": GB32100.version,
                "document": GB32100.document,
                "input": self.input, "code": self.code, "valid": self.valid,
                "errors": list(self.errors), "warnings": list(self.warnings),
                "weighted_sum": self.weighted_sum, "remainder": self.remainder,
                "check_expected": self.check_expected, "check_actual": self.check_actual,
                "department_code": self.department_code, "department_name": self.department_name,
                "category_code": self.category_code, "category_name": self.category_name,
                "region_code": self.region_code, "region": self.region,
                "subject_code": self.subject_code, "org_check_expected": self.org_check_expected,
                "org_check_ok": self.org_check_ok, "message": self.message,
                "notes": list(self.notes)}

    def to_row(self) -> dict[str, Any]:
        return {"result_valid": "是" if self.valid else "否",
                "result_code": self.code, "result_weighted_sum": self.weighted_sum,
                "result_check_expected": self.check_expected or "",
                "result_department": self.department_name or "",
                "result_category": self.category_name or "",
                "result_region": (self.region or {}).get("current_name") or "",
                "result_message": self.message}


def _department(info: CreditCodeInfo, dep: str, cat: str) -> None:
    info.department_code, info.category_code = dep, cat
    if dep in DEPARTMENTS:
        info.department_name = DEPARTMENTS[dep] + (" [U]" if dep in UNVERIFIED_DEPARTMENTS
                                                   else "")
    else:
        info.department_name = f"未知登记管理部门（“{dep}”）"
    names = CATEGORIES.get(dep)
    if names is not None and cat in names:
        info.category_name = names[cat]
    elif dep in CATEGORY_NOTES:
        info.category_name = f"{CATEGORY_NOTES[dep]}（类别代码“{cat}”）"
    else:
        info.category_name = f"未收录的机构类别（“{cat}”）"


def analyse(code: str, *, zone_counts_under: str | None = None) -> CreditCodeInfo:
    """Break a code down part by part; never raises for a bad code (``valid`` says it).

    Unknown department or category characters and region segments that are old (pre-2019) or
    not GB/T 2260 codes (140491 长治高新区) are shown, never rejected (§g, §h).
    """
    from kechuang.policy import divisions  # lazy: model code imports this module

    norm = normalize(code)
    info = CreditCodeInfo(str(code), norm, False, [], [])
    try:
        validate(norm)
        info.valid = True
    except CreditCodeError as exc:
        info.errors.append(exc.message)
    if len(norm) >= 2:
        _department(info, norm[0], norm[1])
    if len(norm) == 18 and all(c in _VALUE for c in norm[:17]):
        s = weighted_sum(norm[:17])
        info.weighted_sum, info.remainder = s, s % 31
        info.check_expected, info.check_actual = CHARSET[(31 - s % 31) % 31], norm[17]
    if len(norm) >= 8 and norm[2:8].isdigit():
        info.region_code = norm[2:8]
        found = divisions.lookup(info.region_code, zone_counts_under=zone_counts_under)
        info.region = found.to_dict()
        if found.status == "historical":
            info.notes.append("第 3–8 位为 2019 年前的旧区划代码：信用代码终身不变，"
                              "这不是错误；统计时计入现行区划 " + (found.current_name or ""))
    if len(norm) == 18:
        info.subject_code = norm[8:17]
        expected = org_code_check(norm[8:16])
        info.org_check_expected = expected
        info.org_check_ok = expected is not None and expected == norm[16]
        if not info.org_check_ok:
            info.warnings.append(
                f"第 9–17 位主体标识码未通过 GB 11714 校验（第 17 位按该规则应为“{expected}”，"
                f"实际为“{norm[16]}”）：仅提示，不影响有效性 [U]" if expected is not None
                else "第 9–17 位主体标识码含 GB 11714 规则无法计算的字符：仅提示 [U]")
    if info.department_name and info.department_name.startswith("未知"):
        info.warnings.append(f"{info.department_name}：校验位正确时不据此拒绝")
    info.notes.append("登记管理部门、机构类别代码表来自公开校验实现（[V-2]），"
                      "以 GB 32100-2015 原文为准")
    return info


@dataclass(frozen=True, slots=True)
class CreditCodeInput:
    """``kechuang policy evaluate --rule credit_code``: one code (``code`` or ``credit_code``)."""

    code: str
    zone_counts_under: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CreditCodeInput:
        from kechuang.policy.inputs import PolicyInputError

        raw = data.get("code", data.get("credit_code", data.get("统一社会信用代码")))
        if raw is None or not str(raw).strip():
            raise PolicyInputError("code", "缺少统一社会信用代码（code）")
        zone = data.get("zone_counts_under")
        return cls(str(raw), str(zone).strip() if zone else None)


def evaluate_credit_code(inp: CreditCodeInput) -> CreditCodeInfo:
    """The breakdown of one code (the CLI and batch entry point)."""
    return analyse(inp.code, zone_counts_under=inp.zone_counts_under)
