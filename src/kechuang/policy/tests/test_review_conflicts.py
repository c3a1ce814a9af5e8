"""回避 and the expert draw: a table of cases, then properties (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.policy.expert_draw import Candidate, DrawRules, decline, draw
from kechuang.policy.review_conflicts import (
    DECLARED_RELATION,
    FORMER_EMPLOYER,
    OWN_APPLICATION,
    PAST_COLLABORATION,
    SAME_ORGANISATION,
    SELF_DECLARED,
    ApplicationParties,
    Employment,
    ExpertProfile,
    Party,
    PastProject,
    Relation,
    find_conflicts,
    years_before,
)

AS_OF = dt.date(2025, 6, 1)
APP = ApplicationParties(key=100, call=7,
                         parties=(Party(1, "长治甲科技", lead=True), Party(2, "潞安集团")),
                         people=frozenset({"王工", "李工"}))


def kinds(expert: ExpertProfile) -> list[str]:
    return [c.kind for c in find_conflicts(expert, APP, as_of=AS_OF, years=3)]


def test_no_conflict_for_an_unrelated_expert():
    assert kinds(ExpertProfile(key=1, name="赵", organisation=9)) == []


def test_same_organisation_as_lead_or_partner():
    conflicts = find_conflicts(ExpertProfile(key=1, name="赵", organisation=2), APP, as_of=AS_OF)
    assert [c.kind for c in conflicts] == [SAME_ORGANISATION]
    assert "潞安集团" in conflicts[0].evidence and "合作单位" in conflicts[0].evidence


def test_former_employer_counts_only_within_the_years():
    recent = ExpertProfile(key=1, name="赵", former_employers=(
        Employment(1, "长治甲科技", ended=dt.date(2022, 6, 1)),))
    old = ExpertProfile(key=1, name="赵", former_employers=(
        Employment(1, "长治甲科技", ended=dt.date(2022, 5, 31)),))
    unknown = ExpertProfile(key=1, name="赵", former_employers=(Employment(1, "长治甲科技"),))
    assert kinds(recent) == [FORMER_EMPLOYER]
    assert kinds(old) == []
    assert kinds(unknown) == [FORMER_EMPLOYER]


def test_collaboration_on_the_experts_own_projects():
    by_org = ExpertProfile(key=1, name="赵", projects=(
        PastProject("煤矿智能开采", organisations=frozenset({2}), ended=dt.date(2024, 1, 1)),))
    by_person = ExpertProfile(key=1, name="赵", projects=(
        PastProject("焦化除尘灰", people=frozenset({"李工"})),))
    too_old = ExpertProfile(key=1, name="赵", projects=(
        PastProject("旧项目", organisations=frozenset({1}), ended=dt.date(2020, 1, 1)),))
    assert kinds(by_org) == [PAST_COLLABORATION]
    assert "李工" in find_conflicts(by_person, APP, as_of=AS_OF)[0].evidence
    assert kinds(too_old) == []


def test_declared_relation_own_application_and_self_declaration():
    expert = ExpertProfile(key=1, name="赵", relations=(Relation(person="王工", note="师生"),
                                                        Relation(organisation=1)),
                           own_calls=frozenset({7}), declared=frozenset({100}),
                           declared_notes={100: "曾指导该项目"})
    found = find_conflicts(expert, APP, as_of=AS_OF)
    assert [c.kind for c in found] == [DECLARED_RELATION, DECLARED_RELATION, OWN_APPLICATION,
                                       SELF_DECLARED]
    assert "师生" in found[0].evidence and "曾指导该项目" in found[3].evidence


def test_years_before_on_29_february():
    assert years_before(dt.date(2024, 2, 29), 3) == dt.date(2021, 2, 28)


def test_draw_excludes_with_reasons_and_keeps_the_field_rule():
    pool = [Candidate(1, frozenset({"ai"})), Candidate(2, frozenset({"coal"})),
            Candidate(3, frozenset({"ai"}), available=False),
            Candidate(4, frozenset({"ai"}), load=3)]
    res = draw(pool, DrawRules(size=1, fields=frozenset({"ai"}), max_load=3), seed=5)
    assert res.members == (1,)
    reasons = {e.key: e.reasons for e in res.exclusions}
    assert reasons[2] == ("专业领域不符",)
    assert reasons[3] == ("暂不可参加评审",)
    assert "上限" in reasons[4][0]


def test_decline_without_reserves_leaves_the_place_empty():
    res = draw([Candidate(1), Candidate(2)], DrawRules(size=2), seed=1)
    after = decline(res, res.members[0])
    assert len(after.members) == 1 and after.substitutions == ((res.members[0], None),)


def test_an_overridden_conflict_no_longer_excludes():
    from kechuang.policy.review_conflicts import Conflict

    c = Conflict(SAME_ORGANISATION, "同单位")
    pool = [Candidate(1, conflicts=(c,)), Candidate(2)]
    assert draw(pool, DrawRules(size=1), seed=3).members == (2,)
    res = draw(pool, DrawRules(size=2, overrides=frozenset({1})), seed=3)
    assert set(res.members) == {1, 2} and not res.exclusions


# ---- properties ---------------------------------------------------------------------------

ORGS = st.integers(min_value=1, max_value=8)
PEOPLE = st.sampled_from(["王工", "李工", "张工", "刘工", "陈工"])
DATES = st.one_of(st.none(), st.dates(min_value=dt.date(2015, 1, 1),
                                      max_value=dt.date(2026, 1, 1)))


@st.composite
def applications(draw_):
    lead = draw_(ORGS)
    partners = draw_(st.sets(ORGS, max_size=3)) - {lead}
    parties = (Party(lead, f"单位{lead}", lead=True),
               *(Party(p, f"单位{p}") for p in sorted(partners)))
    return ApplicationParties(key=draw_(st.integers(1, 5)), call=draw_(st.integers(1, 3)),
                              parties=parties, people=frozenset(draw_(st.sets(PEOPLE))))


@st.composite
def experts(draw_, key):
    return ExpertProfile(
        key=key, name=f"专家{key}", organisation=draw_(st.one_of(st.none(), ORGS)),
        former_employers=tuple(Employment(o, f"单位{o}", d) for o, d in draw_(
            st.lists(st.tuples(ORGS, DATES), max_size=2))),
        projects=tuple(PastProject("项目", frozenset(o), frozenset(p), d) for o, p, d in draw_(
            st.lists(st.tuples(st.sets(ORGS, max_size=2), st.sets(PEOPLE, max_size=2), DATES),
                     max_size=2))),
        relations=tuple(Relation(organisation=o) for o in draw_(st.sets(ORGS, max_size=1))),
        own_calls=frozenset(draw_(st.sets(st.integers(1, 3), max_size=1))),
        declared=frozenset(draw_(st.sets(st.integers(1, 5), max_size=1))))


@st.composite
def pools(draw_):
    app = draw_(applications())
    n = draw_(st.integers(min_value=1, max_value=25))
    profiles = [draw_(experts(k)) for k in range(1, n + 1)]
    fields_ = [draw_(st.sets(st.sampled_from(["ai", "coal", "chip"]), min_size=1))
               for _ in profiles]
    return app, profiles, fields_


def candidates(app, profiles, fields_):
    return [Candidate(p.key, frozenset(f), conflicts=tuple(
        find_conflicts(p, app, as_of=AS_OF))) for p, f in zip(profiles, fields_, strict=True)]


@settings(max_examples=150, deadline=None)
@given(pools(), st.integers(min_value=0, max_value=2**63), st.integers(1, 5),
       st.integers(0, 3), st.sets(st.integers(1, 25), max_size=3))
def test_a_drawn_expert_never_has_a_conflict(data, seed, size, reserves, overrides):
    """…unless staff overrode that expert's conflict (with a reason, recorded elsewhere)."""
    app, profiles, fields_ = data
    res = draw(candidates(app, profiles, fields_), DrawRules(size=size, reserves=reserves,
                                                            overrides=frozenset(overrides)),
               seed)
    by_key = {p.key: p for p in profiles}
    for key in (*res.members, *res.reserves):
        assert key in overrides or find_conflicts(by_key[key], app, as_of=AS_OF) == []
    # members, reserves and exclusions partition the drawn part of the pool without overlap
    assert not set(res.members) & set(res.reserves)
    assert not (set(res.members) | set(res.reserves)) & {e.key for e in res.exclusions}


@settings(max_examples=100, deadline=None)
@given(pools(), st.integers(min_value=0, max_value=2**63), st.randoms())
def test_same_seed_and_pool_give_the_same_group(data, seed, rnd):
    app, profiles, fields_ = data
    pool = candidates(app, profiles, fields_)
    rules = DrawRules(size=3, reserves=2)
    shuffled = list(pool)
    rnd.shuffle(shuffled)
    first, second = draw(pool, rules, seed), draw(shuffled, rules, seed)
    assert first == second


@settings(max_examples=100, deadline=None)
@given(pools(), st.integers(min_value=0, max_value=2**63), st.data())
def test_a_decline_brings_the_next_reserve(data, seed, choose):
    app, profiles, fields_ = data
    res = draw(candidates(app, profiles, fields_), DrawRules(size=2, reserves=3), seed)
    if not res.members:
        return
    who = choose.draw(st.sampled_from(res.members))
    after = decline(res, who)
    assert who not in after.members
    if res.reserves:
        assert after.members[res.members.index(who)] == res.reserves[0]
        assert after.reserves == res.reserves[1:]
        assert len(after.members) == len(res.members)
    assert after.substitutions[-1] == (who, res.reserves[0] if res.reserves else None)


# ---- the faster draw gives the 2025 draw's results --------------------------------------

def draw_2025_reference(pool, rules, seed):
    """The draw as first written (sort every eligible expert by the sha256 hex digest):
    the prepared pool and the byte comparison must give exactly this, draw for draw."""
    from kechuang.policy.expert_draw import DrawResult, Exclusion, order_key, reasons_against

    eligible, exclusions = [], []
    for c in sorted(pool, key=lambda c: str(c.key)):
        reasons = reasons_against(c, rules)
        if reasons:
            exclusions.append(Exclusion(c.key, tuple(reasons), tuple(c.conflicts)))
        else:
            eligible.append(c.key)
    ranked = sorted(eligible, key=lambda k: order_key(seed, k))
    return DrawResult(seed=seed, members=tuple(ranked[:rules.size]),
                      reserves=tuple(ranked[rules.size:rules.size + rules.reserves]),
                      exclusions=tuple(exclusions),
                      pool=tuple(sorted((c.key for c in pool), key=str)))


@settings(max_examples=150, deadline=None)
@given(pools(), st.integers(min_value=0, max_value=2**63), st.integers(1, 5),
       st.integers(0, 4), st.sets(st.integers(1, 25), max_size=3),
       st.sets(st.sampled_from(["ai", "coal", "chip"]), max_size=2),
       st.one_of(st.none(), st.integers(0, 2)), st.lists(st.integers(0, 3), max_size=25))
def test_the_prepared_pool_draws_exactly_as_the_2025_draw(data, seed, size, reserves,
                                                          overrides, fields_rule, max_load,
                                                          loads):
    from dataclasses import replace

    from kechuang.policy.expert_draw import Pool

    app, profiles, fields_ = data
    pool = [replace(c, load=loads[i] if i < len(loads) else 0, available=i % 7 != 3)
            for i, c in enumerate(candidates(app, profiles, fields_))]
    rules = DrawRules(size=size, reserves=reserves, fields=frozenset(fields_rule),
                      max_load=max_load, overrides=frozenset(overrides))
    expected = draw_2025_reference(pool, rules, seed)
    assert draw(pool, rules, seed) == expected
    # prepared once without conflicts, this application's conflicts given to the draw
    bare = Pool([replace(c, conflicts=()) for c in pool])
    assert bare.draw(rules, seed, {c.key: c.conflicts for c in pool if c.conflicts}) == expected


def test_string_keys_order_as_before():
    pool = [Candidate(k) for k in ("b7", "a1", "10", "9", "专家甲")]
    for seed in (0, 1, 2**62, 12345):
        rules = DrawRules(size=2, reserves=2)
        assert draw(pool, rules, seed) == draw_2025_reference(pool, rules, seed)


# ---- the pool index: exactly the experts find_conflicts names ------------------------------

from kechuang.policy.review_conflicts import ConflictIndex, conflicts_in_pool  # noqa: E402

_orgs = st.integers(min_value=1, max_value=6)
_people = st.sampled_from(["甲", "乙", "丙", "丁"])
_dates = st.one_of(st.none(), st.dates(min_value=dt.date(2018, 1, 1),
                                       max_value=dt.date(2025, 6, 1)))
_experts = st.builds(
    lambda k, org, jobs, projects, rels, calls, declared: ExpertProfile(
        key=k, name=f"专家{k}", organisation=org,
        former_employers=tuple(Employment(o, f"单位{o}", d) for o, d in jobs),
        projects=tuple(PastProject("项目", frozenset(os), frozenset(ps), d)
                       for os, ps, d in projects),
        relations=tuple(Relation(o, p) for o, p in rels),
        own_calls=frozenset(calls), declared=frozenset(declared)),
    st.integers(min_value=1, max_value=10**6), st.one_of(st.none(), _orgs),
    st.lists(st.tuples(_orgs, _dates), max_size=2),
    st.lists(st.tuples(st.sets(_orgs, max_size=2), st.sets(_people, max_size=2), _dates),
             max_size=2),
    st.lists(st.tuples(st.one_of(st.none(), _orgs), st.one_of(st.just(""), _people)),
             max_size=2),
    st.sets(st.integers(min_value=1, max_value=3), max_size=1),
    st.sets(st.integers(min_value=100, max_value=102), max_size=1))
_apps = st.builds(
    lambda k, call, lead, partners, people: ApplicationParties(
        key=k, call=call, parties=(Party(lead, "牵头", lead=True),
                                   *(Party(p, "合作") for p in partners - {lead})),
        people=frozenset(people)),
    st.integers(min_value=100, max_value=102), st.integers(min_value=1, max_value=3), _orgs,
    st.sets(_orgs, max_size=2), st.sets(_people, max_size=2))


@settings(max_examples=200)
@given(st.lists(_experts, max_size=8, unique_by=lambda e: e.key), _apps)
def test_the_index_names_exactly_the_conflicted_experts(experts, app):
    index = ConflictIndex(experts, as_of=AS_OF, years=3)
    by_key = {e.key: e for e in experts}
    pairwise = {e.key: c for e in experts
                if (c := find_conflicts(e, app, as_of=AS_OF, years=3))}
    assert conflicts_in_pool(by_key, app, index, as_of=AS_OF, years=3) == pairwise
