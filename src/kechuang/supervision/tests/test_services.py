"""Supervision services: assignment, updates with evidence, derived status in SQL and by the
pure rule at boundary dates, 督办 notices, scopes and the daily warnings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import DomainError, ScopeError
from kechuang.notices.models import Notice
from kechuang.policy import supervision as rule
from kechuang.supervision import selectors, services
from kechuang.supervision.models import ProgressUpdate, SupervisedItem, SupervisionNotice
from kechuang.supervision.tests.conftest import pdf_file

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def _both(item, today):
    sql = selectors.with_status(SupervisedItem.objects.filter(pk=item.pk), today).get()
    python = selectors.status_of(SupervisedItem.objects.get(pk=item.pk), today)
    assert sql.derived_status == python
    return python


def test_assignment_fills_the_task_and_is_audited(item, task, units):
    task.refresh_from_db()
    assert task.responsible_unit == "潞州区科技局、成果转化科"
    assert task.due_date == dt.date(2025, 12, 31)
    assert set(item.units.all()) == {units["a"], units["division"]}
    assert ChangeRecord.objects.filter(object_id=str(item.pk)).exists()


def test_status_at_boundary_dates_sql_equals_rule(item, users, units):
    first, second = item.milestones.order_by("due_date")
    assert _both(item, dt.date(2025, 3, 1)) == rule.NOT_STARTED
    assert _both(item, dt.date(2025, 3, 31)) == rule.NOT_STARTED  # the milestone's own day
    assert _both(item, dt.date(2025, 4, 1)) == rule.LATE  # passed without an update
    services.file_update(actor=users["county_a_staff"], item=item, unit=units["a"],
                         text="方案已起草", reported_on=dt.date(2025, 3, 20), milestone=first,
                         files=[pdf_file()], today=dt.date(2025, 3, 20))
    assert _both(item, dt.date(2025, 3, 19)) == rule.NOT_STARTED
    assert _both(item, dt.date(2025, 3, 20)) == rule.IN_PROGRESS
    assert _both(item, dt.date(2025, 4, 1)) == rule.IN_PROGRESS
    assert _both(item, dt.date(2025, 6, 30)) == rule.IN_PROGRESS
    assert _both(item, dt.date(2025, 7, 1)) == rule.LATE  # second milestone missed
    services.file_update(actor=users["county_a_staff"], item=item, unit=units["a"],
                         text="已印发", reported_on=dt.date(2025, 7, 5), milestone=second,
                         completes=True, files=[pdf_file("通知.pdf")], today=dt.date(2025, 7, 5))
    assert _both(item, dt.date(2025, 7, 4)) == rule.LATE
    assert _both(item, dt.date(2025, 7, 5)) == rule.DONE
    assert _both(item, dt.date(2026, 1, 5)) == rule.DONE  # past the deadline, but done


def test_deadline_passing_makes_late(item):
    assert _both(item, dt.date(2025, 12, 31)) == rule.LATE  # milestones missed already
    item.milestones.all().delete()
    assert _both(item, dt.date(2025, 12, 31)) == rule.NOT_STARTED
    assert _both(item, dt.date(2026, 1, 1)) == rule.LATE


def test_completion_needs_evidence_and_a_unit_of_the_item(item, users, units):
    with pytest.raises(ValidationError):
        services.file_update(actor=users["county_a_staff"], item=item, unit=units["a"],
                             text="完成", completes=True)
    with pytest.raises(ValidationError):
        services.file_update(actor=users["city_staff"], item=item, unit=units["department"],
                             text="进展")
    # county B's clerk sees neither the item nor may act for county A's bureau
    with pytest.raises(ScopeError):
        services.file_update(actor=users["county_b_staff"], item=item, unit=units["a"],
                             text="进展")
    # county A's clerk cannot file as the city division
    with pytest.raises(ScopeError):
        services.file_update(actor=users["county_a_staff"], item=item, unit=units["division"],
                             text="进展")
    with pytest.raises(PermissionDenied):
        services.file_update(actor=users["enterprise_a_user"], item=item, unit=units["a"],
                             text="进展")


def test_scopes(item, users, units):
    a, b = users["county_a_staff"], users["county_b_staff"]
    assert list(selectors.item_list(user=a)) == [item]
    assert list(selectors.item_list(user=b)) == []
    assert selectors.item_list(user=users["city_staff"]).count() == 1
    assert set(selectors.unit_list(user=a)) == {units["a"]}
    assert selectors.item_list(user=users["expert"]).count() == 0


def test_notice_issued_answered_and_warned(item, users, units):
    notice = services.issue_notice(actor=users["city_staff"], item=item, unit=units["a"],
                                   text="请说明进度滞后原因", answer_due=dt.date(2025, 4, 10),
                                   issued_on=dt.date(2025, 4, 2))
    assert Notice.objects.filter(recipient=users["county_a_staff"]).exists()
    with pytest.raises(PermissionDenied):
        services.issue_notice(actor=users["county_a_staff"], item=item, unit=units["a"],
                              text="x", answer_due=dt.date(2025, 4, 10))
    with pytest.raises(ScopeError):
        services.answer_notice(actor=users["county_b_staff"], notice=notice, answer="已推进")
    assert notice.state(dt.date(2025, 4, 11)) == "overdue"
    answered = services.answer_notice(actor=users["county_a_staff"], notice=notice,
                                      answer="已召开专题会议推进", today=dt.date(2025, 4, 8))
    assert answered.state(dt.date(2025, 4, 11)) == "answered"
    assert Notice.objects.filter(recipient=users["city_staff"],
                                 title__contains="已答复").exists()
    with pytest.raises(DomainError):
        services.answer_notice(actor=users["county_a_staff"], notice=notice, answer="再答")
    assert SupervisionNotice.objects.get().answered_by == users["county_a_staff"]


def test_daily_warnings_go_to_the_units_and_supervisor_once(item, users, units):
    sent = services.send_overdue_warnings(today=dt.date(2025, 4, 1))
    people = {users["county_a_staff"], users["city_staff"], users["city_admin"]}
    assert sent == len(people)
    assert {n.recipient for n in Notice.objects.filter(title__contains="滞后")} == people
    assert services.send_overdue_warnings(today=dt.date(2025, 4, 2)) == 0  # same missed date
    assert services.send_overdue_warnings(today=dt.date(2025, 7, 1)) == len(people)


def test_updates_are_history(item, users, units):
    upd = services.file_update(actor=users["county_a_staff"], item=item, unit=units["a"],
                               text="进展", files=[pdf_file()])
    assert upd.evidence.count() == 1
    assert ProgressUpdate.objects.restrict(users["city_admin"], "change").count() == 0
