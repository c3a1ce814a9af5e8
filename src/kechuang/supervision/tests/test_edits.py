"""Milestone edits and removing a cooperating unit: audited, scoped, statuses re-derived.

Decisions: a milestone a progress update reached cannot be deleted (it is the item's history;
edit its content or date instead); one nobody reported on is deleted with a change record. A
cooperating unit leaves an item once it has answered the item's 督办 notices to it; the lead
unit is changed on the assignment page, never removed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import ConflictError, DomainError
from kechuang.policy import supervision as rule
from kechuang.supervision import selectors, services
from kechuang.supervision.models import Milestone, SupervisedItem
from kechuang.supervision.tests.conftest import pdf_file

pytestmark = pytest.mark.django_db


def _both(item, today):
    sql = selectors.with_status(SupervisedItem.objects.filter(pk=item.pk), today).get()
    python = selectors.status_of(SupervisedItem.objects.get(pk=item.pk), today)
    assert sql.derived_status == python
    return python


def test_moving_a_milestone_moves_late(item, users):
    first = item.milestones.order_by("due_date").first()  # 2025-03-31, no update
    day = dt.date(2025, 4, 1)
    assert _both(item, day) == rule.LATE
    services.edit_milestone(actor=users["city_staff"], milestone=first,
                            data={"due_date": dt.date(2025, 4, 1), "version": 1})
    assert _both(item, day) == rule.NOT_STARTED  # its own day: not yet missed
    assert _both(item, dt.date(2025, 4, 2)) == rule.LATE
    # moved earlier again: late from the day after the new date
    services.edit_milestone(actor=users["city_staff"], milestone=first,
                            data={"due_date": dt.date(2025, 3, 15), "title": "制定方案（提前）"})
    assert _both(item, dt.date(2025, 3, 15)) == rule.NOT_STARTED
    assert _both(item, dt.date(2025, 3, 16)) == rule.LATE
    first.refresh_from_db()
    assert first.title == "制定方案（提前）" and first.version == 3
    records = ChangeRecord.objects.filter(object_id=str(first.pk), content_type__model="milestone",
                                          action=ChangeRecord.Action.UPDATE)
    assert records.count() == 2 and all(r.reason == "修改进度节点" for r in records)


def test_milestone_edit_is_guarded(item, users):
    first = item.milestones.order_by("due_date").first()
    with pytest.raises(ConflictError):
        services.edit_milestone(actor=users["city_staff"], milestone=first,
                                data={"title": "x", "version": 7})
    with pytest.raises(PermissionDenied):
        services.edit_milestone(actor=users["county_a_staff"], milestone=first,
                                data={"title": "x"})
    with pytest.raises(ValidationError):
        services.edit_milestone(actor=users["city_staff"], milestone=first,
                                data={"title": ""})


def test_a_reached_milestone_is_not_deleted(item, users, units):
    first, second = item.milestones.order_by("due_date")
    services.file_update(actor=users["county_a_staff"], item=item, unit=units["a"],
                         text="方案已起草", reported_on=dt.date(2025, 3, 20), milestone=first,
                         files=[pdf_file()], today=dt.date(2025, 3, 20))
    with pytest.raises(DomainError, match="已有进展更新达成"):
        services.delete_milestone(actor=users["city_staff"], milestone=first)
    assert Milestone.objects.filter(pk=first.pk).exists()
    # the unreached second (2025-06-30) made the item late on 07-01; deleted, it no longer does
    assert _both(item, dt.date(2025, 7, 1)) == rule.LATE
    services.delete_milestone(actor=users["city_staff"], milestone=second)
    assert not Milestone.objects.filter(pk=second.pk).exists()
    assert _both(item, dt.date(2025, 7, 1)) == rule.IN_PROGRESS
    assert ChangeRecord.objects.filter(object_id=str(second.pk), content_type__model="milestone",
                                       action=ChangeRecord.Action.DELETE).exists()


def test_removing_a_cooperating_unit(item, task, users, units):
    with pytest.raises(DomainError, match="牵头单位不能移除"):
        services.remove_unit(actor=users["city_staff"], item=item, unit=units["a"])
    with pytest.raises(DomainError, match="不是本事项的配合单位"):
        services.remove_unit(actor=users["city_staff"], item=item, unit=units["department"])
    notice = services.issue_notice(actor=users["city_staff"], item=item, unit=units["division"],
                                   text="请报送进展", answer_due=dt.date(2025, 5, 1),
                                   issued_on=dt.date(2025, 4, 1))
    with pytest.raises(DomainError, match="未答复的督办通知"):
        services.remove_unit(actor=users["city_staff"], item=item, unit=units["division"])
    # re-assigning without it is refused the same way
    with pytest.raises(ValidationError):
        services.assign_task(actor=users["city_staff"], task=task, lead_unit=units["a"],
                             cooperating_units=[], due_date=dt.date(2025, 12, 31))
    services.answer_notice(actor=users["city_staff"], notice=notice, answer="已推进",
                           today=dt.date(2025, 4, 5))
    with pytest.raises(PermissionDenied):
        services.remove_unit(actor=users["county_a_staff"], item=item, unit=units["division"])
    services.remove_unit(actor=users["city_staff"], item=item, unit=units["division"],
                         reason="职责调整")
    item.refresh_from_db()
    assert list(item.cooperating_units.all()) == []
    assert list(item.units.all()) == [units["a"]]
    task.refresh_from_db()
    assert task.responsible_unit == "潞州区科技局"
    rec = ChangeRecord.objects.filter(object_id=str(item.pk), reason="职责调整").get()
    assert rec.before == {"cooperating_units": [units["division"].pk]}
    assert rec.after == {"cooperating_units": []}


def test_pages(client_for, users, units, item):
    first, _second = item.milestones.order_by("due_date")
    city = client_for(users["city_staff"])
    detail = city.get(reverse("supervision:item_detail", args=[item.pk])).content.decode()
    assert 'data-testid="milestone-edit"' in detail and 'data-testid="remove-unit"' in detail
    url = reverse("supervision:milestone_edit", args=[first.pk])
    assert city.get(url).status_code == 200
    resp = city.post(url, {"title": "制定方案", "due_date": "2025-04-15", "version": 1})
    assert resp.status_code == 302
    first.refresh_from_db()
    assert first.due_date == dt.date(2025, 4, 15)
    stale = city.post(url, {"title": "再改", "due_date": "2025-04-16", "version": 1})
    assert stale.status_code == 200 and "修改" in stale.content.decode()
    city.post(reverse("supervision:unit_remove", args=[item.pk, units["division"].pk]))
    assert not item.cooperating_units.exists()
    resp = city.post(reverse("supervision:milestone_delete", args=[first.pk]))
    assert resp.status_code == 302 and not Milestone.objects.filter(pk=first.pk).exists()
    county = client_for(users["county_a_staff"])
    assert county.get(reverse("supervision:milestone_edit", args=[_second.pk])
                      ).status_code == 403
