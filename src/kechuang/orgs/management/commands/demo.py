"""``manage.py demo --enterprises N --seed S`` (also ``kechuang demo …``).

Deterministic demo enterprises with annual reports 2022–2025 and chain memberships, plus
universities, institutes and service providers (generator: ``kechuang.orgs.demo``).
Idempotent: organisations whose credit code exists are skipped, so a second run with the
same arguments adds nothing. Bulk-inserted and not audited per row (system data).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kechuang.orgs.demo import load_demo


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

        try:
            result = load_demo(seed=seed, enterprises=n, batch_size=options["batch_size"],
                               progress=progress)
        except LookupError as exc:
            raise CommandError("尚未加载行政区划，请先运行 manage.py seed") from exc
        counts = result.counts
        self.stdout.write(
            f"演示数据（种子 {seed}，企业 {n}）：新增企业 {result.enterprises_created} 家"
            f"（已存在 {result.enterprises_skipped} 家），年度报表 {result.reports_created} 份，"
            f"产业链成员 {result.memberships_created} 条，高校院所与服务机构 "
            f"{result.partners_created} 家；用时 {result.seconds:.1f} 秒")
        self.stdout.write(
            f"库中现有：企业 {counts.get('enterprise', 0)}、高校 {counts.get('university', 0)}、"
            f"科研院所 {counts.get('institute', 0)}、服务机构 {counts.get('service_provider', 0)}")
        from kechuang.reported.demo import demo_plan, seed_demo_reported_values

        reported = seed_demo_reported_values(demo_plan())  # no plan (seed not run): nothing
        if reported:
            self.stdout.write(f"指标上报演示数值：新增 {reported} 条")
        from kechuang.cultivation.demo import describe, seed_demo_cultivation

        self.stdout.write(describe(seed_demo_cultivation(seed=seed)))
        from kechuang.plans.demo import seed_demo_allocations

        allocated = seed_demo_allocations(demo_plan())
        if allocated:
            self.stdout.write(f"县区任务分解演示：按上年实绩比例分解 {allocated} 项指标")
