"""Exact money and ratio arithmetic shared by the engines.

Thresholds are compared on unrounded values (policy-rules.md, general rule 1), so the
helpers here either stay exact (Decimal sums, Fraction ratios) or round only for display
or to the fen where a rule says so.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from fractions import Fraction

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
FEN = Decimal("0.01")
YI = Decimal(100_000_000)  # 1 亿元
WAN = Decimal(10_000)  # 1 万元


def round_fen(x: Decimal) -> Decimal:
    """Round to the fen, half up: the rounding of tax forms."""
    return x.quantize(FEN, rounding=ROUND_HALF_UP)


def ceil_fen(x: Decimal | Fraction | int) -> Decimal:
    """The smallest fen amount ≥ x (exact for Fractions): a gap must really close the gap."""
    if isinstance(x, Decimal):
        return x.quantize(FEN, rounding=ROUND_CEILING)
    f = Fraction(x) * 100
    return (Decimal(-(-f.numerator // f.denominator)) / HUNDRED).quantize(FEN)


def ceil_int(x: Decimal | Fraction | int) -> int:
    """The smallest integer ≥ x (exact)."""
    f = Fraction(x)
    return -(-f.numerator // f.denominator)


def frac(x: Decimal | Fraction | int) -> Fraction:
    return x if isinstance(x, Fraction) else Fraction(x)


def to_decimal_ratio(f: Fraction, places: int = 6) -> Decimal:
    """A Fraction as a Decimal for output; truncated toward zero so a ratio just below a
    threshold never prints as the threshold itself."""
    q = Decimal(1).scaleb(-places)
    value = Decimal(f.numerator) / Decimal(f.denominator)
    return value.quantize(q, rounding="ROUND_DOWN")


def yuan(x: Decimal | int) -> str:
    """¥1,234,567.89 — the display form of an amount."""
    x = round_fen(Decimal(x))
    sign = "-" if x < 0 else ""
    return f"{sign}¥{abs(x):,.2f}"


def pct(num: Decimal | Fraction | int, den: Decimal | Fraction | int = 1) -> str:
    """num/den as a percentage with 2 decimals (display only)."""
    if isinstance(num, Fraction) or isinstance(den, Fraction):
        f = Fraction(num) / Fraction(den)
        num, den = f.numerator, f.denominator
    value = Decimal(num) * HUNDRED / Decimal(den)  # 28 significant digits, then rounded
    return f"{value.quantize(FEN, rounding=ROUND_HALF_UP)}%"


def pct_of(limit_pct: Decimal | int) -> str:
    """A threshold given in percent, e.g. 5 → '5%'; 2.5 → '2.5%'."""
    d = Decimal(limit_pct).normalize()
    return f"{d:f}%"


def near_miss(num: Decimal, den: Decimal, limit_pct: Decimal | int) -> str:
    """Explain when the 2-decimal display equals the threshold but the exact ratio is below."""
    shown = pct(num, den)
    if num * HUNDRED < den * Decimal(limit_pct) and shown == pct(Decimal(limit_pct), HUNDRED):
        return "（精确比值略低于该值，按未四舍五入的比值判断）"
    return ""


def round_fen_exact(x: Fraction) -> Decimal:
    """Round an exact Fraction to the fen, half up (for ×2/3 and ÷9 style rules)."""
    f = x * 100
    n, d = f.numerator, f.denominator
    q, r = divmod(abs(n), d)
    if 2 * r >= d:
        q += 1
    return (Decimal(q if n >= 0 else -q) / HUNDRED).quantize(FEN)
