"""``manage.py plan extract FILE`` (``kechuang plan extract FILE``): a plan text's draft as YAML.

The same output as ``python -m kechuang.planextract extract FILE``: planextract reads the file
(UTF-8 or GB18030, ``-`` for stdin), extracts and serialises; this command only parses the
arguments and reports errors the Django way.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kechuang.planextract import extract_plan, read_plan_file, to_yaml


class Command(BaseCommand):
    help = "Work plan tools. extract FILE: print the actions and targets found in a plan's text."

    def add_arguments(self, parser) -> None:
        parser.add_argument("command", choices=["extract"],
                            help="extract: print the draft plan of FILE as YAML")
        parser.add_argument("file", metavar="FILE", help="plan text (UTF-8 or GBK); - for stdin")

    def handle(self, *args, **options) -> None:
        try:
            text = read_plan_file(options["file"])
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(to_yaml(extract_plan(text)), ending="")
