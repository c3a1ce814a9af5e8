"""Who sees which rows (accounts/scoping.py declarations of the projects app)."""

from __future__ import annotations

import pytest

from kechuang.projects.models import Application, Call, Recusal, Review, ReviewAssignment
from kechuang.projects.tests import fixtures as fx

pytestmark = pytest.mark.django_db


def _assign(app, profile, status="invited"):
    from kechuang.projects.models import Draw

    draw = Draw.objects.create(application=app, seed=1, rule_version="t",
                               drawn_by=app.submitted_by)
    return ReviewAssignment.objects.create(draw=draw, application=app, expert_profile=profile,
                                           reviewer=profile.user if status != "reserve" else None,
                                           rank=1, status=status)


def test_enterprise_and_county_see_their_own_applications(app_a, app_b, users):
    def seen(role):
        return set(Application.objects.restrict(users[role]).values_list("title", flat=True))

    assert seen("enterprise_a_user") == {app_a.title}
    assert seen("county_b_staff") == {app_b.title}
    assert seen("city_staff") == {app_a.title, app_b.title}
    assert seen("provider") == set()


def test_expert_sees_only_live_assignments_not_recused(app_a, app_b, users, pool):
    me = pool["mine"]
    expert = users["expert"]
    assert not Application.objects.restrict(expert).exists()
    _assign(app_a, me)
    _assign(app_b, me, status="reserve")
    assert list(Application.objects.restrict(expert)) == [app_a]
    Recusal.objects.create(application=app_a, expert_profile=me)
    assert not Application.objects.restrict(expert).exists()
    assert not ReviewAssignment.objects.restrict(expert).filter(application=app_a).exists()


def test_published_calls_and_reviews_scope(rd_call, users, app_a, pool):
    fx.call(published=False, title="未发布指南")
    titles = set(Call.objects.restrict(users["enterprise_b_user"]).values_list("title",
                                                                                flat=True))
    assert titles == {rd_call.title}
    assert Call.objects.restrict(users["city_staff"]).count() == 2
    # enterprises never read reviews
    assert not Review.objects.restrict(users["enterprise_a_user"]).exists()
