"""R&D projects (issue #14): the expert draw with computed 回避, and the call ranking page.

1. Draws: review groups (5 members, 2 reserves) for N applications (default 2,000) from a
   pool of M experts (default 3,000), each expert checked against each application with
   ``policy.review_conflicts.find_conflicts`` (evidence text and all) and the group drawn with
   ``policy.expert_draw.draw`` — against the baseline of computing the conflict sets alone
   with plain set operations (indexes organisation → experts, person → experts) in the same
   run. Pure Python, no database. Prints both times and the ratio.
2. The ranking page of one call with A applications (default 2,000) × 5 reviews each, in a
   throw-away SQLite database under var/bench/: the page's time (test client, city staff)
   and its query count, and the selector alone.

Run: ``python bench/run.py projects`` or ``python bench/bench_projects.py --applications 500``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

AS_OF = dt.date(2025, 6, 1)


def _world(n_apps: int, n_experts: int, seed: int = 7):
    from kechuang.policy import review_conflicts as rc

    rng = random.Random(seed)
    orgs = list(range(1, 1201))
    names = [f"人员{i}" for i in range(20000)]
    apps = []
    for i in range(n_apps):
        lead, *partners = rng.sample(orgs, 1 + rng.randrange(0, 3))
        parties = (rc.Party(lead, f"单位{lead}", lead=True),
                   *(rc.Party(p, f"单位{p}") for p in partners))
        apps.append(rc.ApplicationParties(key=i, call=i % 3, parties=parties,
                                          people=frozenset(rng.sample(names, 5))))
    experts = []
    for k in range(n_experts):
        jobs = tuple(rc.Employment(o, f"单位{o}", AS_OF - dt.timedelta(days=rng.randrange(3000)))
                     for o in rng.sample(orgs, rng.randrange(0, 3)))
        projects = tuple(rc.PastProject(f"项目{k}-{j}", frozenset(rng.sample(orgs, 2)),
                                        frozenset(rng.sample(names, 3)),
                                        AS_OF - dt.timedelta(days=rng.randrange(2000)))
                         for j in range(rng.randrange(0, 3)))
        relations = tuple(rc.Relation(rng.choice(orgs), "", "亲属任职")
                          for _ in range(rng.randrange(0, 2)))
        experts.append(rc.ExpertProfile(
            key=k, name=f"专家{k}", organisation=rng.choice(orgs),
            organisation_name="", former_employers=jobs, projects=projects,
            relations=relations, own_calls=frozenset({k % 7}) if k % 50 == 0 else frozenset(),
            declared=frozenset({rng.randrange(n_apps)}) if k % 40 == 0 else frozenset()))
    fields = [frozenset({"人工智能", "煤炭智能开采"}), frozenset({"新材料"}),
              frozenset({"人工智能"})]
    return apps, experts, [fields[k % 3] for k in range(n_experts)]


def bench_draws(n_apps: int, n_experts: int, every_pair: bool = True) -> dict[str, float]:
    from kechuang.policy import expert_draw
    from kechuang.policy import review_conflicts as rc

    apps, experts, fields = _world(n_apps, n_experts)
    since = rc.years_before(AS_OF, 3)

    # baseline: the conflict sets alone, plain set operations over prebuilt indexes
    started = time.perf_counter()
    by_org: dict = defaultdict(set)
    by_person: dict = defaultdict(set)
    by_call: dict = defaultdict(set)
    by_app: dict = defaultdict(set)
    for e in experts:
        if e.organisation is not None:
            by_org[e.organisation].add(e.key)
        for job in e.former_employers:
            if job.ended is None or job.ended >= since:
                by_org[job.organisation].add(e.key)
        for p in e.projects:
            if p.ended is None or p.ended >= since:
                for o in p.organisations:
                    by_org[o].add(e.key)
                for person in p.people:
                    by_person[person].add(e.key)
        for r in e.relations:
            if r.organisation is not None:
                by_org[r.organisation].add(e.key)
        for c in e.own_calls:
            by_call[c].add(e.key)
        for a in e.declared:
            by_app[a].add(e.key)
    baseline_sets = []
    for a in apps:
        s = set(by_call.get(a.call, ())) | by_app.get(a.key, set())
        for p in a.parties:
            s |= by_org.get(p.key, set())
        for person in a.people:
            s |= by_person.get(person, set())
        baseline_sets.append(s)
    t_sets = time.perf_counter() - started

    # every pair explained, then the draw (hash order, filters, reserves)
    started = time.perf_counter()
    rules = expert_draw.DrawRules(size=5, reserves=2, fields=frozenset({"人工智能"}))
    drawn_conflicted = 0
    for a, expected in zip(apps if every_pair else (), baseline_sets, strict=False):
        candidates = []
        for e, f in zip(experts, fields, strict=True):
            conflicts = rc.find_conflicts(e, a, as_of=AS_OF, years=3)
            candidates.append(expert_draw.Candidate(e.key, f, "senior", True, 0,
                                                    tuple(conflicts)))
        result = expert_draw.draw(candidates, rules, seed=a.key)
        drawn_conflicted += len(set(result.members) & expected)
    t_full = time.perf_counter() - started
    assert drawn_conflicted == 0, "a drawn expert has a conflict"

    # what projects.services does: the pool indexed once, only the indexed experts explained;
    # "before": a Candidate per expert and application, every eligible expert sorted by the
    # sha256 hex digest (the draw as first written, kept below); "now": the pool prepared
    # once (expert_draw.Pool), each application's conflicts handed to it, the digest compared
    # as bytes and only the group and reserves taken from a heap. Same groups, checked.
    by_key = {e.key: e for e in experts}
    index = rc.ConflictIndex(experts, as_of=AS_OF, years=3)
    found_by_app = [rc.conflicts_in_pool(by_key, a, index, as_of=AS_OF, years=3) for a in apps]
    for found, expected in zip(found_by_app, baseline_sets, strict=True):
        assert set(found) == expected
    # the three are interleaved application by application, so a busy machine slows them
    # alike and the ratios hold within the run
    t_before = t_single = t_after = 0.0
    started = time.perf_counter()
    pool = expert_draw.Pool([expert_draw.Candidate(e.key, f, "senior", True, 0)
                             for e, f in zip(experts, fields, strict=True)])
    t_after += time.perf_counter() - started
    before, single, after = [], [], []
    for a, found in zip(apps, found_by_app, strict=True):
        t0 = time.perf_counter()
        candidates = [expert_draw.Candidate(e.key, f, "senior", True, 0,
                                            tuple(found.get(e.key, ())))
                      for e, f in zip(experts, fields, strict=True)]
        before.append(_draw_before(candidates, rules, seed=a.key))
        t1 = time.perf_counter()
        candidates = [expert_draw.Candidate(e.key, f, "senior", True, 0,
                                            tuple(found.get(e.key, ())))
                      for e, f in zip(experts, fields, strict=True)]
        single.append(expert_draw.draw(candidates, rules, seed=a.key))
        t2 = time.perf_counter()
        after.append(pool.draw(rules, a.key, found))
        t3 = time.perf_counter()
        t_before, t_single, t_after = t_before + t1 - t0, t_single + t2 - t1, t_after + t3 - t2
    assert before == after == single, "the faster draw changed a group"
    for result, expected in zip(after, baseline_sets, strict=True):
        assert not set(result.members) & expected
    conflicted = sum(len(s) for s in baseline_sets)
    print(f"  draws: {n_apps} applications × {n_experts} experts "
          f"({conflicted} conflicted pairs)")
    print(f"    conflict sets alone (plain sets): {t_sets:.3f} s")
    if every_pair:
        print(f"    draws with explained conflicts:   {t_full:.3f} s "
              f"({t_full / n_apps * 1000:.1f} ms per application)")
    print(f"    draws alone, before (a candidate per expert, full sort): {t_before:.3f} s "
          f"({t_before / n_apps * 1000:.1f} ms per application)")
    print(f"    draws alone, now, one at a time (expert_draw.draw): {t_single:.3f} s "
          f"({t_single / n_apps * 1000:.1f} ms per application)")
    print(f"    draws alone, now, pool prepared once (expert_draw.Pool): {t_after:.3f} s "
          f"({t_after / n_apps * 1000:.1f} ms per application; "
          f"{t_before / t_after:.1f}× faster, same groups)")
    if every_pair:
        print(f"    ratio every-pair / sets: {t_full / t_sets:.0f}×")
    return {"sets_s": t_sets, "draws_s": t_full, "before_s": t_before, "single_s": t_single,
            "pool_s": t_after}


def _draw_before(pool, rules, seed):
    """expert_draw.draw as first written (2025): kept here to measure against, and to check
    that the faster draw gives the same groups."""
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


def bench_ranking(n_apps: int, reviews: int = 5) -> dict[str, float]:
    from _common import VAR_DIR, ensure_database, setup_django

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{VAR_DIR / 'bench_projects.sqlite3'}"
    ensure_database(url, prefix="bench_projects", fresh=True)
    setup_django(url)
    from decimal import Decimal

    from django.test.utils import override_settings

    # DEBUG is off: plain static URLs instead of the manifest (no collectstatic needed)
    override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }, ALLOWED_HOSTS=["*"]).enable()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from kechuang.accounts.models import User
    from kechuang.orgs.models import Organisation
    from kechuang.projects import selectors
    from kechuang.projects.models import (
        Application,
        Call,
        Draw,
        Expert,
        Programme,
        Review,
        ReviewAssignment,
    )
    from kechuang.regions.models import Region

    staff = User.objects.create_user(username="bench_city", password="x-Bench-2025",
                                     role="city_staff")
    county = Region.objects.filter(level="county").first() or Region.objects.create(
        code="140403", name="潞州区", level="county")
    from kechuang.policy.credit_code import make_code

    orgs = Organisation.objects.bulk_create([Organisation(
        name=f"基准企业{i}", county=county, kind="enterprise", industry_code="C26",
        established_on=dt.date(2015, 5, 1),
        credit_code=make_code(f"91{county.code}MA{i:07d}"[:17])) for i in range(200)])
    prog = Programme.objects.create(name="基准计划", level="key_rd_project")
    call = Call.objects.create(programme=prog, year=2025, title="基准指南",
                               deadline=AS_OF, criteria=[{"name": "综合", "weight": 1}],
                               published=True)
    experts = Expert.objects.bulk_create([Expert(name=f"专家{i}", title="senior",
                                                 fields="人工智能") for i in range(50)])
    apps = Application.objects.bulk_create([Application(
        call=call, title=f"基准申报{i}", lead=orgs[i % 200], county=county, pi_name=f"负责人{i}",
        status="reviewing", submitted_by=staff, total_budget_yuan=Decimal(100000))
        for i in range(n_apps)])
    draws = Draw.objects.bulk_create([Draw(application=a, seed=a.pk, rule_version="bench",
                                           drawn_by=staff) for a in apps])
    rng = random.Random(3)
    assignments = ReviewAssignment.objects.bulk_create([ReviewAssignment(
        draw=d, application_id=d.application_id, expert_profile=experts[(d.pk + k) % 50],
        rank=k + 1, status="accepted") for d in draws for k in range(reviews)])
    Review.objects.bulk_create([Review(assignment=a, scores={}, opinion="x",
                                       total=Decimal(rng.randint(60, 95)))
                                for a in assignments])
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as q_sel:
        rows = selectors.call_ranking(user=staff, call=call)
    t_sel = time.perf_counter() - started
    client = Client()
    client.force_login(staff)
    page = f"/projects/calls/{call.pk}/ranking/"
    client.get(page)  # warm
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as q_page:
        resp = client.get(page)
    t_page = time.perf_counter() - started
    assert resp.status_code == 200 and len(rows) == n_apps
    print(f"  ranking: {n_apps} applications × {reviews} reviews")
    print(f"    selector: {t_sel:.3f} s, {len(q_sel)} queries")
    print(f"    page:     {t_page:.3f} s, {len(q_page)} queries, "
          f"{len(resp.content) // 1024} KB")
    return {"selector_s": t_sel, "page_s": t_page, "page_queries": len(q_page)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--experts", type=int, default=3000)
    parser.add_argument("--skip-draws", action="store_true")
    parser.add_argument("--skip-ranking", action="store_true")
    parser.add_argument("--skip-every-pair", action="store_true",
                        help="leave out the draws that explain every pair (minutes)")
    args = parser.parse_args(argv)
    if not args.skip_draws:
        bench_draws(args.applications, args.experts, not args.skip_every_pair)
    if not args.skip_ranking:
        bench_ranking(args.applications)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
