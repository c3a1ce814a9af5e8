"""Issue #12 item 1, the invariant: with 长治高新区 counted under 潞州区 or as its own unit,
every registered metric's county values add up to its city value (additive units), at several
as-of dates — records dated exactly on the as-of date included — and the dashboard built from
them does the same.

Demo-like data: the organisations demo (about an eighth of its enterprises in the zone, as in
``orgs.demo``), the cultivation demo's certificates and registrations, a batch evaluation,
the reported-value demo plus an approved figure of the zone. In ``web`` (the shell) because it
seeds every module's demo data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang import metrics
from kechuang.kpi.selectors import ADDITIVE_UNITS, build_dashboard
from kechuang.plans.models import Plan
from kechuang.plans.selectors import county_regions, county_units, units_under
from kechuang.regions.models import Region

pytestmark = pytest.mark.django_db
YEAR = 2025
SETTINGS = (Plan.ZoneAttribution.HOST, Plan.ZoneAttribution.ZONE)


@pytest.fixture
def demo(users, regions):
    """The 2025 plan with demo records; returns the zone and its host."""
    from kechuang.assessment import services as assessment
    from kechuang.assessment.models import EvaluationRun
    from kechuang.cultivation.demo import seed_demo_cultivation
    from kechuang.orgs.demo import load_demo
    from kechuang.plans.demo import seed_demo_allocations
    from kechuang.plans.services import load_plan
    from kechuang.reported.demo import seed_demo_reported_values

    plan = load_plan()["plan"]
    load_demo(enterprises=300)
    seed_demo_cultivation(today=dt.date(YEAR, 11, 20))
    for year in (YEAR - 1, YEAR):
        run = EvaluationRun.objects.create(year=year, as_of=dt.date(YEAR, 6, 30),
                                           started_by=users["city_staff"])
        assessment.run_batch(run=run, actor=users["city_staff"], progress=lambda *a: None)
    seed_demo_allocations(plan)
    seed_demo_reported_values(plan)
    zone = regions["140471"]
    spending = plan.actions.get(number=8).indicators.filter(
        key="county_fiscal_st_spending").first()
    if spending is not None:  # the zone's own figure: under 潞州区 or on its own row
        from kechuang.rdinput.models import FiscalReport  # counted from the approved reports

        FiscalReport.objects.create(county=zone, year=YEAR, budget_wan=Decimal(500),
                                    actual_wan=Decimal(500), document="高新区财政决算报告",
                                    status=FiscalReport.Status.APPROVED,
                                    submitted_by=users["city_staff"],
                                    reviewed_by=users["city_admin"])
    return plan, zone, regions["140403"]


def _as_of_dates(zone: Region) -> list[tuple[int, dt.date]]:
    """Quarter ends, the year end, last year's end, and the dates zone records are dated."""
    from kechuang.cultivation.models import HighTechCertificate, TechSmeRegistration

    registered = (TechSmeRegistration.objects.filter(year=YEAR, enterprise__county=zone)
                  .order_by("-registered_on").values_list("registered_on", flat=True).first())
    issued = (HighTechCertificate.objects.filter(issued_on__year=YEAR, enterprise__county=zone)
              .order_by("issued_on").values_list("issued_on", flat=True).first())
    assert registered and issued, "the demo data must have zone records in the plan year"
    return [(YEAR, dt.date(YEAR, 3, 31)), (YEAR, registered), (YEAR, issued),
            (YEAR, dt.date(YEAR, 9, 30)), (YEAR, dt.date(YEAR, 12, 31)),
            (YEAR - 1, dt.date(YEAR - 1, 12, 31))]


def _check_metric(metric, year, as_of, att, problems: list[str]) -> None:
    fig = metrics.get(metric.key).figures(year=year, as_of=as_of, attribution=att)
    where = f"{metric.key} {year} {as_of} units={len(att.units)}"
    if not set(fig.counties) <= set(att.units):
        problems.append(f"{where}: values under regions that are no unit "
                        f"{set(fig.counties) - set(att.units)}")
    if fig.city is None:
        return
    if metric.unit in ADDITIVE_UNITS and sum(fig.counties.values(), Decimal(0)) != fig.city:
        problems.append(f"{where}: counties {sum(fig.counties.values())} != city {fig.city}")
    if metric.value(year=year, as_of=as_of) != fig.city:
        problems.append(f"{where}: value() {metric.value(year=year, as_of=as_of)} "
                        f"!= figures() {fig.city}")
    for unit in att.units:
        own = metric.value(year=year, as_of=as_of, county_id=unit, attribution=att)
        if own != fig.counties.get(unit, Decimal(0)):
            problems.append(f"{where}: unit {unit} value() {own} != figures() "
                            f"{fig.counties.get(unit)}")
    if fig.curve is not None and as_of.year == year:
        month = as_of.month - 1
        if fig.curve[month] != fig.city:
            problems.append(f"{where}: curve at as-of {fig.curve[month]} != city {fig.city}")
        if not metric.distinct:
            for unit, curve in fig.county_curves.items():
                if curve[month] != fig.counties.get(unit, Decimal(0)):
                    problems.append(f"{where}: unit {unit} curve {curve[month]} != "
                                    f"{fig.counties.get(unit)}")


def test_county_values_add_up_to_the_city_for_every_metric_both_settings(demo):
    plan, zone, host = demo
    keys = [key for key, _ in metrics.choices()]
    assert {"tech_sme_registered", "high_tech_recognized",
            "rd_super_deduction_amount"} <= set(keys)
    problems: list[str] = []
    dates = _as_of_dates(zone)
    for setting in SETTINGS:
        att = units_under(county_regions(plan.region_id), setting)[1]
        assert (zone.pk in att.units) == (setting == Plan.ZoneAttribution.ZONE)
        for key in keys:
            for year, as_of in dates:
                _check_metric(metrics.get(key), year, as_of, att, problems)
    assert not problems, "\n".join(problems)


def test_a_record_dated_on_the_as_of_date_counts_city_county_and_curve(demo):
    """The dated path cuts at <= as_of: the day's records count, the day before they don't."""
    from kechuang.cultivation.models import TechSmeRegistration

    plan, zone, host = demo
    metric = metrics.get("tech_sme_registered")
    day = (TechSmeRegistration.objects.filter(year=YEAR, enterprise__county=zone)
           .order_by("-registered_on").values_list("registered_on", flat=True).first())
    on_day = TechSmeRegistration.objects.filter(year=YEAR, registered_on=day)
    in_zone = on_day.filter(enterprise__county=zone).count()
    att = county_units(plan)[1]
    now = metric.figures(year=YEAR, as_of=day, attribution=att)
    before = metric.figures(year=YEAR, as_of=day - dt.timedelta(days=1), attribution=att)
    assert in_zone >= 1
    assert now.city - before.city == on_day.count()
    assert now.counties[host.pk] - before.counties.get(host.pk, 0) >= in_zone
    if day.month == (day - dt.timedelta(days=1)).month:
        assert now.curve[day.month - 1] - before.curve[day.month - 1] == on_day.count()


def test_the_zone_counts_under_its_host_or_on_its_own_row(demo):
    plan, zone, host = demo
    metric = metrics.get("tech_sme_registered")
    as_of = dt.date(YEAR, 12, 31)
    figures = {}
    for setting in SETTINGS:
        Plan.objects.filter(pk=plan.pk).update(zone_attribution=setting)
        figures[setting] = metric.figures(year=YEAR, as_of=as_of)  # through the registry
    own, under = figures[Plan.ZoneAttribution.ZONE], figures[Plan.ZoneAttribution.HOST]
    assert own.counties[zone.pk] > 0 and zone.pk not in under.counties
    assert under.counties[host.pk] == own.counties[host.pk] + own.counties[zone.pk]
    assert under.city == own.city
    # the records behind 潞州区's figure include the zone's under "host" only
    Plan.objects.filter(pk=plan.pk).update(zone_attribution=Plan.ZoneAttribution.HOST)
    listed = metric.records(year=YEAR, as_of=as_of, county_id=host.pk)
    assert listed.count() == under.counties[host.pk]
    assert listed.filter(enterprise__county=zone).exists()


@pytest.mark.parametrize("setting", SETTINGS)
def test_the_dashboard_and_ranking_add_up_under_either_setting(demo, setting):
    plan, zone, host = demo
    Plan.objects.filter(pk=plan.pk).update(zone_attribution=setting)
    plan.refresh_from_db()
    for as_of in (dt.date(YEAR, 6, 30), dt.date(YEAR, 11, 20)):
        board = build_dashboard(plan=plan, as_of=as_of)
        names = [c.name for c in board.counties]
        assert ("长治高新区" in names) == (setting == Plan.ZoneAttribution.ZONE)
        assert [r.county_name for r in board.ranking] and \
            {r.county_name for r in board.ranking} == set(names)
        checked = 0
        for row in board.rows:
            if row.progress.value is None or row.indicator.unit not in ADDITIVE_UNITS \
                    or not row.counties or row.source_kind == "none":
                continue
            if row.source_kind == "reported" and row.reported is not None \
                    and getattr(row.reported, "parts", None) is None:
                continue  # a city-level figure reported as such, not a sum of counties
            total = sum((c.value or Decimal(0) for c in row.counties), Decimal(0))
            assert total == row.progress.value, (setting, as_of, row.key)
            checked += 1
        assert checked >= 3
    from kechuang.kpi import monthly_report

    report = monthly_report.prepare(board, with_charts=False)  # the report follows the setting
    assert {r.county for r in report.ranking} == {c.name for c in board.counties}
    assert any(plan.get_zone_attribution_display() in note for note in report.notes)
    spending = board.row("county_fiscal_st_spending")
    if spending is not None:
        fig = spending.county(zone.pk if setting == Plan.ZoneAttribution.ZONE else host.pk)
        assert fig.value is not None
