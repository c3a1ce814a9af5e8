"""Clerks approving vouchers of one county at once, while the county's allocation is raised
and cut: the county never issues more than its allocation, an allocation is never cut below
what is issued, an enterprise's annual cap is granted once, and the ledger stays sound.

Same pattern as test_concurrency.py: worker threads on their own connections (PostgreSQL),
or on a file copy of the SQLite test database with fewer workers.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection  # noqa: F401 - read by the skipif conditions

from conftest import make_enterprise
from kechuang.core.errors import DomainError
from kechuang.vouchers import ledger, services
from kechuang.vouchers.models import CountyAllocation, Entry, Voucher
from kechuang.vouchers.tests.conftest import make_policy
from kechuang.vouchers.tests.test_concurrency import run, separate_connections

FACE = 1_000_000


def _scenario(users, county_a, tmp_path, *, workers: int, enterprises: int) -> None:
    city, county = users["city_staff"], users["county_a_staff"]
    policy = make_policy(city, face_value_fen=FACE)
    services.save_allocation(actor=city, policy=policy, county=county_a, amount_fen=7 * FACE)
    reviewed = []
    for i in range(enterprises):  # two vouchers each: their caps are granted concurrently
        org = make_enterprise(county_a, f"并发企业{i}", 500 + i)
        for _ in range(2):
            v = services.apply_voucher(actor=city, policy=policy, enterprise=org, data={})
            reviewed.append(services.decide_voucher(actor=county, voucher=v, action="review"))

    def approve(pk: int):
        def go() -> Any:
            v = Voucher.objects.get(pk=pk)
            return services.decide_voucher(actor=city, voucher=v, action="approve")
        return go

    def allocate(amount: int):
        def go() -> Any:
            return services.save_allocation(actor=city, policy=policy, county=county_a,
                                            amount_fen=amount)
        return go

    with separate_connections(tmp_path):
        # every voucher at once against room for seven: exactly seven issued
        first = run(workers, [approve(v.pk) for v in reviewed])
        issued = [r for r in first if isinstance(r, Voucher)]
        refused = [r for r in first if isinstance(r, DomainError)]
        assert len(issued) == 7 and len(refused) == len(reviewed) - 7
        assert all("潞州区的分配额度余额" in r.message for r in refused)
        # the rest again, while the allocation is raised and cut concurrently
        waiting = [v.pk for v in reviewed if v.pk not in {i.pk for i in issued}]
        tasks = [approve(pk) for pk in waiting]
        for n, amount in enumerate((12, 8, 3, 10, 9)):
            tasks.insert(2 + n * 3, allocate(amount * FACE))
        second = run(workers, tasks)
        cuts = [r for r in second if isinstance(r, DomainError) and "调减" in r.message]
        assert all(r.message.startswith("潞州区已发放") for r in cuts)
        alloc, vouchers, grants, problems = run(1, [lambda: (
            CountyAllocation.objects.get(county=county_a),
            list(Voucher.objects.filter(status="issued").values_list("enterprise", flat=True)),
            list(Entry.objects.filter(kind="cap_grant").values_list(
                "voucher__enterprise", flat=True)),
            ledger.verify())])[0]
        remaining = run(1, [lambda: ledger.account(
            policy, ledger.K.COUNTY_BUDGET, county=county_a).balance_fen])[0]
    assert problems == []
    assert len(vouchers) * FACE == alloc.amount_fen - remaining <= alloc.amount_fen
    assert remaining >= 0 and len(vouchers) >= 7
    assert sorted(grants) == sorted(set(vouchers)), "one cap grant per enterprise"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'",
                    reason="many concurrent transactions: PostgreSQL")
def test_concurrent_issuance_against_a_county_allocation_on_postgresql(users, county_a,
                                                                       tmp_path):
    _scenario(users, county_a, tmp_path, workers=16, enterprises=12)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the SQLite variant")
def test_concurrent_issuance_against_a_county_allocation_on_sqlite(users, county_a, tmp_path):
    _scenario(users, county_a, tmp_path, workers=4, enterprises=6)
