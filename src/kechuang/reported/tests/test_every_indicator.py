"""Every indicator of the 2025 plan can show a figure (#12 item 5): since the modules of
#14–#18 every one of the 26 is counted by a module and shows the count, and a counted one the
bureau sets to the official statistic takes a reported value — submitted with evidence,
approved — and shows the reported figure.

The plan is the one ``manage.py seed`` loads; the values go through the services, the figures
are read off the dashboard page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from kechuang.plans.models import Indicator, Plan
from kechuang.reported import services
from kechuang.reported.models import ReportedValue, has_live_source, takes_reported_values
from kechuang.reported.tests.conftest import pdf_file

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 6, 30)
# counted indicators the bureau replaces by the official statistic: one with records, the
# tax super-deduction, which shows nothing until a batch evaluation has run, the R&D input
# figures counted by rdinput, which show nothing until a report or a figure is recorded, and
# the contract turnover's share of GDP, which shows nothing until the GDP is entered
OFFICIAL = {"tech_sme_registered", "rd_super_deduction_amount", "county_fiscal_st_spending",
            "rd_intensity", "rd_intensity_vs_province", "tech_contract_turnover_gdp_share"}


def _figures(html: str) -> dict[str, tuple[str, str]]:
    """key → (the figure shown, 计数/上报 mark) of every indicator row of the dashboard."""
    out = {}
    for row in re.findall(r'<tr class="kc-ind-row".*?</tr>', html, flags=re.S):
        key = re.search(r'data-key="([^"]+)"', row).group(1)
        value = re.search(r"<strong>([^<]*)</strong>", row)
        kind = re.search(r'data-testid="figure-source" data-kind="([^"]+)"', row)
        out[key] = (value.group(1) if value else "—", kind.group(1) if kind else "")
    return out


def test_every_indicator_of_the_2025_plan_shows_a_figure(users, county_a, client_for):
    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the plan as loaded
    plan = Plan.objects.get(year=2025)
    indicators = list(Indicator.objects.filter(action__plan=plan).select_related(
        "action__plan"))
    assert len(indicators) == 26
    counted = {i.key for i in indicators if has_live_source(i)}
    assert OFFICIAL <= counted and len(counted) == 26  # every indicator has its module
    client = client_for(users["city_staff"])
    before = _figures(client.get(reverse("kpi:dashboard"), {"as_of": AS_OF}).content.decode())
    assert before["rd_super_deduction_amount"] == ("—", "metric")  # no batch run yet
    assert before["tech_contract_turnover_gdp_share"] == ("—", "metric")  # no GDP yet

    for ind in indicators:
        if ind.key in OFFICIAL:
            services.set_source(actor=users["city_admin"], indicator=ind, use_reported=True,
                                reason="以统计、税务部门公布数为准")
    fillable = [i for i in indicators if takes_reported_values(i)]
    assert {i.key for i in fillable} == {i.key for i in indicators} - counted | OFFICIAL

    for n, ind in enumerate(fillable, start=1):
        county = county_a if ind.scope == Indicator.Scope.COUNTY else None
        rv = services.submit_value(
            actor=users["city_staff"], files=[pdf_file()],
            data={"indicator": ind, "county": county, "period_end": AS_OF,
                  "value": Decimal(n), "note": "统计公报"})
        services.approve_value(value=rv, actor=users["city_admin"])
    assert ReportedValue.objects.filter(status=ReportedValue.Status.APPROVED).count() == len(
        fillable)

    html = client.get(reverse("kpi:dashboard"), {"year": 2025, "as_of": AS_OF}).content.decode()
    shown = _figures(html)
    assert set(shown) == {i.key for i in indicators}
    missing = [k for k, (value, _kind) in shown.items() if value in ("", "—")]
    assert not missing, f"no figure for {missing}"
    for n, ind in enumerate(fillable, start=1):
        assert shown[ind.key] == (str(n), "reported"), ind.key
    for key in counted - OFFICIAL:
        assert shown[key][1] == "metric", key
