"""``manage.py demo --enterprises N --seed S`` (also ``kechuang demo …``).

Deterministic demo enterprises with annual reports 2022–2025 and chain memberships, plus
universities, institutes and service providers (generator: ``kechuang.orgs.demo``), then each
installed app's demo step from its manifest (reported values, cultivation records, county
allocations), in the steps' order.
Idempotent: organisations whose credit code exists are skipped, so a second run with the
same arguments adds nothing. Bulk-inserted and not audited per row (system data).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kechuang.core import manifests


class Command(BaseCommand):
    help = "生成确定性的演示数据：企业、年度报表（2022–2025）、产业链成员、高校院所与服务机构"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--enterprises", type=int, default=3000, help="企业数量（默认 3000）")
        parser.add_argument("--seed", type=int, default=2025, help="随机种子（默认 2025）")
        parser.add_argument("--batch-size", type=int, default=1000, help="每批写入的企业数")
        parser.add_argument("--allow-production", action="store_true",
                            help="允许在生产环境（DJANGO_ENV=production）写入演示数据")

    def handle(self, *args, **options) -> None:
        n, seed = options["enterprises"], options["seed"]
        if n < 0 or options["batch_size"] < 1:
            raise CommandError("--enterprises 不能为负数，--batch-size 至少为 1")
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError("生产环境不写入演示数据（确需要请加 --allow-production）")
        step = max(n // 10, options["batch_size"])
        verbose = options["verbosity"] >= 1 and n >= 10_000

        def progress(done: int, total: int) -> None:
            if verbose and (done % step < options["batch_size"] or done == total):
                self.stdout.write(f"  {done}/{total}")

        for demo in sorted((s for m in manifests.installed() for s in m.demo),
                           key=lambda s: s.order):
            try:
                line = demo.run(seed=seed, enterprises=n, batch_size=options["batch_size"],
                                progress=progress)
            except LookupError as exc:
                raise CommandError("尚未加载行政区划，请先运行 manage.py seed") from exc
            if line:
                self.stdout.write(line)
