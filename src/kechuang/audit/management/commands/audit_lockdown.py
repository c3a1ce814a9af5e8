"""``manage.py audit_lockdown --role NAME``: the app's role may only read and append audit rows.

For deployments where the application connects as its own PostgreSQL role (not the tables'
owner): REVOKE UPDATE, DELETE and TRUNCATE on the audit tables from it, GRANT SELECT and
INSERT (and the id sequences). Run it as the owner or a superuser. The append-only trigger
(migration audit 0004) binds every role, the owner included; this adds TRUNCATE, which row
triggers do not see. ``--dry-run`` prints the statements.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from kechuang.audit.models import AccessEvent, AuthEvent, ChangeRecord

AUDIT_MODELS = (ChangeRecord, AuthEvent, AccessEvent)


def statements(role: str, quote) -> list[str]:
    out = []
    who = quote(role)
    for model in AUDIT_MODELS:
        table = quote(model._meta.db_table)
        out.append(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {table} FROM {who}")
        out.append(f"GRANT SELECT, INSERT ON {table} TO {who}")
    return out


class Command(BaseCommand):
    help = "PostgreSQL：收回应用数据库角色对审计表的修改、删除和清空权限，只保留查询和追加"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--role", required=True, help="应用连接数据库所用的角色名")
        parser.add_argument("--database", default="default")
        parser.add_argument("--dry-run", action="store_true", help="只打印语句，不执行")

    def handle(self, *args, **options) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            raise CommandError(
                "audit_lockdown 只用于 PostgreSQL（SQLite 由哈希链发现篡改：audit_verify）")
        role = options["role"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"数据库角色不存在：{role}")
        quote = connection.ops.quote_name
        sql = statements(role, quote)
        with connection.cursor() as cursor:
            for model in AUDIT_MODELS:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
                seq = cursor.fetchone()[0]
                if seq:  # already quoted/qualified by PostgreSQL
                    sql.append(f"GRANT USAGE, SELECT ON SEQUENCE {seq} TO {quote(role)}")
        if options["dry_run"]:
            self.stdout.write(";\n".join(sql) + ";")
            return
        with transaction.atomic(using=options["database"]), connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
        self.stdout.write(
            f"已收回角色 {role} 对审计表的 UPDATE/DELETE/TRUNCATE 权限（保留 SELECT/INSERT）。")
