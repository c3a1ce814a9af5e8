"""Whole numbers from request parameters and form text.

``str.isdigit()`` is also true for "²" and other Unicode digits that ``int()`` refuses, and a
number can be too large for the database column: a check-then-``int()`` on user text is a 500
waiting for a fuzzer. These accept ASCII digits within bounds only and say None otherwise.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1  # the largest BIGINT row id; larger numbers are a 400, not a 500


def is_digits(text: object) -> bool:
    """True for a non-empty string of ASCII digits."""
    return isinstance(text, str) and text.isascii() and text.isdigit()


def parse_int(text: object, lo: int, hi: int) -> int | None:
    """``text`` as an int in [lo, hi], or None (not digits, or out of range)."""
    if not is_digits(text) or len(text) > 20:
        return None
    n = int(text)
    return n if lo <= n <= hi else None


def parse_id(text: object) -> int | None:
    """A row id (1 … the largest BIGINT) or None."""
    return parse_int(text, 1, MAX_ID)


def parse_year(text: object) -> int | None:
    """A calendar year as typed in a filter (1 … 9999) or None."""
    return parse_int(text, 1, 9999)
