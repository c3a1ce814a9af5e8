"""``manage.py scheduler [--once] [--every SECONDS]`` — run the apps' daily checks.

Registered checks (``kechuang.core.scheduler.daily``): the monthly indicator snapshot
(kpi), tier refresh and certificate-expiry reminders (cultivation), the retention clean-up of
job result files (``jobs.retention``, ``JOB_RESULT_RETENTION_DAYS``) and of import workbooks
and error reports (``imports.retention``, ``IMPORT_FILE_RETENTION_DAYS``); every minute, the job
reaper (``jobs.recovery``: jobs whose worker died).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from kechuang.core import scheduler


class Command(BaseCommand):
    help = "运行各模块的定时检查（月度指标快照、证书到期提醒等）；--once 只运行一次"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="运行一次后退出（供 cron 使用）")
        parser.add_argument("--every", type=int, default=3600, help="循环间隔秒数（默认 3600）")

    def handle(self, *args, **opts) -> None:
        daily_due = 0.0
        while True:
            today = timezone.localdate()
            results = scheduler.run_all(today=today, frequent=True)  # the job reaper
            if time.monotonic() >= daily_due:
                results.update(scheduler.run_all(today=today))
                daily_due = time.monotonic() + max(60, opts["every"])
            for name, result in results.items():
                if isinstance(result, Exception):
                    self.stderr.write(f"{today} {name}: 出错 {result!r}")
                else:
                    self.stdout.write(f"{today} {name}: {result}")
            self.stdout.flush()
            if opts["once"]:
                return
            time.sleep(60)
