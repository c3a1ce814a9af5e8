"""Innovation-points batch against the pure rule alone (issue #18: "the innovation-points batch
over 100k enterprises as a ratio against the pure rule run on the same in-memory cohort in
the same process").

1. A throw-away database — SQLite ``/tmp/kc_bench_points.sqlite3`` (kept between runs while it
   holds that many enterprises; ``--fresh`` rebuilds it) or, with ``--database-url``, a
   PostgreSQL database named ``kc_bench_points*`` — with the regions, a city-staff user, the
   温州 example model and ``--enterprises`` enterprises, each with a 2024 annual report of
   seeded figures, bulk-created (``load_cohort``: only what the batch reads — 100k in a few
   minutes, where the full demo took ~25 min).
2. In one process:
   (i)  the batch end to end, as the job runs it: ``rdinput.services.run_points`` over the
        2024 cohort — read the reports, build the cohort, evaluate (§d), bulk-write every
        enterprise's scores;
   (ii) the pure rule alone: ``evaluate_innovation_points`` on the same cohort, built from
        the database beforehand (outside the timing).
   The stored totals, ranks and tiers must equal (ii)'s, or the run fails.
   Both wall clock and this process's CPU time are reported: on a shared machine the wall
   clock moves with the neighbours' load; on SQLite all the work is in-process CPU, on
   PostgreSQL the server's share shows only in the wall clock.

Default size 2,000 (``KC_BENCH_POINTS_ENTERPRISES`` or ``--enterprises``); the issue's figure
(docs/rdinput.md, bench/README.md): ``python bench/run.py innovation_points -- --enterprises
100000 --database-url postgres://postgres@127.0.0.1:5432/kc_bench_points``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import time
from decimal import Decimal as D
from fractions import Fraction
from typing import Any

from _common import ensure_database, setup_django

DEFAULT_SQLITE = "/tmp/kc_bench_points.sqlite3"
DB_PREFIX = "kc_bench_points"
SEED = 2025
YEAR = 2024
USERNAME = "bench_points"
DEFAULT_SIZE = int(os.environ.get("KC_BENCH_POINTS_ENTERPRISES", "2000"))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench_innovation_points",
                                description=__doc__.splitlines()[0])
    p.add_argument("--enterprises", type=int, default=DEFAULT_SIZE)
    p.add_argument("--database-url", default="",
                   help=f"default: SQLite {DEFAULT_SQLITE}; a postgres:// URL must name a "
                        f"{DB_PREFIX}* database")
    p.add_argument("--fresh", action="store_true", help="rebuild the database")
    p.add_argument("--db-prefix", default=DB_PREFIX,
                   help="PostgreSQL: the only database names touched start with this")
    return p.parse_args(argv)


def _cohort_rows(n: int, first: int, rng: random.Random) -> list[dict[str, Any]]:
    """Minimal, seeded annual-report figures of ``n`` enterprises: every indicator the 温州
    example reads, revenues spread over its five stages, some zeros and ties."""
    rows = []
    for i in range(first, first + n):
        revenue = D(rng.choice((0, 50, 300, 1_200, 6_000, 30_000))
                    * rng.randint(1, 1_000)) * 1_000  # 元, 0 … 300 亿
        rd = (revenue * D(rng.randint(0, 80)) / 1_000).quantize(D("0.01"))
        employees = rng.randint(3, 2_000)
        rows.append({"i": i, "revenue_yuan": revenue, "rd_expense_yuan": rd,
                     "rd_domestic_yuan": rd, "employees": employees,
                     "st_staff": rng.randint(0, employees // 3),
                     "high_tech_revenue_yuan": (revenue * D(rng.randint(0, 90)) / 100
                                                ).quantize(D("0.01")),
                     "ip_class_1_count": rng.choice((0, 0, 1, 2, 5)),
                     "ip_class_2_count": rng.randint(0, 12),
                     "achievements_converted": rng.randint(0, 6)})
    return rows


def load_cohort(n: int, *, batch: int = 5_000) -> None:
    """``n`` enterprises with a report of YEAR, bulk-created (no demo, no audit): what the
    batch reads and nothing else — seconds for 100k where the full demo takes ~25 min."""
    from django.db import transaction

    from kechuang.orgs.models import EnterpriseAnnualReport, Organisation
    from kechuang.regions.models import Region

    county_ids = list(Region.objects.filter(level="county").values_list("pk", flat=True))
    have = Organisation.objects.count()
    rng = random.Random(SEED + have)
    for start in range(have, n, batch):
        rows = _cohort_rows(min(batch, n - start), start, rng)
        with transaction.atomic():
            orgs = Organisation.objects.bulk_create([Organisation(
                kind=Organisation.Kind.ENTERPRISE, name=f"基准企业{r['i']:06d}",
                credit_code=f"BENCH{r['i']:013d}", county_id=county_ids[r["i"] % len(county_ids)],
                industry_code="C26", established_on=dt.date(2010, 1, 1)) for r in rows],
                batch_size=batch)
            if orgs[0].pk is None:  # backends without RETURNING: read the ids back
                ids = dict(Organisation.objects.filter(credit_code__in=[
                    o.credit_code for o in orgs]).values_list("credit_code", "pk"))
                for o in orgs:
                    o.pk = ids[o.credit_code]
            EnterpriseAnnualReport.objects.bulk_create([EnterpriseAnnualReport(
                enterprise_id=o.pk, year=YEAR, **{k: v for k, v in r.items() if k != "i"})
                for o, r in zip(orgs, rows, strict=True)], batch_size=batch)
        print(f"  {start + len(rows):,} enterprises", flush=True)


def prepare(args: argparse.Namespace, url: str) -> tuple[Any, Any]:
    from django.conf import settings
    from django.core.management import call_command

    from kechuang.accounts.models import User
    from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport
    from kechuang.orgs.services import load_city
    from kechuang.rdinput import points
    from kechuang.rdinput.models import PointsModel

    ensure_database(url, prefix=args.db_prefix, fresh=args.fresh)
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
        print(f"creating {args.enterprises - have:,} enterprises with a {YEAR} report "
              f"(have {have:,}) …", flush=True)
        load_cohort(args.enterprises)
    elif have > args.enterprises:
        raise SystemExit(f"the database holds {have:,} enterprises, more than "
                         f"--enterprises {args.enterprises:,}: use --fresh")
    model, _ = PointsModel.objects.get_or_create(name="基准：温州示例", defaults={
        "spec": points.EXAMPLE_SPEC, "example": True})
    reports = EnterpriseAnnualReport.objects.filter(year=YEAR).count()
    print(f"database: {Enterprise.objects.count():,} enterprises, {reports:,} reports of {YEAR} "
          f"(prepared in {time.perf_counter() - started:.1f} s)", flush=True)
    return user, model


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = args.database_url or f"sqlite:///{DEFAULT_SQLITE}"
    if not url.startswith(("sqlite:", "postgres://", "postgresql://")):
        raise SystemExit("give a sqlite:/// or postgres:// URL")
    setup_django(url)
    from kechuang.policy.innovation_points import evaluate_innovation_points
    from kechuang.rdinput.models import PointsResult, PointsRun
    from kechuang.rdinput.services import cohort_input, cyclic_gc_paused, run_points

    user, model = prepare(args, url)
    PointsRun.objects.filter(model=model).delete()
    run = PointsRun.objects.create(model=model, year=YEAR, spec=model.spec, started_by=user)

    # (ii)'s input, read outside any timing; what preparing left behind is set aside so
    # neither timing pays for walking it (gc.freeze: the collector skips those objects)
    inp = cohort_input(run)
    gc.collect()
    gc.freeze()

    # (i) the batch end to end
    marks: list[tuple[str, float]] = []  # the job's progress messages, timed: the phases

    def progress(done: int, total: int | None, message: str = "") -> None:
        if not marks or marks[-1][0] != message:
            marks.append((message, time.perf_counter()))

    wall, cpu = time.perf_counter(), time.process_time()
    summary = run_points(run=run, progress=progress)
    t_batch, c_batch = time.perf_counter() - wall, time.process_time() - cpu
    print(f"(i) run_points: {summary['enterprises']:,} enterprises in {t_batch:.2f} s "
          f"(this process's CPU {c_batch:.2f} s)", flush=True)
    phases = [(m, b - a) for (m, a), (_n, b) in zip(marks, marks[1:], strict=False)]
    print("    phases (wall): " + "; ".join(f"{m} {t:.2f} s" for m, t in phases), flush=True)

    # (ii) the pure rule alone on the same in-memory cohort, under the same collector regime
    # as the batch (run_points pauses the cyclic collector: services.cyclic_gc_paused)
    wall, cpu = time.perf_counter(), time.process_time()
    with cyclic_gc_paused():
        result = evaluate_innovation_points(inp)
    t_rule, c_rule = time.perf_counter() - wall, time.process_time() - cpu
    print(f"(ii) evaluate_innovation_points: {len(result.enterprises):,} enterprises in "
          f"{t_rule:.2f} s (CPU {c_rule:.2f} s)", flush=True)

    stored = {r[0]: r[1:] for r in PointsResult.objects.filter(run=run).values_list(
        "enterprise_id", "total_exact", "rank", "tier")}
    if len(stored) != len(result.enterprises):
        raise SystemExit(f"stored {len(stored)} results, the rule gave {len(result.enterprises)}")
    for p in result.enterprises:
        total, rank, tier = stored[int(p.enterprise_id)]
        if (Fraction(total), rank, tier) != (p.total_exact, p.rank, p.tier or ""):
            raise SystemExit(f"enterprise {p.enterprise_id}: stored {total, rank, tier}, "
                             f"rule {p.total_exact, p.rank, p.tier}")
    ratio = t_batch / t_rule if t_rule else float("inf")
    cpu_ratio = c_batch / c_rule if c_rule else float("inf")
    print(f"batch ÷ pure rule = {ratio:.2f}× wall clock, {cpu_ratio:.2f}× this process's CPU "
          f"({len(stored):,} enterprises; results equal)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
