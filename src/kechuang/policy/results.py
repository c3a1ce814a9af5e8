"""Result building blocks: conditions, scores, gaps — each explains itself in Chinese.

Results are plain dataclasses so the web page, the API, the CLI and batch exports show the
same explanation; ``to_dict()`` gives JSON-safe data (Decimals as strings, dates ISO).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from kechuang.policy.amounts import to_decimal_ratio

DISCLAIMER = "自评结果仅供参考，以主管部门认定为准"


def terminating_decimal(value: Fraction) -> Decimal | None:
    """``value`` as an exact Decimal when its decimal expansion ends (denominator 2^a·5^b),
    else None: 1/8 → 0.125, 1/3 → None. Never rounded."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return None
    places = max(twos, fives)
    n = (value * 10 ** places).numerator  # an integer now
    # built from its digits: scaleb() would round to the context's 28 digits
    return Decimal((int(n < 0), tuple(map(int, str(abs(n)))), -places))


def exact_ratio(num: Decimal | int, den: Decimal | int) -> Fraction:
    """num ÷ den as a Fraction, built once from both integer ratios (4× cheaper than
    ``Fraction(num) / Fraction(den)`` — it is computed for every ratio of every result)."""
    n, d = num.as_integer_ratio()
    m, e = den.as_integer_ratio()
    if m < 0:
        n, m = -n, -m
    return Fraction(n * e, d * m)


def as_fraction(value: Fraction | Decimal | int | None) -> Fraction | None:
    """Any exact number as a Fraction (None stays None); floats are refused (not exact)."""
    if value is None or isinstance(value, Fraction):
        return value
    if isinstance(value, bool | float):
        raise TypeError(f"not an exact value: {value!r}")
    return Fraction(value)


def exact_json(value: Fraction | Decimal | int | None) -> dict[str, str | None] | None:
    """The exact form of a ratio for checkers: ``{"fraction": "num/den", "decimal": "0.125"}``.

    ``decimal`` is the exact expansion when it terminates, else None (1/3 has none); compare
    ``fraction`` without rounding noise. None when there is no value.
    """
    f = as_fraction(value)
    if f is None:
        return None
    d = terminating_decimal(f)
    return {"fraction": f"{f.numerator}/{f.denominator}",
            "decimal": None if d is None else f"{d:f}"}


def jsonable(obj: Any) -> Any:
    """Recursively turn results into JSON-serialisable data (Decimal → str, date → ISO)."""
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, Fraction):
        return str(to_decimal_ratio(obj, 10))
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if isinstance(obj, bool | int | str) or obj is None:
        return obj
    if is_dataclass(obj) and not isinstance(obj, type):
        to_dict = getattr(obj, "to_dict", None)
        if to_dict is not None:
            return to_dict()
        return _fields_json(obj)
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [jsonable(v) for v in obj]
    raise TypeError(f"not JSON-serialisable: {type(obj).__name__}")


@dataclass(slots=True)
class Condition:
    """One condition of a rule: ``passed`` is None when it does not apply or cannot be decided.

    ``exact`` is the unrounded ratio behind a truncated ``value`` (a Fraction), so a checker
    can compare without display rounding; serialised by :func:`exact_json`.
    """

    code: str
    label: str
    passed: bool | None
    value: Any
    limit: Any
    message: str
    exact: Fraction | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "passed": self.passed,
                "value": jsonable(self.value), "limit": jsonable(self.limit),
                "exact": exact_json(self.exact), "message": self.message}


@dataclass(slots=True)
class Score:
    """Points of one indicator (or sub-item).

    ``points_min == points_max`` when the rule fixes the points; a range when experts choose
    within a band. ``source`` says who decided: computed | input | range.
    """

    code: str
    label: str
    max_points: Decimal
    points_min: Decimal
    points_max: Decimal
    band: str
    band_label: str
    value: Any
    message: str
    source: str = "computed"
    used: bool = True
    parts: list[Score] = field(default_factory=list)
    exact: Fraction | None = None  # the unrounded ratio behind a truncated ``value``

    @property
    def points(self) -> Decimal | None:
        """The points when determined, else None (an expert range)."""
        return self.points_min if self.points_min == self.points_max else None

    def to_dict(self) -> dict[str, Any]:
        d = {"code": self.code, "label": self.label, "max_points": str(self.max_points),
             "points": jsonable(self.points), "points_min": str(self.points_min),
             "points_max": str(self.points_max), "band": self.band,
             "band_label": self.band_label, "value": jsonable(self.value),
             "message": self.message, "source": self.source, "used": self.used,
             "exact": exact_json(self.exact)}
        if self.parts:
            d["parts"] = [p.to_dict() for p in self.parts]
        return d


@dataclass(slots=True)
class Gap:
    """The smallest change of one lever that closes a shortfall (or why that lever cannot).

    ``changes`` are the field values to set (in fiscal year ``year`` for multi-year rules);
    applying them and re-running the engine reaches the goal when ``sufficient_alone``.
    ``fixes`` lists the condition codes the change makes pass.
    """

    lever: str
    label: str
    current: Any
    target: Any
    change: Any
    unit: str
    changes: dict[str, Any]
    sufficient_alone: bool
    fixes: list[str]
    score_effect: str
    message: str
    year: int | None = None
    fixable: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"lever": self.lever, "label": self.label, "year": self.year,
                "current": jsonable(self.current), "target": jsonable(self.target),
                "change": jsonable(self.change), "unit": self.unit,
                "changes": jsonable(self.changes), "fixable": self.fixable,
                "sufficient_alone": self.sufficient_alone, "fixes": list(self.fixes),
                "score_effect": self.score_effect, "message": self.message}


@dataclass(slots=True)
class Combination:
    """Several levers together, when none alone is enough; applying all of them passes."""

    changes: dict[str, Any]
    message: str
    year: int | None = None
    score_after: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "changes": jsonable(self.changes), "message": self.message,
                "score_after": jsonable(self.score_after)}


def _fields_json(obj: Any) -> dict[str, Any]:
    """A dataclass's public fields; a field named ``*_exact`` is an exact ratio (exact_json)."""
    return {f.name: (exact_json(getattr(obj, f.name)) if f.name.endswith("_exact")
                     else jsonable(getattr(obj, f.name)))
            for f in fields(obj) if not f.name.startswith("_")}


class ResultBase:
    """Shared ``to_dict`` for result dataclasses (fields named ``*_exact`` hold exact ratios)."""

    def to_dict(self) -> dict[str, Any]:
        return _fields_json(self)
