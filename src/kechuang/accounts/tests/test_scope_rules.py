"""The declared cases of a Scope that no registered model exercises yet: the expert's
assignment rule (assigned to me, not excluded by 回避), a generic parent (a transition follows
its object), and that ``restrict()`` never gives a row twice. The scopes are built here on
existing models and registered for the test only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from kechuang.accounts import scoping
from kechuang.accounts.scoping import READ, Assignment, Scope, restricted_prefetch, rights
from kechuang.cultivation.models import CandidateEntry, CoachingVisit
from kechuang.orgs.models import Organisation
from kechuang.workflow.models import Transition

pytestmark = pytest.mark.django_db

# experts read the pool entries they coached (a stand-in for "applications assigned to me"):
# not the ones they added themselves (the recusal path) nor their own organisation's
EXPERT_SCOPE = Scope(rights=rights(expert=READ),
                     assigned=Assignment(to="visits__recorded_by", excluded="added_by",
                                         conflicts={"enterprise_id": "organisation_id"}))


@pytest.fixture
def expert_scope(monkeypatch):
    monkeypatch.setitem(scoping._SCOPES, CandidateEntry, EXPERT_SCOPE)


def _entry(enterprise, rung="tech_sme", **kw):
    return CandidateEntry.objects.create(enterprise=enterprise, target_rung=rung, year=2025,
                                         **kw)


def _visit(entry, user):
    return CoachingVisit.objects.create(entry=entry, visited_on=dt.date(2025, 3, 1),
                                        visitor="专家", notes="辅导", recorded_by=user)


@pytest.fixture
def pool(users, enterprise_a, enterprise_a2, enterprise_b, county_a):
    from kechuang.accounts.models import User

    expert = users["expert"]
    expert.organisation = enterprise_b  # the expert works for enterprise B
    expert.save()
    other = User.objects.create_user(username="expert2", password="Kc-test-Pass-2025",
                                     role="expert")
    assigned = _entry(enterprise_a)
    _visit(assigned, expert)
    _visit(assigned, expert)  # assigned twice: still one row
    not_mine = _entry(enterprise_a2)
    _visit(not_mine, other)
    recused = _entry(enterprise_a, rung="high_tech", added_by=expert)
    _visit(recused, expert)
    own_org = _entry(enterprise_b)
    _visit(own_org, expert)
    _visit(own_org, other)
    return {"expert": expert, "other": other, "assigned": assigned, "not_mine": not_mine,
            "recused": recused, "own_org": own_org}


def test_an_expert_sees_only_rows_assigned_and_not_excluded(expert_scope, pool):
    rows = list(CandidateEntry.objects.restrict(pool["expert"], "view"))
    assert rows == [pool["assigned"]]
    assert list(CandidateEntry.objects.restrict(pool["expert"], "export")) == rows


def test_another_expert_sees_their_own_assignments(expert_scope, pool):
    rows = set(CandidateEntry.objects.restrict(pool["other"], "view"))
    assert rows == {pool["not_mine"], pool["own_org"]}


def test_the_assignment_grants_only_the_declared_actions(expert_scope, pool):
    assert not CandidateEntry.objects.restrict(pool["expert"], "change").exists()
    assert not CandidateEntry.objects.restrict(pool["expert"], "delete").exists()


def test_without_an_assignment_rule_an_expert_sees_nothing(monkeypatch, pool):
    monkeypatch.setitem(scoping._SCOPES, CandidateEntry, Scope(rights=rights(expert=READ)))
    assert not CandidateEntry.objects.restrict(pool["expert"], "view").exists()


def test_restrict_never_duplicates_through_a_many_valued_path(expert_scope, pool):
    qs = CandidateEntry.objects.restrict(pool["other"], "view")
    assert qs.count() == len(set(qs.values_list("pk", flat=True))) == 2


def test_a_restricted_prefetch_loads_only_the_users_rows(users, enterprise_a, enterprise_b):
    mine, theirs = _entry(enterprise_a), _entry(enterprise_b)
    staff = users["county_a_staff"]
    orgs = list(Organisation.objects.filter(pk__in=[enterprise_a.pk, enterprise_b.pk])
                .order_by("pk").prefetch_related(
                    restricted_prefetch(staff, "view", "candidate_entries", CandidateEntry)))
    assert [list(o.candidate_entries.all()) for o in orgs] == [[mine], []]
    assert theirs.pk not in {e.pk for o in orgs for e in o.candidate_entries.all()}


def test_a_generic_parent_follows_the_object(monkeypatch, users, enterprise_a, enterprise_b):
    """County staff given the transition log read the transitions of their county's rows."""
    monkeypatch.setitem(scoping._SCOPES, Transition, Scope(
        rights=rights(county_staff=READ), generic_parent=("content_type", "object_id")))
    ct = ContentType.objects.get_for_model(Organisation)
    for org in (enterprise_a, enterprise_b):
        Transition.objects.create(content_type=ct, object_id=org.pk, workflow="w",
                                  action="a", from_state="x", to_state="y", actor_name="t")
    seen = Transition.objects.restrict(users["county_a_staff"], "view")
    assert list(seen.values_list("object_id", flat=True)) == [enterprise_a.pk]
    assert list(Transition.objects.restrict(users["county_b_staff"], "view")
                .values_list("object_id", flat=True)) == [enterprise_b.pk]
    assert not Transition.objects.restrict(users["enterprise_a_user"], "view").exists()


def test_per_role_terms_widen_only_the_declared_actions(users, monkeypatch, enterprise_a,
                                                        enterprise_b):
    """County staff read their county's rows plus the extra term's, and only for READ."""
    from django.db.models import Q

    monkeypatch.setitem(scoping._SCOPES, CandidateEntry, Scope(
        rights=rights(county_staff={"view", "change"}), county="enterprise__county_id",
        role_terms=dict(county_staff=(frozenset({"view"}), Q(enterprise=enterprise_b)))))
    a, b = _entry(enterprise_a), _entry(enterprise_b)
    staff = users["county_a_staff"]
    assert set(CandidateEntry.objects.restrict(staff, "view")) == {a, b}
    assert set(CandidateEntry.objects.restrict(staff, "change")) == {a}
