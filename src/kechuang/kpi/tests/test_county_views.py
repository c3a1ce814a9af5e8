"""Issue #12 item 2: a county's page shows the county's figures — headline counters, the
action cards' 滞后 badges, the indicator rows, the drill-down's value, badge and month curve —
and a city figure shown there says 全市. 长治高新区 enterprises count under 潞州区 (the
plan's default setting), so 潞州区's figures include them."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_enterprise
from kechuang.kpi import selectors
from kechuang.kpi.progress import Status
from kechuang.plans.models import Indicator
from kechuang.plans.services import set_allocations

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 10, 31)
TSME = "tech_sme_registered"  # the dated test metric: enterprises by founding date


@pytest.fixture
def scene(plan, dated_metric, regions, users, reform_reported):
    """Founded in 2025: 潞州区 4 (one on the as-of date), 长治高新区 3, 襄垣县 1, 屯留区 6;
    the tech-SME target (300) split 潞州区 120 / 襄垣县 60 / 屯留区 120; the city reports
    改革措施落实 (a city-only figure)."""
    from kechuang.reported.models import ReportedValue

    luzhou, zone, xiangyuan, tunliu = (regions[c] for c in ("140403", "140471", "140423",
                                                            "140405"))
    serial = 800
    for county, days in ((luzhou, ["2025-02-01", "2025-05-01", "2025-08-01", "2025-10-31"]),
                         (zone, ["2025-03-01", "2025-06-01", "2025-09-15"]),
                         (xiangyuan, ["2025-04-01"]),
                         (tunliu, [f"2025-0{m}-10" for m in range(1, 7)])):
        for day in days:
            serial += 1
            make_enterprise(county, f"{county.name}新企业{serial}", serial,
                            established_on=dt.date.fromisoformat(day))
    ind = Indicator.objects.get(action__plan=plan, key=TSME)
    set_allocations(indicator=ind, actor=users["city_staff"], shares={
        luzhou.pk: Decimal(120), xiangyuan.pk: Decimal(60), tunliu.pk: Decimal(120)})
    reform = Indicator.objects.get(action__plan=plan, key="reform_measures_done")
    ReportedValue.objects.create(indicator=reform, county=None, period_end=dt.date(2025, 9, 30),
                                 value=Decimal(11), status=ReportedValue.Status.APPROVED,
                                 submitted_by=users["city_admin"],
                                 reviewed_by=users["city_staff"])
    return {"luzhou": luzhou, "zone": zone, "xiangyuan": xiangyuan, "tunliu": tunliu,
            "tsme": ind, "reform": reform}


def _county_statuses(board, county_id: int) -> list[tuple[int, Status]]:
    """(action number, status) of every row with a county figure — computed here, from the
    dashboard's county figures, not from the page's own view."""
    out = []
    for card in board.cards:
        for row in card.rows:
            fig = row.county(county_id)
            if fig is not None and fig.value is not None:
                out.append((card.action.number, fig.progress.status))
    return out


def _card_behind(html: str) -> dict[int, int]:
    out = {}
    for number, body in re.findall(r'id="action-(\d+)">(.*?)</section>', html, re.S):
        m = re.search(r'data-testid="card-behind">[^<\d]*(\d+)', body)
        out[int(number)] = int(m.group(1)) if m else 0
    return out


def _summary(html: str) -> dict[str, int]:
    block = re.search(r'data-testid="status-summary">(.*?)</div>', html, re.S).group(1)
    return {label.strip(): int(n) for label, n in
            re.findall(r'kc-status-chip[^>]*>([^<]+)<strong>(\d+)</strong>', block)}


@pytest.mark.parametrize("who, county", [("county_b_staff", "xiangyuan"),
                                         ("county_a_staff", "luzhou")])
def test_county_dashboard_counters_and_badges_are_the_countys(client_for, users, plan, scene,
                                                             who, county):
    html = client_for(users[who]).get(reverse("kpi:dashboard"),
                                      {"as_of": AS_OF.isoformat()}).content.decode()
    board = selectors.build_dashboard(plan=plan, as_of=AS_OF)
    statuses = _county_statuses(board, scene[county].pk)
    expected_behind = Counter(n for n, s in statuses if s == Status.BEHIND)
    city_behind = Counter(c.action.number for c in board.cards for r in c.rows
                          if r.progress.status == Status.BEHIND)
    assert _card_behind(html) == {c.action.number: expected_behind.get(c.action.number, 0)
                                  for c in board.cards}
    assert expected_behind != city_behind  # the page would differ had it counted city rows
    expected = Counter(s.label for _, s in statuses)
    assert _summary(html) == dict(expected)
    assert f"{scene[county].name}指标状态" in html
    # the tech-SME row: the county's value and share, the city's beside it labelled 全市
    row = re.search(rf'data-key="{TSME}">(.*?)</tr>', html, re.S).group(1)
    value = {"xiangyuan": 1, "luzhou": 7}[county]  # 潞州区 4 + 长治高新区 3
    share = {"xiangyuan": 60, "luzhou": 120}[county]
    assert re.search(rf"<strong>{value}</strong> / {share}\b", row)
    assert "全市 14 / 300" in row
    # a city-only figure on a county page says 全市 and is left out of the counters
    reform = re.search(r'data-key="reform_measures_done">(.*?)</tr>', html, re.S).group(1)
    assert 'data-testid="city-figure">全市<' in reform and "<strong>11</strong>" in reform
    assert 'data-testid="summary-city-rows"' in html


def test_city_dashboard_keeps_city_counters(client_for, users, plan, scene):
    html = client_for(users["city_staff"]).get(reverse("kpi:dashboard"),
                                               {"as_of": AS_OF.isoformat()}).content.decode()
    board = selectors.build_dashboard(plan=plan, as_of=AS_OF)
    assert _summary(html) == dict(Counter(r.progress.status.label for r in board.rows))
    assert 'data-testid="city-figure"' not in html and "指标状态：" not in html
    assert "功能区企业：计入所在县区（长治高新区计入潞州区）" in html


def test_county_drill_down_value_badge_and_curve_are_the_countys(client_for, users, plan,
                                                                 scene):
    url = reverse("kpi:indicator_detail", kwargs={"pk": scene["tsme"].pk})
    html = client_for(users["county_a_staff"]).get(
        url, {"as_of": AS_OF.isoformat()}).content.decode()
    board = selectors.build_dashboard(plan=plan, as_of=AS_OF, keys=[TSME])
    fig = board.row(TSME).county(scene["luzhou"].pk)
    assert fig.value == 7 and fig.share == 120
    assert re.search(r'data-testid="indicator-value">7 ', html)
    badge = re.search(r'data-status="(\w+)"', html).group(1)
    assert badge == fig.progress.status.value
    assert "全市 14 / 300" in html and "逐月累计 · 潞州区" in html
    line = json.loads(re.search(r'id="line-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    # 潞州区's own curve: Feb 1, Mar 1 (zone), May 1, Jun 1 (zone), Aug 1, Sep 15 (zone),
    # Oct 31 (on the as-of date) — never the city's 14
    assert line["this_year"] == [0, 1, 2, 2, 3, 4, 4, 5, 6, 7]
    assert line["target"] == 120 and line["labels"]["target"] == "潞州区目标"
    # a city user picking 潞州区 sees the same; the city page shows the city's curve
    city_user = client_for(users["city_staff"])
    picked = city_user.get(url, {"as_of": AS_OF.isoformat(), "county": scene["luzhou"].pk})
    assert "逐月累计 · 潞州区" in picked.content.decode()
    city = city_user.get(url, {"as_of": AS_OF.isoformat()}).content.decode()
    line = json.loads(re.search(r'id="line-data"[^>]*>(.*?)</script>', city, re.S).group(1))
    assert line["this_year"][-1] == 14 and line["target"] == 300


def test_a_city_only_indicator_on_a_county_drill_down_says_city(client_for, users, plan,
                                                                scene):
    url = reverse("kpi:indicator_detail", kwargs={"pk": scene["reform"].pk})
    html = client_for(users["county_b_staff"]).get(
        url, {"as_of": AS_OF.isoformat()}).content.decode()
    assert 'data-testid="value-scope"' in html and "逐月累计 · 全市" in html


def test_the_county_dashboard_costs_no_query_per_county(client_for, users, plan, scene,
                                                        regions):
    """The county view is built from the one dashboard: more counties' records add none."""
    client = client_for(users["county_a_staff"])
    url = reverse("kpi:dashboard")
    client.get(url, {"as_of": AS_OF.isoformat()})
    with CaptureQueriesContext(connection) as first:
        assert client.get(url, {"as_of": AS_OF.isoformat()}).status_code == 200
    for i, code in enumerate(("140404", "140406", "140425", "140426", "140427", "140428")):
        make_enterprise(regions[code], f"新增县区企业{i}", 900 + i,
                        established_on=dt.date(2025, 4, 1))
    with CaptureQueriesContext(connection) as again:
        html = client.get(url, {"as_of": AS_OF.isoformat()}).content.decode()
    assert "全市 20 / 300" in html
    assert len(again.captured_queries) == len(first.captured_queries)


def test_a_countys_reported_curve_adds_the_regions_counted_under_it(plan, scene, users):
    """Under the default setting 长治高新区 counts under 潞州区: 潞州区's reported month curve
    adds the zone's approved values (additive units), each carried forward on its own."""
    from kechuang.reported.models import ReportedValue

    ind = scene["reform"]
    assert ind.unit in selectors.ADDITIVE_UNITS
    for county, day, value in ((scene["luzhou"], "2025-03-31", 2),
                               (scene["zone"], "2025-05-31", 3),
                               (scene["luzhou"], "2025-07-31", 4)):
        ReportedValue.objects.create(indicator=ind, county=county,
                                     period_end=dt.date.fromisoformat(day),
                                     value=Decimal(value), status=ReportedValue.Status.APPROVED,
                                     submitted_by=users["city_admin"],
                                     reviewed_by=users["city_staff"])
    board = selectors.build_dashboard(plan=plan, as_of=AS_OF, keys=[ind.key])
    members = board.attribution.members(scene["luzhou"].pk)
    assert scene["zone"].pk in members
    curve = selectors.reported_curve(indicator=ind, year=2025, as_of=AS_OF,
                                     county_id=scene["luzhou"].pk, members=members)
    assert curve == [None, None, 2, 2, 5, 5, 7, 7, 7, 7]
    own = selectors.reported_curve(indicator=ind, year=2025, as_of=AS_OF,
                                   county_id=scene["luzhou"].pk)
    assert own == [None, None, 2, 2, 2, 2, 4, 4, 4, 4]
