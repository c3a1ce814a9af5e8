"""The layer rule (scripts/layers.py): the tree obeys it, and each kind of breach is caught —
in a throw-away tree, so the examples are real files and real imports."""

import importlib.util
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "layers", Path(__file__).resolve().parents[4] / "scripts" / "layers.py")
layers = importlib.util.module_from_spec(_spec)
sys.modules["layers"] = layers
_spec.loader.exec_module(layers)


def test_the_tree_has_no_upward_import_and_no_loop():
    assert [str(p) for p in layers.check()] == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    src = tmp_path / "kechuang"
    for name, text in files.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return src


@pytest.fixture
def check(tmp_path, monkeypatch):
    monkeypatch.setattr(layers, "ROOT", tmp_path)
    return lambda files: [p.message for p in layers.check(_tree(tmp_path, files))]


def test_a_downward_import_passes(check):
    assert check({"orgs/models.py": "from kechuang.core.errors import DomainError\n",
                  "core/errors.py": ""}) == []


def test_an_upward_import_fails_even_inside_a_function(check):
    problems = check({"core/uploads.py": "def f():\n    from kechuang.audit import services\n",
                      "audit/services.py": ""})
    assert len(problems) == 1
    assert "core.uploads (infrastructure) imports audit.services" in problems[0]


def test_two_domain_apps_never_import_each_other(check):
    problems = check({"cultivation/selectors.py": "from kechuang.assessment.selectors import x\n",
                      "assessment/selectors.py": ""})
    assert len(problems) == 1 and "domain apps cultivation and assessment" in problems[0]


def test_a_loop_inside_a_layer_fails(check):
    problems = check({"notices/services.py": "from kechuang.workflow import services\n",
                      "workflow/services.py": "from kechuang.notices import services\n"})
    assert len(problems) == 2 and all("loop between notices ↔ workflow" in p for p in problems)


def test_an_unlisted_app_is_a_domain_app(check):
    problems = check({"vouchers/views.py": "from kechuang.cultivation.models import x\n",
                      "cultivation/models.py": "", "vouchers/x.py": "",
                      "orgs/views.py": "from kechuang.vouchers import x\n"})
    assert len(problems) == 2
    assert any("domain apps vouchers and cultivation" in p for p in problems)
    assert any("orgs.views (base) imports vouchers.x (domain)" in p for p in problems)
