"""manage.py check_vouchers [--year Y]: verify the voucher ledger, report every violation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kechuang.vouchers import ledger
from kechuang.vouchers.models import VoucherPolicy


class Command(BaseCommand):
    help = "核对创新券台账：借贷平衡、无负余额、不超过年度额度和面额、记账与状态一致"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        policy = None
        if options["year"]:
            policy = VoucherPolicy.objects.filter(year=options["year"]).first()
            if policy is None:
                self.stderr.write(f"没有 {options['year']} 年度的创新券政策")
                raise SystemExit(2)
        problems = ledger.verify(policy)
        if problems:
            for p in problems:
                self.stdout.write(f"异常：{p}")
            self.stdout.write(f"共 {len(problems)} 处异常")
            raise SystemExit(1)
        self.stdout.write("创新券台账核对无异常")
