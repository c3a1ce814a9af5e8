"""Import of the existing registries: talents and achievements counted, re-import idempotent,
an unknown organisation is a row error, the name never in the audit trail in clear."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.audit.models import ChangeRecord
from kechuang.cooperation.imports import ACHIEVEMENT_SPEC, TALENT_SPEC
from kechuang.cooperation.models import Achievement, Talent
from kechuang.imports.tests.helpers import workbook

D = dt.date
pytestmark = pytest.mark.django_db


def _book(spec, rows):
    headers = [str(c.label) for c in spec.columns]
    fields = [c.field for c in spec.columns]
    return workbook(headers, [[r.get(f) for f in fields] for r in rows])


def test_talents_import_and_reimport(client_for, users, enterprise_a, enterprise_b, do_upload,
                                     do_commit):
    client = client_for(users["city_staff"])
    rows = [{"host_code": enterprise_a.credit_code, "name": "慕容复", "started_on": D(2025, 3, 1),
             "category": "科技领军人才", "mode": "柔性引才·兼职", "field": "材料"},
            {"host_code": enterprise_b.credit_code, "name": "青年甲", "started_on": D(2025, 4, 1),
             "category": "青年科技人才", "mode": "全职引进", "field": "化工",
             "id_number": "140402199001011234"}]
    content = _book(TALENT_SPEC, rows)
    run = do_commit(client, do_upload(client, content, "cooperation.talent", "人才.xlsx"))
    assert run.status == "committed", (run.errors, run.message)
    assert Talent.objects.count() == 2
    again = do_commit(client, do_upload(client, content, "cooperation.talent", "人才.xlsx"))
    assert again.status == "committed" and Talent.objects.count() == 2
    trail = " ".join(str(r.after) + r.object_repr for r in ChangeRecord.objects.filter(
        content_type__model="talent"))
    assert "慕容复" not in trail and "140402199001011234" not in trail


def test_achievements_import_with_an_unknown_receiver(client_for, users, enterprise_a,
                                                      do_upload, do_commit):
    client = client_for(users["city_staff"])
    good = {"receiver_code": enterprise_a.credit_code, "title": "成果一",
            "transferred_on": D(2025, 5, 1), "source": "山西大学", "mode": "许可",
            "amount_yuan": Decimal("300000")}
    bad = dict(good, receiver_code="91140400MA0XXXXXX0", title="成果二")
    run = do_commit(client, do_upload(client, _book(ACHIEVEMENT_SPEC, [good, bad]),
                                      "cooperation.achievement", "成果.xlsx"))
    assert run.status != "committed" and Achievement.objects.count() == 0
    run = do_commit(client, do_upload(client, _book(ACHIEVEMENT_SPEC, [good]),
                                      "cooperation.achievement", "成果.xlsx"))
    assert run.status == "committed", (run.errors, run.message)
    assert Achievement.objects.get().amount_yuan == Decimal("300000")


def test_projects_import_with_local_partners(client_for, users, enterprise_a, enterprise_a2,
                                             county_a, do_upload, do_commit):
    from kechuang.cooperation.imports import PROJECT_SPEC
    from kechuang.cooperation.models import CooperationProject

    client = client_for(users["city_staff"])
    row = {"name": "山西大学长治成果转化中心", "kind": "成果转化中心", "partner_name": "山西大学",
           "partner_codes": f"{enterprise_a.credit_code}、{enterprise_a2.credit_code}",
           "county_name": county_a.name, "agreement_on": D(2025, 5, 20), "provincial": "否",
           "status": "建设中"}
    content = _book(PROJECT_SPEC, [row])
    run = do_commit(client, do_upload(client, content, "cooperation.project", "项目.xlsx"))
    assert run.status == "committed", (run.errors, run.message)
    p = CooperationProject.objects.get()
    assert set(p.local_partners.all()) == {enterprise_a, enterprise_a2}
    trail = ChangeRecord.objects.filter(content_type__model="cooperationproject")
    assert any((r.after or {}).get("local_partners") for r in trail)
    again = do_commit(client, do_upload(client, content, "cooperation.project", "项目.xlsx"))
    assert again.status == "committed" and CooperationProject.objects.count() == 1
    row["partner_codes"] = enterprise_a.credit_code  # partners change on the project page
    run = do_commit(client, do_upload(client, _book(PROJECT_SPEC, [row]),
                                      "cooperation.project", "项目.xlsx"))
    assert run.status != "committed"
    assert p.local_partners.count() == 2
