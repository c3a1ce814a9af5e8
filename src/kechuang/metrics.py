"""The metric registry: one place where any app registers a computed figure by key.

A metric answers "what is the value for plan year ``year`` in this county (or the whole
city), counting records up to ``as_of``" and can hand over the queryset of the records
behind the number, so every figure on the dashboard can be clicked through.

Most metrics are declared with :class:`RecordMetric` — a queryset, the path to the
record's county, the date that makes it count, and an aggregate. From that one declaration
the registry derives the city total, all counties in one GROUP BY, and the month-by-month
curve in one GROUP BY, so the dashboard issues a few queries per metric, never one per
county or per row. A metric that does not fit can subclass :class:`Metric`.

Values are computed over all records (aggregates are plan figures, not rows); the records
list is narrowed by the caller through ``restrict(user, "view")``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Model, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractMonth
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy

from kechuang.core import tables
from kechuang.core.tables import esc

ZERO = Decimal(0)
HUNDRED = Decimal(100)


ENTERPRISE_TABLE = "orgs.enterprise"  # the enterprise list's table, registered by orgs


@dataclass(frozen=True)
class Column:
    """A column of the records list and its Excel export: header and attribute path.

    With ``table`` and ``key`` the column is that registered list's column (label, value,
    Excel format) applied to the object at ``of`` ("" = the record itself); ``path`` still
    names the attributes it reads, for ``select_related`` and the enterprise links.
    """

    label: str | Promise | None  # gettext_lazy: rendered in the reader's language
    path: str
    table: str = ""
    key: str = ""
    of: str = ""


def enterprise_columns(prefix: str = "enterprise.",
                       county: str = "") -> tuple[Column, ...]:
    """The three columns every enterprise record list starts with, taken from the enterprise
    list's table; ``county`` is the path of a record's own county ("county.name": the
    enterprise list's county column reads ``.county.name`` of the record itself)."""
    of = prefix.rstrip(".")
    county_of = county.removesuffix("county.name").rstrip(".")
    return (Column(None, f"{prefix}name", ENTERPRISE_TABLE, "name", of),
            Column(None, f"{prefix}credit_code", ENTERPRISE_TABLE, "credit_code", of),
            Column(None, county or f"{prefix}county.name", ENTERPRISE_TABLE, "county",
                   county_of if county else of))


def resolve(obj: Any, path: str) -> Any:
    """Follow a dotted attribute path ("enterprise.county.name"); a method is called."""
    for part in path.split(".") if path else ():
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj() if callable(obj) else obj


def _plain(value: Any) -> Any:
    """A workbook cell of a path column: numbers, text and dates as they are, else text."""
    if value is None or isinstance(value, (int, str, dt.date)):
        return value
    return str(value)


def _page_text(value: Any) -> str:
    """What ``{{ value }}`` wrote for a path column: local time, localized, escaped."""
    if value is None:
        return ""
    return esc(localize(template_localtime(value)))


def _records_column(c: Column, first: bool) -> tables.Column:
    """One drill-down column; the first links to the record's enterprise where the view's
    ``links`` (record pk → URL) has one."""
    if c.table:
        src = tables.registered_table(c.table).column(c.key)
        label, kind = src.excel_label or src.label, src.excel

        def value(r: Any) -> Any:
            return src.value(resolve(r, c.of))

        def text(r: Any) -> str:
            return esc(value(r))
    else:
        label, kind = c.label, "text"

        def value(r: Any) -> Any:
            return _plain(resolve(r, c.path))

        def text(r: Any) -> str:
            return _page_text(resolve(r, c.path))

    def cell(r: Any, ctx: tables.RenderContext) -> str:
        link = ctx.flags.get("links", {}).get(r.pk) if first else None
        return f'<a href="{esc(link)}" data-testid="record-link">{text(r)}</a>' if link \
            else text(r)

    return tables.Column(label, value, cell=cell, excel=kind, width=24)


def records_table(metric: Metric) -> tables.Table:
    """The table of a metric's records list: the drill-down page and its Excel export."""
    return tables.Table([_records_column(c, n == 0) for n, c in enumerate(metric.columns)])


@dataclass(frozen=True)
class Attribution:
    """Which county unit each county-level region's records count under, for one plan year.

    ``units``: the county units of the plan's county figures, in display order; ``folded``:
    region id -> the unit it counts under instead of itself (a zone counted under its host
    district). Every other region is its own unit. Built by the plans app (the plan's zone
    setting) and registered here, so every figure by county folds the same way.
    """

    units: tuple[int, ...] = ()
    folded: Mapping[int, int] = field(default_factory=dict)

    def unit_of(self, region_id: int | None) -> int | None:
        return self.folded.get(region_id, region_id) if region_id is not None else None

    def members(self, unit_id: int) -> list[int]:
        """The regions whose records count under ``unit_id`` (itself first)."""
        return [unit_id, *sorted(r for r, u in self.folded.items() if u == unit_id)]

    def fold(self, values: Mapping[int, Decimal]) -> dict[int, Decimal]:
        """Per-region values summed into their units (for additive figures only)."""
        out: dict[int, Decimal] = {}
        for region_id, value in values.items():
            unit = self.unit_of(region_id)
            out[unit] = out.get(unit, ZERO) + value
        return out


def unit_of_row(county_field: str, att: Attribution | None) -> Any:
    """The county unit a row counts under: its region (``county_field``), or the unit the
    region is folded into — one CASE, so a GROUP BY folds in SQL, distinct counts included."""
    if att is None or not att.folded:
        return F(county_field)
    return Case(*(When(**{county_field: region}, then=Value(unit))
                  for region, unit in sorted(att.folded.items())),
                default=F(county_field), output_field=IntegerField())


@dataclass
class Figures:
    """One year of a metric: every county's value and the city's at the as-of date, and the
    cumulative month curve (up to the as-of date, or the whole year with ``full_curve``)."""

    counties: dict[int, Decimal]
    city: Decimal | None  # None: no data yet (the metric's rows don't exist for the year)
    curve: list[Decimal] | None = None
    has_rows: bool = True
    # each county's cumulative month curve (dated count/sum metrics; same cut as ``curve``)
    county_curves: dict[int, list[Decimal]] = field(default_factory=dict)


SCOPE_COUNTY = "county"  # the city's figure and every county unit's
SCOPE_CITY = "city"  # the whole city's only (an official statistic, the city's R&D intensity)
CITY_ONLY_TEXT = gettext_lazy("该指标仅有全市数据")  # what a county's figure says instead


class Metric:
    """Base class: a named figure with a unit; subclasses implement the queries.

    ``scope``: :data:`SCOPE_CITY` for a figure that exists for the whole city only. Its
    county figures are not zero but absent: pages show "—" with :data:`CITY_ONLY_TEXT`, the
    API null, and its target is not allocated to counties.
    """

    key: str = ""
    name: str = ""
    unit: str = ""
    description: str = ""
    scope: str = SCOPE_COUNTY
    # True when records carry a date inside the year, so as_of cuts and a monthly curve exists
    dated: bool = False
    model: type[Model] | None = None
    columns: tuple[Column, ...] = ()

    # ``county_id`` is a county unit of the year's attribution (see :func:`attribution`):
    # its figure counts the records of every region folded into it.
    def value(self, *, year: int, as_of: dt.date, county_id: int | None = None,
              attribution: Attribution | None = None) -> Decimal:
        raise NotImplementedError

    def by_county(self, *, year: int, as_of: dt.date,
                  attribution: Attribution | None = None) -> dict[int, Decimal]:
        """Every county unit's value at once; default: one call per unit (override for speed)."""
        att = attribution or get_attribution(year)
        return {cid: self.value(year=year, as_of=as_of, county_id=cid, attribution=att)
                for cid in att.units}

    def by_month(self, *, year: int, county_id: int | None = None,
                 attribution: Attribution | None = None) -> list[Decimal] | None:
        """Cumulative value at the end of each month of ``year`` (12 values), or None."""
        return None

    def records(self, *, year: int, as_of: dt.date, county_id: int | None = None,
                base: QuerySet | None = None,
                attribution: Attribution | None = None) -> QuerySet:
        """The records behind the number; ``base`` is the caller's restrict()ed queryset."""
        raise NotImplementedError

    def figures(self, *, year: int, as_of: dt.date, full_curve: bool = False,
                attribution: Attribution | None = None) -> Figures:
        """Everything the dashboard needs of one year, in as few queries as possible.

        Default: one call per figure; RecordMetric answers in one or two GROUP BY queries.
        """
        att = attribution or get_attribution(year)
        counties = self.by_county(year=year, as_of=as_of, attribution=att)
        curve = self.by_month(year=year) if self.dated else None
        return Figures(counties=counties, city=self.value(year=year, as_of=as_of),
                       curve=curve, has_rows=True)

    def choice_label(self) -> str:
        return f"{self.name}（{self.key}）"

    @property
    def city_only(self) -> bool:
        """True when the figure exists for the whole city only (no county figures)."""
        return self.scope == SCOPE_CITY


@dataclass(eq=False)
class RecordMetric(Metric):
    """A metric counted from one model's rows.

    ``aggregate``:
      * ``count`` — number of rows (``distinct`` field counted once, e.g. enterprises);
      * ``sum`` — sum of ``value_field`` times ``scale`` (e.g. yuan → 亿元 with 1e-8);
      * ``share`` — percentage of rows matching ``numerator`` among all rows;
      * ``counties`` — number of distinct counties with at least one row (coverage).
    ``date_field`` names the date that makes a row count in a year (None: the rows are a
    state for the year, e.g. annual reports, and as_of does not cut them).
    """

    key: str = ""
    name: str = ""
    unit: str = ""
    model: type[Model] | None = None
    rows: Callable[[int], QuerySet] | None = None  # year -> the rows of that year
    county_field: str = "county"
    date_field: str | None = None
    aggregate: str = "count"
    value_field: str = ""
    distinct: str = ""
    scale: Decimal = Decimal(1)
    numerator: Q | None = None
    description: str = ""
    columns: tuple[Column, ...] = field(default_factory=tuple)
    places: int = 2
    # True: a year without any row is "no data yet" (e.g. no batch run), not a zero
    no_rows_is_no_data: bool = False
    no_data_text: str = ""  # what to say then ("尚未运行批量测评")

    def __post_init__(self) -> None:
        if self.aggregate not in {"count", "sum", "share", "counties"}:
            raise ValueError(f"unknown aggregate {self.aggregate!r}")
        if self.aggregate == "share" and self.numerator is None:
            raise ValueError("a share metric needs a numerator")
        if self.aggregate == "sum" and not self.value_field:
            raise ValueError("a sum metric needs value_field")
        self.dated = self.date_field is not None

    # -- the rows -------------------------------------------------------------------------
    def _rows(self, year: int, as_of: dt.date | None, county_id: int | None,
              base: QuerySet | None = None, att: Attribution | None = None) -> QuerySet:
        qs = self.rows(year) if self.rows else self.model._default_manager.all()
        if base is not None:
            qs = qs & base if qs.model is base.model else qs.filter(pk__in=base.values("pk"))
        if self.date_field and as_of is not None:
            qs = qs.filter(**{f"{self.date_field}__lte": as_of,
                              f"{self.date_field}__gte": dt.date(year, 1, 1)})
        if county_id is not None:  # the unit's own rows and those of regions folded into it
            members = (att or get_attribution(year)).members(county_id)
            qs = qs.filter(**{f"{self.county_field}__in": members})
        return qs

    def _unit(self, att: Attribution | None) -> Any:
        return unit_of_row(self.county_field, att)

    def _aggregates(self, cut: Q | None = None, att: Attribution | None = None
                    ) -> dict[str, Any]:
        """The aggregate(s); ``cut`` adds FILTERed twins ("c", "cd") counting only up to a date.

        COUNT(*) where no FILTER is needed (Django allows none on COUNT(*)).
        """
        def count(extra: Q | None = None) -> Any:
            if self.distinct:
                return Count(self.distinct, distinct=True, filter=extra)
            return Count("pk", filter=extra) if extra is not None else Count("*")

        if self.aggregate == "count":
            out = {"n": count()}
            if cut is not None:
                out["c"] = count(cut)
        elif self.aggregate == "sum":
            out = {"n": Sum(self.value_field)}
            if cut is not None:
                out["c"] = Sum(self.value_field, filter=cut)
        elif self.aggregate == "share":
            out = {"n": Count("pk", filter=self.numerator), "d": Count("*")}
        else:  # counties: how many distinct county units have a row
            out = {"n": Count(self._unit(att), distinct=True)}
        return out

    def _quantize(self, value: Decimal) -> Decimal:
        return value.quantize(Decimal(1).scaleb(-self.places))

    def _finish(self, row: dict[str, Any] | None) -> Decimal:
        if not row:
            return ZERO
        n = Decimal(row.get("n") or 0)
        if self.aggregate == "share":
            d = Decimal(row.get("d") or 0)
            value = n * HUNDRED / d if d else ZERO
        elif self.aggregate == "sum":
            value = n * self.scale
        else:
            value = n
        return self._quantize(value)

    def _apportioned(self, raw: Mapping[int, Decimal]) -> dict[int, Decimal]:
        """County values rounded so that they add up to the rounded city total (largest
        remainder): 0.025 + 0.015 亿元 shows as 0.03 + 0.01 = 0.04, not 0.03 + 0.02 = 0.05
        under a city total of 0.04. Whole numbers (counts) come out unchanged."""
        quantum = Decimal(1).scaleb(-self.places)
        total = self._quantize(sum(raw.values(), ZERO))
        out = {k: v.quantize(quantum, rounding=ROUND_FLOOR) for k, v in raw.items()}
        left = int((total - sum(out.values(), ZERO)) / quantum)
        for k in sorted(raw, key=lambda k: (out[k] - raw[k], k))[:max(left, 0)]:
            out[k] += quantum
        return out

    def _scaled(self, n: Any) -> Decimal:
        value = Decimal(n or 0)
        return value * self.scale if self.aggregate == "sum" else value

    def _by_unit(self, qs: QuerySet, att: Attribution, *extra: str) -> QuerySet:
        """``qs`` grouped by county unit (``_u``) and the ``extra`` values."""
        return qs.order_by().annotate(_u=self._unit(att)).values("_u", *extra)

    # -- the Metric interface ---------------------------------------------------------------
    def value(self, *, year: int, as_of: dt.date, county_id: int | None = None,
              attribution: Attribution | None = None) -> Decimal:
        att = attribution
        if att is None and (county_id is not None or self.aggregate == "counties"):
            att = get_attribution(year)
        if self.aggregate == "sum" and county_id is not None:  # rounded to add up: see below
            return self.by_county(year=year, as_of=as_of, attribution=att).get(county_id, ZERO)
        return self._finish(self._rows(year, as_of, county_id, att=att)
                            .aggregate(**self._aggregates(att=att)))

    def by_county(self, *, year: int, as_of: dt.date,
                  attribution: Attribution | None = None) -> dict[int, Decimal]:
        att = attribution or get_attribution(year)
        if self.aggregate == "counties":
            units = (self._by_unit(self._rows(year, as_of, None), att)
                     .values_list("_u", flat=True).distinct())
            return {cid: self._quantize(Decimal(1)) for cid in units}
        rows = self._by_unit(self._rows(year, as_of, None), att).annotate(**self._aggregates())
        if self.aggregate == "sum":
            return self._apportioned({row["_u"]: self._scaled(row["n"]) for row in rows})
        return {row["_u"]: self._finish(row) for row in rows}

    def by_month(self, *, year: int, county_id: int | None = None,
                 attribution: Attribution | None = None) -> list[Decimal] | None:
        if not self.date_field or self.aggregate in {"share", "counties"}:
            return None
        rows = (self._rows(year, dt.date(year, 12, 31), county_id, att=attribution).order_by()
                .annotate(_m=ExtractMonth(self.date_field)).values("_m")
                .annotate(**self._aggregates()))
        per_month = {row["_m"]: self._finish(row) for row in rows}
        out, running = [], ZERO
        for month in range(1, 13):
            running += per_month.get(month, ZERO)
            out.append(running)
        return out

    def figures(self, *, year: int, as_of: dt.date, full_curve: bool = False,
                attribution: Attribution | None = None) -> Figures:
        """Counties, city and curves of one year: one GROUP BY (county unit[, month]) query.

        Dated count/sum metrics group by county unit and month with a FILTERed twin cut at
        the as-of date, so one pass gives the county values, the city and county curves up
        to as-of and (with ``full_curve``, for last year) the whole year's curves. A count of
        distinct records can't be added up over months, so it takes a second query for the
        county values. Counties are the year's units (:func:`get_attribution`): a zone's
        rows count under its host when the plan says so.
        """
        att = attribution or get_attribution(year)
        if not self.date_field or self.aggregate not in {"count", "sum"}:
            rows = list(self._by_unit(self._rows(year, as_of, None), att)
                        .annotate(**self._aggregates()))
            has_rows = bool(rows)
            if self.aggregate == "counties":
                counties = {r["_u"]: self._quantize(Decimal(1)) for r in rows}
                city = self._quantize(Decimal(len(counties)))
            elif self.aggregate == "share":
                counties = {r["_u"]: self._finish(r) for r in rows}
                city = self._finish({"n": sum(r["n"] for r in rows),
                                     "d": sum(r["d"] for r in rows)})
            else:  # county rows rounded to add up to the city total
                counties = self._apportioned({r["_u"]: self._scaled(r["n"]) for r in rows})
                city = self._quantize(sum(counties.values(), Decimal(0)))
            if self.no_rows_is_no_data and not has_rows:
                city = None
            return Figures(counties=counties, city=city, curve=None, has_rows=has_rows)

        cut = Q(**{f"{self.date_field}__lte": as_of})
        rows = list(self._by_unit(self._rows(year, dt.date(year, 12, 31), None), att)
                    .annotate(_m=ExtractMonth(self.date_field))
                    .values("_u", "_m").annotate(**self._aggregates(cut)))
        per_unit: dict[int, dict[int, Decimal]] = {}
        for r in rows:
            unit = per_unit.setdefault(r["_u"], {})
            unit[r["_m"]] = unit.get(r["_m"], Decimal(0)) + self._scaled(
                r["n"] if full_curve else r["c"])
        running = {u: Decimal(0) for u in per_unit}
        county_curves: dict[int, list[Decimal]] = {u: [] for u in per_unit}
        curve = []
        for m in range(1, 13):  # each month's county points rounded to add up to the city's
            for u, months in per_unit.items():
                running[u] += months.get(m, Decimal(0))
            point = self._apportioned(running)
            for u, v in point.items():
                county_curves[u].append(v)
            curve.append(self._quantize(sum(point.values(), Decimal(0))))
        if self.distinct:  # distinct enterprises per county: not a sum of monthly counts
            per = self._by_unit(self._rows(year, as_of, None), att).annotate(
                **self._aggregates())
            counties = {r["_u"]: self._finish(r) for r in per}
            city = self._quantize(sum(counties.values(), Decimal(0)))
        else:
            totals: dict[int, Decimal] = {}
            for r in rows:
                totals[r["_u"]] = totals.get(r["_u"], Decimal(0)) + self._scaled(r["c"])
            counties = self._apportioned(totals)
            city = self._quantize(sum(counties.values(), Decimal(0)))
        has_rows = bool(rows)
        if self.no_rows_is_no_data and not has_rows:
            city = None
        return Figures(counties=counties, city=city, curve=curve, has_rows=has_rows,
                       county_curves=county_curves)

    def records(self, *, year: int, as_of: dt.date, county_id: int | None = None,
                base: QuerySet | None = None,
                attribution: Attribution | None = None) -> QuerySet:
        qs = self._rows(year, as_of, county_id, base, att=attribution)
        if self.aggregate == "share":
            qs = qs.filter(self.numerator)
        return qs


def standing_between(start_field: str, end_field: str, on: dt.date) -> Q:
    """Records standing on ``on``: begun on or before it, not ended by then (no end date, or
    a later one) — an agreement in force, a settled occupant, a platform not delisted."""
    return Q(**{f"{start_field}__lte": on}) & (
        Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gt": on}))


@dataclass(eq=False)
class StandingMetric(Metric):
    """The records standing on the as-of date — valid, held, in operation, settled — whatever
    year they began in: a stock on a date, not a flow of the year. The plan year does not cut
    them, the as-of date does, and there is no month curve.

    ``standing(as_of)`` returns the rows standing that day (the app's own definition: dates,
    statuses, recognitions); ``county_field`` is the path to a row's county, folded by the
    year's attribution like every figure by county; ``distinct`` counts each value once
    (an enterprise holding two certificates is one enterprise). Every row has one county, so
    the city figure is the sum of the county units' — the dashboard's figures are one
    GROUP BY. Platforms, settled startups, cooperation projects and certificate or leader
    holders are all declared with this one class.
    """

    key: str = ""
    name: Any = ""  # str or gettext_lazy
    unit: str = "家"
    description: Any = ""
    model: type[Model] | None = None
    standing: Callable[[dt.date], QuerySet] | None = None
    county_field: str = "county"
    distinct: str = ""
    columns: tuple[Column, ...] = ()

    def __post_init__(self) -> None:
        if self.standing is None:
            raise ValueError("a standing metric needs standing(as_of)")
        self.dated = False

    def _rows(self, as_of: dt.date, county_id: int | None, year: int,
              att: Attribution | None = None) -> QuerySet:
        qs = self.standing(as_of)
        if county_id is None:
            return qs
        # the county unit's own rows and those of regions folded into it (the zone)
        members = (att or get_attribution(year)).members(county_id)
        return qs.filter(**{f"{self.county_field}__in": members})

    def _count(self) -> Count:
        return Count(self.distinct, distinct=True) if self.distinct else Count("pk")

    def value(self, *, year: int, as_of: dt.date, county_id: int | None = None,
              attribution: Attribution | None = None) -> Decimal:
        rows = self._rows(as_of, county_id, year, attribution).order_by()
        return Decimal(rows.aggregate(n=self._count())["n"] or 0)

    def by_county(self, *, year: int, as_of: dt.date,
                  attribution: Attribution | None = None) -> dict[int, Decimal]:
        att = attribution or get_attribution(year)
        rows = (self._rows(as_of, None, year).order_by()
                .annotate(_u=unit_of_row(self.county_field, att)).values("_u")
                .annotate(n=self._count()))
        return {r["_u"]: Decimal(r["n"]) for r in rows}

    def figures(self, *, year: int, as_of: dt.date, full_curve: bool = False,
                attribution: Attribution | None = None) -> Figures:
        """One GROUP BY: the city's count is the sum of the county units' (no curve: a
        stock has no monthly increments)."""
        counties = self.by_county(year=year, as_of=as_of, attribution=attribution)
        return Figures(counties=counties, city=sum(counties.values(), ZERO),
                       curve=None, has_rows=bool(counties))

    def records(self, *, year: int, as_of: dt.date, county_id: int | None = None,
                base: QuerySet | None = None,
                attribution: Attribution | None = None) -> QuerySet:
        qs = self._rows(as_of, county_id, year, attribution)
        return qs if base is None else qs.filter(pk__in=base.values("pk"))


_REGISTRY: dict[str, Metric] = {}
_ATTRIBUTION: list[Callable[[int], Attribution]] = []


def register_attribution(source: Callable[[int], Attribution]) -> None:
    """The plans app (a layer above) says, per plan year, which county units there are and
    where a zone's records count; this module cannot import it."""
    _ATTRIBUTION[:] = [source]


def get_attribution(year: int) -> Attribution:
    """The county units of plan year ``year`` and how regions fold into them."""
    if not _ATTRIBUTION:
        raise RuntimeError("no attribution source registered (the plans app is not loaded)")
    return _ATTRIBUTION[0](year)


def county_ids(year: int) -> list[int]:
    """The county units of plan year ``year``."""
    return list(get_attribution(year).units)


def register(metric: Metric) -> Metric:
    """Add a metric; a second registration under the same key replaces the first."""
    if not metric.key:
        raise ValueError("a metric needs a key")
    _REGISTRY[metric.key] = metric
    return metric


def unregister(key: str) -> None:
    _REGISTRY.pop(key, None)


def get(key: str) -> Metric | None:
    return _REGISTRY.get(key)


def is_city_only(key: str) -> bool:
    """True when the metric registered under ``key`` has the city's figure only."""
    metric = _REGISTRY.get(key)
    return metric is not None and metric.city_only


def choices() -> list[tuple[str, str]]:
    return sorted(((m.key, m.choice_label()) for m in _REGISTRY.values()), key=lambda c: c[0])


@dataclass(frozen=True)
class Shown:
    """A registered metric's figure as a page shows it: the metric's name is the label, and
    its definition and as-of date go with it (on hover or below), so one label means one
    definition on every page."""

    key: str
    label: str
    value: Decimal
    unit: str
    definition: str
    as_of: dt.date
    year: int


def shown(key: str, *, year: int, as_of: dt.date, county_id: int | None = None) -> Shown:
    """The figure of metric ``key`` for the city (or one county) at ``as_of``."""
    metric = _REGISTRY[key]
    return Shown(key, str(metric.name), metric.value(year=year, as_of=as_of, county_id=county_id),
                 metric.unit, str(metric.description), as_of, year)


# ---- report sections -------------------------------------------------------------------------
# A domain app adds a section to the monthly report (kpi.monthly_report) without kpi importing
# it: a function of (plan, as_of) giving a small table, or None to add nothing.


@dataclass(frozen=True)
class ReportSection:
    title: str  # "督查督办：重点任务和改革措施"
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    text: str = ""  # a paragraph above the table
    order: int = 100


_SECTIONS: dict[str, Callable[[Any, dt.date], ReportSection | None]] = {}


def register_report_section(key: str,
                            build: Callable[[Any, dt.date], ReportSection | None]) -> None:
    """Register (or replace) a monthly-report section builder under ``key``."""
    _SECTIONS[key] = build


def report_sections(plan: Any, as_of: dt.date) -> list[ReportSection]:
    """Every registered section for this plan and day, in ``order``."""
    out = [s for s in (build(plan, as_of) for build in _SECTIONS.values()) if s is not None]
    return sorted(out, key=lambda s: (s.order, s.title))
