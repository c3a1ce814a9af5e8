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


def _rule(name):
    return next(r for r in lint.RULES if r.name == name)


@pytest.mark.parametrize("line", [
    'if user.role == Role.COUNTY_STAFF:', 'from kechuang.accounts.roles import CITY_ROLES',
    'User.objects.filter(role="enterprise")', 'if user.role != "provider": pass',
    'roles = {"city_admin", "city_staff"}', "Step(S, 'approve', 'approved', roles=CITY_ROLES)",
])
def test_role_literals_are_flagged(line):
    assert lint.check_text(_rule("no-role-literal"), line)


@pytest.mark.parametrize("line", [
    'default=ChainMembership.Role.CHAIN_LEADER', 'kind="enterprise"',
    'if membership.role == ChainMembership.Role.MEMBER:', 'rights(city_admin=ALL)',
    'if is_county_user(user):',
])
def test_other_roles_and_kinds_are_not_role_literals(line):
    assert not lint.check_text(_rule("no-role-literal"), line)


@pytest.mark.parametrize("line", [
    "Organisation.objects.none()", "ContentType.objects.get_for_model(obj)",
    "AuthEvent.objects.create(kind=kind)", "Enterprise.objects.restrict(user, 'view')",
])
def test_scoped_reads_and_writes_pass(line):
    assert not lint.check_text(_rule("no-unscoped-read"), line)


def test_where_the_rules_apply():
    src = lint.SRC
    role, read, override = (_rule("no-role-literal").applies, _rule("no-unscoped-read").applies,
                            _rule("no-restrict-override").applies)
    for path in ("kpi/views.py", "web/navigation.py", "imports/spec.py", "orgs/models.py"):
        assert role(src / path), path
    for path in ("accounts/roles.py", "accounts/scoping.py", "accounts/access.py",
                 "orgs/tests/test_views.py", "reported/demo.py",
                 "core/management/commands/seed.py"):
        assert not role(src / path), path
    for path in ("orgs/forms.py", "orgs/api.py", "orgs/serializers.py", "imports/spec.py",
                 "cultivation/imports.py"):
        assert read(src / path), path
    for path in ("orgs/selectors.py", "kpi/metrics.py", "orgs/services.py", "orgs/models.py",
                 "orgs/admin.py", "orgs/tests/test_api.py", "orgs/demo.py"):
        assert not read(src / path), path
    assert override(src / "reported/models.py") and not override(src / "accounts/scoping.py")
