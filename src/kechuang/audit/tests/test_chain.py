"""The hash chain over change records, audit_verify, and (on PostgreSQL) the append-only trigger."""

from __future__ import annotations

from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from kechuang.audit import chain
from kechuang.audit.context import audit_context
from kechuang.audit.models import AccessEvent, AuthEvent, ChangeRecord
from kechuang.audit.services import change_record, record_change, snapshot

pytestmark = pytest.mark.django_db

on_pg = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")


@pytest.fixture
def records(users, enterprise_a, enterprise_b) -> list[ChangeRecord]:
    out = []
    with audit_context(source="web"):
        for i, ent in enumerate((enterprise_a, enterprise_b, enterprise_a)):
            before = snapshot(ent)
            ent.contact_phone = f"1380000000{i}"
            out.append(record_change(actor=users["city_staff"], action="update", obj=ent,
                                     before=before, after=snapshot(ent), reason=f"r{i}"))
    return out


def verify(*args: str) -> str:
    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_each_record_links_to_the_one_before(records):
    rows = list(ChangeRecord.objects.order_by("id"))
    assert rows[0].prev_hash == chain.GENESIS
    for prev, row in zip(rows, rows[1:], strict=False):
        assert row.prev_hash == prev.hash and len(row.hash) == 64
    assert chain.verify() == (len(rows), rows[-1].hash, None)
    out = verify()
    assert f"{len(rows)} 条" in out and rows[-1].hash in out


def test_bulk_created_records_join_the_chain(users, enterprise_a, enterprise_b, records):
    batch = [change_record(actor=None, action="create", obj=e, after=snapshot(e))
             for e in (enterprise_a, enterprise_b)]
    ChangeRecord.objects.bulk_create(batch)
    rows = list(ChangeRecord.objects.order_by("id"))
    assert rows[-2].prev_hash == records[-1].hash and rows[-1].prev_hash == rows[-2].hash
    assert chain.verify()[2] is None


def _batch(users, enterprises, at):
    """Records that exercise the JSON text: Chinese, quotes, backslashes, control
    characters, a missing before, a value that is not a flat snapshot (the long path)."""
    out = []
    with audit_context(source="import", request_id="req-1"):
        for i, ent in enumerate(enterprises):
            after = snapshot(ent) | {"note": f'引号"\\ \n\t\u2028 {i}', "ratio": 0.1 + i,
                                     "flag": bool(i), "none": None}
            before = None if i == 0 else {**after, "note": "旧"}
            if i == 2:
                after = {**after, "nested": {"b": [1, "二", None], "a": {"z": 1.5}}}
            record = change_record(actor=users["city_staff"] if i else None,
                                   action="update" if before else "create", obj=ent,
                                   before=before, after=after, reason=f"第{i}行 “导入”")
            record.at = at
            out.append(record)
    return out


def _stored(ids=None):
    skip = {"id", "prev_hash", "hash"}
    names = [f.attname for f in ChangeRecord._meta.concrete_fields if f.attname not in skip]
    return [list(row) for row in ChangeRecord.objects.order_by("id").values_list(*names)]


def test_the_bulk_writer_stores_what_bulk_create_stores(users, enterprise_a, enterprise_b,
                                                        records):
    """audit.services.write_change_records (JSON dumped once, one executemany) against
    ChangeRecord.objects.bulk_create: the same rows, the same canonical content, a chain
    that verifies across both."""
    from django.utils import timezone

    from kechuang.audit.services import write_change_records

    at = timezone.now()
    ents = [enterprise_a, enterprise_b, enterprise_a]
    n = ChangeRecord.objects.count()
    ChangeRecord.objects.bulk_create(_batch(users, ents, at))
    slow = _stored()[n:]
    written = _batch(users, ents, at)
    write_change_records(written, batch_size=2)
    fast = _stored()[n + len(ents):]
    assert fast == slow and len(fast) == len(ents)
    rows = list(ChangeRecord.objects.order_by("id"))[n:]
    assert [chain.record_canonical(r) for r in rows[len(ents):]] == [
        chain.record_canonical(r) for r in rows[:len(ents)]]
    assert [r.hash for r in rows[len(ents):]] == [r.hash for r in written]
    assert rows[len(ents)].prev_hash == rows[len(ents) - 1].hash
    assert rows[2].after["nested"] == {"b": [1, "二", None], "a": {"z": 1.5}}
    assert chain.verify() == (len(rows) + n, rows[-1].hash, None)


def test_the_assembled_canonical_text_is_the_contract(users, enterprise_a, enterprise_b):
    from django.utils import timezone

    for record in _batch(users, [enterprise_a, enterprise_b, enterprise_a], timezone.now()):
        label = chain._ct_label(record.content_type_id)
        before = "null" if record.before is None else chain._json_text(record.before)
        after = chain._json_text(record.after)
        assert chain._canonical_from(record, label, before, after) == chain.record_canonical(
            record)


@on_sqlite
@pytest.mark.parametrize(("column", "value"), [
    ("object_repr", "别的企业"), ("actor_name", "someone else"), ("reason", ""),
    ("after", '{"contact_phone": "13900000000"}'), ("at", "2020-01-01 00:00:00"),
])
def test_a_row_edited_with_raw_sql_is_found(records, column, value):
    victim = records[1]
    raw(f"UPDATE audit_changerecord SET {column} = %s WHERE id = %s", [value, victim.pk])
    with pytest.raises(CommandError, match=f"#{victim.pk} 处断开：内容与哈希不符"):
        verify()


@on_sqlite
def test_a_row_deleted_with_raw_sql_is_found(records):
    raw("DELETE FROM audit_changerecord WHERE id = %s", [records[1].pk])
    with pytest.raises(CommandError, match=f"#{records[2].pk} 处断开：与前一条记录的链接不符"):
        verify()


@on_sqlite
def test_a_rehashed_row_still_breaks_the_next_link(records):
    """Recomputing the edited row's own hash does not help: the next row points at the old."""
    victim = records[1]
    raw("UPDATE audit_changerecord SET reason = 'x' WHERE id = %s", [victim.pk])
    victim = ChangeRecord.objects.get(pk=victim.pk)
    new_hash = chain.content_hash(victim.prev_hash, chain.record_canonical(victim))
    raw("UPDATE audit_changerecord SET hash = %s WHERE id = %s", [new_hash, victim.pk])
    with pytest.raises(CommandError, match=f"#{records[2].pk}"):
        verify()


@on_sqlite
def test_a_cut_off_tail_is_found_with_a_noted_head(records):
    noted = records[-1].hash
    assert "哈希链完整" in verify("--head", noted)
    raw("DELETE FROM audit_changerecord WHERE id = %s", [records[-1].pk])
    verify()  # the shorter chain is consistent in itself …
    with pytest.raises(CommandError, match="记录被截断"):
        verify("--head", noted)  # … but the head noted earlier is gone


def test_the_data_migration_hashes_older_records_like_the_writer_does(records):
    """Migration audit 0003 gives records written before the chain the same hashes."""
    migration = __import__("kechuang.audit.migrations.0003_hash_existing_records",
                           fromlist=["hash_existing"])
    expected = list(ChangeRecord.objects.order_by("id").values_list("prev_hash", "hash"))
    trigger = "ALTER TABLE audit_changerecord {} TRIGGER audit_changerecord_append_only"
    if connection.vendor == "postgresql":  # the migration ran before the trigger existed
        raw("SET CONSTRAINTS ALL IMMEDIATE", [])  # no pending FK checks block ALTER TABLE
        raw(trigger.format("DISABLE"), [])
    ChangeRecord._base_manager.update(prev_hash="", hash="")
    migration.hash_existing(apps, SimpleNamespace(connection=connection))
    if connection.vendor == "postgresql":
        raw(trigger.format("ENABLE"), [])
    assert list(ChangeRecord.objects.order_by("id").values_list("prev_hash", "hash")) == expected
    assert chain.verify()[2] is None


def test_deleting_an_account_keeps_the_chain_intact(records, users):
    """The database nulls the actor link; the hash covers the frozen name, not the link."""
    users["city_staff"].delete()
    assert ChangeRecord.objects.filter(actor__isnull=True).count() == len(records)
    assert chain.verify()[2] is None


# ---- PostgreSQL: the application's role cannot UPDATE or DELETE audit rows ------------------


@on_pg
@pytest.mark.parametrize("sql", [
    "UPDATE audit_changerecord SET reason = 'tampered' WHERE id = %s",
    "UPDATE audit_changerecord SET actor_id = NULL, reason = 'x' WHERE id = %s",
    "DELETE FROM audit_changerecord WHERE id = %s",
])
def test_the_trigger_refuses_update_and_delete_of_change_records(records, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(sql, [records[0].pk])
    assert ChangeRecord.objects.get(pk=records[0].pk).reason == "r0"


@on_pg
@pytest.mark.parametrize("model", [AuthEvent, AccessEvent])
def test_the_trigger_guards_the_event_tables_too(users, model):
    kind = "login" if model is AuthEvent else "download"
    event = model.objects.create(kind=kind, username="x", user=users["expert"])
    table = model._meta.db_table
    for sql in (f"UPDATE {table} SET username = 'y' WHERE id = %s",
                f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw(sql, [event.pk])
    users["expert"].delete()  # ON DELETE SET NULL of the user link is the one allowed update
    assert model.objects.get(pk=event.pk).user_id is None


@on_pg
def test_audit_lockdown_revokes_update_delete_and_truncate_from_a_role():
    role = "kc_h6_app_role"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT ALL ON audit_changerecord, audit_authevent, audit_accessevent "
                       f"TO {role}")
    out = StringIO()
    call_command("audit_lockdown", "--role", role, stdout=out)
    with connection.cursor() as cursor:
        for table in ("audit_changerecord", "audit_authevent", "audit_accessevent"):
            for privilege, expected in (("SELECT", True), ("INSERT", True), ("UPDATE", False),
                                        ("DELETE", False), ("TRUNCATE", False)):
                cursor.execute("SELECT has_table_privilege(%s, %s, %s)",
                               [role, table, privilege])
                assert cursor.fetchone()[0] is expected, (table, privilege)
        cursor.execute(f"DROP OWNED BY {role}")
        cursor.execute(f"DROP ROLE {role}")


@on_pg
def test_audit_lockdown_refuses_an_unknown_role():
    with pytest.raises(CommandError, match="不存在"):
        call_command("audit_lockdown", "--role", "no_such_role_h6")


@on_sqlite
def test_audit_lockdown_is_for_postgresql_only():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("audit_lockdown", "--role", "app")


def test_audit_lockdown_dry_run_prints_the_statements():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    out = StringIO()
    call_command("audit_lockdown", "--role", "postgres", "--dry-run", stdout=out)
    text = out.getvalue()
    assert 'REVOKE UPDATE, DELETE, TRUNCATE' in text and 'GRANT SELECT, INSERT' in text



@on_pg
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain(county_a):
    """Eight threads append at once; the advisory lock serialises them into one chain."""
    import threading

    from django.db import connections

    from kechuang.regions.models import Region

    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            start.wait()
            for _ in range(5):
                with transaction.atomic():
                    record_change(actor=None, action="create", obj=county_a,
                                  after={"name": county_a.name})
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert ChangeRecord.objects.filter(object_id=str(county_a.pk),
                                       content_type__model=Region._meta.model_name).count() == 40
    checked, _head, broken = chain.verify()
    assert broken is None and checked == ChangeRecord.objects.count()


@pytest.mark.parametrize("who", ["city_staff", None])
def test_change_records_make_what_change_record_makes(users, enterprise_a, enterprise_b, who,
                                                      django_assert_num_queries):
    """The bulk maker (positional construction) against the single one, field by field."""
    from kechuang.audit.services import change_records

    actor = users[who] if who else None
    entries = [("update", enterprise_a, {"name": "旧"}, {"name": "新"}, "原因" * 300),
               ("create", enterprise_b, None, snapshot(enterprise_b), "")]
    with audit_context(source="import", request_id="r" * 80):
        many = change_records(actor=actor, entries=entries)
        one = [change_record(actor=actor, action=a, obj=o, before=b, after=af, reason=r)
               for a, o, b, af, r in entries]
    names = [f.attname for f in ChangeRecord._meta.concrete_fields if f.attname != "at"]
    assert [[getattr(r, n) for n in names] for r in many] == [
        [getattr(r, n) for n in names] for r in one]
    assert all(r.at is not None and r._state.adding and r.pk is None for r in many)
    with django_assert_num_queries(0):  # the actor and type come cached, as with kwargs
        assert [(r.actor, r.content_type) for r in many] == [
            (r.actor, r.content_type) for r in one]
