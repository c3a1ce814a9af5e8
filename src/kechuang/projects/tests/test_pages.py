"""The bureau's pages for programmes, calls and experts, and the expert's own profile: the
line syntax of the call form, publish and the deadline-only rule, profile rows kept in step
with the import's 曾任职单位 text, the task lists' exports, every write audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import DomainError
from kechuang.projects import services
from kechuang.projects.forms import (
    CallForm,
    attachments_text,
    criteria_text,
    parse_attachments,
    parse_criteria,
)
from kechuang.projects.models import Call, Expert, FormerEmployment, Programme
from kechuang.projects.tests import fixtures as fx

pytestmark = pytest.mark.django_db


def _audited(obj) -> list[ChangeRecord]:
    return list(ChangeRecord.objects.filter(object_id=str(obj.pk),
                                            content_type__model=type(obj)._meta.model_name)
                .order_by("at", "pk"))


# ---- the call form's lines -------------------------------------------------------------------

def test_criteria_and_attachment_lines_parse_into_the_models_json():
    assert parse_criteria("创新性:30\n\n 可行性：40 \n团队:12.5") == [
        {"name": "创新性", "weight": 30}, {"name": "可行性", "weight": 40},
        {"name": "团队", "weight": 12.5}]
    assert parse_attachments("可行性研究报告:pdf:匿名\n营业执照：PDF，jpg") == [
        {"name": "可行性研究报告", "types": ["pdf"], "blind_copy": True},
        {"name": "营业执照", "types": ["pdf", "jpg"]}]
    # the English interface's help names ":anon"
    assert parse_attachments("Feasibility study:pdf:Anon") == [
        {"name": "Feasibility study", "types": ["pdf"], "blind_copy": True}]
    # round trip: the edit page prefills the lines from the JSON
    raw = [{"name": "可行性研究报告", "types": ["pdf"], "blind_copy": True},
           {"name": "营业执照", "types": ["pdf", "jpg"]}]
    assert parse_attachments(attachments_text(raw)) == raw
    crit = [{"name": "创新性", "weight": 30}, {"name": "可行性", "weight": 70}]
    assert parse_criteria(criteria_text(crit)) == crit


@pytest.mark.parametrize(("text", "message"), [
    ("创新性:30\n可行性", "第 2 行“可行性”格式不对"),
    ("创新性:0", "第 1 行“创新性:0”的权重须为正数"),
    ("创新性:高", "权重须为正数"),
    ("创新性:30\n创新性:20", "第 2 行：评审指标“创新性”重复"),
])
def test_a_bad_criteria_line_is_named(text, message):
    with pytest.raises(forms.ValidationError) as err:
        parse_criteria(text)
    assert message in " ".join(err.value.messages)


@pytest.mark.parametrize(("text", "message"), [
    ("营业执照", "第 1 行“营业执照”格式不对"),
    ("报告:pdf:公开", "格式不对"),
    ("报告:doc", "文件类型须从 pdf、docx"),
    ("报告:pdf\n报告:jpg", "第 2 行：附件“报告”重复"),
])
def test_a_bad_attachment_line_is_named(text, message):
    with pytest.raises(forms.ValidationError) as err:
        parse_attachments(text)
    assert message in " ".join(err.value.messages)


# ---- programmes --------------------------------------------------------------------------------

def test_city_staff_create_and_edit_a_programme_with_its_rules(client_for, users):
    client = client_for(users["city_staff"])
    resp = client.post(reverse("projects:programme_add"), {
        "name": "省基础研究联合资助", "level": "joint_basic_research", "share_province_pct": "40",
        "share_city_pct": "30", "share_enterprise_pct": "30", "cap_city_yuan": "300000",
        "cofund_ratio": "1"})
    assert resp.status_code == 302
    prog = Programme.objects.get(name="省基础研究联合资助")
    assert prog.shares() == {"province": Decimal(40), "city": Decimal(30),
                             "enterprise": Decimal(30)}
    assert prog.cap_city_yuan == Decimal(300000)
    page = client.get(reverse("projects:programme_list")).content.decode()
    assert "省基础研究联合资助" in page and "30.00" in page
    resp = client.post(reverse("projects:programme_edit", args=[prog.pk]), {
        "name": "省基础研究联合资助", "level": "joint_basic_research", "share_city_pct": "120"})
    assert resp.status_code == 200 and "120" in resp.content.decode()
    prog.refresh_from_db()
    assert prog.share_city_pct == Decimal(30)  # refused, nothing written
    client.post(reverse("projects:programme_edit", args=[prog.pk]), {
        "name": "省基础研究联合资助", "level": "joint_basic_research", "share_city_pct": "50",
        "share_province_pct": "50"})
    prog.refresh_from_db()
    assert prog.share_enterprise_pct is None and prog.cap_city_yuan is None
    assert [r.action for r in _audited(prog)] == ["create", "update"]


# ---- calls ---------------------------------------------------------------------------------------

def _call_post(prog, **extra):
    data = {"programme": prog.pk, "year": 2026, "title": "2026年重点研发计划指南",
            "directions": "人工智能技术应用\n半导体封装", "fields": "人工智能,半导体",
            "deadline": "2099-06-30", "pi_limit": 1,
            "criteria_lines": "创新性:40\n可行性:60",
            "attachment_lines": "可行性研究报告:pdf:匿名\n营业执照:pdf,jpg",
            "budget_criteria_lines": "", "budget_fields": "财务,会计,审计", "budget_weight": 0}
    return data | extra


def test_city_staff_create_edit_and_publish_a_call(client_for, users, enterprise_a):
    prog = fx.programme()
    client = client_for(users["city_staff"])
    resp = client.post(reverse("projects:call_add"), _call_post(prog))
    call = Call.objects.get(title="2026年重点研发计划指南")
    assert resp.status_code == 302 and resp["Location"] == call.get_absolute_url()
    assert not call.published
    assert call.criteria == [{"name": "创新性", "weight": 40}, {"name": "可行性", "weight": 60}]
    assert call.required_attachments == [
        {"name": "可行性研究报告", "types": ["pdf"], "blind_copy": True},
        {"name": "营业执照", "types": ["pdf", "jpg"]}]
    # an unpublished call is not the enterprise's to see
    ent = Client()
    ent.force_login(users["enterprise_a_user"])
    assert ent.get(call.get_absolute_url()).status_code == 404
    # the edit page prefills the lines from the JSON
    page = client.get(reverse("projects:call_edit", args=[call.pk])).content.decode()
    assert "可行性研究报告:pdf:匿名" in page and "创新性:40" in page
    # a bad line is named, in Chinese, and nothing is written
    resp = client.post(reverse("projects:call_edit", args=[call.pk]),
                       _call_post(prog, criteria_lines="创新性:40\n可行性"))
    assert "第 2 行“可行性”格式不对" in resp.content.decode()
    # budget weight without budget criteria: the model's clean refuses it on the form
    resp = client.post(reverse("projects:call_edit", args=[call.pk]),
                       _call_post(prog, budget_weight=20))
    assert "未设财务评审指标时财务评审权重须为 0" in resp.content.decode()
    client.post(reverse("projects:call_edit", args=[call.pk]), _call_post(
        prog, budget_criteria_lines="预算合理性:60\n经费匹配:40", budget_weight=20))
    call.refresh_from_db()
    assert call.budget_criteria[0] == {"name": "预算合理性", "weight": 60}
    assert call.budget_weight == 20
    client.post(reverse("projects:call_publish", args=[call.pk]))
    call.refresh_from_db()
    assert call.published
    assert ent.get(call.get_absolute_url()).status_code == 200
    assert "2026年重点研发计划指南" in ent.get(reverse("projects:call_list")).content.decode()
    assert [r.reason for r in _audited(call)][-1] == "发布申报指南"


def test_a_published_call_only_extends_its_deadline(client_for, users):
    prog = fx.programme()
    staff = users["city_staff"]
    call = fx.call(prog=prog, deadline=dt.date(2099, 6, 30))
    with pytest.raises(DomainError, match="只能延长申报截止日期"):
        services.save_call(actor=staff, call=call, data={"title": "改名", "deadline":
                                                        dt.date(2099, 6, 30)})
    with pytest.raises(DomainError, match="不早于 2099-06-30"):
        services.save_call(actor=staff, call=call, data={"deadline": dt.date(2099, 1, 1)})
    # the page: every other field disabled, so a tampered POST changes nothing else
    client = client_for(staff)
    form = CallForm(instance=call)
    assert all(f.disabled for n, f in form.fields.items() if n != "deadline")
    client.post(reverse("projects:call_edit", args=[call.pk]),
                _call_post(prog, title="篡改", deadline="2099-09-30"))
    call.refresh_from_db()
    assert call.deadline == dt.date(2099, 9, 30) and call.title != "篡改"
    assert _audited(call)[-1].reason == "延长申报截止日期"
    with pytest.raises(DomainError, match="已发布"):
        services.publish_call(call=call, actor=staff)


def test_publish_refuses_a_past_deadline_or_no_criteria(users):
    staff = users["city_staff"]
    call = fx.call(published=False, deadline=dt.date(2020, 1, 1))
    with pytest.raises(DomainError, match="截止日期已过"):
        services.publish_call(call=call, actor=staff, as_of=dt.date(2025, 1, 1))
    call = fx.call(published=False, criteria=[], title="无指标")
    with pytest.raises(DomainError, match="评审指标"):
        services.publish_call(call=call, actor=staff)


def test_county_staff_and_enterprises_cannot_write_calls_or_programmes(client_for, users,
                                                                       rd_call):
    for role in ("county_a_staff", "enterprise_a_user"):
        client = client_for(users[role])
        assert client.get(reverse("projects:call_add")).status_code == 403
        assert client.post(reverse("projects:call_publish", args=[rd_call.pk])
                           ).status_code == 403
        assert client.get(reverse("projects:programme_list")).status_code == 403


# ---- experts ------------------------------------------------------------------------------------

def _formset(prefix, rows, extra=0, initial=0):
    """A formset's POST as the page sends it (``initial``: the rows it prefilled)."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows) + extra),
            f"{prefix}-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        data |= {f"{prefix}-{i}-{k}": v for k, v in row.items()}
    return data


def test_city_staff_create_an_expert_with_former_employers(client_for, users, enterprise_a,
                                                           enterprise_b):
    client = client_for(users["city_staff"])
    assert client.get(reverse("projects:expert_add")).status_code == 200
    data = {"name": "新专家", "title": "senior", "organisation": enterprise_a.pk,
            "fields": "人工智能,半导体", "available": "on", "user": users["expert"].pk,
            **_formset("former", [{"organisation": enterprise_b.pk, "from_year": "2015",
                                   "to_year": "2019"}], extra=1),
            **_formset("relations", [{"person": "李四", "note": "同学"}]),
            **_formset("declarations", [])}
    resp = client.post(reverse("projects:expert_add"), data)
    expert = Expert.objects.get(name="新专家")
    assert resp.status_code == 302
    assert expert.user == users["expert"] and expert.title == "senior"
    row = expert.former_employments.get()
    assert (row.organisation, row.started, row.ended) == (
        enterprise_b, dt.date(2015, 1, 1), dt.date(2019, 12, 31))
    # the import's canonical cell, so re-importing the export changes nothing
    assert expert.former_employers_text == f"{enterprise_b.name}:2015-2019"
    assert expert.former_employers_text == expert.former_employers_cell()
    assert expert.relations.get().person == "李四"
    # a half-filled period is refused with a Chinese message, nothing written
    data["name"] = "另一位"
    data["former-0-to_year"] = ""
    resp = client.post(reverse("projects:expert_add"), data)
    assert "起止年份须同时填写" in resp.content.decode()
    assert not Expert.objects.filter(name="另一位").exists()


def test_an_expert_edits_their_own_profile_only(client_for, users, enterprise_a, enterprise_b,
                                                rd_call):
    mine = fx.expert("我", user=users["expert"], org=enterprise_a)
    other = fx.expert("别人", org=enterprise_a)
    # an imported former employer with months keeps them when the page saves the same years
    FormerEmployment.objects.create(expert_profile=mine, organisation=enterprise_b,
                                    started=dt.date(2015, 3, 1), ended=dt.date(2019, 6, 30))
    mine.former_employers_text = mine.former_employers_cell()
    mine.save()
    app = fx.application(rd_call, enterprise_b, users["enterprise_b_user"], status="reviewing")
    client = client_for(users["expert"])
    resp = client.get(reverse("projects:expert_me"))
    assert resp["Location"] == reverse("projects:expert_edit", args=[mine.pk])
    assert client.get(reverse("projects:expert_edit", args=[other.pk])).status_code == 404
    page = client.get(reverse("projects:expert_edit", args=[mine.pk])).content.decode()
    assert 'name="name"' not in page and 'name="organisation"' not in page
    data = {"title": "associate", "fields": "半导体", "name": "改名",
            **_formset("former", [{"organisation": enterprise_b.pk, "from_year": "2015",
                                   "to_year": "2019"}], initial=1),
            **_formset("relations", [{"organisation": enterprise_b.pk, "note": "亲属任职"}]),
            **_formset("declarations", [])}
    resp = client.post(reverse("projects:expert_edit", args=[mine.pk]), data)
    assert resp.status_code == 302
    mine.refresh_from_db()
    assert (mine.title, mine.fields, mine.available, mine.name) == (
        "associate", "半导体", False, "我")
    row = mine.former_employments.get()
    assert (row.started, row.ended) == (dt.date(2015, 3, 1), dt.date(2019, 6, 30))
    assert mine.former_employers_text == f"{enterprise_b.name}:2015.03-2019.06"
    assert mine.relations.get().organisation == enterprise_b
    # the expert cannot declare on an application not assigned to them (not among the
    # choices), and the service refuses it too
    with pytest.raises(Exception):  # noqa: B017 - ScopeError
        services.save_expert_profile(actor=users["expert"], expert=mine, data={},
                                     declarations=[{"application": app, "note": "x"}])
    # removing the row: the text follows
    data |= {"former-0-DELETE": "on"}
    client.post(reverse("projects:expert_edit", args=[mine.pk]), data)
    mine.refresh_from_db()
    assert not mine.former_employments.exists() and mine.former_employers_text == ""
    assert len(_audited(mine)) >= 3
    # a declaration the bureau recorded on an application the expert does not read stays
    # choosable on their page, and saving the page keeps it
    services.save_expert_profile(actor=users["city_staff"], expert=mine, data={},
                                 declarations=[{"application": app, "note": "工作人员登记"}])
    mine = Expert.objects.get(pk=mine.pk)
    data = {"title": "associate", "fields": "半导体", **_formset("former", []),
            **_formset("relations", []),
            **_formset("declarations", [{"application": app.pk, "note": "工作人员登记"}],
                       initial=1)}
    resp = client.post(reverse("projects:expert_edit", args=[mine.pk]), data)
    assert resp.status_code == 302 and mine.declarations.get().application == app
    # the bureau's menu has no 我的专家信息; the expert's page is 403 for the bureau
    assert client_for(users["city_staff"]).get(reverse("projects:expert_me")).status_code == 403


def test_staff_record_a_declaration_and_the_next_draw_recuses(client_for, users, rd_call,
                                                              enterprise_b):
    app = fx.application(rd_call, enterprise_b, users["enterprise_b_user"], status="checked")
    expert = fx.expert("申明专家")
    services.save_expert_profile(actor=users["city_staff"], expert=expert, data={},
                                 declarations=[{"application": app, "note": "曾参与该项目"}])
    assert expert.declarations.get().application == app
    found = services.conflicts_of(expert, app, as_of=dt.date(2025, 6, 1))
    assert found and any("曾参与该项目" in c.evidence for c in found)
    with pytest.raises(DomainError, match="只需申明一次"):
        services.save_expert_profile(actor=users["city_staff"], expert=expert, data={},
                                     declarations=[{"application": app, "note": "a"},
                                                   {"application": app, "note": "b"}])


# ---- the task lists' exports -------------------------------------------------------------------

def test_task_lists_offer_an_export_to_the_bureau(client_for, users):
    client = client_for(users["city_staff"])
    for name in ("assignment", "acceptance_task"):
        page = client.get(reverse(f"projects:{name}_list")).content.decode()
        assert reverse(f"projects:{name}_export") in page
        assert client.post(reverse(f"projects:{name}_export")).status_code == 302
    expert = Client()
    expert.force_login(users["expert"])
    assert reverse("projects:assignment_export") not in expert.get(
        reverse("projects:assignment_list")).content.decode()
    assert expert.post(reverse("projects:assignment_export")).status_code == 403


def test_the_profile_page_reads_in_a_fixed_number_of_queries(client_for, users, enterprise_a,
                                                             enterprise_b,
                                                             django_assert_max_num_queries):
    expert = fx.expert("多行专家", org=enterprise_a)
    FormerEmployment.objects.create(expert_profile=expert, organisation=enterprise_b)
    client = client_for(users["city_staff"])
    url = reverse("projects:expert_edit", args=[expert.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for year in range(2000, 2010):
        FormerEmployment.objects.create(expert_profile=expert, organisation=enterprise_b,
                                        started=dt.date(year, 1, 1), ended=dt.date(year, 12, 31))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('name="former-') > 11 * 3
