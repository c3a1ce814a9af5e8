"""``manage.py audit_verify``: recompute the change records' hash chain; exit 1 at a break."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kechuang.audit import chain


class Command(BaseCommand):
    help = ("校验数据变更记录的哈希链：发现被修改、删除或调换顺序的记录时"
            "报告第一处断点并以非零状态退出")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--head", action="append", default=[], metavar="HASH",
            help="此前记下的链头哈希（可重复）：它必须仍在链中（发现尾部被截断）")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options) -> None:
        using = options["database"]
        checked, head, broken = chain.verify(using=using)
        if broken is not None:
            what = {"prev_hash": "与前一条记录的链接不符（记录被删除、插入或调换顺序）",
                    "hash": "内容与哈希不符（记录被修改）"}[broken.reason]
            raise CommandError(
                f"哈希链在数据变更记录 #{broken.record_id} 处断开：{what}。"
                f"此前 {checked} 条记录校验通过。")
        missing = [h for h in options["head"] if not chain.contains(h, using=using)]
        if missing:
            raise CommandError(
                f"哈希链完整，但此前记下的链头不在链中（记录被截断）：{', '.join(missing)}")
        self.stdout.write(f"哈希链完整：{checked} 条数据变更记录校验通过。")
        self.stdout.write(f"当前链头：{head}（请另行保存，下次用 --head 核对）")
