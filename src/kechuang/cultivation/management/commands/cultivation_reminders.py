"""``manage.py cultivation_reminders`` — the daily cultivation check (also ``kechuang …``).

* ``--due [--today 2026-11-29]``: bring every enterprise's tier up to date (a certificate
  that expired moves its enterprise down) and remind county staff and the enterprise's users
  of certificates expiring within six months — one notice per certificate and month, so
  running it every day (or every hour) sends nothing twice. ``manage.py scheduler`` (started
  by ``make run``) runs the same check every hour.

Run without an actor: tier changes are audited with the system as the author.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kechuang.cultivation.services import run_daily_check


class Command(BaseCommand):
    help = "梯次培育每日检查：更新企业培育梯队，提醒六个月内到期的高新技术企业证书"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--due", action="store_true", help="执行今天的检查（可重复执行）")
        parser.add_argument("--today", help="按指定日期检查，如 2026-11-29（默认今天）")

    def handle(self, *args, **opts) -> None:
        if not opts["due"]:
            raise CommandError("请指定 --due")
        today = None
        if opts["today"]:
            try:
                today = dt.date.fromisoformat(opts["today"])
            except ValueError as exc:
                raise CommandError("--today 须为日期，如 2026-11-29") from exc
        day = today or timezone.localdate()
        tiers, notices = run_daily_check(today=day)
        self.stdout.write(f"{day}：更新培育梯队 {tiers} 家，发送证书到期提醒 {notices} 条")
