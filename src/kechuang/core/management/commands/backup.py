"""``manage.py backup --to DIR`` (also ``kechuang backup``): database and every file folder.

Writes a new backup set (folder 0700, files 0600) with a checksum manifest; see
:mod:`kechuang.core.backup` for what it holds and ``docs/deploy.md`` §6 for the schedule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kechuang.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "备份数据库与全部上传文件（佐证材料、导入文件、任务结果）到一个新目录，附校验清单"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", dest="target", required=True, metavar="DIR",
                            help="新的备份目录（不存在或为空）")
        parser.add_argument("--database", default="default", help="数据库别名")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["target"]).absolute()
        try:
            manifest = create_backup(target, using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = sum(a["size"] for a in manifest["artefacts"])
        self.stdout.write(_("已备份到 %(path)s：%(engine)s 数据库，%(n)s 个文件，"
                            "共 %(mb).1f MB") % {
            "path": target, "engine": manifest["engine"], "n": len(manifest["files"]),
            "mb": size / (1024 * 1024)})
