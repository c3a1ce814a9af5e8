"""PostgreSQL refuses UPDATE and DELETE on the audit tables, whoever the connected role is.

One update is allowed: the user link set to NULL with every other column unchanged — the
``ON DELETE SET NULL`` of a deleted account (the record keeps the actor's frozen name, which
the hash chain covers).

``REVOKE`` does not bind a table's owner (and the application usually connects as the owner),
a trigger does. Row triggers do not fire on TRUNCATE, so ``flush`` and test teardown still
work; revoke TRUNCATE from the application role with ``manage.py audit_lockdown``.
On SQLite this migration does nothing: the models refuse it and the hash chain shows it.
"""

from django.db import migrations

# table → its user link column (TG_ARGV[0])
TABLES = {"audit_changerecord": "actor_id", "audit_authevent": "user_id",
          "audit_accessevent": "user_id"}
FUNCTION = "kechuang_audit_append_only"

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND to_jsonb(NEW) ->> TG_ARGV[0] IS NULL
            AND (to_jsonb(NEW) - TG_ARGV[0]) = (to_jsonb(OLD) - TG_ARGV[0]) THEN
        RETURN NEW;  -- ON DELETE SET NULL of the user link, nothing else
    END IF;
    RAISE EXCEPTION 'audit records are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)  # "%" is plpgsql here, not a placeholder
    for table, user_column in TABLES.items():
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}('{user_column}')")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_hash_existing_records"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
