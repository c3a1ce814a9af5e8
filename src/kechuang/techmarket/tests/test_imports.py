"""Import of the national system's export: registered contracts counted, re-import idempotent,
per-row errors, amounts changed only through 变更登记."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang import metrics
from kechuang.imports.tests.helpers import workbook
from kechuang.techmarket.imports import CONTRACT_SPEC, KIND
from kechuang.techmarket.models import ContractEvent, TechContract

D = dt.date
pytestmark = pytest.mark.django_db


def _book(rows):
    headers = [str(c.label) for c in CONTRACT_SPEC.columns]
    fields = [c.field for c in CONTRACT_SPEC.columns]
    return workbook(headers, [[r.get(f) for f in fields] for r in rows])


def _row(no, seller, buyer, **extra):
    row = {"registration_no": no, "subject": f"合同{no}", "contract_type": "技术开发",
           "import_contract": "否", "seller_code": seller.credit_code,
           "buyer_code": buyer.credit_code, "turnover_yuan": Decimal("1200000"),
           "tech_transaction_yuan": Decimal("1000000"), "signed_on": D(2025, 3, 1),
           "registered_on": D(2025, 3, 12), "registration_office": "长治市登记机构"}
    row.update(extra)
    return row


def test_import_counts_the_registrations_and_reimport_changes_nothing(
        client_for, users, enterprise_a, enterprise_b, county_a, county_b, do_upload,
        do_commit):
    client = client_for(users["city_staff"])
    rows = [_row("2025140400000001", enterprise_a, enterprise_b),
            _row("2025140400000002", enterprise_b, enterprise_a, turnover_yuan=Decimal(500000),
                 tech_transaction_yuan=Decimal(500000), registered_on=D(2025, 6, 2)),
            _row("2025140400000003", enterprise_a, enterprise_b, import_contract="是",
                 turnover_yuan=Decimal(300000), tech_transaction_yuan=Decimal(300000))]
    content = _book(rows)
    run = do_commit(client, do_upload(client, content, KIND, "登记.xlsx"))
    assert run.status == "committed", (run.errors, run.message)
    assert run.create_count == 3
    first = TechContract.objects.get(registration_no="2025140400000001")
    assert first.status == "registered" and first.registrant == enterprise_a
    assert first.non_technical_yuan == Decimal("200000") and first.applied_on == D(2025, 3, 12)
    assert set(first.parties.all()) == {enterprise_a, enterprise_b}
    assert TechContract.objects.get(registration_no="2025140400000003").registrant == \
        enterprise_b  # import: the buyer
    m = metrics.get("tech_contract_turnover")
    fig = m.figures(year=2025, as_of=D(2025, 12, 31))
    assert fig.counties == {county_a.pk: Decimal("0.0120"), county_b.pk: Decimal("0.0080")}
    events = ContractEvent.objects.count()

    again = do_commit(client, do_upload(client, content, KIND, "登记.xlsx"))
    assert again.status == "committed" and again.create_count == 0
    assert again.update_count == 0 and again.unchanged_count == 3
    assert ContractEvent.objects.count() == events
    assert m.figures(year=2025, as_of=D(2025, 12, 31)).city == fig.city
    # users of the enterprises see the imported contracts they are party to
    assert TechContract.objects.restrict(users["enterprise_b_user"], "view").count() == 3


def test_row_errors_and_amounts_fixed_after_registration(client_for, users, enterprise_a,
                                                         enterprise_b, do_upload, do_commit):
    client = client_for(users["city_staff"])
    do_commit(client, do_upload(client, _book([_row("N1", enterprise_a, enterprise_b)]), KIND))
    rows = [_row("N1", enterprise_a, enterprise_b, turnover_yuan=Decimal(1300000)),
            _row("N2", enterprise_a, enterprise_b, tech_transaction_yuan=Decimal(2000000)),
            _row("N3", enterprise_a, enterprise_b, buyer_code="91140400MA0000001X")]
    run = do_upload(client, _book(rows), KIND)
    assert run.status == "invalid"
    messages = {e[0]: e[2] for e in run.errors}
    assert "变更登记" in messages[2]
    assert "技术交易额不能大于成交额" in messages[3]
    assert len(run.errors) == 3, run.errors
    assert TechContract.objects.count() == 1
