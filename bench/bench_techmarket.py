"""The technology-contract turnover indicator over many contracts on PostgreSQL (issue #16).

1. Prepare a PostgreSQL database (default ``kc_techmarket_bench`` on 127.0.0.1:5432; the URL
   from ``--url`` or ``TM_BENCH_URL``; only ``kc_techmarket*`` databases are ever dropped):
   migrate, the regions and the 2025 plan, 1,200 seller/buyer enterprises across the
   counties (the zone 长治高新区 among them, folded into its host as the plan says), then
   ``--contracts`` contracts loaded server-side (``INSERT … SELECT … generate_series``) with
   their registration events: every contract registered in 2024 or 2025 (5% in 2024, which
   must not count), one in 14 changed (+20% from a later date), one in 25 cancelled (its
   whole amount out from the cancellation date, some after the as-of date). Amounts are
   whole 5万元 (a change to 1.2× stays whole 万元), so 亿元 to four places add up exactly.
   Reused when it already holds that many contracts (``--reload`` rebuilds). VACUUM
   ANALYZE.
2. In one process, alternating, ``--repeat`` times each after a warm-up:
   (a) ``TURNOVER.figures(year=2025, as_of=2025-10-31)`` — every county unit at the as-of
       date, the city, the month curve and each county's month curve (one GROUP BY);
   (b) the same numbers by hand-written SQL (one ``cursor.execute``: county unit × month,
       the sum and the sum FILTERed at the as-of date) and a few lines of Python;
   (c) the drill-down's first page (50 contracts, with what each counts as of the date) and
       its count, as the KPI page asks for them;
   (d) the same page and count in hand-written SQL.
   (a) and (b) must give the same figures, or the run fails.

Run: ``python bench/run.py techmarket`` (20,000 contracts) or
``python bench/run.py techmarket -- --contracts 1000000`` (also ``TM_BENCH_CONTRACTS``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import _common

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kc_techmarket_bench"
DB_PREFIX = "kc_techmarket"
YEAR = 2025
AS_OF = dt.date(2025, 10, 31)
ORGS = 1200
CODE_PREFIX = "TB"  # credit codes of the generated organisations
NUMBER_PREFIX = "BENCH"  # registration numbers of the generated contracts
USER = "bench_techmarket"
YI = Decimal("1e-8")
Q4 = Decimal("0.0001")


def _user() -> Any:
    from kechuang.accounts.models import User
    from kechuang.accounts.roles import Role

    user = User.objects.filter(username=USER).first()
    if user is None:
        user = User(username=USER, role=Role.CITY_STAFF, first_name="基准")
        user.set_unusable_password()
        user.save()
    return user


def _count(cur: Any) -> int:
    cur.execute("SELECT count(*) FROM techmarket_techcontract WHERE registration_no LIKE %s",
                [NUMBER_PREFIX + "%"])
    return cur.fetchone()[0]


def _orgs() -> list[int]:
    """1,200 enterprises spread over the counties (and the zone), created once."""
    from kechuang.orgs.models import Organisation
    from kechuang.regions.models import Region

    have = list(Organisation.objects.filter(credit_code__startswith=CODE_PREFIX)
                .order_by("pk").values_list("pk", flat=True))
    if len(have) >= ORGS:
        return have
    regions = list(Region.objects.filter(kind__in=("county", "district", "zone"))
                   .order_by("code"))
    if not regions:
        regions = list(Region.objects.exclude(parent=None).order_by("code"))
    rows = [Organisation(kind=Organisation.Kind.ENTERPRISE, name=f"基准企业{n:05d}",
                         credit_code=f"{CODE_PREFIX}{n:015d}X", county=regions[n % len(regions)],
                         industry_code="M74", established_on=dt.date(2015, 1, 1))
            for n in range(len(have), ORGS)]
    Organisation.objects.bulk_create(rows, batch_size=1000)
    return list(Organisation.objects.filter(credit_code__startswith=CODE_PREFIX)
                .order_by("pk").values_list("pk", flat=True))


LOAD_CONTRACTS = """
INSERT INTO techmarket_techcontract
  (contract_type, sub_type, import_contract, subject, seller_id, buyer_id, registrant_id,
   turnover_yuan, non_technical_yuan, tech_transaction_yuan, needs_review, disputed,
   signed_on, effective_on, applied_on, corrected_on, deadline_on, registered_on,
   registration_no, registration_office, status, decision_note, closed_on, submitted_by_id,
   created_at, version)
SELECT (ARRAY['development','transfer','licensing','consulting','service'])[1 + q.h %% 5],
       '', false, '基准合同 ' || q.g, q.seller, q.buyer, q.seller,
       q.final, q.final / 10, q.final - q.final / 10, false, false,
       q.day - 10, NULL, q.day - 5, NULL, NULL, q.day,
       %(prefix)s || lpad(q.g::text, 9, '0'), '基准', 
       CASE WHEN q.g %% 25 = 0 THEN 'cancelled' WHEN q.g %% 14 = 0 THEN 'changed'
            ELSE 'registered' END,
       '', CASE WHEN q.g %% 25 = 0 THEN q.day + 60 END, %(user)s, now(), 1
FROM (
  SELECT g, (g * 2654435761) %% 1000003 AS h,
         (%(orgs)s::int[])[1 + (g * 7) %% %(n)s] AS seller,
         (%(orgs)s::int[])[1 + (g * 13 + 1) %% %(n)s] AS buyer,
         ((2 + ((g * 2654435761) %% 1000003) %% 600) * 50000
          * CASE WHEN g %% 25 <> 0 AND g %% 14 = 0 THEN 1.2 ELSE 1 END)::numeric(16, 2)
           AS final,
         CASE WHEN g %% 20 = 0 THEN DATE '2024-01-02' + (g %% 360)
              ELSE DATE '2025-01-02' + (g %% 360) END AS day
  FROM generate_series(%(start)s, %(stop)s) AS g
) q
"""

LOAD_EVENTS = """
INSERT INTO techmarket_contractevent
  (contract_id, kind, effective_on, year, turnover_delta, tech_transaction_delta, note,
   actor_id, recorded_at)
SELECT c.id, e.kind, e.on_date, extract(year FROM c.registered_on)::int, e.t, e.x, '',
       NULL, now()
FROM techmarket_techcontract c
CROSS JOIN LATERAL (
  SELECT 'applied' AS kind, c.applied_on AS on_date, 0::numeric AS t, 0::numeric AS x
  UNION ALL SELECT 'registered', c.registered_on, c.turnover_yuan / CASE WHEN c.status = 'changed'
         THEN 1.2 ELSE 1 END, c.tech_transaction_yuan
  UNION ALL SELECT 'changed', c.registered_on + 30, c.turnover_yuan - c.turnover_yuan / 1.2, 0
         WHERE c.status = 'changed'
  UNION ALL SELECT 'cancelled', c.closed_on, -c.turnover_yuan, -c.tech_transaction_yuan
         WHERE c.status = 'cancelled'
) e
WHERE c.registration_no LIKE %(prefix)s
"""


def prepare(args: argparse.Namespace, url: str) -> float:
    """Migrate, regions, plan, organisations, contracts and events; returns seconds."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from kechuang.orgs.services import load_city
    from kechuang.plans.services import load_plan

    started = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    load_city(path=settings.KECHUANG_REGION_FILE)
    load_plan(settings.KECHUANG_PLAN_FILE)
    user = _user()
    orgs = _orgs()
    with connection.cursor() as cur:
        have = _count(cur)
        if have == args.contracts and not args.reload:
            return 0.0
        print(f"loading {args.contracts:,} contracts with their events …", flush=True)
        cur.execute("DELETE FROM techmarket_contractevent WHERE contract_id IN (SELECT id FROM "
                    "techmarket_techcontract WHERE registration_no LIKE %s)",
                    [NUMBER_PREFIX + "%"])
        cur.execute("DELETE FROM techmarket_techcontract WHERE registration_no LIKE %s",
                    [NUMBER_PREFIX + "%"])
        step = 200_000
        for start in range(1, args.contracts + 1, step):
            stop = min(args.contracts, start + step - 1)
            cur.execute(LOAD_CONTRACTS, {"prefix": NUMBER_PREFIX, "user": user.pk,
                                         "orgs": orgs, "n": len(orgs), "start": start,
                                         "stop": stop})
        cur.execute(LOAD_EVENTS, {"prefix": NUMBER_PREFIX + "%"})
        cur.execute("VACUUM ANALYZE techmarket_techcontract")
        cur.execute("VACUUM ANALYZE techmarket_contractevent")
    return time.perf_counter() - started


def _unit_sql(column: str, folded: dict[int, int]) -> str:
    if not folded:
        return column
    whens = " ".join(f"WHEN {int(r)} THEN {int(u)}" for r, u in sorted(folded.items()))
    return f"CASE {column} {whens} ELSE {column} END"


def sql_figures(att: Any) -> dict[str, Any]:
    """(b): county units at the as-of date, the city and the month curves, by hand."""
    from django.db import connection

    unit = _unit_sql("o.county_id", dict(att.folded))
    sql = f"""
        SELECT {unit} AS u, extract(month FROM e.effective_on)::int AS m,
               sum(e.turnover_delta) FILTER (WHERE e.effective_on <= %s) AS c
        FROM techmarket_contractevent e
        JOIN techmarket_techcontract t ON t.id = e.contract_id
        JOIN orgs_organisation o ON o.id = t.registrant_id
        WHERE e.kind IN ('registered', 'changed', 'cancelled') AND e.year = %s
          AND e.effective_on BETWEEN %s AND %s
        GROUP BY 1, 2"""
    with connection.cursor() as cur:
        cur.execute(sql, [AS_OF, YEAR, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)])
        rows = cur.fetchall()
    per: dict[int, dict[int, Decimal]] = {}
    for u, m, c in rows:
        per.setdefault(u, {})[m] = Decimal(c or 0)
    counties = {u: (sum(ms.values(), Decimal(0)) * YI).quantize(Q4) for u, ms in per.items()}
    curve, running = [], Decimal(0)
    for m in range(1, 13):
        running += sum((ms.get(m, Decimal(0)) for ms in per.values()), Decimal(0))
        curve.append((running * YI).quantize(Q4))
    return {"counties": counties, "city": sum(counties.values(), Decimal(0)), "curve": curve}


def sql_records() -> tuple[int, list[tuple[int, Decimal]]]:
    """(d): the drill-down's count and first page, by hand."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("""
            SELECT count(DISTINCT e.contract_id) FROM techmarket_contractevent e
            WHERE e.kind IN ('registered', 'changed', 'cancelled') AND e.year = %s
              AND e.effective_on BETWEEN %s AND %s""", [YEAR, dt.date(YEAR, 1, 1), AS_OF])
        n = cur.fetchone()[0]
        cur.execute("""
            SELECT t.id, t.registration_no, t.subject, s.name, b.name, r.name,
                   (SELECT sum(e.turnover_delta) FROM techmarket_contractevent e
                    WHERE e.contract_id = t.id
                      AND e.kind IN ('registered', 'changed', 'cancelled') AND e.year = %s
                      AND e.effective_on BETWEEN %s AND %s) AS counted
            FROM techmarket_techcontract t
            JOIN orgs_organisation s ON s.id = t.seller_id
            JOIN orgs_organisation b ON b.id = t.buyer_id
            JOIN orgs_organisation g ON g.id = t.registrant_id
            LEFT JOIN regions_region r ON r.id = g.county_id
            WHERE t.id IN (SELECT e.contract_id FROM techmarket_contractevent e
                           WHERE e.kind IN ('registered', 'changed', 'cancelled')
                             AND e.year = %s AND e.effective_on BETWEEN %s AND %s)
            ORDER BY t.id LIMIT 50""",
                    [YEAR, dt.date(YEAR, 1, 1), AS_OF, YEAR, dt.date(YEAR, 1, 1), AS_OF])
        page = [(row[0], Decimal(row[6] or 0)) for row in cur.fetchall()]
    return n, page


def orm_records(metric: Any) -> tuple[int, list[tuple[int, Decimal]]]:
    """(c): the KPI drill-down's queries: the count and the first page."""
    qs = metric.records(year=YEAR, as_of=AS_OF).select_related(
        "seller", "buyer", "registrant__county").order_by("pk")
    n = qs.count()
    page = [(c.pk, Decimal(c.counted_yuan or 0)) for c in qs[:50]]
    return n, page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int,
                        default=int(os.environ.get("TM_BENCH_CONTRACTS", "20000")))
    parser.add_argument("--url", default=os.environ.get("TM_BENCH_URL", DEFAULT_URL))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args(argv)
    url = args.url
    if not urlsplit(url).path.lstrip("/").startswith(DB_PREFIX):
        raise SystemExit(f"refusing {url}: only {DB_PREFIX}* databases are used")
    _common.ensure_database(url, prefix=DB_PREFIX, fresh=args.reload)
    _common.setup_django(url)
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from kechuang.metrics import get_attribution
    from kechuang.techmarket.metrics import TURNOVER

    loaded = prepare(args, url)
    if loaded:
        print(f"loaded in {loaded:.1f} s", flush=True)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM techmarket_contractevent")
        events = cur.fetchone()[0]
        cur.execute("SELECT status, count(*) FROM techmarket_techcontract "
                    "WHERE registration_no LIKE %s GROUP BY 1 ORDER BY 1", [NUMBER_PREFIX + "%"])
        states = ", ".join(f"{s} {n:,}" for s, n in cur.fetchall())
    print(f"{args.contracts:,} contracts ({states}), {events:,} events; as of {AS_OF}")
    att = get_attribution(YEAR)

    def orm() -> Any:
        return TURNOVER.figures(year=YEAR, as_of=AS_OF, attribution=att, full_curve=False)

    # same numbers, or the run fails
    fig, hand = orm(), sql_figures(att)
    got = {u: v for u, v in fig.counties.items() if v}
    want = {u: v for u, v in hand["counties"].items() if v}
    if got != want or fig.city != hand["city"] or fig.curve != hand["curve"]:
        print("MISMATCH", got, want, fig.city, hand["city"], fig.curve, hand["curve"])
        return 1
    orm_page, sql_page = orm_records(TURNOVER), sql_records()
    if orm_page != sql_page:
        print("MISMATCH in the drill-down", orm_page[0], sql_page[0])
        return 1
    print(f"city {fig.city} 亿元 in {len(got)} county units; curve to Oct {fig.curve[9]}")

    timings: dict[str, list[float]] = {"a": [], "b": [], "c": [], "d": []}
    jobs = {"a": orm, "b": lambda: sql_figures(att), "c": lambda: orm_records(TURNOVER),
            "d": sql_records}
    with CaptureQueriesContext(connection) as ctx:
        orm()
    queries = len(ctx.captured_queries)
    for _round in range(args.repeat):
        for key, job in jobs.items():
            reset_queries()
            started = time.perf_counter()
            job()
            timings[key].append(time.perf_counter() - started)
    med = {k: statistics.median(v) for k, v in timings.items()}
    print(f"(a) figures() — counties, city, curves: {med['a'] * 1000:8.1f} ms "
          f"median of {args.repeat} ({queries} queries)")
    print(f"(b) hand-written SQL, same numbers:     {med['b'] * 1000:8.1f} ms")
    print(f"    ratio a ÷ b = {med['a'] / med['b']:.2f}")
    print(f"(c) drill-down count + first 50 (ORM):  {med['c'] * 1000:8.1f} ms")
    print(f"(d) the same in hand-written SQL:       {med['d'] * 1000:8.1f} ms")
    print(f"    ratio c ÷ d = {med['c'] / med['d']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
