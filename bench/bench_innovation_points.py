"""Innovation-points batch against the pure rule alone (issue #18: "the innovation-points batch
over 100k enterprises as a ratio against the pure rule run on the same in-memory cohort in
the same process").

1. A throw-away database — SQLite ``/tmp/kc_bench_points.sqlite3`` (kept between runs while it
   holds that many demo enterprises; ``--fresh`` rebuilds it) or, with ``--database-url``, a
   PostgreSQL database named ``kc_bench_points*`` — with the regions, a city-staff user, the
   温州 example model and ``--enterprises`` demo enterprises (annual reports 2022–2025).
2. In one process:
   (i)  the batch end to end, as the job runs it: ``rdinput.services.run_points`` over the
        2024 cohort — read the reports, build the cohort, evaluate (§d), bulk-write every
        enterprise's scores;
   (ii) the pure rule alone: ``evaluate_innovation_points`` on the same cohort, built from
        the database beforehand (outside the timing).
   The stored totals, ranks and tiers must equal (ii)'s, or the run fails.

Default size 2,000 (``KC_BENCH_POINTS_ENTERPRISES`` or ``--enterprises``); the issue's figure:
``python bench/run.py innovation_points -- --enterprises 100000``.
"""

from __future__ import annotations

import argparse
import os
import time
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
    return p.parse_args(argv)


def prepare(args: argparse.Namespace, url: str) -> tuple[Any, Any]:
    from django.conf import settings
    from django.core.management import call_command

    from kechuang.accounts.models import User
    from kechuang.orgs.demo import load_demo
    from kechuang.orgs.models import Enterprise, EnterpriseAnnualReport
    from kechuang.orgs.services import load_city
    from kechuang.rdinput import points
    from kechuang.rdinput.models import PointsModel

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
    from kechuang.rdinput.services import cohort_input, run_points

    user, model = prepare(args, url)
    PointsRun.objects.filter(model=model).delete()
    run = PointsRun.objects.create(model=model, year=YEAR, spec=model.spec, started_by=user)

    # (ii)'s input, read outside any timing
    inp = cohort_input(run)

    # (i) the batch end to end
    started = time.perf_counter()
    summary = run_points(run=run, progress=lambda *a, **k: None)
    t_batch = time.perf_counter() - started
    print(f"(i) run_points: {summary['enterprises']:,} enterprises in {t_batch:.2f} s",
          flush=True)

    # (ii) the pure rule alone on the same in-memory cohort
    started = time.perf_counter()
    result = evaluate_innovation_points(inp)
    t_rule = time.perf_counter() - started
    print(f"(ii) evaluate_innovation_points: {len(result.enterprises):,} enterprises in "
          f"{t_rule:.2f} s", flush=True)

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
    print(f"batch ÷ pure rule = {ratio:.2f}× ({len(stored):,} enterprises; results equal)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
