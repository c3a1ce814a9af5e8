"""The transition engine, exercised on reported values with a test workflow."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import ScopeError
from kechuang.reported.models import ReportedValue
from kechuang.workflow.models import Transition
from kechuang.workflow.selectors import history
from kechuang.workflow.services import (
    Step,
    TransitionError,
    Workflow,
    available_actions,
    transition,
)

pytestmark = pytest.mark.django_db

CITY = frozenset({"city_admin", "city_staff"})


def big_enough(obj, actor):
    return None if obj.value >= 2 else "数值小于 2，不能通过"


FLOW = Workflow(
    name="test_flow",
    steps=(
        Step("submitted", "approve", "approved", roles=CITY, guard=big_enough, label="通过"),
        Step("submitted", "reject", "rejected", roles=CITY, label="退回", reason_required=True),
    ),
    forbid_self=frozenset({"approve", "reject"}),
)


def test_transition_sets_state_writes_trail_and_audit(values, users):
    staff = users["city_staff"]
    obj = transition(values["a"], workflow=FLOW, action="approve", actor=staff, reason="核实")
    assert obj.status == "approved"
    assert ReportedValue.objects.get(pk=obj.pk).status == "approved"
    t = Transition.objects.get()
    assert (t.workflow, t.action, t.from_state, t.to_state, t.actor, t.reason) == (
        "test_flow", "approve", "submitted", "approved", staff, "核实")
    assert t.actor_name == "city_staff" and t.action_label == "通过"
    assert list(history(obj)) == [t]
    ct = ContentType.objects.get_for_model(ReportedValue)
    rec = ChangeRecord.objects.get(content_type=ct, object_id=str(obj.pk), action="update")
    assert rec.before["status"] == "submitted" and rec.after["status"] == "approved"
    assert rec.actor == staff and "核实" in rec.reason


def test_role_not_in_step_is_refused(values, users):
    with pytest.raises(PermissionDenied):
        transition(values["a"], workflow=FLOW, action="approve", actor=users["county_a_staff"])
    assert not Transition.objects.exists()


def test_wrong_state_is_refused(values, users):
    obj = transition(values["a"], workflow=FLOW, action="reject", actor=users["city_staff"],
                     reason="缺少佐证")
    with pytest.raises(TransitionError, match="已退回"):
        transition(obj, workflow=FLOW, action="approve", actor=users["city_staff"])


def test_guard_refuses_with_its_message(values, users, indicators):
    obj = values["a"]
    ReportedValue.objects.filter(pk=obj.pk).update(value=1)
    with pytest.raises(TransitionError, match="数值小于 2"):
        transition(obj, workflow=FLOW, action="approve", actor=users["city_staff"])
    assert ReportedValue.objects.get(pk=obj.pk).status == "submitted"
    obj.value = 1
    assert [s.action for s in available_actions(obj, workflow=FLOW,
                                                actor=users["city_staff"])] == ["reject"]


def test_self_approval_is_refused(values, users):
    own = values["city"]  # submitted by city_admin
    with pytest.raises(TransitionError, match="本人") as exc:
        transition(own, workflow=FLOW, action="approve", actor=users["city_admin"])
    assert exc.value.code == "permission_denied"
    assert available_actions(own, workflow=FLOW, actor=users["city_admin"]) == []
    assert {s.action for s in available_actions(own, workflow=FLOW,
                                                actor=users["city_staff"])} == {
        "approve", "reject"}


def test_reason_required(values, users):
    with pytest.raises(TransitionError, match="原因") as exc:
        transition(values["a"], workflow=FLOW, action="reject", actor=users["city_staff"],
                   reason="  ")
    assert exc.value.field == "reason"


def test_out_of_scope_is_a_scope_error(values, users, monkeypatch):
    # a county clerk allowed by the step but without the row in restrict(): ScopeError
    flow = Workflow(name="f", steps=(Step("submitted", "approve", "approved",
                                          roles={"county_staff"}, scope_action="view"),))
    with pytest.raises(ScopeError):
        transition(values["b"], workflow=flow, action="approve", actor=users["county_a_staff"])
    obj = transition(values["a"], workflow=flow, action="approve",
                     actor=users["county_a_staff"])
    assert obj.status == "approved"


def test_second_concurrent_approval_sees_the_new_state(values, users):
    stale_1 = ReportedValue.objects.get(pk=values["a"].pk)
    stale_2 = ReportedValue.objects.get(pk=values["a"].pk)
    transition(stale_1, workflow=FLOW, action="approve", actor=users["city_staff"])
    assert stale_2.status == "submitted"  # still the old state in memory
    with pytest.raises(TransitionError, match="已通过"):
        transition(stale_2, workflow=FLOW, action="reject", actor=users["city_admin"],
                   reason="重复")
    assert Transition.objects.count() == 1


def test_transitions_are_append_only(values, users):
    transition(values["a"], workflow=FLOW, action="approve", actor=users["city_staff"])
    t = Transition.objects.get()
    with pytest.raises(PermissionError):
        t.save()
    with pytest.raises(PermissionError):
        t.delete()
    with pytest.raises(PermissionError):
        Transition.objects.update(reason="x")


def test_duplicate_steps_are_rejected():
    with pytest.raises(ValueError):
        Workflow(name="dup", steps=(Step("a", "go", "b", roles={"x"}),
                                    Step("a", "go", "c", roles={"x"})))
