"""统一社会信用代码 (GB 32100-2015): normalisation and the check character.

The one implementation: form validation, the API, imports and demo data all
call it.
"""

from __future__ import annotations

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


def check_character(first17: str) -> str:
    """The 18th character for the given first 17."""
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise CreditCodeError("前17位须为数字或大写字母（不含 I、O、Z、S、V）")
    s = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - s % 31) % 31]


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
