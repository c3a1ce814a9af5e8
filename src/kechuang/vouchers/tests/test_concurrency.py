"""Hundreds of concurrent claims against one enterprise's annual cap and one voucher's balance.

Each worker thread has its own database connection (on SQLite: the in-memory test database
is handed over to a file every connection opens, IMMEDIATE transactions, WAL). Whatever the
interleaving: the reservations and payouts never exceed the voucher's face value or the
enterprise's annual cap, every refused claim says why, a resubmitted claim is one claim, and
the ledger balances to zero (``ledger.verify``).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from kechuang.core.errors import DomainError
from kechuang.vouchers import ledger, services
from kechuang.vouchers.demo import evidence_files
from kechuang.vouchers.models import Claim
from kechuang.vouchers.tests.conftest import contract, issue_voucher, list_provider, make_policy

D = dt.date
CAP = 4_000_000
FACE_1, FACE_2 = 2_000_000, 5_000_000


@contextmanager
def separate_connections(tmp_path: Path) -> Iterator[None]:
    """On SQLite, every thread's connection opens a file copy of the test database, which is
    copied back afterwards; on PostgreSQL every thread simply opens its own connection."""
    if connection.vendor != "sqlite":
        yield
        return
    file = tmp_path / "concurrency.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(file)
    connection.connection.backup(target)
    target.close()
    settings = connections.settings["default"]
    old = settings["NAME"]
    settings["NAME"] = str(file)
    try:
        yield
    finally:
        settings["NAME"] = old
        source = sqlite3.connect(file)
        source.backup(connection.connection)
        source.close()


def run(workers: int, tasks: list[Callable[[], Any]]) -> list[Any]:
    """Run the tasks on ``workers`` threads that start together, each task in its own
    transaction on the thread's own connection; a DomainError is a result (a refusal)."""
    results: list[Any] = [None] * len(tasks)
    queue = iter(range(len(tasks)))
    lock = threading.Lock()
    n = max(1, min(workers, len(tasks)))
    start = threading.Barrier(n)

    def worker() -> None:
        start.wait(timeout=60)
        try:
            while True:
                with lock:
                    i = next(queue, None)
                if i is None:
                    return
                try:
                    results[i] = tasks[i]()
                except DomainError as exc:
                    results[i] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _scenario(users, enterprise_a, provider_org, tmp_path, *, workers: int, claims: int):
    city, ent, prov = users["city_staff"], users["enterprise_a_user"], users["provider"]
    policy = make_policy(city, annual_cap_fen=CAP, face_value_fen=FACE_2)
    provider = list_provider(provider_org, prov, city)
    v1 = issue_voucher(policy, enterprise_a, ent, users["county_a_staff"], city,
                       face_value_fen=FACE_1)
    v2 = issue_voucher(policy, enterprise_a, ent, users["county_a_staff"], city)
    contracts = [contract(v, provider, ent, prov) for v in (v1, v1, v2, v2)]

    def claim(i: int, invoice: str) -> Callable[[], Any]:
        def go() -> Any:
            actor = prov if i % 2 else ent
            c = contracts[i % len(contracts)]
            fee = 100_000 + (i * 7919) % 400_000  # ¥1,000 … ¥5,000: ratio 50 %
            return services.file_claim(actor=actor, contract=c, data={
                "invoice_no": invoice, "fee_fen": fee,
                "service_completed_on": D(2025, 5, 1)}, files=evidence_files(invoice))
        return go

    tasks = [claim(i, f"FP-{i}") for i in range(claims)]
    tasks += [claim(i, f"FP-{i}") for i in range(0, claims, 10)]  # resubmissions
    with separate_connections(tmp_path):
        results = run(workers, tasks)
        # demand far exceeds the cap: the first round uses it to the fen, never more
        held = run(1, [lambda: sum(Claim.objects.filter(status="pending").values_list(
            "amount_fen", flat=True))])[0]
        assert held == CAP
        # every pending claim is decided concurrently: every fifth rejected, the rest paid
        pending = run(1, [lambda: list(Claim.objects.filter(status="pending")
                                       .values_list("pk", flat=True))])[0]

        def decide(pk: int, n: int) -> Callable[[], Any]:
            def go() -> Any:
                c = Claim.objects.get(pk=pk)
                if n % 5 == 0:
                    return services.decide_claim(actor=city, claim=c, action="reject",
                                                 reason="材料不符")
                c = services.decide_claim(actor=city, claim=c, action="approve")
                return services.decide_claim(actor=city, claim=c, action="pay")
            return go

        run(workers, [decide(pk, n) for n, pk in enumerate(pending)])
        # and new claims compete for what the rejections released
        results += run(workers, [claim(i, f"FP-late-{i}") for i in range(claims // 4)])
        # read back through a connection of the same kind as the workers'
        problems, rows = run(1, [lambda: (ledger.verify(), list(Claim.objects.values(
            "voucher_id", "status", "amount_fen", "reasons", "invoice_no", "contract_id")))])[0]
    return v1, v2, results, problems, rows


def _check(v1, v2, results, problems, rows, claims: int) -> None:
    assert problems == []
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert all(str(r) for r in refusals), "every refusal says why"
    held = ("pending", "approved", "paid")
    on = {v: sum(r["amount_fen"] for r in rows if r["voucher_id"] == v and r["status"] in held)
          for v in (v1.pk, v2.pk)}
    assert on[v1.pk] <= FACE_1 and on[v2.pk] <= FACE_2
    assert sum(on.values()) <= CAP
    paid = sum(r["amount_fen"] for r in rows if r["status"] == "paid")
    assert 0 < paid <= CAP
    refused = [r for r in rows if r["status"] == "refused"]
    assert refused and all(r["reasons"] for r in refused), "every refused claim says why"
    keys = [(r["voucher_id"], r["contract_id"], r["invoice_no"]) for r in rows]
    assert len(keys) == len(set(keys)) == claims + claims // 4 - len(refusals)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'",
                    reason="hundreds of concurrent transactions: PostgreSQL")
def test_240_concurrent_claims_on_postgresql(users, enterprise_a, provider_org, tmp_path):
    out = _scenario(users, enterprise_a, provider_org, tmp_path, workers=32, claims=240)
    _check(*out, claims=240)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the SQLite variant")
def test_concurrent_claims_on_sqlite(users, enterprise_a, provider_org, tmp_path):
    out = _scenario(users, enterprise_a, provider_org, tmp_path, workers=6, claims=60)
    _check(*out, claims=60)
