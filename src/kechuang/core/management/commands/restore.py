"""``manage.py restore --from DIR`` (also ``kechuang restore``): put a backup set back.

Every checksum of the manifest is verified first; a mismatch refuses the restore before
anything changes. ``--check`` only verifies (the off-site copy, the restore drill). Stop the
web server, the worker and the scheduler first: the database and the file folders are
replaced as a whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kechuang.core.backup import BackupError, restore_backup, verify_backup


class Command(BaseCommand):
    help = "从备份目录恢复数据库与全部上传文件（先核对校验清单）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True, metavar="DIR",
                            help="backup 命令写出的备份目录")
        parser.add_argument("--check", action="store_true",
                            help="只核对校验值，不恢复")
        parser.add_argument("--noinput", "--no-input", action="store_false",
                            dest="interactive", help="不询问确认")
        parser.add_argument("--database", default="default", help="数据库别名")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"]).absolute()
        try:
            if options["check"]:
                manifest = verify_backup(source)
                self.stdout.write(_("备份 %(path)s 完整：%(n)s 个文件校验一致（%(at)s）") % {
                    "path": source, "n": len(manifest["files"]) + len(manifest["artefacts"]),
                    "at": manifest["created_at"]})
                return
            if options["interactive"]:
                answer = input(_("将用备份 %(path)s 替换当前数据库和全部上传文件，"
                                 "请先停止网站、任务进程和定时任务。输入 yes 继续：") % {
                                     "path": source})
                if answer.strip().lower() != "yes":
                    raise CommandError(_("已取消"))
            manifest = restore_backup(source, using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("已从 %(path)s 恢复（备份时间 %(at)s）：%(engine)s 数据库，"
                            "%(n)s 个文件。如代码比备份新，请接着运行 migrate。") % {
            "path": source, "at": manifest["created_at"], "engine": manifest["engine"],
            "n": len(manifest["files"])})
