"""``manage.py kpi_snapshot`` — freeze indicator figures at a month end (also ``kechuang …``).

* ``--period 2025-10-31 [--replace]``: one period of the plan of that year, by hand;
* ``--due``: last month's snapshot of every plan of that year, once (what the scheduler runs);
* ``--backfill --year 2025``: every month end of the year up to today (demo, first install);

The scheduler (``manage.py scheduler``, started by ``make run``) runs ``--due`` every hour.

Run without an actor: the change record names the system as the author.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kechuang.core.errors import DomainError
from kechuang.kpi import services
from kechuang.plans.models import Plan


class Command(BaseCommand):
    help = "生成指标月度快照（手动指定日期、补齐全年或按月自动）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", help="统计截止日，如 2025-10-31")
        parser.add_argument("--replace", action="store_true", help="覆盖该日已有的快照")
        parser.add_argument("--due", action="store_true", help="生成上月末快照（已有则跳过）")
        parser.add_argument("--backfill", action="store_true",
                            help="补齐 --year 年度截至今天的每个月末快照")
        parser.add_argument("--year", type=int, help="工作要点年度（配合 --backfill）")

    def _report(self, result: services.SnapshotResult) -> None:
        if result.skipped:
            self.stdout.write(f"{result.period_end}：快照已存在（{result.rows} 条），跳过")
        else:
            self.stdout.write(f"{result.period_end}：生成快照 {result.rows} 条，"
                              f"滞后提醒 {result.warnings} 条")

    def handle(self, *args, **opts) -> None:
        if opts["period"]:
            try:
                period = dt.date.fromisoformat(opts["period"])
            except ValueError as exc:
                raise CommandError("--period 须为日期，如 2025-10-31") from exc
            plan = Plan.objects.filter(year=period.year).first()
            if plan is None:
                raise CommandError(f"没有 {period.year} 年度的工作要点")
            try:
                self._report(services.take_snapshot(plan=plan, period_end=period,
                                                    replace=opts["replace"]))
            except DomainError as exc:
                raise CommandError(exc.message) from exc
        elif opts["backfill"]:
            if not opts["year"]:
                raise CommandError("--backfill 需要 --year")
            today = timezone.localdate()
            for plan in Plan.objects.filter(year=opts["year"]):
                for month in range(1, 13):
                    end = services.month_end(plan.year, month)
                    if end >= today:
                        break
                    self._report(services.take_snapshot(plan=plan, period_end=end))
        elif opts["due"]:
            for result in services.take_due_snapshots(today=timezone.localdate()):
                self._report(result)
        else:
            raise CommandError("请指定 --period、--due 或 --backfill")
