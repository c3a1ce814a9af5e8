import importlib.util
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "lint_project", Path(__file__).resolve().parents[4] / "scripts" / "lint_project.py")
lint = importlib.util.module_from_spec(_spec)
sys.modules["lint_project"] = lint
_spec.loader.exec_module(lint)


@pytest.mark.parametrize("rule", lint.RULES, ids=lambda r: r.name)
def test_rule_flags_bad_and_passes_good(rule):
    assert lint.check_text(rule, rule.bad), f"{rule.name} missed its bad example"
    assert not lint.check_text(rule, rule.good), f"{rule.name} flagged its good example"


def test_allow_comment_silences_a_line():
    rule = lint.RULES[0]
    assert not lint.check_text(rule, rule.bad + "  # lint: allow")
