"""The 自评 page: scoping per role, what-if without writing, gap suggestions, input errors."""

from __future__ import annotations

import json
import re

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from conftest import make_report
from kechuang.assessment.forms import WhatIfForm
from kechuang.assessment.inputs import figures_from_report
from kechuang.assessment.tests.helpers import docs_report
from kechuang.audit.models import ChangeRecord
from kechuang.orgs.models import EnterpriseAnnualReport

pytestmark = pytest.mark.django_db


def url(enterprise, **query):
    base = reverse("assessment:enterprise_assessment", args=[enterprise.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def text(resp) -> str:
    return resp.content.decode()


def verdict(resp, rule: str, side: str) -> str:
    m = re.search(rf'data-testid="verdict-{rule}-{side}">([^<]+)<', text(resp))
    return m.group(1) if m else ""


def form_data(report, **changes):
    form = WhatIfForm(figures=figures_from_report(report))
    data = {name: field.initial for name, field in form.fields.items()}
    data.update(changes)
    return data


@pytest.fixture
def docs_a(enterprise_a):
    return docs_report(enterprise_a)


@pytest.mark.parametrize(("role", "own", "other"), [
    ("enterprise_a_user", 200, 404),
    ("county_a_staff", 200, 404),
    ("city_staff", 200, 200),
    ("city_admin", 200, 200),
])
def test_page_is_scoped_per_role(client, users, enterprise_a, enterprise_b, docs_a, report_b,
                                 role, own, other):
    client.force_login(users[role])
    assert client.get(url(enterprise_a)).status_code == own
    assert client.get(url(enterprise_b)).status_code == other


@pytest.mark.parametrize("role", ["auditor", "expert", "provider"])
def test_roles_without_enterprise_view_get_403(client, users, enterprise_a, docs_a, role):
    client.force_login(users[role])
    assert client.get(url(enterprise_a)).status_code == 403


def test_enterprise_user_sees_conditions_scores_gaps_and_the_disclaimer(client, users,
                                                                        enterprise_a, docs_a):
    client.force_login(users["enterprise_a_user"])
    resp = client.get(url(enterprise_a))
    html = text(resp)
    assert verdict(resp, "tech_sme", "stored") == "不符合"
    assert "综合得分 54 分（须不低于 60 分）" in html
    assert 'data-code="c5_total"' in html and 'data-testid="condition-failed"' in html
    assert "研发费用需增加 ¥123,400.00" in html  # the engine's gap message
    assert "自评结果仅供参考，以主管部门认定为准" in html
    assert "科技人员指标" in html and "16 / 20" in html  # scores with bands
    # HNTE: only one year of reports, the engine explains what is missing
    assert "缺少 2022、2023 年度的数据" in html
    assert verdict(resp, "rd_deduction", "stored") == "可享受加计扣除"
    assert 'data-testid="whatif-form"' in html and 'value="1076600"' in html  # pre-filled


def test_what_if_shows_the_new_result_and_writes_nothing(client, users, enterprise_a, docs_a):
    client.force_login(users["enterprise_a_user"])
    before = model_to_dict(EnterpriseAnnualReport.objects.get(pk=docs_a.pk))
    updated_at = docs_a.updated_at
    changes_before = ChangeRecord.objects.count()
    resp = client.post(url(enterprise_a), form_data(docs_a, rd_expense_yuan="1200000"))
    assert resp.status_code == 200
    assert verdict(resp, "tech_sme", "stored") == "不符合"
    assert verdict(resp, "tech_sme", "whatif") == "符合"
    html = text(resp)
    assert 'data-testid="whatif-banner"' in html and "1,200,000.00" in html
    assert 'data-testid="changed-verdict"' in html  # the difference is highlighted
    after = EnterpriseAnnualReport.objects.get(pk=docs_a.pk)
    assert model_to_dict(after) == before and after.updated_at == updated_at
    assert ChangeRecord.objects.count() == changes_before


def test_applying_a_gap_makes_the_failing_tech_sme_pass(client, users, enterprise_a, docs_a):
    client.force_login(users["county_a_staff"])
    page = text(client.get(url(enterprise_a)))
    buttons = re.findall(r'name="apply_gap" value="([^"]+)"', page)
    assert buttons, "a gap with an apply button"
    import html as html_lib

    first = json.loads(html_lib.unescape(buttons[0]))
    assert first == {"rd_expense_yuan": "1200000.00"}
    resp = client.post(url(enterprise_a), form_data(docs_a) | {
        "apply_gap": html_lib.unescape(buttons[0])})
    assert verdict(resp, "tech_sme", "whatif") == "符合"
    assert 'value="1200000.00"' in text(resp)  # the form now holds the gap's figure
    assert EnterpriseAnnualReport.objects.get(pk=docs_a.pk).rd_expense_yuan == 1076600


def test_bad_input_is_refused_with_the_engines_chinese_message(client, users, enterprise_a,
                                                               docs_a):
    client.force_login(users["enterprise_a_user"])
    resp = client.post(url(enterprise_a), form_data(docs_a, employees="一百",
                                                    rd_expense_yuan="-5"))
    html = text(resp)
    assert "职工总数：“一百”不是有效的数字" in html
    assert "研发费用总额：不能为负数（-5）" in html
    # a person reads the Chinese label only, never the field key
    assert "（employees）" not in html and "（rd_expense_yuan）" not in html
    assert 'data-testid="whatif-banner"' not in html
    # the page brings the error into view with its static script (no inline JS: CSP)
    assert re.search(r'<script src="[^"]*assessment/whatif\.js">', html)


def test_figures_the_engine_refuses_land_on_the_field(client, users, enterprise_a, docs_a):
    client.force_login(users["enterprise_a_user"])
    resp = client.post(url(enterprise_a), form_data(docs_a, st_staff="150"))
    assert 'data-testid="error-st_staff"' in text(resp)
    assert "科技人员数（150）不能大于职工总数（100）" in text(resp)
    assert "（st_staff）" not in text(resp)  # form and rule panels: the label only


def test_each_gap_button_lands_on_the_rule_it_came_from(client, users, enterprise_a, docs_a):
    client.force_login(users["enterprise_a_user"])
    page = text(client.get(url(enterprise_a)))
    # split the page at each rule's outcome block; a button belongs to the block it is in
    parts = re.split(r'data-testid="outcome-(\w+)-(?:stored|whatif)"', page)
    seen = set()
    for rule, chunk in zip(parts[1::2], parts[2::2], strict=True):
        for action in re.findall(r'formaction="([^"]+)" name="apply_gap"', chunk):
            assert action == f"?year={docs_a.year}#rule-{rule}"
            seen.add(rule)
        assert f'id="rule-{rule}"' in page  # the anchor exists
    assert "tech_sme" in seen
    # the gap's figures are posted to that anchor and the what-if is shown there
    import html as html_lib

    button = re.search(r'formaction="\?year=\d+#rule-tech_sme" name="apply_gap" '
                       r'value="([^"]+)"', page)
    resp = client.post(url(enterprise_a, year=docs_a.year),
                       form_data(docs_a) | {"apply_gap": html_lib.unescape(button.group(1))})
    assert verdict(resp, "tech_sme", "whatif") == "符合"


def test_year_selector_and_unknown_year(client, users, enterprise_a, docs_a):
    make_report(enterprise_a, 2023)
    client.force_login(users["enterprise_a_user"])
    resp = client.get(url(enterprise_a))
    assert 'option value="2024" selected' in text(resp)  # latest report by default
    resp = client.get(url(enterprise_a, year=2023))
    assert "按 2023 年度报表测评" in text(resp)
    assert client.get(url(enterprise_a, year=1999)).status_code == 404


def test_no_report_yet(client, users, enterprise_a):
    client.force_login(users["enterprise_a_user"])
    resp = client.get(url(enterprise_a))
    assert resp.status_code == 200 and "还没有年度报表，无法自评" in text(resp)


def test_menu_entry_and_detail_button(client, users, enterprise_a, docs_a):
    client.force_login(users["enterprise_a_user"])
    home = client.get(reverse("assessment:home"))
    assert home.status_code == 302 and home["Location"] == url(enterprise_a)
    detail = text(client.get(reverse("orgs:enterprise_detail", args=[enterprise_a.pk])))
    assert 'data-testid="self-assessment-button"' in detail
    client.force_login(users["city_staff"])
    assert client.get(reverse("assessment:home"))["Location"] == reverse(
        "assessment:result_list")
    client.force_login(users["auditor"])
    assert client.get(reverse("assessment:home")).status_code == 403
