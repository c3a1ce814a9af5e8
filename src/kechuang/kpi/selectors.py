"""The dashboard: every indicator of a plan, city-wide and per county, at an as-of date.

``build_dashboard`` computes it live from the records (through the metric registry and the
approved reported values); ``snapshot_dashboard`` rebuilds the same structure from a stored
monthly snapshot, so a report of last month reads the figures as they were. The page, the
monthly report, the snapshot job and the benchmark all use this one structure.

Query budget: a fixed handful for the plan, counties, allocations and reported values, plus
at most four GROUP BY queries per computed metric — never one per county or per record.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch, Q
from django.utils import timezone

from kechuang import metrics as registry
from kechuang.accounts.access import is_county_user
from kechuang.core.params import parse_id
from kechuang.kpi.progress import (
    ZERO,
    Progress,
    ProgressInput,
    Status,
    Thresholds,
    evaluate,
)
from kechuang.plans.models import Action, Indicator, Plan
from kechuang.plans.selectors import county_units
from kechuang.regions.models import Region

ADDITIVE_UNITS = frozenset({"家", "项", "个", "人", "亿元", "万元", "元"})


@dataclass
class CountyFigure:
    county_id: int
    county_name: str
    value: Decimal | None
    share: Decimal | None  # the county's allocated target, if the indicator is allocated
    progress: Progress


@dataclass
class IndicatorRow:
    indicator: Indicator
    source_kind: str  # "metric" | "reported" | "none"
    metric_key: str
    progress: Progress  # city-wide
    counties: list[CountyFigure] = field(default_factory=list)
    reported: Any = None  # the ApprovedValue behind a reported city figure
    last_year_value: Decimal | None = None
    this_year_curve: list[Decimal] | None = None
    last_year_curve: list[Decimal] | None = None
    # each county unit's month curves (dated metrics): a county's drill-down draws its own
    county_curves: dict[int, list[Decimal]] = field(default_factory=dict)
    last_year_county_curves: dict[int, list[Decimal]] = field(default_factory=dict)
    # the indicator's metric exists for the whole city only: county values are None ("—")
    city_only: bool = False

    @property
    def key(self) -> str:
        return self.indicator.key

    @property
    def has_source(self) -> bool:
        return self.source_kind != "none"

    @property
    def has_county_values(self) -> bool:
        return any(c.value is not None for c in self.counties)

    def curves(self, county_id: int | None = None
               ) -> tuple[list[Decimal] | None, list[Decimal] | None]:
        """(this year's, last year's) month curve of the city, or of one county unit."""
        if county_id is None:
            return self.this_year_curve, self.last_year_curve
        if self.this_year_curve is None:
            return None, None
        zeros = [ZERO] * 12
        last = self.last_year_county_curves.get(county_id) if self.last_year_curve else None
        return self.county_curves.get(county_id, zeros), last

    def county(self, county_id: int) -> CountyFigure | None:
        return next((c for c in self.counties if c.county_id == county_id), None)


@dataclass
class ActionCard:
    action: Action
    rows: list[IndicatorRow]

    @property
    def status_counts(self) -> Counter:
        return Counter(r.progress.status for r in self.rows)


@dataclass
class CountyRank:
    county_id: int
    county_name: str
    score: Decimal | None  # mean completion % (capped at 100) of its allocated indicators
    allocated: int
    counts: Counter

    @property
    def behind(self) -> int:
        return self.counts.get(Status.BEHIND, 0)


@dataclass
class Dashboard:
    plan: Plan
    as_of: dt.date
    counties: list[Region]  # the plan's county units (its zone setting decides the zone's)
    cards: list[ActionCard]
    ranking: list[CountyRank]
    from_snapshot: bool = False
    snapshot: SnapshotState | None = None  # set by dashboard_for_report on a frozen one
    attribution: registry.Attribution | None = None

    @property
    def rows(self) -> list[IndicatorRow]:
        return [r for card in self.cards for r in card.rows]

    def row(self, key: str) -> IndicatorRow | None:
        return next((r for r in self.rows if r.key == key), None)

    @property
    def status_counts(self) -> Counter:
        return Counter(r.progress.status for r in self.rows)

    @property
    def ranked(self) -> bool:
        """True once some county has an allocated target with a value to rank by."""
        return any(r.score is not None for r in self.ranking)


# -- what a page shows: the city's figures, or one county's ------------------------------
@dataclass
class ShownRow:
    """An indicator as a page shows it: on a county page the county's figure, or — where the
    indicator has no county figure — the city's, flagged ``is_city`` so it says 全市."""

    row: IndicatorRow
    progress: Progress
    value: Decimal | None
    goal: Decimal | None
    is_city: bool = False
    city: Progress | None = None  # beside a county figure: the city's, labelled 全市
    # a county page's row of a city-only metric: "—" (该指标仅有全市数据), the city's below
    city_only: bool = False


@dataclass
class ShownCard:
    action: Action
    rows: list[ShownRow]

    @property
    def behind(self) -> int:
        """滞后 on this page's own figures (a county page does not count city rows)."""
        return sum(1 for r in self.rows if not r.is_city and r.progress.status == Status.BEHIND)


@dataclass
class BoardView:
    county: Region | None
    cards: list[ShownCard]

    @property
    def rows(self) -> list[ShownRow]:
        return [r for card in self.cards for r in card.rows]

    @property
    def status_counts(self) -> Counter:
        """The headline counters: this page's own figures only."""
        return Counter(r.progress.status for r in self.rows if not r.is_city)

    @property
    def city_rows(self) -> int:
        """Rows of a county page that show the city's figure (no county figure exists)."""
        return sum(1 for r in self.rows if r.is_city)


def shown_row(row: IndicatorRow, county_id: int | None) -> ShownRow:
    if county_id is None:
        return ShownRow(row, row.progress, row.progress.value, row.progress.goal)
    if row.city_only:  # not the county's figure, and not a zero: "—", with the city's below
        fig = row.county(county_id)
        return ShownRow(row, fig.progress if fig else row.progress, None, None, is_city=True,
                        city=row.progress, city_only=True)
    fig = row.county(county_id)
    if fig is not None and fig.value is not None:
        return ShownRow(row, fig.progress, fig.value, fig.share, city=row.progress)
    return ShownRow(row, row.progress, row.progress.value, row.progress.goal, is_city=True)


def board_view(board: Dashboard, county: Region | None) -> BoardView:
    """The dashboard as the city page or one county's page shows it."""
    cid = county.pk if county is not None else None
    return BoardView(county, [ShownCard(c.action, [shown_row(r, cid) for r in c.rows])
                              for c in board.cards])


def folded_into(board: Dashboard, county: Region | None) -> list[str]:
    """Names of the regions whose records count under ``county`` this plan year (长治高新区
    under 潞州区), so its page can say so; one query, only when there are any."""
    if county is None or board.attribution is None:
        return []
    more = board.attribution.members(county.pk)[1:]
    if not more:
        return []
    return list(Region.objects.filter(pk__in=more).order_by("sort_order", "code")
                .values_list("name", flat=True))


# -- inputs -------------------------------------------------------------------------------
def default_as_of(plan: Plan, today: dt.date | None = None) -> dt.date:
    """Today, kept inside the plan year (a past plan is shown at its year end)."""
    today = today or timezone.localdate()
    return max(dt.date(plan.year, 1, 1), min(today, dt.date(plan.year, 12, 31)))


def same_day_last_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def plan_counties(plan: Plan) -> list[Region]:
    """The plan's county units: the GB/T 2260 counties, plus 长治高新区 when the plan counts
    zone enterprises under the zone (``plans.selectors.county_units``)."""
    return county_units(plan)[0]


def metric_for(indicator: Indicator) -> registry.Metric | None:
    return registry.get(indicator.metric_key)


def _official(indicators: Iterable[Indicator]) -> set[int]:
    """Indicators whose counted figure the bureau replaced by the official statistic."""
    from kechuang.reported.selectors import official_indicator_ids

    return official_indicator_ids(indicator_ids=[i.pk for i in indicators])


def _thresholds(plan: Plan) -> Thresholds:
    return Thresholds(on_track=Decimal(plan.on_track_ratio), at_risk=Decimal(plan.at_risk_ratio))


def _allocations(plan: Plan) -> dict[tuple[int, int], Decimal]:
    from kechuang.plans.models import CountyAllocation

    rows = CountyAllocation.objects.filter(indicator__action__plan=plan).values_list(
        "indicator_id", "county_id", "target")
    return {(i, c): t for i, c, t in rows}


def _reported(indicator_ids: list[int], as_of: dt.date) -> dict[tuple[int, int | None], Any]:
    if not indicator_ids:
        return {}
    from kechuang.reported.selectors import approved_values

    values = approved_values(indicator_ids=indicator_ids, as_of=as_of)
    # a figure of an earlier year is not this year's value
    return {k: v for k, v in values.items() if v.period_end.year == as_of.year}


def _summed(parts: list[Any]) -> Any:
    from types import SimpleNamespace

    return SimpleNamespace(value=sum((p.value for p in parts), ZERO),
                           period_end=max(p.period_end for p in parts),
                           reported_value_id=None, approved_by="", approved_at=None,
                           parts=len(parts))


def _unit_reported(ind: Indicator, values: dict, members: list[int]) -> Any:
    """A county unit's reported figure: its own row, plus (additive units) the rows of the
    regions folded into it — a zone's figure counted under its host district."""
    if ind.unit not in ADDITIVE_UNITS:  # a % of the zone and one of the host do not add
        return values.get((ind.pk, members[0]))
    parts = [values[(ind.pk, m)] for m in members if (ind.pk, m) in values]
    if len(parts) <= 1:
        return parts[0] if parts else None
    return _summed(parts)


def _city_reported(ind: Indicator, values: dict, units: Iterable[Any]) -> Any:
    """The city figure: the city-level row, else the sum of the county units' figures for
    additive units."""
    city = values.get((ind.pk, None))
    if city is not None:
        return city
    parts = [u for u in units if u is not None]
    if parts and ind.unit in ADDITIVE_UNITS:
        return _summed(parts)
    return None


# -- the dashboard ----------------------------------------------------------------------
def plan_with_indicators(plan_id: int) -> Plan:
    return Plan.objects.select_related("region").prefetch_related(
        Prefetch("actions", queryset=Action.objects.order_by("number").prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("sort_order", "id"))))
    ).get(pk=plan_id)


def build_dashboard(*, plan: Plan, as_of: dt.date | None = None,
                    keys: Iterable[str] | None = None) -> Dashboard:
    """Compute every indicator (or only ``keys``) city-wide and per county, live."""
    as_of = as_of or default_as_of(plan)
    plan = plan_with_indicators(plan.pk)
    counties, attribution = county_units(plan)
    county_ids = [c.pk for c in counties]
    names = {c.pk: c.name for c in counties}
    th = _thresholds(plan)
    allocations = _allocations(plan)
    wanted = set(keys) if keys is not None else None
    last_as_of = same_day_last_year(as_of)

    indicators = [i for a in plan.actions.all() for i in a.indicators.all()
                  if wanted is None or i.key in wanted]
    official = _official(indicators)
    reported_ids = [i.pk for i in indicators if i.pk in official or metric_for(i) is None]
    reported_now = _reported(reported_ids, as_of)
    reported_last = _reported(reported_ids, last_as_of)

    cards = []
    for action in plan.actions.all():
        rows = []
        for ind in action.indicators.all():
            if wanted is not None and ind.key not in wanted:
                continue
            rows.append(_indicator_row(plan, ind, as_of, last_as_of, county_ids, names, th,
                                       allocations, reported_now, reported_last, attribution,
                                       official=ind.pk in official))
        if rows or wanted is None:
            cards.append(ActionCard(action=action, rows=rows))
    return Dashboard(plan=plan, as_of=as_of, counties=counties, cards=cards,
                     ranking=_ranking(cards, counties), attribution=attribution)


def _input(plan: Plan, ind: Indicator, as_of: dt.date, value: Decimal | None, *,
           target: Decimal | None, curve: list[Decimal] | None, last: Decimal | None,
           dated: bool, th: Thresholds, relative: bool = True) -> ProgressInput:
    return ProgressInput(
        year=plan.year, as_of=as_of, value=value, target=target, comparison=ind.comparison,
        direction=ind.direction,
        reference_value=ind.reference_value if relative else None,
        reference_label=ind.reference if relative else "",
        last_year_curve=tuple(curve) if curve else None, last_year_same_date=last,
        dated=dated, thresholds=th)


def city_only_figure(county_id: int, name: str) -> CountyFigure:
    """A county's figure of a city-only metric: no value (never 0), no share, no status."""
    return CountyFigure(county_id, name, None, None, Progress(
        Status.NO_DATA, None, None, "", None, None, "", None, str(registry.CITY_ONLY_TEXT)))


def _indicator_row(plan, ind, as_of, last_as_of, county_ids, names, th, allocations,
                   reported_now, reported_last, attribution,
                   official: bool = False) -> IndicatorRow:
    row = _computed_row(plan, ind, as_of, last_as_of, county_ids, names, th, allocations,
                        reported_now, reported_last, attribution, official)
    # counted by a city-only metric: no county has a figure. (Taken as reported values
    # instead, the indicator's own scope says whether counties report theirs.)
    if row.source_kind == "metric" and registry.is_city_only(row.metric_key):
        row.city_only = True
        row.counties = [city_only_figure(cid, names[cid]) for cid in county_ids]
    return row


def _computed_row(plan, ind, as_of, last_as_of, county_ids, names, th, allocations,
                  reported_now, reported_last, attribution, official) -> IndicatorRow:
    metric = None if official else metric_for(ind)
    shares = {c: allocations.get((ind.pk, c)) for c in county_ids}
    if metric is not None:
        year = plan.year
        # last year's figures folded as this plan says, so the comparison is like for like
        now = metric.figures(year=year, as_of=as_of, attribution=attribution)
        last = metric.figures(year=year - 1, as_of=last_as_of, full_curve=True,
                              attribution=attribution)
        city_last = last.city if last.has_rows else None  # no records last year: no comparison
        curve = last.curve if last.curve and last.curve[-1] > 0 else None
        if now.city is None:
            text = getattr(metric, "no_data_text", "") or "本年度尚无数据"
            progress = Progress(Status.NO_DATA, None, ind.target, "target" if ind.target else "",
                                None, None, "", None, text)
            return IndicatorRow(ind, "metric", metric.key, progress, [],
                                last_year_value=city_last)
        progress = evaluate(_input(plan, ind, as_of, now.city, target=ind.target, curve=curve,
                                   last=city_last, dated=metric.dated, th=th))
        county_rows = []
        for cid in county_ids:
            value = now.counties.get(cid, ZERO)
            share = shares[cid]
            county_last = last.counties.get(cid, ZERO) if last.has_rows else None
            county_rows.append(CountyFigure(cid, names[cid], value, share, evaluate(_input(
                plan, ind, as_of, value, target=_share(share), curve=curve, last=county_last,
                dated=metric.dated, th=th, relative=False))))
        return IndicatorRow(ind, "metric", metric.key, progress, county_rows,
                            last_year_value=city_last,
                            this_year_curve=now.curve if metric.dated and (
                                now.has_rows or curve) else None,
                            last_year_curve=curve, county_curves=now.county_curves,
                            last_year_county_curves=last.county_curves)

    # no metric counts it (or the bureau takes the official statistic): approved reported values
    now_units = {c: _unit_reported(ind, reported_now, attribution.members(c))
                 for c in county_ids}
    last_units = {c: _unit_reported(ind, reported_last, attribution.members(c))
                  for c in county_ids}
    city = _city_reported(ind, reported_now, now_units.values())
    city_last = _city_reported(ind, reported_last, last_units.values())
    progress = evaluate(_input(plan, ind, as_of, city.value if city else None,
                               target=ind.target, curve=None,
                               last=city_last.value if city_last else None,
                               dated=True, th=th))
    county_rows = []
    for cid in county_ids:
        rv, rv_last = now_units[cid], last_units[cid]
        county_rows.append(CountyFigure(cid, names[cid], rv.value if rv else None,
                                        shares[cid], evaluate(_input(
                                            plan, ind, as_of, rv.value if rv else None,
                                            target=_share(shares[cid]), curve=None,
                                            last=rv_last.value if rv_last else None,
                                            dated=True, th=th, relative=False))))
    return IndicatorRow(ind, "reported", "", progress, county_rows, reported=city,
                        last_year_value=city_last.value if city_last else None)


def _share(share: Decimal | None) -> Decimal | None:
    """A county target of 0 is "no target" (nothing allocated), never 100 % achieved."""
    return share if share else None


def _ranking(cards: list[ActionCard], counties: list[Region]) -> list[CountyRank]:
    """Counties by mean completion of their allocated indicators (target > 0, with a value).

    Each allocated indicator is counted once, in one status column, so the status counts
    add up to ``allocated``; unallocated indicators and targets of 0 neither rank nor count.
    """
    out = []
    for county in counties:
        counts: Counter = Counter()
        completions = []
        for card in cards:
            for row in card.rows:
                fig = row.county(county.pk)
                if row.city_only or fig is None or fig.value is None or not fig.share:
                    continue
                counts[fig.progress.status] += 1
                completions.append(min(Decimal(100), fig.value * 100 / fig.share))
        score = (sum(completions, ZERO) / len(completions)).quantize(Decimal("0.1")) \
            if completions else None
        out.append(CountyRank(county.pk, county.name, score, len(completions), counts))
    out.sort(key=lambda r: (r.score is None, -(r.score or 0), r.behind, r.county_name))
    return out


# -- snapshots ------------------------------------------------------------------------------
def _stored_progress(snap: Any) -> Progress:
    return Progress(Status(snap.status), snap.value, snap.goal, snap.goal_kind,
                    snap.pct_of_goal, snap.expected_pct, snap.expected_basis, snap.forecast,
                    snap.explanation)


def snapshot_periods(*, plan: Plan) -> list[dt.date]:
    from kechuang.kpi.models import IndicatorSnapshot

    return list(IndicatorSnapshot.objects.filter(plan=plan).order_by("-period_end")
                .values_list("period_end", flat=True).distinct())


def snapshot_dashboard(*, plan: Plan, period_end: dt.date) -> Dashboard | None:
    """The dashboard as frozen at ``period_end``, or None when no snapshot was taken."""
    from kechuang.kpi.models import IndicatorSnapshot

    snaps = list(IndicatorSnapshot.objects.filter(plan=plan, period_end=period_end))
    if not snaps:
        return None
    plan = plan_with_indicators(plan.pk)
    counties = plan_counties(plan)
    names = {c.pk: c.name for c in counties}
    by_indicator: dict[int, list] = {}
    for s in snaps:
        by_indicator.setdefault(s.indicator_id, []).append(s)
    cards = []
    for action in plan.actions.all():
        rows = []
        for ind in action.indicators.all():
            stored = by_indicator.get(ind.pk)
            if not stored:
                continue
            city = next((s for s in stored if s.county_id is None), None)
            if city is None:
                continue
            figures = [CountyFigure(s.county_id, names.get(s.county_id, ""), s.value, s.share,
                                    _stored_progress(s))
                       for s in stored if s.county_id is not None and s.county_id in names]
            figures.sort(key=lambda f: list(names).index(f.county_id))
            metric = metric_for(ind)
            city_only = (city.source_kind == "metric" and metric is not None
                         and metric.city_only)
            if city_only:  # a snapshot taken before the metric said so stored zeros
                figures = [city_only_figure(c.pk, c.name) for c in counties]
            rows.append(IndicatorRow(ind, city.source_kind, "", _stored_progress(city),
                                     figures, last_year_value=city.last_year_value,
                                     city_only=city_only))
        cards.append(ActionCard(action=action, rows=rows))
    return Dashboard(plan=plan, as_of=period_end, counties=counties, cards=cards,
                     ranking=_ranking(cards, counties), from_snapshot=True)


@dataclass(frozen=True)
class SnapshotState:
    """A snapshot of one date against the live figures of that date.

    Two signals: ``differs`` compares every frozen figure (city and county value and status)
    with the dashboard computed now for the same date — correct by definition, and it costs
    one dashboard build, what the dashboard page spends on every view. ``changed_at`` says
    *when*: the latest change record after the snapshot on a model the plan's figures read
    (the metrics' record models, organisations, indicators, allocations, reported values).
    Bulk writes outside the audit trail (demo data, batch evaluation rows) move no change
    record, so ``stale`` rests on the figures, not on the trail.
    """

    period_end: dt.date
    taken_at: dt.datetime
    changed_at: dt.datetime | None
    differs: tuple[str, ...]  # names of the indicators whose frozen figures differ

    @property
    def stale(self) -> bool:
        return bool(self.differs)


def _figure_key(row: IndicatorRow) -> list[tuple]:
    out = [(None, row.progress.value, row.progress.status.value)]
    out += [(f.county_id, f.value, f.progress.status.value) for f in row.counties]
    return sorted(out, key=lambda t: (t[0] is not None, t[0] or 0))


def _watched_content_types(plan: Plan) -> list[int]:
    from django.contrib.contenttypes.models import ContentType

    from kechuang.orgs.models import Organisation
    from kechuang.plans.models import CountyAllocation

    models: set[Any] = {Indicator, CountyAllocation, Organisation}
    for action in plan.actions.all():
        for ind in action.indicators.all():
            metric = metric_for(ind)
            if metric is not None and metric.model is not None:
                models.add(metric.model)
    try:
        from kechuang.reported.models import ReportedValue
        models.add(ReportedValue)
    except ImportError:  # pragma: no cover - the reported app is always installed
        pass
    cts = ContentType.objects.get_for_models(*models, for_concrete_models=True)
    return sorted({ct.pk for ct in cts.values()})


def snapshot_state(*, plan: Plan, period_end: dt.date,
                   live: Dashboard | None = None,
                   frozen: Dashboard | None = None) -> SnapshotState | None:
    """How the snapshot of ``period_end`` stands against the live figures; None: no snapshot."""
    from kechuang.audit.models import ChangeRecord
    from kechuang.kpi.models import IndicatorSnapshot

    taken_at = (IndicatorSnapshot.objects.filter(plan=plan, period_end=period_end)
                .order_by("-taken_at").values_list("taken_at", flat=True).first())
    if taken_at is None:
        return None
    frozen = frozen or snapshot_dashboard(plan=plan, period_end=period_end)
    live = live or build_dashboard(plan=plan, as_of=period_end)
    live_rows = {r.key: r for r in live.rows}
    differs = []
    for row in frozen.rows if frozen else []:
        now = live_rows.get(row.key)
        if now is None or _figure_key(now) != _figure_key(row):
            differs.append(row.indicator.name)
    changed_at = (ChangeRecord.objects.filter(
        at__gt=taken_at, content_type_id__in=_watched_content_types(live.plan))
        .order_by("-at").values_list("at", flat=True).first())
    return SnapshotState(period_end, taken_at, changed_at, tuple(differs))


def dashboard_for_report(*, plan: Plan, as_of: dt.date, live: bool = False) -> Dashboard:
    """A report reads the frozen figures when the period was snapshotted (with the snapshot's
    state against the live figures in ``snapshot``), else — or when ``live`` — live ones."""
    current = build_dashboard(plan=plan, as_of=as_of)
    if live:
        return current
    frozen = snapshot_dashboard(plan=plan, period_end=as_of)
    if frozen is None:
        return current
    frozen.snapshot = snapshot_state(plan=plan, period_end=as_of, live=current, frozen=frozen)
    return frozen


# -- drill-down ---------------------------------------------------------------------------
def _related(columns: Iterable[registry.Column]) -> list[str]:
    out = set()
    for c in columns:
        parts = c.path.split(".")[:-1]
        if parts:
            out.add("__".join(parts))
    return sorted(out)


def indicator_records(*, user: Any, indicator_id: int, as_of: dt.date,
                      county_id: int | None = None, action: str = "view"):
    """(metric, records) behind an indicator for this user, or None when it has no metric.

    The records are narrowed by ``restrict(user, action)`` of the records' model: county
    staff list their county's rows even when looking at the city figure.
    """
    ind = Indicator.objects.restrict(user, "view").select_related("action__plan").filter(
        pk=indicator_id).first()
    if ind is None:
        return None
    metric = metric_for(ind)
    if metric is None or metric.model is None:
        return None
    base = metric.model._default_manager.restrict(user, action)
    qs = metric.records(year=ind.action.plan.year, as_of=as_of, county_id=county_id,
                        base=base)
    related = _related(metric.columns)
    if related:
        qs = qs.select_related(*related)
    return metric, qs.order_by("pk")


def _model_at(model: Any, path: str) -> Any:
    """The model a dotted relation path leads to from ``model`` (None if it leads nowhere)."""
    for part in filter(None, path.split(".")):
        try:
            model = model._meta.get_field(part).related_model if model else None
        except FieldDoesNotExist:  # a computed attribute, not a relation
            return None
    return model


def record_links(*, user: Any, metric: registry.Metric, records: list[Any]) -> list[str]:
    """The enterprise detail URL of each listed record ("" where the user may not open it).

    The enterprise is the one the first column names (``name`` on an organisation row,
    ``enterprise.name`` on a record of one); one query checks the page's enterprises
    against ``restrict(user, "view")``, none per row.
    """
    from django.urls import reverse

    from kechuang.orgs.models import Enterprise, Organisation

    first = metric.columns[0].path if metric.columns else ""
    if first != "name" and not first.endswith(".name"):
        return [""] * len(records)
    prefix = first[: -len("name")]
    target = _model_at(metric.model, prefix.rstrip("."))
    if target is None or not issubclass(target, Organisation):
        return [""] * len(records)  # "team_name", "project.name": not an organisation
    ids = [registry.resolve(obj, prefix + "pk") if prefix else obj.pk for obj in records]
    visible = set(Enterprise.objects.restrict(user, "view").filter(
        pk__in=[i for i in ids if i is not None]).values_list("pk", flat=True))
    return [reverse("orgs:enterprise_detail", kwargs={"pk": i}) if i in visible else ""
            for i in ids]


def reported_trail(*, user: Any, indicator: Indicator, county_id: int | None = None,
                   limit: int = 50) -> list[Any]:
    """Submissions of a reported indicator in its plan year, newest first, with reviewers."""
    from kechuang.reported.models import ReportedValue

    year = indicator.action.plan.year
    qs = (ReportedValue.objects.restrict(user, "view")
          .filter(indicator=indicator, period_end__year=year)
          .select_related("county", "submitted_by", "reviewed_by")
          .order_by("-period_end", "-pk"))
    if county_id is not None:  # the county's own rows and the city-level figures
        qs = qs.filter(Q(county_id=county_id) | Q(county__isnull=True))
    return list(qs[:limit])


def county_focus(*, user: Any, plan: Plan, requested: str = "") -> Region | None:
    """County staff: always their own county unit (a zone's staff, while the plan counts the
    zone under its host, the host's). City roles: the county unit they picked, if any."""
    units, attribution = county_units(plan)
    by_pk = {u.pk: u for u in units}
    if is_county_user(user):
        unit = attribution.unit_of(user.county_id)
        return by_pk.get(unit) or Region.objects.filter(pk=user.county_id).first()
    if (pk := parse_id(requested)) is not None:
        return by_pk.get(pk)
    return None


def reported_curve(*, indicator: Indicator, year: int, as_of: dt.date,
                   county_id: int | None = None,
                   members: list[int] | None = None) -> list[Decimal | None]:
    """Month-end values of a reported indicator up to ``as_of`` (the last approved figure
    carried forward; None before the first). ``members``: the regions counted under the
    county unit (itself first, then e.g. 长治高新区 under 潞州区) — their curves add up for
    additive units, as the dashboard's figure does."""
    from kechuang.reported.selectors import approved_series

    last_month = as_of.month if as_of.year == year else 12
    ids: list[int | None] = [county_id] if county_id is None else (members or [county_id])
    if indicator.unit not in ADDITIVE_UNITS:
        ids = ids[:1]  # a % of the zone and one of the host do not add
    curves = []
    for region_id in ids:
        series = approved_series(indicator_id=indicator.pk, year=year, county_id=region_id)
        current: Decimal | None = None
        curve: list[Decimal | None] = []
        for month in range(1, last_month + 1):
            current = series.get(month, current)
            curve.append(current)
        curves.append(curve)
    out: list[Decimal | None] = []
    for values in zip(*curves, strict=True):
        present = [v for v in values if v is not None]
        out.append(sum(present, Decimal(0)) if present else None)
    return out
