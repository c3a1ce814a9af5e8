"""Progress, expected progress, status and year-end forecast of one indicator — pure Python.

No Django and no clock: the dashboard, the snapshot job and the monthly report feed it
numbers and the as-of date, so a figure can be recomputed and explained exactly.

Expected progress at the as-of date follows last year's month-by-month curve when last year
has records (recognitions arrive in batches late in the year, so a linear line would call
every county "behind" until November); otherwise it is linear in the days of the year.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
# below this share of the year (by the curve) a forecast would only extrapolate noise
MIN_FORECAST_FRACTION = Decimal("0.05")


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    NO_TARGET = "no_target"  # nothing to compare with (no target, no reference, no last year)
    NO_DATA = "no_data"  # no data source yet, or nothing reported

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self]


STATUS_LABELS = {
    Status.ACHIEVED: "已完成", Status.ON_TRACK: "进度正常", Status.AT_RISK: "存在风险",
    Status.BEHIND: "进度滞后", Status.NO_TARGET: "无量化目标", Status.NO_DATA: "暂无数据",
}
# Bootstrap contextual colours, also used by the charts
STATUS_COLOURS = {
    Status.ACHIEVED: "success", Status.ON_TRACK: "primary", Status.AT_RISK: "warning",
    Status.BEHIND: "danger", Status.NO_TARGET: "secondary", Status.NO_DATA: "light",
}


@dataclass(frozen=True)
class Thresholds:
    """on track when value ≥ on_track × expected; at risk when ≥ at_risk × expected."""

    on_track: Decimal = Decimal("0.90")
    at_risk: Decimal = Decimal("0.70")

    def __post_init__(self) -> None:
        if not (ZERO < self.at_risk <= self.on_track <= ONE):
            raise ValueError("thresholds must satisfy 0 < at_risk <= on_track <= 1")


@dataclass(frozen=True)
class ProgressInput:
    year: int
    as_of: dt.date
    value: Decimal | None  # None: no data source or nothing reported
    target: Decimal | None = None
    comparison: str = ">="  # ">=", ">" or "=="
    direction: str = ""  # "increase": grow without a number
    reference_value: Decimal | None = None  # for relative targets ("高于全省平均水平")
    reference_label: str = ""  # what the reference is ("全省平均水平"), to ask for its value
    # last year's cumulative value at the end of each month (12 values), when records exist
    last_year_curve: tuple[Decimal, ...] | None = None
    last_year_same_date: Decimal | None = None  # last year's value at the same day
    dated: bool = True  # False: the value is a state (a share, a coverage), not a flow
    thresholds: Thresholds = field(default_factory=Thresholds)


@dataclass(frozen=True)
class Progress:
    status: Status
    value: Decimal | None
    goal: Decimal | None  # the number compared with: target, reference value or last year
    goal_kind: str  # "target" | "reference" | "last_year" | ""
    pct_of_goal: Decimal | None  # value / goal × 100
    expected_pct: Decimal | None  # where the value should be by now, % of goal
    expected_basis: str  # "last_year_curve" | "linear" | ""
    forecast: Decimal | None  # year-end estimate
    explanation: str

    @property
    def status_label(self) -> str:
        return self.status.label


def fmt(value: Decimal | None) -> str:
    """A figure as people write it: no trailing zeros, no exponent ("94", "43.88", "0.5")."""
    if value is None:
        return "—"
    return format(value.normalize(), "f")


def _q(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def year_fraction(as_of: dt.date, year: int) -> Decimal:
    """Share of ``year`` elapsed at the end of ``as_of`` (0 before the year, 1 after it)."""
    if as_of < dt.date(year, 1, 1):
        return ZERO
    if as_of >= dt.date(year, 12, 31):
        return ONE
    days = 366 if calendar.isleap(year) else 365
    return Decimal(as_of.timetuple().tm_yday) / Decimal(days)


def curve_fraction(curve: tuple[Decimal, ...], as_of: dt.date, year: int) -> Decimal | None:
    """Share of last year's total reached by the same day, interpolated within the month."""
    total = curve[-1] if curve else ZERO
    if total <= 0:
        return None
    if as_of < dt.date(year, 1, 1):
        return ZERO
    if as_of >= dt.date(year, 12, 31):
        return ONE
    month = as_of.month
    before = curve[month - 2] if month > 1 else ZERO
    at_end = curve[month - 1]
    days = calendar.monthrange(year, month)[1]
    within = before + (at_end - before) * Decimal(as_of.day) / Decimal(days)
    return min(ONE, max(ZERO, within / total))


def _meets(value: Decimal, goal: Decimal, comparison: str) -> bool:
    if comparison == ">":
        return value > goal
    if comparison == "==":
        return value == goal
    return value >= goal


def _status_against_expected(value: Decimal, expected: Decimal, th: Thresholds) -> Status:
    if expected <= 0 or value >= th.on_track * expected:
        return Status.ON_TRACK
    if value >= th.at_risk * expected:
        return Status.AT_RISK
    return Status.BEHIND


def evaluate(inp: ProgressInput) -> Progress:
    """Status, expected progress and forecast of one indicator at ``inp.as_of``."""
    if inp.value is None:
        return Progress(Status.NO_DATA, None, inp.target, "target" if inp.target else "",
                        None, None, "", None, "暂无数据来源或尚未上报")
    value = inp.value
    th = inp.thresholds

    # relative target: compare with the reference value entered by staff
    if inp.target is None and inp.reference_value is not None:
        goal = inp.reference_value
        ok = _meets(value, goal, inp.comparison)
        pct = _q(value * HUNDRED / goal) if goal else None
        word = {">": "高于", "==": "等于"}.get(inp.comparison, "不低于")
        return Progress(Status.ACHIEVED if ok else Status.BEHIND, value, goal, "reference", pct,
                        None, "", None,
                        f"当前 {fmt(value)}，参照值 {fmt(goal)}，要求{word}参照值："
                        f"{'已达到' if ok else f'尚差 {fmt(_q(goal - value))}'}")

    fraction: Decimal | None = None
    basis = ""
    if inp.dated:
        if inp.last_year_curve:
            fraction = curve_fraction(inp.last_year_curve, inp.as_of, inp.year)
            basis = "last_year_curve" if fraction is not None else ""
        if fraction is None:
            fraction, basis = year_fraction(inp.as_of, inp.year), "linear"
    forecast = None
    if fraction is not None and fraction >= MIN_FORECAST_FRACTION:
        forecast = _q(value / fraction)

    if inp.target is not None:
        goal = inp.target
        pct = _q(value * HUNDRED / goal) if goal else None
        if _meets(value, goal, inp.comparison):
            return Progress(Status.ACHIEVED, value, goal, "target", pct,
                            HUNDRED if fraction is None else _q(fraction * HUNDRED), basis,
                            forecast, f"当前 {fmt(value)}，已达到目标 {fmt(goal)}")
        if fraction is None:  # a state: only "achieved" or the gap
            status = Status.BEHIND if inp.as_of >= dt.date(inp.year, 12, 31) else \
                _status_against_expected(value, goal * year_fraction(inp.as_of, inp.year), th)
            return Progress(status, value, goal, "target", pct, None, "", None,
                            f"当前 {fmt(value)}，距目标 {fmt(goal)} 尚差 {fmt(_q(goal - value))}")
        expected = goal * fraction
        status = _status_against_expected(value, expected, th)
        if inp.as_of >= dt.date(inp.year, 12, 31):  # the year is over: missed is missed
            return Progress(Status.BEHIND, value, goal, "target", pct, HUNDRED, basis, value,
                            f"年度已结束：完成 {fmt(value)}，目标 {fmt(goal)}，"
                            f"差 {fmt(_q(goal - value))}")
        basis_text = "按上年同期进度曲线" if basis == "last_year_curve" else "按时间进度"
        text = (f"当前 {fmt(value)}（目标 {fmt(goal)} 的 {fmt(pct)}%），"
                f"{basis_text}此时应达 {fmt(_q(expected))}（{fmt(_q(fraction * HUNDRED))}%）")
        if forecast is not None:
            text += f"；预计全年 {fmt(forecast)}"
        return Progress(status, value, goal, "target", pct, _q(fraction * HUNDRED), basis,
                        forecast, text)

    # growth without a number: compare with last year at the same date
    if inp.direction == "increase" and inp.last_year_same_date is not None:
        goal = inp.last_year_same_date
        pct = _q(value * HUNDRED / goal) if goal else None
        if goal <= 0:
            status = Status.ON_TRACK if value > 0 else Status.AT_RISK
        elif value > goal:
            status = Status.ON_TRACK
        else:
            status = _status_against_expected(value, goal, th)
            if status == Status.ON_TRACK:  # equal or slightly below last year: no growth yet
                status = Status.AT_RISK
        change = value - goal
        return Progress(status, value, goal, "last_year", pct, None, basis, forecast,
                        f"当前 {fmt(value)}，上年同期 {fmt(goal)}，"
                        f"{'增加' if change >= 0 else '减少'} {fmt(_q(abs(change)))}")
    if inp.target is None and inp.reference_label:
        return Progress(Status.NO_TARGET, value, None, "", None, None, basis, forecast,
                        f"当前 {fmt(value)}；参照值（{inp.reference_label}）尚未录入，"
                        f"请在工作要点的指标中填写后比较")
    return Progress(Status.NO_TARGET, value, None, "", None, None, basis, forecast,
                    f"当前 {fmt(value)}，无量化目标")
