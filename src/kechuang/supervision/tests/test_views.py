"""Supervision pages: the board, assignment by form, a county clerk's update with evidence,
a 督办 notice issued and answered, the measure and unit forms, flat lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kechuang.core.tests.listqueries import assert_flat
from kechuang.supervision import services
from kechuang.supervision.models import (
    ReformMeasure,
    ResponsibleUnit,
    SupervisedItem,
    SupervisionNotice,
)
from kechuang.supervision.tests.conftest import pdf_file

pytestmark = pytest.mark.django_db


def test_board_assign_update_notice_answer(client_for, users, units, plan, task):
    city = client_for(users["city_staff"])
    html = city.get(reverse("supervision:board")).content.decode()
    assert 'data-testid="action-board"' in html and f'data-testid="assign-{task.pk}"' in html
    resp = city.post(reverse("supervision:task_assign", args=[task.pk]), {
        "lead_unit": units["a"].pk, "cooperating_units": [units["division"].pk],
        "due_date": "2025-12-31", "milestones": "2025-03-31 制定方案\n2025-06-30 印发实施"})
    item = SupervisedItem.objects.get(task=task)
    assert resp.status_code == 302 and resp["Location"] == item.get_absolute_url()
    assert item.milestones.count() == 2
    bad = city.post(reverse("supervision:task_assign", args=[task.pk]), {
        "lead_unit": units["a"].pk, "milestones": "6月底 印发"})
    assert bad.status_code == 200 and "日期须写成" in bad.content.decode()

    clerk = client_for(users["county_a_staff"])
    page = clerk.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="update-form"' in page and 'data-testid="notice-form"' not in page
    resp = clerk.post(reverse("supervision:update_add", args=[item.pk]), {
        "unit": units["a"].pk, "reported_on": "2025-03-20", "text": "方案已起草",
        "milestone": item.milestones.order_by("due_date").first().pk,
        "files": [pdf_file()]})
    assert resp.status_code == 302
    page = clerk.get(item.get_absolute_url()).content.decode()
    assert "方案已起草" in page and 'data-testid="evidence"' in page
    ev = item.updates.get().evidence.get()
    assert clerk.get(ev.get_absolute_url()).status_code == 200
    assert client_for(users["county_b_staff"]).get(ev.get_absolute_url()).status_code == 404

    city = client_for(users["city_staff"])
    resp = city.post(reverse("supervision:notice_add", args=[item.pk]), {
        "unit": units["a"].pk, "text": "请说明", "answer_due": "2030-01-01"})
    notice = SupervisionNotice.objects.get()
    assert resp["Location"] == notice.get_absolute_url()
    clerk = client_for(users["county_a_staff"])
    assert 'data-testid="answer-form"' in clerk.get(notice.get_absolute_url()).content.decode()
    clerk.post(reverse("supervision:notice_answer", args=[notice.pk]), {"answer": "已推进"})
    notice.refresh_from_db()
    assert notice.answer == "已推进" and notice.answered_by == users["county_a_staff"]


def test_measure_and_unit_forms(client_for, users, units, plan):
    city = client_for(users["city_admin"])
    resp = city.post(reverse("supervision:measure_add") + "?year=2025", {
        "number": 3, "title": "推行揭榜挂帅", "area": "supply", "mechanism": "projects",
        "lead_unit": units["division"].pk, "cooperating_units": [units["department"].pk],
        "due_date": "2025-10-31", "milestones": "", "outputs": "《办法》"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    m = ReformMeasure.objects.get(number=3)
    assert m.plan == plan and set(m.item.units.all()) == {units["division"],
                                                            units["department"]}
    resp = city.post(reverse("supervision:unit_add"), {
        "name": "长子县科技局", "kind": "county_bureau", "sort_order": 5,
        "members": [users["county_a_staff"].pk]})
    assert resp.status_code == 200  # no county chosen; a county-A clerk cannot join it
    assert not ResponsibleUnit.objects.filter(name="长子县科技局").exists()
    resp = city.post(reverse("supervision:unit_add"), {
        "name": "市科协", "kind": "department", "sort_order": 5,
        "members": [users["county_a_staff"].pk]})
    assert "市局账号" in resp.content.decode()


def test_lists_are_flat(client_for, users, units, plan):
    tasks = [t for a in plan.actions.order_by("number") for t in a.tasks.all()]
    assert len(tasks) >= 24
    used = iter(tasks)

    def add(start, n):
        for _i in range(n):
            it = services.assign_task(actor=users["city_staff"], task=next(used),
                                      lead_unit=units["a"], cooperating_units=[units["b"]],
                                      milestones=[("节点", dt.date(2025, 6, 30))])
            services.issue_notice(actor=users["city_staff"], item=it, unit=units["a"],
                                  text="督办", answer_due=dt.date(2025, 7, 1),
                                  issued_on=dt.date(2025, 6, 1))

    client = client_for(users["city_staff"])
    assert_flat(client, reverse("supervision:item_list"), "item-row", add, few=2, many=12)
    assert_flat(client, reverse("supervision:notice_list") + f"?unit={units['a'].pk}",
                "notice-row", lambda s, n: add(0, n) if s else None, few=12, many=24)
    assert_flat(client, reverse("supervision:unit_board", args=[units["a"].pk]), "item-row",
                lambda s, n: add(0, n) if s else None, few=24, many=26)
