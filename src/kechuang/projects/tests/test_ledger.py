"""The disbursement ledger: a funding plan by source with instalments, payments that can
never exceed what was approved — per instalment and per source — even when many requests race
(PostgreSQL: threads on separate connections; SQLite: interleaved stale requests)."""

from __future__ import annotations

import datetime as dt
import random
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F, Sum

from kechuang.audit.models import ChangeRecord
from kechuang.core.errors import DomainError
from kechuang.policy.rd_funding import MIDTERM, SIGNING, PlannedInstalment
from kechuang.projects import services
from kechuang.projects.models import Disbursement, FundingSource, Instalment
from kechuang.projects.tests import fixtures as fx

on_pg = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


@pytest.fixture
def project(db, enterprise_a):
    return fx.project(enterprise_a)


@pytest.fixture
def planned(project, users):
    services.plan_funding(project=project, actor=users["city_staff"])
    return project


def _inst(project, source, seq):
    return Instalment.objects.get(funding__project=project, funding__source=source, seq=seq)


def assert_ledger_consistent(project):
    """Every ceiling held, and the sums of the ledger match the running totals."""
    for f in FundingSource.objects.filter(project=project):
        paid = Disbursement.objects.filter(project=project, source=f.source).aggregate(
            s=Sum("amount_fen"))["s"] or 0
        assert f.paid_fen == paid <= f.approved_fen
        inst_paid = sum(i.paid_fen for i in f.instalments.all())
        assert inst_paid == f.paid_fen
        for i in f.instalments.all():
            paid_i = i.disbursements.aggregate(s=Sum("amount_fen"))["s"] or 0
            assert i.paid_fen == paid_i <= i.amount_fen


@pytest.mark.django_db
def test_default_plan_first_at_signing_rest_after_midterm(planned, users):
    rows = {(i.funding.source, i.seq): (i.condition, i.amount_yuan)
            for i in Instalment.objects.filter(funding__project=planned)}
    assert rows == {("city", 1): (SIGNING, Decimal(600000)),
                    ("city", 2): (MIDTERM, Decimal(400000)),
                    ("enterprise", 1): (SIGNING, Decimal(300000)),
                    ("enterprise", 2): (MIDTERM, Decimal(200000))}
    assert not FundingSource.objects.filter(project=planned, source="province").exists()
    assert ChangeRecord.objects.filter(object_id=str(planned.pk), reason="拨付计划").exists()


@pytest.mark.django_db
def test_a_plan_that_does_not_add_up_is_refused_with_every_reason(project, users):
    plan = [PlannedInstalment("city", 1, SIGNING, 50_000_000),
            PlannedInstalment("province", 1, SIGNING, 100)]
    with pytest.raises(ValidationError) as exc:
        services.plan_funding(project=project, actor=users["city_staff"], plan=plan)
    text = "\n".join(exc.value.messages)
    assert "申请市财政各批次合计 500,000.00 元，与批准金额 1,000,000.00 元不一致" in text
    assert "企业自筹各批次合计 0.00 元" in text
    assert "省财政没有批准金额" in text
    assert not FundingSource.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_payments_wait_for_their_condition(planned, users):
    staff = users["city_staff"]
    first = _inst(planned, "city", 1)
    with pytest.raises(DomainError, match="任务书签订后"):
        services.disburse(instalment=first, actor=staff, amount_yuan=Decimal(1000))
    services.sign_contract(project=planned, actor=staff, on=dt.date(2025, 7, 1))
    row = services.disburse(instalment=first, actor=staff, amount_yuan=Decimal("600000"),
                            voucher_no="PZ-1")
    assert row.amount_yuan == Decimal(600000) and row.source == "city"
    second = _inst(planned, "city", 2)
    with pytest.raises(DomainError, match="中期检查通过后"):
        services.disburse(instalment=second, actor=staff, amount_yuan=Decimal(1))
    planned.refresh_from_db()
    planned.midterm_passed_on = dt.date(2026, 1, 10)
    planned.save()
    services.disburse(instalment=second, actor=staff, amount_yuan=Decimal("400000"))
    assert ChangeRecord.objects.filter(reason="拨付").count() == 2
    assert_ledger_consistent(planned)


@pytest.mark.django_db
def test_over_payment_is_refused_and_writes_nothing(planned, users):
    staff = users["city_staff"]
    services.sign_contract(project=planned, actor=staff)
    first = _inst(planned, "city", 1)
    services.disburse(instalment=first, actor=staff, amount_yuan=Decimal("599999.99"))
    with pytest.raises(DomainError, match="剩余可拨付 0.01 元，不足 0.02 元"):
        services.disburse(instalment=first, actor=staff, amount_yuan=Decimal("0.02"))
    for bad in ("0", "-5", "abc"):
        with pytest.raises(DomainError):
            services.disburse(instalment=first, actor=staff, amount_yuan=bad)
    assert Disbursement.objects.count() == 1
    with pytest.raises(DomainError, match="已有拨付记录"):
        services.plan_funding(project=planned, actor=staff)
    assert_ledger_consistent(planned)


@pytest.mark.django_db
def test_enterprise_and_county_may_read_but_not_pay(planned, users):
    services.sign_contract(project=planned, actor=users["city_staff"])
    from django.core.exceptions import PermissionDenied

    for who in ("enterprise_a_user", "county_a_staff", "expert"):
        with pytest.raises(PermissionDenied):
            services.disburse(instalment=_inst(planned, "city", 1), actor=users[who],
                              amount_yuan=Decimal(1))
    assert FundingSource.objects.restrict(users["enterprise_a_user"], "view").count() == 2
    assert FundingSource.objects.restrict(users["enterprise_b_user"], "view").count() == 0


@pytest.mark.django_db
def test_the_database_refuses_an_over_payment_written_past_the_service(planned):
    f = FundingSource.objects.get(project=planned, source="city")
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingSource.objects.filter(pk=f.pk).update(paid_fen=F("approved_fen") + 1)
    i = _inst(planned, "city", 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Instalment.objects.filter(pk=i.pk).update(paid_fen=F("amount_fen") + 1)


@pytest.mark.django_db
def test_interleaved_stale_requests_never_overpay(planned, users):
    """SQLite: many requests each holding a stale copy of the instalment (all read before any
    paid, as parallel requests would) — the conditional update still stops at the ceiling."""
    staff = users["city_staff"]
    services.sign_contract(project=planned, actor=staff)
    stale = [_inst(planned, "city", 1) for _ in range(40)]
    rng = random.Random(7)
    paid = refused = 0
    for inst in stale:
        amount = Decimal(rng.randrange(1, 40_000_00)) / 100
        try:
            services.disburse(instalment=inst, actor=staff, amount_yuan=amount)
            paid += 1
        except DomainError:
            refused += 1
    assert paid and refused
    assert_ledger_consistent(planned)
    assert _inst(planned, "city", 1).paid_fen <= 600_000_00


@on_pg
@pytest.mark.django_db(transaction=True)
def test_parallel_disbursements_never_exceed_any_approved_amount(enterprise_a, users):
    """PostgreSQL: 24 threads on their own connections, 5 requests each, against both sources
    and both instalments of one project at once; ceilings hold and the ledger sums match."""
    project = fx.project(enterprise_a, code="XM-RACE")
    staff = users["city_staff"]
    services.plan_funding(project=project, actor=staff)
    services.sign_contract(project=project, actor=staff)
    project.refresh_from_db()
    project.midterm_passed_on = dt.date(2026, 1, 1)
    project.save()
    instalments = list(Instalment.objects.filter(funding__project=project))
    start = threading.Barrier(24)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def payer(n: int) -> None:
        rng = random.Random(n)
        try:
            start.wait()
            for _ in range(5):
                inst = rng.choice(instalments)
                amount = Decimal(rng.randrange(10_000_00, 60_000_00)) / 100
                try:
                    services.disburse(instalment=inst, actor=staff, amount_yuan=amount)
                    outcomes.append("paid")
                except DomainError:
                    outcomes.append("refused")
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=payer, args=(n,)) for n in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(outcomes) == 120 and "paid" in outcomes and "refused" in outcomes
    assert Disbursement.objects.filter(project=project).count() == outcomes.count("paid")
    assert_ledger_consistent(project)
    for f in FundingSource.objects.filter(project=project):
        assert f.paid_fen <= f.approved_fen
    assert ChangeRecord.objects.filter(reason="拨付").count() == outcomes.count("paid")


@pytest.mark.django_db
def test_project_page_pays_and_refuses_with_the_reason(planned, users, client):
    from django.urls import reverse

    client.force_login(users["city_staff"])
    url = reverse("projects:project_detail", args=[planned.pk])
    html = client.get(url).content.decode()
    assert 'data-testid="funding-table"' in html and 'data-testid="pay"' not in html
    assert client.post(reverse("projects:project_sign", args=[planned.pk])).status_code == 302
    first = _inst(planned, "city", 1)
    pay = reverse("projects:project_pay", args=[planned.pk])
    resp = client.post(pay, {"instalment": first.pk, "amount_yuan": "600000",
                             "voucher_no": "PZ-9"}, follow=True)
    assert "已拨付 600000" in resp.content.decode()
    resp = client.post(pay, {"instalment": first.pk, "amount_yuan": "1"}, follow=True)
    assert "剩余可拨付 0.00 元，不足 1.00 元" in resp.content.decode()
    html = client.get(reverse("projects:disbursement_list")).content.decode()
    assert "PZ-9" in html
    client.force_login(users["enterprise_a_user"])
    html = client.get(url).content.decode()
    assert "PZ-9" in html and 'data-testid="pay"' not in html
