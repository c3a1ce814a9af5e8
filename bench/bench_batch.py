"""Batch evaluation of every enterprise against the engine alone (issue #5: "batch evaluation
of 100k enterprises as a ratio against the engine alone").

1. A throw-away database — SQLite ``/tmp/kc_bench_batch.sqlite3`` (kept between runs while
   it holds that many demo enterprises; ``--fresh`` rebuilds it) or, with
   ``--database-url``, a PostgreSQL database named ``kc_bench_batch*`` (created when
   missing) — with migrate, the regions and chains, a city-staff user and
   ``--enterprises`` demo enterprises (``orgs.demo.load_demo``: annual reports 2022–2025).
2. In one process:
   (i)  the batch end to end, as the job runs it: an ``EvaluationRun`` for data year 2024
        (HNTE window 2022–2024) and ``assessment.services.run_batch`` — read the
        enterprises and their reports in chunks, evaluate the three rules (with gap
        analysis) through ``assessment.engine.assess``, summarise, bulk-write the results,
        replace the earlier run's, audit;
   (ii) the engine alone: the same inputs (``EnterpriseFacts`` and ``AnnualFigures``,
        built from the database beforehand, outside the timing) through ``assess`` —
        and (ii') ``assess`` + ``summarise`` (timed apart in the same pass), everything the
        batch computes in Python.
   The outcomes of (ii) must match the rows (i) stored (counts per rule and outcome, the
   deduction total), or the run fails.

Run: ``python bench/run.py batch`` or ``python bench/run.py batch -- --enterprises 5000``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from _common import ensure_database, setup_django

DEFAULT_SQLITE = "/tmp/kc_bench_batch.sqlite3"
DB_PREFIX = "kc_bench_batch"  # only PostgreSQL databases with this prefix are dropped
SEED = 2025
YEAR = 2024  # data year: tech SME evaluation year and HNTE application year 2025
AS_OF = dt.date(2025, 10, 31)
USERNAME = "bench_batch"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench_batch", description=__doc__.splitlines()[0])
    p.add_argument("--enterprises", type=int, default=100_000)
    p.add_argument("--database-url", default="",
                   help=f"default: SQLite {DEFAULT_SQLITE}; a postgres:// URL must name a "
                        f"{DB_PREFIX}* database")
    p.add_argument("--fresh", action="store_true",
                   help="rebuild the database (the SQLite file is deleted, the PostgreSQL "
                        "database dropped)")
    return p.parse_args(argv)


def prepare(args: argparse.Namespace, url: str) -> Any:
    from django.conf import settings
    from django.core.management import call_command

    from kechuang.accounts.models import User
    from kechuang.orgs.demo import load_demo
    from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport
    from kechuang.orgs.services import load_city

    ensure_database(url, prefix=DB_PREFIX, fresh=args.fresh)
    started = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    load_city(path=settings.KECHUANG_REGION_FILE)
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User(username=USERNAME, first_name="基准", role="city_staff")
        user.set_unusable_password()
        user.save()
    have = Enterprise.objects.count()
    if have < args.enterprises:
        print(f"loading {args.enterprises:,} demo enterprises (have {have:,}) …", flush=True)
        load_demo(seed=SEED, enterprises=args.enterprises)
    elif have > args.enterprises:
        raise SystemExit(f"the database holds {have:,} enterprises, more than "
                         f"--enterprises {args.enterprises:,}: use --fresh")
    reports = EnterpriseAnnualReport.objects.count()
    print(f"database: {Enterprise.objects.count():,} enterprises, {reports:,} annual reports "
          f"(prepared in {time.perf_counter() - started:.1f} s)", flush=True)
    return user


def load_inputs(user: Any) -> list[tuple[Any, dict[int, Any]]]:
    """The batch's inputs, read as run_batch reads them, kept in memory."""
    from kechuang.assessment.inputs import EnterpriseFacts, figures_from_row
    from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport
    from kechuang.policy.inputs import ANNUAL_FIELDS

    rows = list(Enterprise.objects.restrict(user, "view").filter(annual_reports__year=YEAR)
                .order_by("pk").values_list("pk", "industry_code", "established_on", "tier"))
    figures: dict[int, dict[int, Any]] = defaultdict(dict)
    for r in (EnterpriseAnnualReport.objects.filter(year__gte=YEAR - 2, year__lte=YEAR)
              .order_by().values("enterprise_id", *ANNUAL_FIELDS).iterator(chunk_size=5000)):
        figures[r["enterprise_id"]][r["year"]] = figures_from_row(r)
    return [(EnterpriseFacts(*row), figures[row[0]]) for row in rows]


def engine_alone(inputs: list[tuple[Any, dict[int, Any]]]) -> tuple[float, float, Counter,
                                                                    Decimal]:
    """One pass: ``assess`` timed on its own, then ``summarise`` timed separately."""
    from kechuang.assessment.engine import assess, summarise
    from kechuang.assessment.services import rule_versions

    versions = rule_versions(YEAR)
    outcomes: Counter = Counter()
    deduction = Decimal(0)
    t_assess = t_summarise = 0.0
    clock = time.perf_counter
    for facts, figures in inputs:
        t0 = clock()
        assessment = assess(facts, figures, year=YEAR, as_of=AS_OF)
        t1 = clock()
        for rule, outcome in assessment.outcomes.items():
            s = summarise(outcome, rule_version=versions[rule])
            outcomes[(rule, s.outcome)] += 1
            deduction += s.rd_deduction_amount_yuan or 0
        t_assess += t1 - t0
        t_summarise += clock() - t1
    return t_assess, t_summarise, outcomes, deduction


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = args.database_url or f"sqlite:///{DEFAULT_SQLITE}"
    if not url.startswith(("sqlite:", "postgres://", "postgresql://")):
        raise SystemExit("give a sqlite:/// or postgres:// URL")
    setup_django(url)
    from django.db import connection
    from django.db.models import Count, Sum

    from kechuang.assessment.models import EvaluationResult, EvaluationRun
    from kechuang.assessment.services import run_batch

    user = prepare(args, url)

    # (i) the batch end to end
    run = EvaluationRun.objects.create(year=YEAR, as_of=AS_OF, started_by=user,
                                       rules=["tech_sme", "high_tech", "rd_deduction"])
    started = time.perf_counter()
    summary = run_batch(run=run, actor=user, progress=lambda *a, **k: None)
    t_batch = time.perf_counter() - started
    print(f"(i) run_batch: {summary['enterprises']:,} enterprises, {summary['results']:,} "
          f"results ({summary['replaced']:,} replaced) in {t_batch:.1f} s", flush=True)
    stored = Counter({(r["rule"], r["outcome"]): r["n"] for r in EvaluationResult.objects.filter(
        run=run).values("rule", "outcome").annotate(n=Count("*"))})
    stored_deduction = EvaluationResult.objects.filter(run=run).aggregate(
        s=Sum("rd_deduction_amount_yuan"))["s"] or Decimal(0)

    # (ii) the engine alone, inputs in memory
    started = time.perf_counter()
    inputs = load_inputs(user)
    t_inputs = time.perf_counter() - started
    print(f"inputs: {len(inputs):,} enterprises in memory ({t_inputs:.1f} s, not timed)",
          flush=True)
    t_engine, t_summarise, outcomes, deduction = engine_alone(inputs)
    t_summ = t_engine + t_summarise
    print(f"(ii) assess alone: {t_engine:.1f} s; summarise {t_summarise:.1f} s", flush=True)
    if outcomes != stored or deduction != stored_deduction:
        print("batch and engine DISAGREE:\n"
              f"  stored {sorted(stored.items())} deduction {stored_deduction}\n"
              f"  engine {sorted(outcomes.items())} deduction {deduction}")
        return 1

    n = len(inputs)
    evals = n * 3
    vendor = connection.vendor + (f" {connection.Database.sqlite_version}"
                                  if connection.vendor == "sqlite" else "")
    print(f"\n{n:,} enterprises × 3 rules (data year {YEAR}, with gap analysis), {vendor}")
    head = (f"{'variant':<44} {'seconds':>8} {'ent/s':>8} {'ms/ent':>7} {'× (ii)':>7}")
    lines = [head, "-" * len(head)]
    for label, s in (("(i)   run_batch end to end", t_batch),
                     ("(ii)  engine alone (assess)", t_engine),
                     ("(ii') assess + summarise", t_summ)):
        lines.append(f"{label:<44} {s:>8.1f} {n / s:>8,.0f} {s / n * 1000:>7.2f} "
                     f"{s / t_engine:>7.2f}")
    print("\n".join(lines))
    print(f"ratio (i) ÷ (ii) = {t_batch / t_engine:.2f}; (i) ÷ (ii') = {t_batch / t_summ:.2f}; "
          f"reading + writing ≈ {t_batch - t_summ:.1f} s "
          f"({(t_batch - t_summ) / t_batch * 100:.0f} % of the batch); {evals:,} evaluations; "
          f"outcomes {dict(sorted((f'{r}:{o}', c) for (r, o), c in outcomes.items()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
