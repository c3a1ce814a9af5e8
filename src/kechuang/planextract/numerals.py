"""Chinese numerals ⇄ numbers, exactly (Decimal, never float).

``parse_number`` reads everything a plan text writes as a quantity:

* Chinese numerals: ``一百二十`` → 120, ``十六`` → 16, ``百`` → 100, ``两千`` → 2000,
  ``一百零五`` → 105, ``三万五`` → 35000 (colloquial short form), ``二〇二五`` → 2025
  (digit by digit), ``一点五`` → 1.5, financial forms ``壹佰贰拾`` → 120;
* Arabic numbers: ``120``, ``12.5``, ``1,200``;
* mixed: ``1.5万`` → 15000, ``3千`` → 3000, ``1万2千`` → 12000, ``1.2亿`` → 120000000.

``to_chinese`` writes a non-negative integer the way a plan text would (``120`` →
``一百二十``, ``10`` → ``十``, ``105`` → ``一百零五``).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = [
    "BIG_UNITS",
    "CN_DIGITS",
    "NUMERAL_CHARS",
    "SMALL_UNITS",
    "parse_chinese_numeral",
    "parse_number",
    "to_chinese",
]

CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0,
    "一": 1, "壹": 1,
    "二": 2, "两": 2, "贰": 2, "貳": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: dict[str, int] = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
ZEROS = frozenset("零〇○")
DECIMAL_POINT = "点"

#: Every character that can be part of a Chinese numeral (without the decimal point).
NUMERAL_CHARS = "".join([*CN_DIGITS, *SMALL_UNITS, *BIG_UNITS])

_TOKEN = re.compile(r"\d+(?:\.\d+)?|.", re.S)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.replace(",", "").replace("，", "").strip())


def parse_chinese_numeral(text: str) -> Decimal:
    """Parse a Chinese (or mixed Chinese/Arabic) numeral exactly.

    Raises ``ValueError`` for anything that is not a well-formed numeral, such as
    ``十五五`` (a plan period's name, not a number) or an empty string.
    """
    text = text.strip()
    if not text:
        raise ValueError("empty numeral")
    if DECIMAL_POINT in text:
        head, _, tail = text.partition(DECIMAL_POINT)
        frac_digits = ""
        i = 0
        while i < len(tail) and tail[i] in CN_DIGITS:
            frac_digits += str(CN_DIGITS[tail[i]])
            i += 1
        if not frac_digits:
            raise ValueError(f"no digits after 点 in {text!r}")
        multiplier = 1
        for ch in tail[i:]:
            if ch not in BIG_UNITS:
                raise ValueError(f"unexpected {ch!r} after the decimal part of {text!r}")
            multiplier *= BIG_UNITS[ch]
        whole = parse_chinese_numeral(head) if head else Decimal(0)
        if whole != whole.to_integral_value():
            raise ValueError(f"two decimal points in {text!r}")
        return (whole + Decimal(f"0.{frac_digits}")) * multiplier

    tokens = _tokens(text)
    if not tokens:
        raise ValueError("empty numeral")

    # 二〇二五 / 一二〇: digits only, read position by position.
    if len(tokens) > 1 and all(t in CN_DIGITS for t in tokens):
        return Decimal("".join(str(CN_DIGITS[t]) for t in tokens))

    total = Decimal(0)  # everything closed by a big unit (万/亿)
    section = Decimal(0)  # the part below the current big unit
    number: Decimal | None = None  # the digit (or Arabic number) waiting for its unit
    last_small = 10**5  # small units must fall within a section: 千 > 百 > 十
    last_big = 0  # the biggest 万/亿 seen so far
    last_unit = 0  # the unit just before the pending digit (for 一百五 = 150)
    after_zero = False
    seen_anything = False

    for tok in tokens:
        if tok[0].isdigit():
            if number is not None:
                raise ValueError(f"two numbers in a row in {text!r}")
            try:
                number = Decimal(tok)
            except InvalidOperation as exc:  # pragma: no cover - regex guarantees digits
                raise ValueError(text) from exc
            seen_anything = True
        elif tok in ZEROS:
            if number is not None:
                raise ValueError(f"zero after a digit in {text!r}")
            after_zero = True
            last_unit = 0
            seen_anything = True
        elif tok in CN_DIGITS:
            if number is not None:
                raise ValueError(f"two digits in a row in {text!r}")
            number = Decimal(CN_DIGITS[tok])
            seen_anything = True
        elif tok in SMALL_UNITS:
            unit = SMALL_UNITS[tok]
            if unit >= last_small:
                raise ValueError(f"{tok!r} out of order in {text!r}")
            if number is None:
                # 十 / 十六 alone mean 一十; 百项 means 一百 — only at the very start
                # of a section (一百十 is not written; 一百一十 is).
                if section != 0 or after_zero:
                    raise ValueError(f"{tok!r} without a digit in {text!r}")
                number = Decimal(1)
            section += number * unit
            number = None
            last_small = unit
            last_unit = unit
            after_zero = False
            seen_anything = True
        elif tok in BIG_UNITS:
            unit = BIG_UNITS[tok]
            if number is not None:
                section += number
                number = None
            if section == 0 and not seen_anything:
                raise ValueError(f"{tok!r} without a number in {text!r}")
            if unit > last_big:
                total = (total + section) * unit
                last_big = unit
            else:
                if section == 0:
                    raise ValueError(f"{tok!r} repeated in {text!r}")
                total += section * unit
            section = Decimal(0)
            last_small = 10**5
            last_unit = unit
            after_zero = False
        else:
            raise ValueError(f"{tok!r} is not part of a numeral ({text!r})")

    if number is not None:
        if last_unit and not after_zero and number == number.to_integral_value() and number < 10:
            # 一百五 = 150, 三万五 = 35000, 两千三 = 2300: the digit fills the next place down.
            number *= Decimal(last_unit) / 10
        section += number
    if not seen_anything:
        raise ValueError(f"no number in {text!r}")
    return total + section


def parse_number(text: str) -> Decimal:
    """Parse an Arabic, Chinese or mixed number (``120``, ``1,200``, ``十六``, ``1.5万``)."""
    cleaned = text.strip().replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        return Decimal(cleaned)
    return parse_chinese_numeral(cleaned)


_DIGIT_CHARS = "零一二三四五六七八九"
_PLACES = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))


def _section_to_chinese(n: int) -> str:
    """0 < n < 10000, written with 零 for the gaps (1005 → 一千零五)."""
    out = []
    pending_zero = False
    for value, name in _PLACES:
        digit = n // value % 10
        if digit:
            if pending_zero:
                out.append("零")
                pending_zero = False
            out.append(_DIGIT_CHARS[digit] + name)
        elif out:
            pending_zero = True
    return "".join(out)


def to_chinese(n: int) -> str:
    """Write a non-negative integer as a plan text would: 120 → 一百二十, 16 → 十六."""
    if n < 0:
        raise ValueError("negative numbers are not written in plans")
    if n == 0:
        return "零"
    groups = []  # (section value, big-unit name) from the top
    rest = n
    for name in ("", "万", "亿"):
        groups.append((rest % 10**4, name))
        rest //= 10**4
    if rest:
        # 10^12 and above: write the part above 亿 recursively (一万亿).
        groups[-1] = (groups[-1][0] + rest * 10**4, "亿")
    groups.reverse()
    out: list[str] = []
    need_zero = False
    for value, name in groups:
        if value == 0:
            if out:
                need_zero = True
            continue
        if out and (need_zero or value < 1000):
            out.append("零")
        need_zero = False
        if value >= 10**4:  # only the 亿 group of a number ≥ 10^12
            out.append(to_chinese(value) + name)
        else:
            out.append(_section_to_chinese(value) + name)
    text = "".join(out)
    if text.startswith("一十"):
        text = text[1:]  # 十六, 十万 — not 一十六
    return text
