"""Plan text → reviewed draft → Plan: the import page end to end, and ``manage.py plan``."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from kechuang.audit.models import ChangeRecord
from kechuang.planextract import extract_plan, to_yaml
from kechuang.plans import services
from kechuang.plans.drafts import draft_from_text
from kechuang.plans.models import Action, Indicator, Plan

DATA = Path(__file__).resolve().parents[2] / "planextract" / "tests" / "data"
SAMPLE = DATA / "sample-plan-2026.txt"
EXPECTED = DATA / "sample-plan-2026.expected.yaml"


@pytest.fixture(scope="module")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def _targets(doc: dict) -> list:
    return [(a["number"], a["name"], [(t["text"], Decimal(str(t["value"]))
                                       if t["value"] is not None else None, t["unit"],
                                       t["comparison"]) for t in a["targets"]])
            for a in doc["actions"]]


# ---- CLI ------------------------------------------------------------------------------------


def test_cli_prints_the_same_yaml_as_planextract(capsys):
    call_command("plan", "extract", str(SAMPLE))
    out = capsys.readouterr().out
    assert out == to_yaml(extract_plan(SAMPLE.read_text(encoding="utf-8")))
    expected = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    assert _targets(yaml.safe_load(out)) == _targets(expected)


def test_cli_reads_gb18030(tmp_path, capsys, sample_text):
    path = tmp_path / "plan-gbk.txt"
    path.write_bytes(sample_text.encode("gb18030"))
    call_command("plan", "extract", str(path))
    assert "企业创新能力提升行动" in capsys.readouterr().out


def test_cli_missing_file(tmp_path):
    with pytest.raises(CommandError, match="nope.txt"):
        call_command("plan", "extract", str(tmp_path / "nope.txt"))


# ---- the draft ------------------------------------------------------------------------------


def test_draft_maps_targets_onto_indicators(sample_text):
    draft = draft_from_text(sample_text, region_name="长治市")
    assert (draft["title"], draft["year"]) == ("长治市2026年科技工作要点", 2026)
    expected = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    assert [(a["number"], a["name"]) for a in draft["actions"]] == [
        (a["number"], a["name"]) for a in expected["actions"]]
    first = draft["actions"][0]["indicators"][0]
    assert first == {"key": "a1_t1", "name": "新认定高新技术企业120家以上", "unit": "家",
                     "target": "120", "comparison": ">=", "direction": "", "scope": "city",
                     "source": "reported", "metric": "", "note": ""}
    coverage = draft["actions"][5]["indicators"][-1]
    assert coverage["target"] is None and coverage["direction"] == "increase"


# ---- the import page ------------------------------------------------------------------------


def _review_post(body_draft: dict, token: str, **overrides) -> dict:
    """The review form as a browser submits it, from the draft shown."""
    post = {"step": "save", "plan-token": token, "plan-title": body_draft["title"],
            "plan-year": str(body_draft["year"]), "plan-aim": ""}
    rows = [(a["number"], ind) for a in body_draft["actions"] for ind in a["indicators"]]
    for a in body_draft["actions"]:
        post[f"plan-action_{a['number']}"] = a["name"]
    post.update({"ind-TOTAL_FORMS": str(len(rows)), "ind-INITIAL_FORMS": str(len(rows)),
                 "ind-MIN_NUM_FORMS": "0", "ind-MAX_NUM_FORMS": "1000"})
    for i, (number, ind) in enumerate(rows):
        post[f"ind-{i}-include"] = "on"
        post[f"ind-{i}-action"] = str(number)
        for field in ("key", "name", "unit", "comparison", "direction", "scope", "source",
                      "metric", "note"):
            post[f"ind-{i}-{field}"] = ind[field]
        post[f"ind-{i}-target"] = ind["target"] or ""
    post.update(overrides)
    return post


def _extract(client, text: str):
    resp = client.post("/plan/import/", {"step": "extract", "text": text})
    assert resp.status_code == 200
    ctx = resp.context
    return resp, ctx["draft"], ctx["head"]["token"].value()


@pytest.mark.django_db
@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_import_page_end_to_end(users, client_for, regions, sample_text, script):
    text = sample_text
    if script == "traditional":
        opencc = pytest.importorskip("opencc")
        text = opencc.OpenCC("s2t").convert(sample_text)
        assert text != sample_text
    client = client_for(users["city_staff"])
    assert client.get("/plan/import/").status_code == 200
    resp, draft, token = _extract(client, text)
    body = resp.content.decode()
    assert body.count('data-testid="draft-action"') == 6
    assert body.count('data-testid="draft-indicator"') == 21
    assert "新认定高新技术企业120家以上" in body
    assert not Plan.objects.exists()  # reviewing saves nothing

    post = _review_post(draft, token, **{"ind-0-key": "high_tech_new", "ind-1-include": ""})
    resp = client.post("/plan/import/", post)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    plan = Plan.objects.get()
    assert (plan.year, plan.title, plan.region.code) == (2026, "长治市2026年科技工作要点",
                                                         "140400")
    assert plan.source_text == text
    assert list(plan.actions.values_list("name", flat=True)) == [
        a["name"] for a in yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))["actions"]]
    assert Indicator.objects.filter(action__plan=plan).count() == 20  # one row unticked
    ht = Indicator.objects.get(key="high_tech_new")
    assert (ht.target, ht.unit, ht.comparison) == (Decimal(120), "家", ">=")
    assert not Indicator.objects.filter(name="科技型中小企业入库突破450家").exists()
    turnover = Indicator.objects.get(name="全年技术合同成交额达到12.5亿元")
    assert (turnover.target, turnover.unit) == (Decimal("12.5"), "亿元")
    assert ChangeRecord.objects.filter(action="create").count() == 1 + 6 + 20


@pytest.mark.django_db
def test_import_upload_gb18030_file(users, client_for, regions, sample_text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users["city_admin"])
    upload = SimpleUploadedFile("plan.txt", sample_text.encode("gb18030"), "text/plain")
    resp = client.post("/plan/import/", {"step": "extract", "file": upload})
    assert resp.status_code == 200
    assert resp.context["draft"]["actions"][0]["name"] == "企业创新能力提升行动"


@pytest.mark.django_db
def test_import_refuses_a_binary_file_named_txt(users, client_for, regions):
    """A Word file renamed .txt is not decoded as GB18030 nonsense: a readable form error."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users["city_admin"])
    # zip header bytes that happen to be valid UTF-8, then a heading: decodable, but binary
    binary = b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + "一、企业创新能力提升行动\n".encode()
    upload = SimpleUploadedFile("plan.txt", binary, "text/plain")
    resp = client.post("/plan/import/", {"step": "extract", "file": upload})
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "无法识别文件编码" in page and "系统错误" not in page


@pytest.mark.django_db
def test_import_refuses_an_existing_year_and_writes_nothing(users, client_for, regions,
                                                           sample_text):
    client = client_for(users["city_staff"])
    _, draft, token = _extract(client, sample_text)
    client.post("/plan/import/", _review_post(draft, token))
    counts = (Plan.objects.count(), Action.objects.count(), ChangeRecord.objects.count())
    resp = client.post("/plan/import/", _review_post(draft, token))
    assert resp.status_code == 200
    assert "长治市2026年度的工作要点已存在" in resp.content.decode()
    assert (Plan.objects.count(), Action.objects.count(),
            ChangeRecord.objects.count()) == counts


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "error"), [
    ({"ind-1-key": "a1_t1"}, "指标代码重复"),
    ({"ind-2-key": "不是代码"}, "有效“字段”"),
    ({"ind-3-target": "", "ind-3-direction": ""}, "目标值、方向至少填写一项"),
    ({"plan-year": ""}, "data-testid=\"error-year\""),
])
def test_import_row_errors_are_shown_and_nothing_is_saved(users, client_for, regions,
                                                          sample_text, overrides, error):
    client = client_for(users["city_staff"])
    _, draft, token = _extract(client, sample_text)
    resp = client.post("/plan/import/", _review_post(draft, token, **overrides))
    assert resp.status_code == 200
    assert error in resp.content.decode()
    assert not Plan.objects.exists() and not ChangeRecord.objects.exists()


@pytest.mark.django_db
def test_import_refuses_a_forged_draft(users, client_for, regions, sample_text):
    client = client_for(users["city_staff"])
    _, draft, token = _extract(client, sample_text)
    resp = client.post("/plan/import/", _review_post(draft, token + "x"))
    assert "导入草稿已失效" in resp.content.decode()
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_import_service_is_one_transaction(users, regions):
    draft = {"title": "T", "year": 2027, "aim": "", "actions": [
        {"number": 1, "name": "甲行动", "indicators": [
            {"key": "ok", "name": "好", "target": Decimal(1)},
            {"key": "bad", "name": "无目标"}]}]}  # no target, direction or reference
    with pytest.raises(Exception, match="无目标"):
        services.import_plan(region=regions["140400"], draft=draft, source_text="x",
                             actor=users["city_staff"])
    assert not Plan.objects.exists() and not ChangeRecord.objects.exists()


@pytest.mark.django_db
def test_import_text_needs_action_headings(users, client_for, regions):
    resp = client_for(users["city_staff"]).post("/plan/import/", {
        "step": "extract", "text": "全年新认定高新技术企业120家以上。"})
    assert "没有找到" in resp.content.decode()
