"""The voucher ledger under load: claims per second with the invariants, as a ratio against
bare conditional updates on the same table in the same run (issue #15).

1. A throw-away database — SQLite ``/tmp/kc_bench_vouchers.sqlite3`` (rebuilt every run) or,
   with ``--database-url``, a PostgreSQL database named ``kc_bench_vouchers*`` (dropped and
   created) — with migrate, the regions, a 2025 policy, a listed provider and
   ``--enterprises`` enterprises each holding one issued voucher and a confirmed contract.
2. In one process, ``--workers`` threads each with its own connection:
   (i)  ``vouchers.services.file_claim`` for ``--claims`` claims spread over the vouchers —
        the pure rule on the enterprise's history, the claim row, the idempotency key, the
        reservation entry (four conditional updates, postings), the audit record and the
        claim's evidence (``--files``: the demo's three small generated files, checked and
        stored in private storage with their audit records; ``--files 0``: none, the path
        as it was before evidence files were required, timed for comparison);
   (ii) the bare pattern: the same number of ``UPDATE vouchers_account SET balance_fen =
        balance_fen - x WHERE id = … AND balance_fen >= x`` on the same accounts, one
        transaction each.
   Then ``ledger.verify()`` (timed apart) must report nothing, or the run fails.

Run: ``python bench/run.py vouchers`` or ``python bench/run.py vouchers -- --claims 2000``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import threading
import time
from decimal import Decimal
from typing import Any

from _common import ensure_database, setup_django

DEFAULT_SQLITE = "/tmp/kc_bench_vouchers.sqlite3"
DB_PREFIX = "kc_bench_vouchers"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench_vouchers", description=__doc__.splitlines()[0])
    p.add_argument("--enterprises", type=int, default=50)
    p.add_argument("--claims", type=int, default=500)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--files", type=int, default=1, choices=(0, 1),
                   help="1: each claim carries its evidence files (required since issue #15's "
                        "uploads); 0: bypass the file check, for comparison with older runs")
    p.add_argument("--database-url", default="",
                   help=f"default: SQLite {DEFAULT_SQLITE}; a postgres:// URL must name a "
                        f"database whose name starts with --prefix (it is dropped and created)")
    p.add_argument("--prefix", default=DB_PREFIX,
                   help="the prefix a PostgreSQL database's name must have (a throw-away "
                        "database of your own, e.g. kc_mine)")
    return p.parse_args(argv)


def _user(username: str, role: str, **extra: Any) -> Any:
    from kechuang.accounts.models import User

    user = User(username=username, role=role, first_name="基准", **extra)
    user.set_unusable_password()
    user.save()
    return user


def prepare(args: argparse.Namespace) -> tuple[list[Any], Any]:
    from django.conf import settings
    from django.core.management import call_command

    from kechuang.orgs.models import Organisation
    from kechuang.orgs.services import load_city
    from kechuang.policy.credit_code import make_code
    from kechuang.regions.models import Region
    from kechuang.vouchers import services

    call_command("migrate", "--noinput", verbosity=0)
    load_city(path=settings.KECHUANG_REGION_FILE)
    county = Region.objects.filter(level="county").order_by("code").first()
    city = _user("bench_city", "city_staff")

    def org(n: int, kind: str) -> Organisation:
        return Organisation.objects.create(
            kind=kind, name=f"基准单位{n}", credit_code=make_code(f"91140400MA{n:07d}"),
            county=county, industry_code="M73", established_on=dt.date(2015, 1, 1))

    policy = services.create_policy(actor=city, data={
        "year": 2025, "name": "基准创新券", "ratio": Decimal("0.5"),
        "annual_cap_fen": 10**10, "face_value_fen": 10**9, "budget_fen": 10**13,
        "valid_from": dt.date(2025, 1, 1), "valid_to": dt.date(2025, 12, 31)},
        kinds=[{"code": "testing", "name": "检验检测"}])
    prov = services.apply_listing(actor=city, organisation=org(9_999_999, "service_provider"),
                                  data={"services": "testing"})
    prov = services.decide_listing(actor=city, provider=prov, action="list",
                                   on=dt.date(2025, 1, 2))
    county_user = _user("bench_county", "county_staff", county=county)
    contracts = []
    for n in range(args.enterprises):
        v = services.apply_voucher(actor=city, policy=policy, enterprise=org(n, "enterprise"),
                                   data={})
        v = services.decide_voucher(actor=county_user, voucher=v, action="review")
        v = services.decide_voucher(actor=city, voucher=v, action="approve")
        contracts.append(services.create_contract(actor=city, voucher=v, provider=prov, data={
            "contract_no": f"B{n}", "service_kind": "testing", "subject": "检测",
            "fee_fen": 1000, "signed_on": dt.date(2025, 2, 1)}))
    return contracts, city


def run(workers: int, tasks: list[Any]) -> float:
    from django.db import connection

    queue = iter(range(len(tasks)))
    lock = threading.Lock()

    def worker() -> None:
        try:
            while True:
                with lock:
                    i = next(queue, None)
                if i is None:
                    return
                tasks[i]()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = args.database_url or f"sqlite:///{DEFAULT_SQLITE}"
    ensure_database(url, prefix=args.prefix, fresh=True)
    setup_django(url)
    from django.db import transaction
    from django.db.models import F

    from kechuang.vouchers import ledger, services
    from kechuang.vouchers.demo import evidence_files
    from kechuang.vouchers.models import Account

    contracts, city = prepare(args)
    n = args.claims
    if not args.files:  # the claim path without its evidence, as before uploads existed
        services.check_claim_files = lambda files: {f: [] for f in services.CLAIM_FILES}

    def claim(i: int) -> Any:
        c = contracts[i % len(contracts)]
        return lambda: services.file_claim(actor=city, contract=c, data={
            "invoice_no": f"FP{i}", "fee_fen": 200 + i % 100,
            "service_completed_on": dt.date(2025, 5, 1)},
            files=evidence_files(f"FP{i}") if args.files else None)

    full = run(args.workers, [claim(i) for i in range(n)])
    t0 = time.perf_counter()
    problems = ledger.verify()
    verify_s = time.perf_counter() - t0
    accounts = list(Account.objects.filter(kind="voucher_available").values_list("pk", flat=True))

    def bare(i: int) -> Any:
        pk = accounts[i % len(accounts)]

        def go() -> None:
            with transaction.atomic():
                Account.objects.filter(pk=pk, balance_fen__gte=100).update(
                    balance_fen=F("balance_fen") - 100)
        return go

    plain = run(args.workers, [bare(i) for i in range(n)])
    print(f"database: {url.split(':')[0]}, {args.workers} workers, {n} claims over "
          f"{len(contracts)} vouchers, evidence files: {'3 a claim' if args.files else 'none'}")
    print(f"claims with invariants (rule, claim row, reservation entry, audit): "
          f"{n / full:,.0f}/s ({full:.2f} s)")
    print(f"bare conditional updates on vouchers_account:                     "
          f"{n / plain:,.0f}/s ({plain:.2f} s)")
    print(f"ratio (bare / with invariants): {full / plain:.1f}×")
    print(f"ledger.verify(): {verify_s:.2f} s, {len(problems)} problems")
    if problems:
        for p in problems[:20]:
            print("  ", p)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
