"""Attachments required by a call: upload checks, the submit rule (one message per problem,
nothing written), who may download (applicant, bureau in scope, assigned expert — on a blind
call only the anonymised copies, under a neutral name), the dossier."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kechuang.core.errors import DomainError
from kechuang.policy import rd_attachments
from kechuang.projects import services
from kechuang.projects.models import (
    ApplicationAttachment,
    Call,
    Draw,
    Recusal,
    ReviewAssignment,
)
from kechuang.projects.tests import fixtures as fx

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
REQUIRED = [{"name": "可行性研究报告", "types": ["pdf"], "blind_copy": True},
            {"name": "营业执照", "types": ["pdf", "jpg"]},
            {"name": "合作协议", "types": "PDF"}]


def upload(name, content=PDF):
    return SimpleUploadedFile(name, content)


@pytest.fixture
def call_with_files(db):
    return fx.call(required_attachments=REQUIRED)


@pytest.fixture
def draft(call_with_files, enterprise_a, users):
    return fx.application(call_with_files, enterprise_a, users["enterprise_a_user"])


def test_the_policy_reads_requirements_and_names_each_problem():
    reqs, problems = rd_attachments.parse_requirements(REQUIRED)
    assert not problems
    assert [r.types for r in reqs] == [("pdf",), ("pdf", "jpg"), ("pdf",)]
    assert reqs[1].allows("执照.JPEG") and not reqs[0].allows("报告.docx")
    assert reqs[1].types_label == "PDF/JPG"
    _, bad = rd_attachments.parse_requirements(
        [{"name": ""}, {"name": "a", "types": ["exe"]}, {"name": "b", "types": ["pdf"]},
         {"name": "b", "types": ["pdf"]}, "x"])
    assert bad == [("name", "1"), ("types", "a"), ("duplicate", "b"), ("shape", "5")]
    found = rd_attachments.attachment_problems(reqs, [
        rd_attachments.Uploaded("营业执照", "执照.png"),
        rd_attachments.Uploaded("合作协议", "协议.pdf")])
    assert [(k, r.name, f) for k, r, f in found] == [
        ("missing", "可行性研究报告", ""), ("type", "营业执照", "执照.png")]


def test_a_call_refuses_a_malformed_list(db):
    c = Call(programme=fx.programme(), year=2025, title="t", deadline=dt.date(2025, 9, 1),
             required_attachments=[{"name": "营业执照", "types": ["exe"]}])
    with pytest.raises(ValidationError) as exc:
        c.clean()
    assert "附件“营业执照”的文件类型须从" in str(exc.value)


def test_submit_names_every_missing_attachment_and_writes_nothing(draft, users):
    owner = users["enterprise_a_user"]
    services.upload_attachment(application=draft, actor=owner, requirement="营业执照",
                               upload=upload("执照.pdf"))
    with pytest.raises(ValidationError) as exc:
        services.submit_application(application=draft, actor=owner,
                                    as_of=dt.date(2025, 3, 1))
    assert exc.value.messages == ["缺少申报附件“可行性研究报告”（PDF）",
                                  "缺少申报附件“合作协议”（PDF）"]
    draft.refresh_from_db()
    assert draft.status == "draft"
    for name in ("可行性研究报告", "合作协议"):
        services.upload_attachment(application=draft, actor=owner, requirement=name,
                                   upload=upload(f"{name}.pdf"))
    services.submit_application(application=draft, actor=owner, as_of=dt.date(2025, 3, 1))
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_a_file_of_a_type_the_call_no_longer_allows_is_named_on_submit(draft, users):
    owner = users["enterprise_a_user"]
    for name in ("可行性研究报告", "合作协议"):
        services.upload_attachment(application=draft, actor=owner, requirement=name,
                                   upload=upload(f"{name}.pdf"))
    services.upload_attachment(application=draft, actor=owner, requirement="营业执照",
                               upload=upload("执照.jpg", JPG))
    call = draft.call
    call.required_attachments = [*REQUIRED[:1], {"name": "营业执照", "types": ["pdf"]},
                                 REQUIRED[2]]
    call.save()
    with pytest.raises(ValidationError) as exc:
        services.submit_application(application=draft, actor=owner, as_of=dt.date(2025, 3, 1))
    assert exc.value.messages == ["申报附件“营业执照”须为 PDF 格式，已上传的“执照.jpg”不符"]


def test_uploads_are_checked_and_a_new_file_replaces_the_old(draft, users):
    owner = users["enterprise_a_user"]
    with pytest.raises(ValidationError) as exc:
        services.upload_attachment(application=draft, actor=owner, requirement="可行性研究报告",
                                   upload=upload("报告.png", PNG))
    assert "只接受：pdf" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:  # renamed: content does not match
        services.upload_attachment(application=draft, actor=owner, requirement="营业执照",
                                   upload=upload("执照.jpg", PDF))
    assert "内容与扩展名 .jpg 不符" in exc.value.messages[0]
    with pytest.raises(DomainError):
        services.upload_attachment(application=draft, actor=owner, requirement="审计报告",
                                   upload=upload("a.pdf"))
    assert not ApplicationAttachment.objects.exists()
    first = services.upload_attachment(application=draft, actor=owner, requirement="营业执照",
                                       upload=upload("旧.pdf"))
    second = services.upload_attachment(application=draft, actor=owner, requirement="营业执照",
                                        upload=upload("新.jpg", JPG))
    assert list(draft.attachments.values_list("pk", flat=True)) == [second.pk]
    assert not ApplicationAttachment.objects.filter(pk=first.pk).exists()
    other = services.upload_attachment(application=draft, actor=owner, requirement="",
                                       upload=upload("补充.pdf"))
    services.delete_attachment(attachment=other, actor=owner)
    assert draft.attachments.count() == 1


def test_only_the_owner_of_a_draft_uploads(draft, users):
    with pytest.raises(Exception) as exc:
        services.upload_attachment(application=draft, actor=users["enterprise_b_user"],
                                   requirement="营业执照", upload=upload("x.pdf"))
    assert type(exc.value).__name__ in ("ScopeError", "PermissionDenied")
    draft.status = "submitted"
    draft.save()
    with pytest.raises(DomainError):
        services.upload_attachment(application=draft, actor=users["enterprise_a_user"],
                                   requirement="营业执照", upload=upload("x.pdf"))


def _assign(app, profile, user, staff):
    draw = Draw.objects.create(application=app, seed=1, rule_version="t", drawn_by=staff,
                               members=[profile.pk])
    return ReviewAssignment.objects.create(draw=draw, application=app, expert_profile=profile,
                                           reviewer=user, rank=1, status="accepted")


@pytest.mark.parametrize("blind", [False, True])
def test_downloads_are_scoped_and_a_blind_call_hides_identity(client, draft, users, blind):
    owner = users["enterprise_a_user"]
    report = services.upload_attachment(application=draft, actor=owner,
                                        requirement="可行性研究报告",
                                        upload=upload("长治甲科技-可研.pdf"))
    licence = services.upload_attachment(application=draft, actor=owner, requirement="营业执照",
                                         upload=upload("长治甲科技-执照.pdf"))
    draft.call.blind = blind
    draft.call.save()
    draft.status = "reviewing"
    draft.save()
    expert = users["expert"]
    profile = fx.expert("附件专家", user=expert)
    _assign(draft, profile, expert, users["city_staff"])

    def get(user, att):
        client.force_login(user)
        resp = client.get(reverse("projects:attachment_download", args=[att.pk]))
        resp.filename = unquote(resp.get("Content-Disposition", ""))
        return resp

    for who in ("enterprise_a_user", "city_staff", "county_a_staff"):
        resp = get(users[who], licence)
        assert resp.status_code == 200 and "长治甲科技-执照.pdf" in resp.filename
    for who in ("enterprise_b_user", "county_b_staff"):
        assert get(users[who], licence).status_code == 404
    resp = get(expert, report)
    assert resp.status_code == 200
    assert ("长治甲科技" in resp.filename) is not blind
    if blind:
        assert f"可行性研究报告-{draft.pk}.pdf" in resp.filename
    assert get(expert, licence).status_code == (404 if blind else 200)
    page = client.get(reverse("projects:application_detail", args=[draft.pk])).content.decode()
    assert ("长治甲科技-执照.pdf" in page) is not blind
    assert ("营业执照" in page) is not blind and "可行性研究报告" in page
    # recused: nothing at all
    Recusal.objects.create(application=draft, expert_profile=profile)
    assert get(expert, report).status_code == 404


def test_the_pages_upload_and_list(client, draft, users):
    client.force_login(users["enterprise_a_user"])
    url = reverse("projects:attachment_upload", args=[draft.pk])
    resp = client.post(url, {"requirement": "营业执照", "file": upload("执照.exe", b"MZ")},
                       follow=True)
    assert "只接受" in resp.content.decode()
    client.post(url, {"requirement": "营业执照", "file": upload("执照.pdf")})
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "执照.pdf" in page and "未上传" in page
    resp = client.post(reverse("projects:application_submit", args=[draft.pk]), follow=True)
    assert "缺少申报附件“可行性研究报告”（PDF）" in resp.content.decode()


def test_the_dossier_holds_the_application_attachments(client, draft, users):
    owner = users["enterprise_a_user"]
    services.upload_attachment(application=draft, actor=owner, requirement="营业执照",
                               upload=upload("执照.pdf"))
    project = fx.project(draft.lead, application=draft)
    client.force_login(users["city_staff"])
    resp = client.get(reverse("projects:project_dossier", args=[project.pk]))
    assert resp.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(resp.content)).namelist()
    assert any(n.startswith("申报附件/") and n.endswith("营业执照-执照.pdf") for n in names)
