"""The ``kechuang`` command.

``kechuang policy …`` runs the pure rules engine (no database needed); every
other sub-command is a Django management command (``kechuang demo``,
``kechuang migrate``, ``kechuang plan extract FILE``, ``kechuang backup --to DIR``,
``kechuang restore --from DIR`` …).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "policy":
        from kechuang.policy.cli import main as policy_main

        return policy_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kechuang", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
