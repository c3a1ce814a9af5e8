"""The "standing on a date" metrics (platforms, settled startups, cooperation projects,
certificate and leader holders) pinned on demo-like data: every figure the registry hands
out — city, each county unit, the dashboard's figures, the records behind them — at several
dates and under both zone settings, against ``data/standing_figures.json``.

The file was written from the three per-app implementations before they became one
``kechuang.metrics.StandingMetric``; the same figures came out of the one class. One marker
changed on purpose: cultivation's holders said ``has_rows`` even with no row standing (the
base class's default); now, like the other stocks, a date with nothing standing has no rows
(``leaders_current`` before the first designation). Regions
are named by code (ids differ between databases). Regenerate only on purpose:
``KC_PIN_WRITE=1 pytest src/kechuang/kpi/tests/test_standing_figures.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from kechuang import metrics
from kechuang.plans.models import Plan
from kechuang.plans.selectors import county_regions, units_under
from kechuang.regions.models import Region

pytestmark = pytest.mark.django_db
PIN = Path(__file__).parent / "data" / "standing_figures.json"
KEYS = ("provincial_platforms", "incubators_and_pilot_bases", "startups_settled",
        "university_cooperation_projects", "cooperation_projects_on_schedule",
        "high_tech_valid", "leaders_current")
DATES = (dt.date(2023, 6, 30), dt.date(2024, 12, 31), dt.date(2025, 1, 1),
         dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30),
         dt.date(2025, 12, 31), dt.date(2026, 5, 31))
SETTINGS = (Plan.ZoneAttribution.HOST, Plan.ZoneAttribution.ZONE)


@pytest.fixture
def demo(users, regions, settings, tmp_path):
    from kechuang.carriers.demo import seed_demo_platforms
    from kechuang.cooperation.demo import seed_demo_cooperation
    from kechuang.cultivation.demo import seed_demo_cultivation
    from kechuang.orgs.demo import load_demo
    from kechuang.plans.services import load_plan

    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    plan = load_plan()["plan"]
    load_demo(seed=2025, enterprises=300)
    seed_demo_platforms(seed=2025)
    seed_demo_cooperation(seed=2025, today=dt.date(2025, 11, 20))
    seed_demo_cultivation(seed=2025, today=dt.date(2025, 11, 20))
    return plan


def _num(value: Any) -> Any:
    return None if value is None else str(value)


def _by_code(values: dict, codes: dict[int | None, str]) -> dict[str, Any]:
    return {codes.get(k, str(k)): (_num(v) if not isinstance(v, list) else [_num(x) for x in v])
            for k, v in sorted(values.items(), key=lambda kv: codes.get(kv[0], str(kv[0])))}


def _figures_of(key: str, att: metrics.Attribution, codes: dict) -> dict[str, Any]:
    metric = metrics.get(key)
    model = metric.model
    out: dict[str, Any] = {"dated": metric.dated}
    for day in DATES:
        year = day.year
        fig = metric.figures(year=year, as_of=day, attribution=att)
        units = {codes[u]: {
            "value": _num(metric.value(year=year, as_of=day, county_id=u, attribution=att)),
            "records": metric.records(year=year, as_of=day, county_id=u,
                                      attribution=att).count(),
        } for u in att.units}
        out[day.isoformat()] = {
            "city": _num(fig.city), "has_rows": fig.has_rows, "curve": fig.curve,
            "counties": _by_code(fig.counties, codes),
            "county_curves": _by_code(fig.county_curves, codes),
            "value": _num(metric.value(year=year, as_of=day)),
            "by_county": _by_code(metric.by_county(year=year, as_of=day, attribution=att),
                                  codes),
            "by_month": metric.by_month(year=year, attribution=att),
            "records": metric.records(year=year, as_of=day).count(),
            "records_based": metric.records(
                year=year, as_of=day, base=model._default_manager.all()).count(),
            "units": units,
        }
    return out


def test_standing_figures_are_pinned(demo):
    codes = dict(Region.objects.values_list("pk", "code"))
    got: dict[str, Any] = {}
    for setting in SETTINGS:
        att = units_under(county_regions(demo.region_id), setting)[1]
        got[setting] = {key: _figures_of(key, att, codes) for key in KEYS}
    got = json.loads(json.dumps(got, default=str))
    if os.environ.get("KC_PIN_WRITE"):
        PIN.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    pinned = json.loads(PIN.read_text())
    for setting in SETTINGS:
        for key in KEYS:
            assert got[setting][key] == pinned[setting][key], (setting, key)
    # the data is not trivial: every metric stands at some date in every setting
    for setting in SETTINGS:
        for key in KEYS:
            assert any(int(v["value"]) > 0 for d, v in pinned[setting][key].items()
                       if d != "dated"), (setting, key)
