"""``insert_new`` is ``bulk_create`` for the bulk writers, only faster: the same stored rows,
ids the database will never hand out again, objects marked saved, and database errors as
Django's (so an import rolls back the same way)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from conftest import make_report
from kechuang.core.services import insert_new
from kechuang.orgs.models import EnterpriseAnnualReport

pytestmark = pytest.mark.django_db(transaction=True)

FIGURES = dict(employees=120, st_staff=25, revenue_yuan=Decimal("30000000.00"),
               total_income_yuan=Decimal("30500000.5"), rd_expense_yuan=Decimal("1500000.00"),
               rd_domestic_yuan=Decimal("1500000.00"), ip_class_2_count=3,
               has_rd_activity=True)


def _stored(pks):
    skip = {"id", "created_at", "updated_at"}
    rows = EnterpriseAnnualReport.objects.filter(pk__in=pks).order_by("year")
    return [{k: v for k, v in model_to_dict(r).items() if k not in skip} for r in rows]


def test_insert_new_stores_what_bulk_create_stores(enterprise_a, enterprise_b):
    make_report(enterprise_a, 2019)  # an existing row: the new ids come after it
    existing = EnterpriseAnnualReport.objects.get().pk
    fast = [EnterpriseAnnualReport(enterprise=enterprise_a, year=y, **FIGURES)
            for y in (2020, 2021, 2022)]
    with transaction.atomic():
        insert_new(fast)
    assert all(not o._state.adding and o._state.db == "default" for o in fast)
    pks = [o.pk for o in fast]
    assert pks == sorted(pks) and pks[0] > existing
    assert all(o.created_at is not None and o.updated_at is not None for o in fast)
    django = [EnterpriseAnnualReport(enterprise=enterprise_b, year=y, **FIGURES)
              for y in (2020, 2021, 2022)]
    EnterpriseAnnualReport.objects.bulk_create(django)
    ours, theirs = _stored(pks), _stored([o.pk for o in django])
    for row in theirs:
        row["enterprise"] = enterprise_a.pk
    assert ours == theirs
    stored = EnterpriseAnnualReport.objects.get(pk=pks[0])
    assert stored.total_income_yuan == Decimal("30500000.50")
    assert abs((stored.created_at - fast[0].created_at).total_seconds()) < 1e-3
    # the database's own key source moved past the drawn ids: a plain save does not clash
    later = make_report(enterprise_a, 2030)
    assert later.pk > max(pks)


def test_ids_are_never_reused_after_the_last_rows_are_deleted(enterprise_a):
    first = [EnterpriseAnnualReport(enterprise=enterprise_a, year=2020, **FIGURES)]
    with transaction.atomic():
        insert_new(first)
    EnterpriseAnnualReport.objects.filter(pk=first[0].pk).delete()
    again = [EnterpriseAnnualReport(enterprise=enterprise_a, year=2020, **FIGURES)]
    with transaction.atomic():
        insert_new(again)
    assert again[0].pk > first[0].pk


def test_a_constraint_violation_is_djangos_integrity_error_and_nothing_is_kept(enterprise_a):
    make_report(enterprise_a, 2021)
    objs = [EnterpriseAnnualReport(enterprise=enterprise_a, year=y, **FIGURES)
            for y in (2020, 2021)]  # 2021 exists: the unique key refuses the batch
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_new(objs)
    assert list(EnterpriseAnnualReport.objects.values_list("year", flat=True)) == [2021]


def test_an_unsaved_related_object_is_refused_as_bulk_create_refuses_it(county_a):
    from kechuang.orgs.models import Enterprise

    unsaved = Enterprise(kind="enterprise", name="未保存企业", county=county_a)
    with pytest.raises(ValueError, match="unsaved related object"):
        insert_new([EnterpriseAnnualReport(enterprise=unsaved, year=2020, **FIGURES)])
    assert not EnterpriseAnnualReport.objects.exists()
