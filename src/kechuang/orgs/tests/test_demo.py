"""The demo data generator and loader: deterministic, idempotent, valid, realistic."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from kechuang.orgs import demo
from kechuang.orgs.models import ChainMembership, EnterpriseAnnualReport, Organisation
from kechuang.policy import AnnualFigures, TechSmeInput, evaluate_tech_sme
from kechuang.policy import credit_code as cc

CHANGZHI = {c.code for c in demo.COUNTIES}
OLD_CODES = {"140402", "140411", "140421", "140424", "140481"}


@pytest.fixture(scope="module")
def sample() -> list[demo.DemoOrganisation]:
    return list(demo.generate_enterprises(2025, 3000))


# -- qualification, judged by the national-rules engine itself --

def qualifies_tech_sme(org: demo.DemoOrganisation) -> bool:
    latest = org.reports[-1]
    figures = AnnualFigures.from_dict({"year": latest.year, **latest.fields})
    result = evaluate_tech_sme(TechSmeInput(
        figures, industry_code=org.industry_code, established_on=org.established_on,
        has_valid_high_tech_certificate=org.tier in ("high_tech", "leader")), gaps=False)
    return result.eligible


def qualifies_high_tech(org: demo.DemoOrganisation) -> bool:
    """The conditions of 32号 第十一条 that figures can show (4, 5, 6 and some IP).

    A figures-only check: the engine's full pre-assessment also needs the expert-judged
    innovation items, which demo data does not have.
    """
    years = [r.fields for r in org.reports[-3:]]
    f = years[-1]
    if not (f["ip_class_1_count"] or f["ip_class_2_count"]):
        return False
    if f["st_staff"] * 10 < f["employees"]:
        return False
    revenue = f["revenue_yuan"]
    limit = Decimal("0.05") if revenue <= 50_000_000 else (
        Decimal("0.04") if revenue <= 200_000_000 else Decimal("0.03"))
    rd = sum(y["rd_expense_yuan"] for y in years)
    domestic = sum(y["rd_domestic_yuan"] for y in years)
    if not rd or rd < sum(y["revenue_yuan"] for y in years) * limit or domestic * 10 < rd * 6:
        return False
    return f["high_tech_revenue_yuan"] * 10 >= f["total_income_yuan"] * 6


# -- the generator (pure) --

def test_same_seed_gives_identical_data():
    assert list(demo.generate_enterprises(7, 300)) == list(demo.generate_enterprises(7, 300))
    assert demo.partner_organisations() == demo.partner_organisations()


def test_another_seed_gives_other_data():
    a = [o.credit_code for o in demo.generate_enterprises(7, 100)]
    b = [o.credit_code for o in demo.generate_enterprises(8, 100)]
    assert not set(a) & set(b)


def test_a_bigger_run_starts_with_the_smaller_one():
    small = list(demo.generate_enterprises(7, 120))
    assert list(demo.generate_enterprises(7, 400))[:120] == small


def test_names_and_credit_codes_are_unique(sample):
    assert len({o.name for o in sample}) == len(sample)
    codes = [o.credit_code for o in sample] + [o.credit_code for o in demo.partner_organisations()]
    assert len(set(codes)) == len(codes)


def test_credit_codes_are_valid_with_county_segments(sample):
    segments = Counter()
    for org in sample:
        assert cc.validate(org.credit_code) == org.credit_code
        assert org.credit_code.startswith("91")
        assert org.credit_code[8:17][-1] == demo.gb11714_check(org.credit_code[8:16])
        segment = org.credit_code[2:8]
        segments[segment] += 1
        if org.county_code == "140471":
            assert segment == "140491"  # 长治高新区's registration authority
        elif segment != org.county_code:
            assert segment in OLD_CODES and org.established_on < dt.date(2019, 1, 1)
        if org.established_on >= dt.date(2015, 10, 1):
            assert org.credit_code[8:10] == "MA"
    old = sum(segments[c] for c in OLD_CODES)
    assert 0.03 * len(sample) < old < 0.2 * len(sample)  # a few pre-2019 codes
    for org in demo.partner_organisations():
        assert cc.is_valid(org.credit_code)
        assert org.credit_code[:2] == ("91" if org.kind == "service_provider" else "12")


def test_company_names_carry_place_trade_and_form(sample):
    forms = demo.FORMS + demo.ANCHOR_FORMS
    for org in sample[:500]:
        flavour = next(c for c in demo.COUNTIES if c.code == org.county_code)
        assert org.name.startswith(flavour.prefixes), org.name
        assert org.name.endswith(forms), org.name
    assert any(o.name.endswith("科技有限公司") for o in sample)
    assert any(o.name.endswith("化工有限公司") for o in sample)


def test_every_report_adds_up(sample):
    for org in sample:
        assert [r.year for r in org.reports] == list(demo.REPORT_YEARS)
        assert org.established_on.year <= 2021
        for r in org.reports:
            f = r.fields
            six = sum(f[k] for k in ("rd_personnel_yuan", "rd_direct_input_yuan",
                                     "rd_depreciation_yuan", "rd_amortization_yuan",
                                     "rd_design_yuan", "rd_other_yuan"))
            entrusted = f["rd_entrusted_domestic_yuan"] + f["rd_entrusted_overseas_yuan"]
            assert f["rd_expense_yuan"] == six + entrusted * Decimal("0.8")
            assert f["rd_domestic_yuan"] == six + f["rd_entrusted_domestic_yuan"] * Decimal("0.8")
            assert f["rd_domestic_yuan"] <= f["rd_expense_yuan"]
            assert min(f[k] for k in f if k.startswith("rd_")) >= 0
            assert 0 <= f["st_staff"] <= f["employees"] and f["employees"] > 0
            assert 0 <= f["high_tech_revenue_yuan"] <= f["total_income_yuan"]
            assert f["revenue_yuan"] > 0 and f["total_income_yuan"] >= f["revenue_yuan"]
            assert f["has_rd_activity"] == (f["rd_expense_yuan"] > 0)
            assert f["rd_other_yuan"] <= f["rd_expense_yuan"] * Decimal("0.1")
            for key, value in f.items():
                if key.endswith("_yuan"):
                    assert value == value.quantize(Decimal("0.01"))


def test_figures_move_plausibly_year_to_year(sample):
    for org in sample:
        for prev, cur in zip(org.reports, org.reports[1:], strict=False):
            growth = cur.fields["revenue_yuan"] / prev.fields["revenue_yuan"]
            assert Decimal("0.5") < growth < Decimal("2"), org.name
            assert cur.fields["ip_class_1_count"] >= prev.fields["ip_class_1_count"]


def test_shape_of_the_economy(sample):
    n = len(sample)
    counties = Counter(o.county_code for o in sample)
    assert counties.most_common(1)[0][0] == "140403"  # 潞州区 largest
    assert set(counties) == CHANGZHI
    industries = Counter(o.industry_code for o in sample)
    assert {"C25", "C26", "B06", "C34", "C35", "C38", "C39", "C27", "M73", "M74", "M75",
            "I65", "F51", "K70"} <= set(industries)
    assert industries["C26"] > industries["F51"] > industries["K70"]
    assert 0.15 <= sum(o.above_scale for o in sample) / n <= 0.21
    # each of the ten chains has two 链主 and three 链核
    roles = Counter((c, role) for o in sample for c, role in o.chains if role != "member")
    for chain in demo.CHAIN_INDUSTRIES:
        assert roles[(chain, "chain_leader")] == 2 and roles[(chain, "chain_core")] == 3
    members = sum(1 for o in sample for _, role in o.chains if role == "member")
    assert 0.1 * n < members < 0.35 * n


def test_about_15_percent_tech_smes_and_5_percent_high_tech(sample):
    n = len(sample)
    sme = sum(qualifies_tech_sme(o) for o in sample) / n
    high_tech = sum(qualifies_high_tech(o) for o in sample) / n
    assert 0.12 <= sme <= 0.19, sme
    assert 0.035 <= high_tech <= 0.075, high_tech


def test_tier_is_backed_by_the_figures(sample):
    tiers = Counter(o.tier for o in sample)
    assert tiers["tech_sme"] > tiers["high_tech"] > tiers["leader"] > 0
    for org in sample:
        if org.tier == "tech_sme":
            assert qualifies_tech_sme(org), org.name
        elif org.tier in ("high_tech", "leader"):
            assert qualifies_high_tech(org), org.name
        if org.tier == "leader":
            assert ("chain_leader" in {role for _, role in org.chains})


def test_unknown_counties_get_a_plain_flavour():
    orgs = list(demo.generate_enterprises(1, 50, counties=[("140502", "城区")], chains=[]))
    assert {o.county_code for o in orgs} == {"140502"}
    assert all(o.name.startswith("城区") and not o.chains for o in orgs)


# -- the loader --

@pytest.mark.django_db
def test_loaded_rows_pass_model_validation(regions):
    demo.load_demo(seed=3, enterprises=80)
    orgs = list(Organisation.objects.all())
    assert {o.kind for o in orgs} == {"enterprise", "university", "institute",
                                      "service_provider"}
    for org in orgs[::3]:
        org.full_clean()
    reports = list(EnterpriseAnnualReport.objects.select_related("enterprise"))
    assert len(reports) == 80 * 4
    for report in reports[::7]:
        report.full_clean()
    for m in ChainMembership.objects.all():
        m.full_clean()


@pytest.mark.django_db
def test_loaded_rows_match_the_generator(regions):
    demo.load_demo(seed=3, enterprises=20)
    for org in list(demo.generate_enterprises(3, 20))[::5]:
        row = Organisation.objects.get(credit_code=org.credit_code)
        assert (row.name, row.county.code, row.tier, row.established_on) == (
            org.name, org.county_code, org.tier, org.established_on)
        assert {(m.chain.code, m.role) for m in row.chain_memberships.all()} == set(org.chains)
        for r in org.reports:
            saved = row.annual_reports.get(year=r.year)
            assert {k: getattr(saved, k) for k in r.fields} == r.fields
            assert saved.created_at is not None


@pytest.mark.django_db
def test_second_run_adds_nothing(regions):
    first = demo.load_demo(seed=5, enterprises=40, batch_size=16)
    counts = (Organisation.objects.count(), EnterpriseAnnualReport.objects.count(),
              ChainMembership.objects.count())
    second = demo.load_demo(seed=5, enterprises=40, batch_size=16)
    assert first.enterprises_created == 40 and first.reports_created == 160
    assert first.partners_created == len(demo.partner_organisations())
    assert (second.enterprises_created, second.reports_created, second.memberships_created,
            second.partners_created, second.enterprises_skipped) == (0, 0, 0, 0, 40)
    assert (Organisation.objects.count(), EnterpriseAnnualReport.objects.count(),
            ChainMembership.objects.count()) == counts


@pytest.mark.django_db
def test_bigger_run_adds_only_the_new_enterprises(regions):
    demo.load_demo(seed=5, enterprises=30)
    result = demo.load_demo(seed=5, enterprises=55)
    assert (result.enterprises_created, result.enterprises_skipped) == (25, 30)
    assert Organisation.objects.filter(kind="enterprise").count() == 55


@pytest.mark.django_db
def test_demo_command(regions):
    from io import StringIO

    out = StringIO()
    call_command("demo", enterprises=25, seed=9, stdout=out)
    assert "新增企业 25 家" in out.getvalue()
    # later demo steps may add the few enterprises their screens need by name (techmarket:
    # the plan's three 升规入统 candidates)
    assert 25 <= Organisation.objects.filter(kind="enterprise").count() <= 30


@pytest.mark.django_db
def test_demo_command_needs_regions():
    with pytest.raises(CommandError, match="manage.py seed"):
        call_command("demo", enterprises=5)


@pytest.mark.django_db
def test_demo_command_refuses_production(regions, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境"):
        call_command("demo", enterprises=5)
    assert not Organisation.objects.exists()
