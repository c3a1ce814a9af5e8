"""The whole KPI dashboard on PostgreSQL with a province-sized database (issue #4).

1. Prepare a throw-away PostgreSQL database (default ``kc_bench_dash`` on 127.0.0.1:5432,
   ``kc_bench_dash_<n>`` for another ``--enterprises``; created when missing, reused when it
   already holds the data, rebuilt with ``--reload``): migrate, the regions and the 2025
   plan, then ``--enterprises`` enterprises and their annual reports for 2024 and 2025 loaded
   server-side (``INSERT … SELECT … FROM generate_series``), county allocations of the
   tech-SME target and a few hundred approved reported values; then the records the real
   metrics count — tech-SME registrations (2024, 2025), high-tech certificates (2022–2025),
   chain memberships with roles (and R&D reserve funds on their reports), and a finished
   batch evaluation of the R&D super-deduction for 2025 (an unfinished one too, which must
   not count). A database loaded before those existed gets them added (detected by counts).
   VACUUM ANALYZE.
2. In one process, alternating, ``--repeat`` times each (after one warm-up round):
   (a)  ``build_dashboard(plan, as_of=2025-10-31)`` — time and query count;
   (a=) ``build_dashboard(…, keys=…)`` for only the indicators (b) covers;
   (b)  the same aggregates as hand-written SQL (``cursor.execute``, one query per metric
        for both years; the zone folded into its host district as the plan says) for the
        six computed indicators of METRIC_KEYS and the reported ones — the newer computed
        indicators (every other registered metric: the modules of #14–#18, whose tables
        stay empty here except the R&D reserve-fund register)
        are timed as part of (a), not compared;
   (b') the SQL the dashboard issued, replayed through ``cursor.execute`` — separates the
        ORM / Python cost (a ÷ b') from the query shapes (b' ÷ b);
   (c)  the dashboard page ``/kpi/`` through ``django.test.Client`` as a city user.
   (a) and (b) must give the same numbers, or the run fails.

Run: ``python bench/run.py dashboard`` (1,000,000 enterprises; the first run loads them) or
``python bench/run.py dashboard -- --enterprises 20000``. ``--explain`` prints EXPLAIN
ANALYZE of the dashboard's slowest queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
import statistics
import time
from decimal import ROUND_FLOOR, Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import _common
from _common import percentile

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
DB_PREFIX = "kc_bench_dash"  # only databases with this prefix are ever dropped
PLAN_YEAR = 2025
AS_OF = dt.date(2025, 10, 31)
CODE_PREFIX = "BK"  # credit codes of the generated enterprises: BK + 15 digits + X
BENCH_NOTE = "bench_dashboard"  # marks the generated reported values and allocations
CITY_USER = "bench_city"
TECH_SME_KEY = "tech_sme_registered"  # its target is split over the counties
# the indicators of the plan the registered metrics compute (the rest are reported or have
# no source yet)
METRIC_KEYS = ("tech_sme_registered", "high_tech_recognized",
               "above_scale_service_county_coverage", "chain_enterprises_with_rd_reserve",
               "above_scale_industrial_with_rd_share", "rd_super_deduction_amount")
BENCH_RULE_VERSION = "bench_dashboard"  # marks the generated evaluation runs and results
# tech-SME registrations per month (per cent): the spring peak of the evaluation season
REGISTRATION_MONTHS = (3, 4, 12, 18, 16, 10, 8, 7, 7, 6, 5, 4)
# high-tech certificates: three batches a year, October to December
CERTIFICATE_BATCHES = ((10, 16), (11, 20), (12, 12))

# county weights (per mille), in the order of the region file; the zone gets the rest
COUNTY_WEIGHTS = (190, 110, 80, 90, 90, 40, 45, 55, 80, 45, 40, 55)
ZONE_WEIGHT = 1000 - sum(COUNTY_WEIGHTS)  # 长治高新区: 80 ‰ (8 %)
# the last two counties have no above-scale tech-service enterprise (coverage 10 of 12)
NO_ABOVE_SCALE_SERVICE = 2
# industry divisions (GB/T 4754) with weights in per cent
INDUSTRIES = (
    ("B06", 3), ("B08", 1), ("B10", 1), ("C13", 2), ("C14", 1), ("C17", 1), ("C22", 1),
    ("C26", 3), ("C27", 2), ("C30", 3), ("C31", 2), ("C33", 2), ("C34", 3), ("C35", 2),
    ("C36", 2), ("C38", 2), ("C39", 3), ("C42", 1), ("D44", 2), ("D45", 1), ("D46", 1),
    ("M73", 2), ("M74", 3), ("M75", 2), ("A01", 3), ("E48", 4), ("F51", 8), ("F52", 7),
    ("G54", 4), ("H61", 2), ("H62", 4), ("I64", 4), ("I65", 6), ("K70", 3), ("L72", 5),
    ("N77", 1), ("O80", 2), ("R86", 1),
)


# -- options and the database ---------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench_dashboard", description=__doc__.splitlines()[0])
    p.add_argument("--enterprises", type=int, default=1_000_000)
    p.add_argument("--database-url", default="",
                   help=f"default: {DEFAULT_SERVER}/{DB_PREFIX}[_<enterprises>], created if "
                        "missing")
    p.add_argument("--reload", action="store_true",
                   help="load the data again (a kc_bench_dash* database is dropped first; "
                        "elsewhere only the generated rows are deleted)")
    p.add_argument("--repeat", type=int, default=5, help="measured runs of each variant")
    p.add_argument("--explain", action="store_true",
                   help="EXPLAIN ANALYZE the dashboard's queries slower than 5 ms")
    return p.parse_args(argv)


def database_url(args: argparse.Namespace) -> str:
    if args.database_url:
        return args.database_url
    suffix = "" if args.enterprises == 1_000_000 else f"_{args.enterprises}"
    return f"{DEFAULT_SERVER}/{DB_PREFIX}{suffix}"


def ensure_database(url: str, reload: bool) -> bool:
    """Create the database if missing (drop it first on --reload, kc_bench_dash* only).

    Returns True when the database was (re)created empty.
    """
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [name]).fetchone() is not None
        if exists and reload and name.startswith(DB_PREFIX):
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            if not name.startswith(DB_PREFIX):
                raise SystemExit(f"database {name!r} does not exist (only {DB_PREFIX}* "
                                 "databases are created here)")
            conn.execute(f'CREATE DATABASE "{name}"')
            return True
    return False


def setup_django(url: str) -> None:
    _common.setup_django(url)
    # DEBUG is off: the manifest storage would need collectstatic; the page is measured
    # with plain static URLs instead (a dictionary lookup less per asset)
    from django.test.utils import override_settings

    override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }).enable()


# -- loading --------------------------------------------------------------------------------
ORG_SQL = """
INSERT INTO orgs_organisation (kind, name, credit_code, county_id, address, industry_code,
    established_on, above_scale, tier, contact_name, contact_phone, created_at, updated_at,
    version)
SELECT 'enterprise', '长治基准' || g.i || '号科技有限公司',
       %(prefix)s || lpad(g.i::text, 15, '0') || 'X', g.county_id, '', g.industry,
       DATE '2010-01-01' + g.day,
       g.scale < 20 AND NOT (g.industry IN ('M73', 'M74', 'M75')
                             AND g.county_id = ANY(%(no_service)s)),
       CASE WHEN g.tier < 2 THEN 'high_tech' WHEN g.tier < 10 THEN 'tech_sme' ELSE '' END,
       '', '', now(), now(), 1
FROM (
    SELECT i,
           (%(counties)s::bigint[])[1 + abs(hashint4extended(i, 1) %% 1000)] AS county_id,
           (%(industries)s::text[])[1 + abs(hashint4extended(i, 2) %% 100)] AS industry,
           abs(hashint4extended(i, 3) %% 5844)::int AS day,
           abs(hashint4extended(i, 4) %% 100) AS scale,
           abs(hashint4extended(i, 5) %% 100) AS tier
    FROM generate_series(%(first)s::int, %(last)s::int) AS i
) AS g
"""

# one report per enterprise and year from its founding year on; figures within the
# table's checks (st_staff <= employees, rd_domestic <= rd_expense, revenue >= 0)
REPORT_SQL = """
INSERT INTO orgs_enterpriseannualreport (enterprise_id, year, employees, st_staff,
    revenue_yuan, total_income_yuan, high_tech_revenue_yuan, total_costs_yuan,
    total_assets_yuan, net_assets_yuan, rd_expense_yuan, rd_domestic_yuan, rd_personnel_yuan,
    rd_direct_input_yuan, rd_depreciation_yuan, rd_amortization_yuan, rd_design_yuan,
    rd_other_yuan, rd_entrusted_domestic_yuan, rd_entrusted_overseas_yuan,
    rd_reserve_fund_yuan, ip_class_1_count, ip_class_2_count, achievements_converted,
    has_rd_activity, created_at, updated_at, version)
SELECT r.id, r.year, r.employees, r.employees * r.st_pct / 100,
       r.revenue, r.revenue, round(r.revenue * r.ht_pct / 100, 2), round(r.revenue * 0.85, 2),
       round(r.revenue * 1.3, 2), round(r.revenue * 0.4, 2),
       r.rd, trunc(r.rd * 0.9, 2), trunc(r.rd * 0.5, 2), trunc(r.rd * 0.3, 2),
       trunc(r.rd * 0.1, 2), 0, 0, trunc(r.rd * 0.05, 2), 0, 0,
       CASE WHEN r.reserve THEN trunc(r.rd * 0.2, 2) ELSE 0 END,
       CASE WHEN r.has_rd THEN r.h %% 3 ELSE 0 END, CASE WHEN r.has_rd THEN r.h %% 7 ELSE 0 END,
       CASE WHEN r.has_rd THEN r.h %% 2 ELSE 0 END, r.has_rd, now(), now(), 1
FROM (
    SELECT q.*,
           CASE WHEN q.has_rd THEN round(q.revenue * (1 + q.h %% 8) / 100, 2) ELSE 0 END AS rd
    FROM (
        SELECT o.id, y.year, p.h,
               (5 + p.h %% 400 + CASE WHEN o.above_scale THEN 300 ELSE 0 END) AS employees,
               p.h %% 41 AS st_pct, p.h %% 60 AS ht_pct,
               ((CASE WHEN o.above_scale THEN 2000 ELSE 5 END) * 10000
                + (p.h %% 100000) * 1000)::numeric(16, 2) AS revenue,
               -- R&D activity: 25–49 %% by county, five points more in the later year
               abs(hashint8extended(o.id * 10 + y.year, 7) %% 100)
                   < 25 + (o.county_id %% 7) * 4 + (y.year - %(first_year)s) * 5 AS has_rd,
               p.h %% 10 = 0 AS reserve
        FROM orgs_organisation o
        CROSS JOIN (VALUES (%(first_year)s), (%(last_year)s)) AS y (year)
        CROSS JOIN LATERAL (SELECT abs(hashint8extended(o.id * 10 + y.year, 6)) AS h) AS p
        WHERE o.credit_code LIKE %(like)s AND o.id BETWEEN %(lo)s AND %(hi)s
          AND o.established_on <= make_date(y.year, 12, 31)
    ) AS q
) AS r
"""

CHUNK = 250_000


def _weighted(items: list[tuple[Any, int]]) -> list[Any]:
    return [value for value, weight in items for _ in range(weight)]


def bench_enterprise_count(cursor) -> int:
    cursor.execute("SELECT count(*) FROM orgs_organisation WHERE credit_code LIKE %s",
                   [CODE_PREFIX + "%"])
    return cursor.fetchone()[0]


def delete_generated(cursor) -> None:
    like = CODE_PREFIX + "%"
    cursor.execute("DELETE FROM cultivation_techsmeregistration WHERE note = %s", [BENCH_NOTE])
    cursor.execute("DELETE FROM cultivation_hightechcertificate WHERE note = %s", [BENCH_NOTE])
    cursor.execute("DELETE FROM assessment_evaluationresult WHERE rule_version = %s",
                   [BENCH_RULE_VERSION])
    cursor.execute("DELETE FROM assessment_evaluationrun WHERE rule_versions->>'rd_deduction' "
                   "= %s", [BENCH_RULE_VERSION])
    cursor.execute("DELETE FROM orgs_chainmembership WHERE organisation_id IN "
                   "(SELECT id FROM orgs_organisation WHERE credit_code LIKE %s)", [like])
    cursor.execute("DELETE FROM orgs_enterpriseannualreport WHERE enterprise_id IN "
                   "(SELECT id FROM orgs_organisation WHERE credit_code LIKE %s)", [like])
    cursor.execute("DELETE FROM orgs_organisation WHERE credit_code LIKE %s", [like])
    cursor.execute("DELETE FROM reported_reportedvalue WHERE note = %s", [BENCH_NOTE])
    cursor.execute("DELETE FROM plans_countyallocation WHERE note = %s", [BENCH_NOTE])


def load_records(n: int) -> dict[str, int]:
    """Enterprises and their 2024/2025 annual reports, generated by the server."""
    from django.db import connection, transaction

    from kechuang.regions.models import Region

    counties = list(Region.objects.filter(level=Region.Level.COUNTY, gb2260=True)
                    .order_by("sort_order", "code").values_list("pk", flat=True))
    zone = Region.objects.filter(level=Region.Level.COUNTY, gb2260=False).order_by(
        "sort_order").values_list("pk", flat=True).first()
    assert len(counties) == len(COUNTY_WEIGHTS), counties
    slots = _weighted(list(zip(counties, COUNTY_WEIGHTS, strict=True)) + [(zone, ZONE_WEIGHT)])
    industries = _weighted(list(INDUSTRIES))
    assert len(slots) == 1000 and len(industries) == 100
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '256MB'")
        for first in range(1, n + 1, CHUNK):
            last = min(n, first + CHUNK - 1)
            with transaction.atomic():
                cur.execute(ORG_SQL, {"prefix": CODE_PREFIX, "counties": slots,
                                      "industries": industries,
                                      "no_service": counties[-NO_ABOVE_SCALE_SERVICE:],
                                      "first": first, "last": last})
            print(f"  enterprises {last:,}/{n:,}", flush=True)
        cur.execute("SELECT min(id), max(id) FROM orgs_organisation WHERE credit_code LIKE %s",
                    [CODE_PREFIX + "%"])
        lo, hi = cur.fetchone()
        reports = 0
        for start in range(lo, hi + 1, CHUNK):
            with transaction.atomic():
                cur.execute(REPORT_SQL, {"first_year": PLAN_YEAR - 1, "last_year": PLAN_YEAR,
                                         "like": CODE_PREFIX + "%", "lo": start,
                                         "hi": min(hi, start + CHUNK - 1)})
                reports += cur.rowcount
            print(f"  annual reports {reports:,}", flush=True)
        cur.execute("SET synchronous_commit = on")
    return {"enterprises": n, "reports": reports}


# tech-SME registrations: ~2 % of the enterprises founded before the year, each plan year;
# dated with a spring peak; 3 % revoked since
REGISTRATION_SQL = """
INSERT INTO cultivation_techsmeregistration (note, created_at, updated_at, year,
    registration_no, registered_on, status, revoked_on, revoke_reason, created_by_id,
    enterprise_id)
SELECT %(note)s, now(), now(), q.year, q.year::text || '1404' || lpad(q.id::text, 12, '0'),
       q.day, CASE WHEN q.revoked THEN 'revoked' ELSE 'registered' END,
       CASE WHEN q.revoked THEN q.day + 20 END,
       CASE WHEN q.revoked THEN '基准：撤销' ELSE '' END, NULL, q.id
FROM (
    SELECT o.id, y.year,
           make_date(y.year, (%(months)s::int[])[1 + p.h %% 100],
                     (1 + (p.h / 100) %% 28)::int) AS day,
           (p.h / 3000) %% 100 < 3 AS revoked
    FROM orgs_organisation o
    CROSS JOIN (VALUES (%(first_year)s), (%(last_year)s)) AS y (year)
    CROSS JOIN LATERAL (SELECT abs(hashint8extended(o.id * 10 + y.year, 11)) AS h) AS p
    WHERE o.credit_code LIKE %(like)s AND o.established_on < make_date(y.year, 1, 1)
      AND abs(hashint8extended(o.id * 10 + y.year, 12)) %% 1000 < 20
) AS q
"""

# high-tech certificates: 0.8 % of the enterprises, first issued 2022–2025 (a fifth of them
# re-recognitions of an older certificate), renewed three years later (2022 → 2025); one of
# three October–December batches; 2 % revoked. Numbers GR + year + 14 + serial.
CERTIFICATE_SQL = """
INSERT INTO cultivation_hightechcertificate (note, created_at, updated_at, certificate_no,
    issued_on, expires_on, batch, kind, status, revoked_on, revoke_reason, created_by_id,
    enterprise_id)
SELECT %(note)s, now(), now(),
       'GR' || q.year::text || '14'
           || lpad((100000 + row_number() OVER (PARTITION BY q.year ORDER BY q.id))::text, 6,
                   '0'),
       q.day, (q.day + interval '3 years' - interval '1 day')::date,
       q.year::text || '年第' || (q.batch + 1)::text || '批', q.kind,
       CASE WHEN q.revoked THEN 'revoked' ELSE 'valid' END,
       CASE WHEN q.revoked THEN q.day + 100 END,
       CASE WHEN q.revoked THEN '基准：取消资格' ELSE '' END, NULL, q.id
FROM (
    SELECT o.id, p.first + k.offs AS year,
           make_date(p.first + k.offs, (%(months)s::int[])[1 + (p.h / 7) %% 3],
                     (%(days)s::int[])[1 + (p.h / 7) %% 3]) AS day,
           (p.h / 7) %% 3 AS batch,
           CASE WHEN k.offs > 0 OR (p.h / 21) %% 5 = 0 THEN 'renewal' ELSE 'new' END AS kind,
           (abs(hashint8extended(o.id * 10 + k.offs, 14)) %% 100) < 2 AS revoked
    FROM orgs_organisation o
    CROSS JOIN LATERAL (SELECT abs(hashint8extended(o.id, 13)) AS h) AS p0
    CROSS JOIN LATERAL (SELECT p0.h, (2022 + (p0.h / 1000) %% 4)::int AS first) AS p
    CROSS JOIN (VALUES (0), (3)) AS k (offs)
    WHERE o.credit_code LIKE %(like)s AND p.h %% 1000 < 8 AND p.first + k.offs <= 2025
      AND o.established_on < make_date(p.first + k.offs, 1, 1)
) AS q
"""

# chain memberships: 1 % of the enterprises in one of the chains (5 % leaders, 25 % core,
# the rest members), a tenth of them in a second chain too
CHAIN_SQL = """
INSERT INTO orgs_chainmembership (organisation_id, chain_id, role)
SELECT q.id, (%(chains)s::bigint[])[1 + (q.h / 100 + k.n) %% cardinality(%(chains)s::bigint[])],
       CASE WHEN k.n = 1 THEN 'member' WHEN q.h %% 100 < 5 THEN 'chain_leader'
            WHEN q.h %% 100 < 30 THEN 'chain_core' ELSE 'member' END
FROM (
    SELECT o.id, abs(hashint8extended(o.id, 15)) AS h FROM orgs_organisation o
    WHERE o.credit_code LIKE %(like)s AND abs(hashint8extended(o.id, 16)) %% 1000 < 10
) AS q
CROSS JOIN (VALUES (0), (1)) AS k (n)
WHERE k.n = 0 OR (q.h / 10000) %% 10 = 0
"""

# the chain enterprises set aside an R&D reserve in 40 % of their reports with R&D
RESERVE_SQL = """
UPDATE orgs_enterpriseannualreport r SET rd_reserve_fund_yuan = trunc(r.rd_expense_yuan * 0.2, 2)
WHERE r.enterprise_id IN (SELECT m.organisation_id FROM orgs_chainmembership m
                          JOIN orgs_organisation o ON o.id = m.organisation_id
                          WHERE o.credit_code LIKE %(like)s)
  AND r.rd_expense_yuan > 0 AND r.rd_reserve_fund_yuan = 0
  AND abs(hashint8extended(r.enterprise_id * 10 + r.year, 17)) %% 10 < 4
"""

# a finished batch evaluation of the 2025 reports, rule rd_deduction: 20 % of the
# enterprises, eligible (amount = 100 % of the R&D expense) when they have R&D
EVALUATION_SQL = """
INSERT INTO assessment_evaluationresult (year, rule, rule_version, outcome, eligible, score,
    score_max, failed_conditions, gap_text, gap_points, rd_deduction_amount_yuan, error,
    computed_at, enterprise_id, county_id, run_id)
SELECT r.year, 'rd_deduction', %(version)s,
       CASE WHEN r.rd_expense_yuan > 0 THEN 'eligible' ELSE 'ineligible' END,
       r.rd_expense_yuan > 0, NULL, NULL,
       CASE WHEN r.rd_expense_yuan > 0 THEN '[]' ELSE '["rd_expense"]' END::jsonb, '', NULL,
       r.rd_expense_yuan, '', now(), r.enterprise_id, o.county_id, %(run)s
FROM orgs_enterpriseannualreport r JOIN orgs_organisation o ON o.id = r.enterprise_id
WHERE o.credit_code LIKE %(like)s AND r.year = %(year)s
  AND abs(hashint8extended(r.enterprise_id, 18)) %% 100 < %(pct)s
"""

# the reserve funds of the chain enterprises' reports, entered in the register (rdinput)
RESERVE_REGISTER_SQL = """
INSERT INTO rdinput_rdreservefund (enterprise_id, year, provision_yuan, used_yuan,
    system_document, approved_on, note, recorded_by_id, recorded_at, version)
SELECT r.enterprise_id, r.year, r.rd_reserve_fund_yuan, 0, '研发准备金管理办法',
       make_date(r.year, 3, 1), %(note)s, %(user)s, now(), 1
FROM orgs_enterpriseannualreport r JOIN orgs_organisation o ON o.id = r.enterprise_id
WHERE o.credit_code LIKE %(like)s AND r.rd_reserve_fund_yuan > 0
"""

EXTRA_TABLES = {  # what prepare() counts to decide whether the records are there
    "registrations": "SELECT count(*) FROM cultivation_techsmeregistration WHERE note = %s",
    "certificates": "SELECT count(*) FROM cultivation_hightechcertificate WHERE note = %s",
    "chain memberships": "SELECT count(*) FROM orgs_chainmembership m JOIN orgs_organisation o "
                         "ON o.id = m.organisation_id WHERE o.credit_code LIKE %s",
    "evaluation results": "SELECT count(*) FROM assessment_evaluationresult "
                          "WHERE rule_version = %s",
    "reserve funds": "SELECT count(*) FROM rdinput_rdreservefund WHERE note = %s",
}


def extra_counts(cursor) -> dict[str, int]:
    out = {}
    for name, sql in EXTRA_TABLES.items():
        param = CODE_PREFIX + "%" if "credit_code" in sql else (
            BENCH_RULE_VERSION if "rule_version" in sql else BENCH_NOTE)
        cursor.execute(sql, [param])
        out[name] = cursor.fetchone()[0]
    return out


def load_extras(missing: list[str]) -> dict[str, int]:
    """The records the cultivation and assessment metrics count (only the ``missing`` ones)."""
    from django.db import connection, transaction

    from kechuang.orgs.models import IndustrialChain

    like = CODE_PREFIX + "%"
    out: dict[str, int] = {}
    with connection.cursor() as cur, transaction.atomic():
        cur.execute("SET LOCAL synchronous_commit = off")
        if "registrations" in missing:
            cur.execute(REGISTRATION_SQL, {"note": BENCH_NOTE, "like": like,
                                           "months": _weighted(list(enumerate(
                                               REGISTRATION_MONTHS, start=1))),
                                           "first_year": PLAN_YEAR - 1,
                                           "last_year": PLAN_YEAR})
            out["registrations"] = cur.rowcount
        if "certificates" in missing:
            cur.execute(CERTIFICATE_SQL, {"note": BENCH_NOTE, "like": like,
                                          "months": [m for m, _ in CERTIFICATE_BATCHES],
                                          "days": [d for _, d in CERTIFICATE_BATCHES]})
            out["certificates"] = cur.rowcount
        if "chain memberships" in missing:
            chains = list(IndustrialChain.objects.order_by("pk").values_list("pk", flat=True))
            if not chains:
                raise SystemExit("no industrial chains: the region file should load them")
            cur.execute(CHAIN_SQL, {"chains": chains, "like": like})
            out["chain memberships"] = cur.rowcount
            cur.execute(RESERVE_SQL, {"like": like})
            out["reports given a reserve fund"] = cur.rowcount
        if "reserve funds" in missing or "chain memberships" in missing:
            cur.execute(RESERVE_REGISTER_SQL, {"note": BENCH_NOTE, "like": like,
                                               "user": city_user().pk})
            out["reserve funds"] = cur.rowcount
        if "evaluation results" in missing:
            as_of = dt.date(PLAN_YEAR, 10, 31)
            for finished, pct in ((True, 20), (False, 1)):  # the unfinished run must not count
                cur.execute(
                    "INSERT INTO assessment_evaluationrun (year, as_of, rules, rule_versions, "
                    "enterprises, results, errors, error, created_at, finished_at) VALUES "
                    "(%s, %s, '[\"rd_deduction\"]', %s::jsonb, 0, 0, 0, '', now(), "
                    "CASE WHEN %s THEN now() END) RETURNING id",
                    [PLAN_YEAR, as_of, f'{{"rd_deduction": "{BENCH_RULE_VERSION}"}}', finished])
                run = cur.fetchone()[0]
                cur.execute(EVALUATION_SQL, {"version": BENCH_RULE_VERSION, "run": run,
                                             "like": like, "year": PLAN_YEAR, "pct": pct})
                n = cur.rowcount
                cur.execute("UPDATE assessment_evaluationrun SET enterprises = %s, results = %s "
                            "WHERE id = %s", [n, n, run])
                out["evaluation results" + ("" if finished else " (unfinished run)")] = n
    return out


def load_plan_data(user) -> dict[str, int]:
    """County shares of the tech-SME target, and approved reported values 2024–2025."""
    from django.utils import timezone

    from kechuang.plans.models import CountyAllocation, Indicator, Plan
    from kechuang.regions.models import Region
    from kechuang.reported.models import ReportedValue

    plan = Plan.objects.get(year=PLAN_YEAR)
    counties = list(Region.objects.filter(parent_id=plan.region_id, level="county",
                                          gb2260=True).order_by("sort_order", "code"))
    ind = Indicator.objects.get(action__plan=plan, key=TECH_SME_KEY)
    target = ind.target or Decimal(300)
    allocations = [CountyAllocation(indicator=ind, county=c, note=BENCH_NOTE,
                                    target=(target * w / 1000).quantize(Decimal(1)))
                   for c, w in zip(counties, COUNTY_WEIGHTS, strict=True)]
    CountyAllocation.objects.bulk_create(allocations, ignore_conflicts=True)

    reported = list(Indicator.objects.filter(action__plan=plan,
                                             source=Indicator.Source.REPORTED))
    now = timezone.now()
    rows = []
    for year, months in ((PLAN_YEAR - 1, 12), (PLAN_YEAR, 10)):
        for month in range(1, months + 1):
            end = dt.date(year, month + 1, 1) - dt.timedelta(days=1) if month < 12 \
                else dt.date(year, 12, 31)
            for ind in reported:
                if ind.scope == Indicator.Scope.COUNTY or ind.unit == "万元":
                    for i, c in enumerate(counties):  # county figures; the city sums them
                        rows.append(ReportedValue(
                            indicator=ind, county=c, period_end=end,
                            value=Decimal(80 + 11 * i) * month + (year - 2024) * 40,
                            status="approved", submitted_by=user, reviewed_by=user,
                            submitted_at=now, reviewed_at=now, note=BENCH_NOTE))
                elif month % 3 == 0:  # quarterly city figures
                    value = (Decimal("2.10") + Decimal(month) / 100 if ind.unit == "%"
                             else Decimal(month + (year - 2024) * 2))
                    rows.append(ReportedValue(
                        indicator=ind, county=None, period_end=end, value=value,
                        status="approved", submitted_by=user, reviewed_by=user,
                        submitted_at=now, reviewed_at=now, note=BENCH_NOTE))
    # a rejected and a pending figure, which must not count
    if reported:
        for status in ("rejected", "submitted"):
            rows.append(ReportedValue(indicator=reported[0], county=None,
                                      period_end=dt.date(PLAN_YEAR, 10, 31), value=999,
                                      status=status, submitted_by=user, submitted_at=now,
                                      note=BENCH_NOTE))
    ReportedValue.objects.bulk_create(rows)
    return {"allocations": len(allocations), "reported values": len(rows)}


def city_user():
    from kechuang.accounts.models import User

    user = User.objects.filter(username=CITY_USER).first()
    if user is None:
        user = User(username=CITY_USER, first_name="基准", role="city_staff")
        user.set_unusable_password()
        user.save()
    return user


def prepare(args: argparse.Namespace, url: str) -> tuple[dict[str, int], float, bool]:
    """Migrate, regions, plan, the records; returns (row counts, seconds, loaded now)."""
    from django.core.management import call_command
    from django.db import connection

    from kechuang.orgs.services import load_city
    from kechuang.plans.services import load_plan

    created = ensure_database(url, args.reload)
    started = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    from django.conf import settings

    load_city(path=settings.KECHUANG_REGION_FILE)
    load_plan(settings.KECHUANG_PLAN_FILE)
    user = city_user()
    with connection.cursor() as cur:
        have = bench_enterprise_count(cur)
        reuse = have == args.enterprises and not args.reload
        if not reuse:
            if have or (args.reload and not created):
                print(f"deleting the generated rows ({have:,} enterprises) …", flush=True)
            delete_generated(cur)
    if reuse:
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM orgs_enterpriseannualreport")
            counts = {"enterprises": have, "reports": cur.fetchone()[0]}
    else:
        print(f"loading {args.enterprises:,} enterprises with 2024 and 2025 annual reports …",
              flush=True)
        counts = load_records(args.enterprises)
        counts.update(load_plan_data(user))
    with connection.cursor() as cur:
        extras = extra_counts(cur)
    missing = [name for name, n in extras.items() if n == 0]
    if missing:
        print(f"loading {', '.join(missing)} …", flush=True)
        extras.update(load_extras(missing))
    counts.update(extras)
    with connection.cursor() as cur:  # the zone and its host, as the region file gives them
        cur.execute("SELECT z.name, h.name, (SELECT count(*) FROM orgs_organisation o "
                    "WHERE o.county_id = z.id AND o.credit_code LIKE %s) "
                    "FROM regions_region z LEFT JOIN regions_region h ON h.id = z.host_id "
                    "WHERE z.kind = 'zone'", [CODE_PREFIX + "%"])
        for zone, host, n in cur.fetchall():
            if host is None:
                raise SystemExit(f"zone {zone} has no host district: the region file sets it")
            counts[f"in {zone} (host {host})"] = n
    loaded = not reuse or bool(missing)
    if loaded:
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    return counts, time.perf_counter() - started, loaded


# -- (b) the same aggregates, hand-written ----------------------------------------------------
def _q(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places))


def _same_day_last_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


ADDITIVE = frozenset({"家", "项", "个", "人", "亿元", "万元", "元"})

RAW_PLAN = """
SELECT a.id, a.number, i.id, i.key, i.metric, i.unit, i.source, i.target
FROM plans_action a LEFT JOIN plans_indicator i ON i.action_id = a.id
WHERE a.plan_id = %s ORDER BY a.number, i.sort_order, i.id
"""
# the county-level regions of the plan's city and the plan's zone setting: under "host" a
# zone whose host is one of them counts under it (长治高新区 → 潞州区) and is no unit itself
RAW_COUNTIES = """
SELECT c.id, c.kind, c.host_id, p.zone_attribution
FROM plans_plan p JOIN regions_region c ON c.parent_id = p.region_id
WHERE p.id = %s AND c.level = 'county' ORDER BY c.sort_order, c.code
"""
RAW_ALLOCATIONS = """
SELECT ca.indicator_id, ca.county_id, ca.target FROM plans_countyallocation ca
JOIN plans_indicator i ON i.id = ca.indicator_id JOIN plans_action a ON a.id = i.action_id
WHERE a.plan_id = %s
"""
# latest approved value per (indicator, county) inside the year up to each cut-off date
RAW_REPORTED = """
SELECT DISTINCT ON (cut.d, v.indicator_id, v.county_id) cut.d, v.indicator_id, v.county_id,
       v.value
FROM (VALUES (%(now)s::date), (%(last)s::date)) AS cut (d)
JOIN reported_reportedvalue v ON v.period_end <= cut.d
     AND v.period_end >= date_trunc('year', cut.d)::date
WHERE v.status = 'approved' AND v.indicator_id = ANY(%(ids)s)
ORDER BY cut.d, v.indicator_id, v.county_id, v.period_end DESC, v.reviewed_at DESC, v.id DESC
"""
# {unit} below: the county unit of a row's region (see _unit_sql), so every GROUP BY folds
# the zone into its host in SQL, as the dashboard does
# coverage: a state (the rows ignore the year), so one query serves both years
RAW_COVERAGE = """
SELECT DISTINCT {unit} FROM orgs_organisation o
WHERE o.kind = 'enterprise' AND o.above_scale AND o.industry_code IN ('M73', 'M74', 'M75')
  AND o.county_id IS NOT NULL
"""
# the share: numerator and denominator per county and year; the city sums the counties
RAW_SHARE = """
SELECT r.year, {unit}, count(*) FILTER (WHERE r.has_rd_activity), count(*)
FROM orgs_enterpriseannualreport r JOIN orgs_organisation o ON o.id = r.enterprise_id
WHERE r.year IN (%s, %s) AND o.kind = 'enterprise' AND o.above_scale
  AND (o.industry_code LIKE 'B%%' OR o.industry_code LIKE 'C%%' OR o.industry_code LIKE 'D%%')
GROUP BY 1, 2
"""
# the dated counts of enterprises: per year, county and month (the curve: all of last year,
# this year up to as-of) and per year and county (the values at the cut-off); {n} is the
# count (a registration is unique per enterprise and year, so no DISTINCT there)
RAW_DATED = """
SELECT t.year, {{unit}} AS unit, extract(month FROM t.{date})::int AS month,
       GROUPING(extract(month FROM t.{date})) AS whole,
       {n} AS n,
       {n} FILTER (WHERE t.{date} <= CASE t.year
           WHEN %(year)s THEN %(now)s::date ELSE %(last)s::date END) AS c
FROM (SELECT {year_expr} AS year, enterprise_id, status, {date} FROM {table}) AS t
JOIN orgs_organisation o ON o.id = t.enterprise_id
WHERE t.year IN (%(year)s - 1, %(year)s) AND {where}
  AND t.{date} BETWEEN make_date(t.year, 1, 1) AND make_date(t.year, 12, 31)
GROUP BY GROUPING SETS ((t.year, {{unit}}, extract(month FROM t.{date})),
                        (t.year, {{unit}}))
"""
RAW_TECH_SME = RAW_DATED.format(table="cultivation_techsmeregistration", date="registered_on",
                                year_expr="year", where="t.status = 'registered'",
                                n="count(*)")
RAW_HIGH_TECH = RAW_DATED.format(table="cultivation_hightechcertificate", date="issued_on",
                                 year_expr="extract(year FROM issued_on)::int",
                                 where="t.status <> 'revoked'",
                                 n="count(DISTINCT t.enterprise_id)")
# chain leaders and core enterprises with a reserve fund registered for the year (rdinput)
RAW_CHAIN_RESERVE = """
SELECT r.year, {unit}, count(DISTINCT r.enterprise_id)
FROM (SELECT DISTINCT organisation_id FROM orgs_chainmembership
      WHERE role IN ('chain_leader', 'chain_core')) AS a
JOIN rdinput_rdreservefund r ON r.enterprise_id = a.organisation_id
JOIN orgs_organisation o ON o.id = r.enterprise_id
WHERE r.year IN (%s, %s) AND r.provision_yuan > 0 AND o.kind = 'enterprise'
GROUP BY 1, 2
"""
# the super-deduction of the finished batch runs (yuan; 亿元 in Python)
RAW_DEDUCTION = """
SELECT e.year, {unit}, sum(e.rd_deduction_amount_yuan)
FROM assessment_evaluationresult e
JOIN assessment_evaluationrun run ON run.id = e.run_id
WHERE e.rule = 'rd_deduction' AND e.year IN (%s, %s) AND run.finished_at IS NOT NULL
GROUP BY 1, 2
"""
YI = Decimal("1e-8")


def _largest_remainder(raw: dict[int, Decimal], places: int) -> dict[int, Decimal]:
    """Round down, then give the quanta left to the largest remainders (ties: lower id)."""
    quantum = Decimal(1).scaleb(-places)
    out = {k: v.quantize(quantum, rounding=ROUND_FLOOR) for k, v in raw.items()}
    left = int((_q(sum(raw.values(), Decimal(0)), places) - sum(out.values(), Decimal(0)))
               / quantum)
    for k in sorted(raw, key=lambda k: (out[k] - raw[k], k))[:max(left, 0)]:
        out[k] += quantum
    return out


def _cumulative(per_month: list[Decimal], places: int) -> list[Decimal]:
    running, out = Decimal(0), []
    for n in per_month:
        running += n
        out.append(_q(running, places))
    return out


def _year_figures(year: int, county_ids: list[int], by_year: dict[int, dict[int, Decimal]],
                  city: dict[int, Decimal | None], *, no_rows_is_no_data: bool = False,
                  curves: dict[int, list[Decimal]] | None = None) -> dict[str, Any]:
    """One metric's numbers as the dashboard shows them, from per-year county values."""
    has_now, has_last = year in by_year, year - 1 in by_year
    this_city = city.get(year, Decimal(0)) if has_now or not no_rows_is_no_data else None
    out: dict[str, Any] = {
        "city": this_city,
        "last_city": city.get(year - 1) if has_last else None,
        "counties": {c: by_year.get(year, {}).get(c, Decimal(0)) for c in county_ids},
        "last_counties": dict(by_year.get(year - 1, {})),
        "this_curve": None, "last_curve": None}
    if this_city is None:  # "no data": the dashboard shows no county figures
        out["counties"] = {}
    if curves is not None:
        last_curve = curves[year - 1] if curves[year - 1][-1] > 0 else None
        out["last_curve"] = last_curve
        out["this_curve"] = curves[year] if has_now or last_curve else None
    return out


def _unit_sql(column: str, folded: dict[int, int]) -> str:
    """The county unit of ``column``'s region: ``CASE column WHEN zone THEN host … END``."""
    if not folded:
        return column
    whens = " ".join(f"WHEN {int(r)} THEN {int(u)}" for r, u in sorted(folded.items()))
    return f"CASE {column} {whens} ELSE {column} END"


def raw_dashboard(plan_id: int, year: int, as_of: dt.date) -> dict[str, Any]:
    """Every number the dashboard computes for the indicators it covers (the six computed
    ones of METRIC_KEYS and the reported ones), by hand: 10 queries (one per metric)."""
    from django.db import connection

    from kechuang import metrics as metric_registry

    last_as_of = _same_day_last_year(as_of)
    out: dict[str, Any] = {}
    with connection.cursor() as cur:
        cur.execute(RAW_PLAN, [plan_id])
        indicators = [r for r in cur.fetchall() if r[2] is not None]
        cur.execute(RAW_COUNTIES, [plan_id])
        regions = cur.fetchall()
        ids = {r[0] for r in regions}
        folded = {r: host for r, kind, host, setting in regions
                  if setting == "host" and kind == "zone" and host in ids}
        county_ids = [r[0] for r in regions if r[0] not in folded]
        members = {c: [c, *sorted(r for r, u in folded.items() if u == c)] for c in county_ids}
        unit_o, unit_e = _unit_sql("o.county_id", folded), _unit_sql("e.county_id", folded)
        cur.execute(RAW_ALLOCATIONS, [plan_id])
        allocations = {(i, c): t for i, c, t in cur.fetchall()}
        keys = {(r[4] or r[3]): r for r in indicators}

        reported = [r for r in indicators if r[6] == "reported"
                    and metric_registry.get(r[4] or r[3]) is None]
        cur.execute(RAW_REPORTED, {"now": as_of, "last": last_as_of,
                                   "ids": [r[2] for r in reported]})
        approved: dict[tuple, Decimal] = {}
        for cut, ind_id, county_id, value in cur.fetchall():
            approved[(cut == as_of, ind_id, county_id)] = value
        for r in reported:
            ind_id, unit = r[2], r[5]
            figures, units = {}, {}
            for now in (True, False):
                for c in county_ids:  # a unit's figure adds its zone's (additive units only)
                    got = [approved[(now, ind_id, m)] for m in members[c]
                           if (now, ind_id, m) in approved]
                    units[(now, c)] = (approved.get((now, ind_id, c)) if unit not in ADDITIVE
                                       else sum(got, Decimal(0)) if got else None)
                city = approved.get((now, ind_id, None))
                if city is None and unit in ADDITIVE:
                    parts = [units[(now, c)] for c in county_ids
                             if units[(now, c)] is not None]
                    city = sum(parts, Decimal(0)) if parts else None
                figures[now] = city
            out[r[3]] = {"city": figures[True], "last_city": figures[False],
                         "counties": {c: units[(True, c)] for c in county_ids}}

        def dated(key: str, sql: str) -> None:
            if key not in keys:
                return
            cur.execute(sql.format(unit=unit_o),
                        {"year": year, "now": as_of, "last": last_as_of})
            months = {year: [Decimal(0)] * 12, year - 1: [Decimal(0)] * 12}
            by_year: dict[int, dict[int, Decimal]] = {}
            for y, county_id, month, whole, n, c in cur.fetchall():
                if whole:  # distinct enterprises of the county up to the cut-off
                    by_year.setdefault(y, {})
                    if c:
                        by_year[y][county_id] = Decimal(c)
                else:  # this year's curve stops at as-of, last year's runs the whole year
                    months[y][month - 1] += n if y == year - 1 else c
            city = {y: Decimal(sum(v.values())) for y, v in by_year.items()}
            curves = {y: _cumulative(m, 0) for y, m in months.items()}
            out[keys[key][3]] = _year_figures(year, county_ids, by_year, city, curves=curves)

        dated("tech_sme_registered", RAW_TECH_SME)
        dated("high_tech_recognized", RAW_HIGH_TECH)

        if "above_scale_service_county_coverage" in keys:
            cur.execute(RAW_COVERAGE.format(unit=unit_o))
            covered = {c: Decimal(1) for (c,) in cur.fetchall()}
            by_year = {year: covered, year - 1: covered} if covered else {}
            city = {y: Decimal(len(covered)) for y in (year, year - 1)}
            out[keys["above_scale_service_county_coverage"][3]] = _year_figures(
                year, county_ids, by_year, city)

        if "above_scale_industrial_with_rd_share" in keys:
            cur.execute(RAW_SHARE.format(unit=unit_o), [year - 1, year])
            by_year, sums = {}, {}
            for y, county_id, n, d in cur.fetchall():
                by_year.setdefault(y, {})[county_id] = _q(Decimal(n) * 100 / d, 2)
                sn, sd = sums.get(y, (0, 0))
                sums[y] = (sn + n, sd + d)
            city = {y: _q(Decimal(n) * 100 / d, 2) if d else Decimal(0)
                    for y, (n, d) in sums.items()}
            out[keys["above_scale_industrial_with_rd_share"][3]] = _year_figures(
                year, county_ids, by_year, city)

        if "chain_enterprises_with_rd_reserve" in keys:
            cur.execute(RAW_CHAIN_RESERVE.format(unit=unit_o), [year - 1, year])
            by_year = {}
            for y, county_id, n in cur.fetchall():
                by_year.setdefault(y, {})[county_id] = Decimal(n)
            city = {y: sum(v.values(), Decimal(0)) for y, v in by_year.items()}
            out[keys["chain_enterprises_with_rd_reserve"][3]] = _year_figures(
                year, county_ids, by_year, city)

        if "rd_super_deduction_amount" in keys:
            cur.execute(RAW_DEDUCTION.format(unit=unit_e), [year - 1, year])
            sums: dict[int, dict[int, Decimal]] = {}
            for y, county_id, total in cur.fetchall():
                sums.setdefault(y, {})[county_id] = (total or Decimal(0)) * YI
            # county values rounded so that they add up to the rounded city total
            by_year = {y: _largest_remainder(v, 2) for y, v in sums.items()}
            city = {y: _q(sum(v.values(), Decimal(0)), 2) for y, v in sums.items()}
            out[keys["rd_super_deduction_amount"][3]] = _year_figures(
                year, county_ids, by_year, city, no_rows_is_no_data=True)

        for r in keys.values():  # the county shares of the target (任务分解)
            if r[3] in out:
                figures = out[r[3]]
                figures["shares"] = ({c: allocations.get((r[2], c)) for c in county_ids}
                                     if figures["counties"] else {})
    return out


# -- comparing (a) and (b) --------------------------------------------------------------------
def dashboard_numbers(board, *, with_last_counties: bool) -> dict[str, Any]:
    """The numbers of a built dashboard, keyed like raw_dashboard()."""
    from kechuang.kpi.selectors import metric_for, same_day_last_year

    out: dict[str, Any] = {}
    for row in board.rows:
        if row.source_kind == "none":
            continue
        if row.source_kind == "metric" and row.key not in METRIC_KEYS:
            continue  # a newer computed indicator (#14–#18 modules): timed, not compared
        if row.source_kind == "reported" and row.indicator.source != "reported":
            continue  # a computed indicator without its metric yet, fillable: not compared
        figures = {"city": row.progress.value, "last_city": row.last_year_value,
                   "counties": {c.county_id: c.value for c in row.counties},
                   "shares": {c.county_id: c.share for c in row.counties}}
        if row.source_kind == "metric":
            figures["this_curve"] = row.this_year_curve
            figures["last_curve"] = row.last_year_curve
            if with_last_counties:  # feeds the county statuses only: read it once more
                last = metric_for(row.indicator).figures(
                    year=board.plan.year - 1, as_of=same_day_last_year(board.as_of),
                    full_curve=True, attribution=board.attribution)
                figures["last_counties"] = dict(last.counties) if last.has_rows else {}
        out[row.key] = figures
    return out


def compare(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    problems = []
    for key in sorted(set(a) | set(b)):
        if key.startswith("_"):
            continue
        if key not in a or key not in b:
            problems.append(f"{key}: only in {'(a)' if key in a else '(b)'}")
            continue
        for field in sorted(set(a[key]) | set(b[key])):
            if field not in a[key]:
                continue  # last_counties of a reported row: (b) has nothing to add
            va, vb = a[key][field], b[key].get(field)
            if field == "last_counties":  # zero counties may be absent on either side
                va = {c: v for c, v in va.items() if v}
                vb = {c: v for c, v in (vb or {}).items() if v}
            if va != vb:
                problems.append(f"{key}.{field}: dashboard {va!r} != raw SQL {vb!r}")
    return problems


# -- timing -----------------------------------------------------------------------------------
class Sample:
    def __init__(self, label: str) -> None:
        self.label = label
        self.seconds: list[float] = []
        self.queries: list[int] = []
        self.db_seconds: list[float] = []

    def add(self, seconds: float, captured) -> None:
        self.seconds.append(seconds)
        self.queries.append(len(captured.captured_queries))
        self.db_seconds.append(sum(float(q["time"]) for q in captured.captured_queries))

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000


def timed(sample: Sample, fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - started
    sample.add(elapsed, captured)
    return result, captured


def report(samples: list[Sample], base: Sample, page: Sample, dash: Sample) -> str:
    head = (f"{'variant':<34} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'SQL ms':>8} "
            f"{'queries':>8} {'× (b)':>7}")
    lines = [head, "-" * len(head)]
    for s in samples:
        ms = [x * 1000 for x in s.seconds]
        ratio = s.median_ms / base.median_ms if base.median_ms else math.nan
        lines.append(f"{s.label:<34} {s.median_ms:>10.1f} {percentile(ms, 0.95):>8.1f} "
                     f"{max(ms):>8.1f} {statistics.median(s.db_seconds) * 1000:>8.1f} "
                     f"{statistics.median(s.queries):>8.0f} {ratio:>7.2f}")
    lines.append(f"page ÷ build_dashboard: {page.median_ms / dash.median_ms:.2f} "
                 f"(template, middleware, session: {page.median_ms - dash.median_ms:.0f} ms)")
    return "\n".join(lines)


def statement_label(sql: str) -> str:
    """A one-line name for a dashboard statement: its table, the year and the shape."""
    import re

    table = re.search(r'FROM "(\w+)"', sql)
    year = re.search(r'"year" = (\d{4})|"(?:registered_on|issued_on)" >= \'(\d{4})', sql)
    bits = [table.group(1) if table else sql[:40]]
    if year:
        bits.append(year.group(1) or year.group(2))
    if "EXTRACT(MONTH" in sql:
        bits.append("by county+month")
    elif "GROUP BY" in sql:
        bits.append("by county")
    return " ".join(bits)


NEWER_TABLES = re.compile(
    r'FROM "(projects|techmarket|vouchers|carriers|cooperation|supervision)_'
    r'|FROM "rdinput_(fiscalreport|intensityfigure)')


def _fold_text(board) -> str:
    att = getattr(board, "attribution", None)
    if att is None or not att.folded:
        return "no region folded"
    from kechuang.regions.models import Region

    names = dict(Region.objects.filter(pk__in=[*att.folded, *att.folded.values()])
                 .values_list("pk", "name"))
    return ", ".join(f"{names[r]} counted under {names[u]}" for r, u in att.folded.items())


def explain(captured, threshold_ms: float = 5.0) -> None:
    from django.db import connection

    slow = sorted((q for q in captured.captured_queries
                   if float(q["time"]) * 1000 >= threshold_ms), key=lambda q: -float(q["time"]))
    seen = set()
    with connection.cursor() as cur:
        for q in slow:
            if q["sql"] in seen:
                continue
            seen.add(q["sql"])
            print(f"\n-- {float(q['time']) * 1000:.1f} ms\n{q['sql']}")
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            print("\n".join(r[0] for r in cur.fetchall()))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = database_url(args)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench_dashboard measures PostgreSQL: give a postgres:// URL")
    # the database must exist before Django opens a connection to it
    setup_django(url)
    counts, prepare_seconds, loaded = prepare(args, url)
    where = url.rsplit("@", 1)[-1]
    print(f"database: {where} — {counts['enterprises']:,} generated enterprises, "
          f"{counts['reports']:,} annual reports "
          f"({'loaded' if loaded else 'reused; prepared'} in {prepare_seconds:.1f} s)",
          flush=True)
    print("  " + ", ".join(f"{name} {n:,}" for name, n in counts.items()
                           if name not in ("enterprises", "reports")), flush=True)

    from django.db import connection
    from django.test import Client

    from kechuang.kpi.selectors import build_dashboard
    from kechuang.plans.models import Plan

    plan = Plan.objects.get(year=PLAN_YEAR)
    client = Client()
    client.force_login(city_user(), backend="django.contrib.auth.backends.ModelBackend")
    page_url = f"/kpi/?year={PLAN_YEAR}&as_of={AS_OF.isoformat()}"

    dash = Sample("(a) build_dashboard")
    same = Sample("(a=) build_dashboard(keys=(b)'s)")
    raw = Sample("(b) hand-written SQL")
    replay = Sample("(b') dashboard SQL replayed")
    page = Sample("(c) page /kpi/ (test Client)")
    warmup = Sample("warm-up")

    # warm-up round: caches, connection, template loading; also the numbers check
    board, captured = timed(warmup, lambda: build_dashboard(plan=plan, as_of=AS_OF))
    statements = [q["sql"] for q in captured.captured_queries]
    raw_numbers, _ = timed(warmup, lambda: raw_dashboard(plan.pk, PLAN_YEAR, AS_OF))
    problems = compare(dashboard_numbers(board, with_last_counties=True), raw_numbers)
    if problems:
        print("(a) and (b) DISAGREE:\n  " + "\n  ".join(problems))
        return 1
    compared = set(raw_numbers)
    metric_rows = [r.key for r in board.rows if r.source_kind == "metric" and r.key in compared]
    reported_rows = [r.key for r in board.rows
                     if r.source_kind == "reported" and r.key in compared]
    newer = [r.key for r in board.rows if r.source_kind == "metric" and r.key not in compared]
    fillable = [r.key for r in board.rows
                if r.source_kind == "reported" and r.key not in compared]
    for row in board.rows:
        if row.source_kind == "metric":
            print(f"  {row.key}: {row.progress.value} (last year {row.last_year_value}), "
                  f"{row.progress.status.value}")
    print(f"(a) = (b): {len(metric_rows)} computed indicators ({', '.join(metric_rows)}), "
          f"{len(reported_rows)} reported, × {len(board.counties)} county units "
          f"({_fold_text(board)}) — same numbers", flush=True)
    print(f"not compared: {len(newer)} newer computed indicators on tables left empty "
          f"({', '.join(newer)}; timed below), {len(fillable)} fillable indicators without "
          "a metric (read with the reported values)", flush=True)
    response = client.get(page_url)
    if response.status_code != 200:
        print(f"page answered {response.status_code}")
        return 1

    compared_keys = [r.key for r in board.rows if r.key in compared]

    def replay_sql() -> None:
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
                cur.fetchall()

    per_statement: list[list[float]] = []
    for _ in range(args.repeat):
        _, got = timed(dash, lambda: build_dashboard(plan=plan, as_of=AS_OF))
        per_statement.append([float(q["time"]) * 1000 for q in got.captured_queries])
        timed(raw, lambda: raw_dashboard(plan.pk, PLAN_YEAR, AS_OF))
        timed(same, lambda: build_dashboard(plan=plan, as_of=AS_OF, keys=compared_keys))
        timed(replay, replay_sql)
        resp, _ = timed(page, lambda: client.get(page_url))
        assert resp.status_code == 200, resp.status_code
    repeated = len(statements) - len(set(statements))
    print(f"as of {AS_OF}, {args.repeat} runs each (alternating, after one warm-up); "
          f"page {len(response.content):,} bytes; (a) repeats {repeated} of its "
          f"{len(statements)} statements verbatim")
    print(report([dash, same, raw, replay, page], raw, page, dash))
    newer_idx = [i for i, sql in enumerate(statements) if NEWER_TABLES.search(sql)]
    if newer_idx and all(len(t) == len(statements) for t in per_statement):
        ms = statistics.median(sum(t[i] for i in newer_idx) for t in per_statement)
        print(f"of (a): the newer computed indicators (modules of #14–#18) issue "
              f"{len(newer_idx)} statements, {ms:.1f} ms median SQL")
    if all(len(t) == len(statements) for t in per_statement):
        print("slowest statements of (a), median ms over the runs:")
        medians = sorted(((statistics.median(t[i] for t in per_statement), statements[i])
                          for i in range(len(statements))), key=lambda x: -x[0])
        for ms, sql in medians[:8]:
            print(f"  {ms:7.1f}  {statement_label(sql)}")
    print(f"ratios: (a) ÷ (b) = {dash.median_ms / raw.median_ms:.2f}; "
          f"(a) ÷ (b') = {dash.median_ms / replay.median_ms:.2f} (ORM + Python); "
          f"(b') ÷ (b) = {replay.median_ms / raw.median_ms:.2f} (query shapes); "
          f"(a=) ÷ (b) = {same.median_ms / raw.median_ms:.2f} (the same indicators)")
    if args.explain:
        explain(captured)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
