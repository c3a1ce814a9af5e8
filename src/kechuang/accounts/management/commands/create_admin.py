"""``manage.py create_admin USERNAME --role system_admin``: the first administrator, with a role.

Use this instead of ``createsuperuser``: a superuser made that way keeps the default enterprise
role, cannot enter the admin (entry is by role) and holds every permission besides. This command
creates an account of one administrator role (系统管理员 / 安全管理员 / 审计管理员 / 市局管理员),
never a superuser, checks the password against the password policy, and writes a change record.
"""

from __future__ import annotations

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kechuang.accounts.models import User
from kechuang.accounts.roles import ADMIN_SITE_ROLES, Role
from kechuang.audit.context import audit_context
from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot

ROLE_CHOICES = sorted(str(r) for r in ADMIN_SITE_ROLES)


class Command(BaseCommand):
    help = "创建一个管理员账号（系统管理员、安全管理员、审计管理员或市局管理员），不是超级用户"

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLE_CHOICES)
        parser.add_argument("--full-name", default="", help="姓名")
        parser.add_argument(
            "--password-env", metavar="VAR",
            help="从该环境变量读取初始密码（无人值守时用）；否则交互输入两次")

    def _password(self, options: dict, user: User) -> str:
        if options["password_env"]:
            password = os.environ.get(options["password_env"], "")
            if not password:
                raise CommandError(f"环境变量 {options['password_env']} 为空")
        else:
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致")
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        return password

    def handle(self, *args, **options) -> None:
        username = options["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"用户名已存在：{username}")
        user = User(username=username, first_name=options["full_name"], role=options["role"],
                    is_staff=True, is_superuser=False)
        user.set_password(self._password(options, user))
        user.full_clean()
        with audit_context(source="cli:create_admin"), transaction.atomic():
            user.save()
            after = snapshot(user)
            record_change(actor=None, action=ChangeRecord.Action.CREATE, obj=user, after=after,
                          reason="manage.py create_admin")
        self.stdout.write(f"已创建{Role(user.role).label}：{user.username}（不是超级用户）")
