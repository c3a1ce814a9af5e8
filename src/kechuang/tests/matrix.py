"""The permission matrix kit: roles, the two fixture places, the Route declaration and the
row builders several apps share.

Each app declares its routes' expectations in its own ``tests/matrix.py`` (``ROUTES``), next to
its code; ``kechuang/tests/test_permission_matrix.py`` collects them from the installed apps'
manifests (plus ``SHELL_ROUTES`` below) and runs every route × every role. Expectations are
written by hand from the role definitions (not computed with restrict(), which is what is
under test):

* a role outside ``allowed`` gets 403 (anonymous: redirect to login, API: 401/403);
* an allowed role asking for an object outside its scope gets 404;
* otherwise 200 (or the route's ``ok`` status).

List pages, API lists and exports are also checked for rows outside the scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ["anonymous", "city_admin", "city_staff", "county_a_staff", "county_b_staff",
         "enterprise_a_user", "enterprise_b_user", "expert", "provider", "auditor",
         "system_admin", "security_admin"]
BUREAU = {"city_admin", "city_staff", "county_a_staff", "county_b_staff"}
ENTERPRISE_USERS = {"enterprise_a_user", "enterprise_b_user"}
SIGNED_IN = set(ROLES) - {"anonymous"}
AUDIT = {"auditor"}  # the audit administrator alone (三权分立, docs/security.md §2)

# Which of the two fixture places ("a" = 潞州区 / enterprise_a, "b" = 襄垣县 / enterprise_b)
# each role may see. Written out, not derived.
VISIBLE = {
    "city_admin": {"a", "b"}, "city_staff": {"a", "b"},
    "county_a_staff": {"a"}, "county_b_staff": {"b"},
    "enterprise_a_user": {"a"}, "enterprise_b_user": {"b"},
    "provider": set(),
}


@dataclass
class Route:
    allowed: set[str]
    # builds URL kwargs for place "a" or "b"; None for routes without an object
    kwargs: Callable[[dict, str], dict] | None = None
    method: str = "GET"
    ok: tuple[int, ...] = (200,)
    api: bool = False
    public: bool = False  # reachable without login (login page, schema docs…)
    skip_reason: str = ""
    also_post: bool = False  # also POST (empty) and expect the same denials
    list_marker: Callable[[dict, str], str] | None = None  # text that shows place's rows
    scoped: bool = True  # False: reference data every allowed role reads in full
    export_marker: Callable[[dict, str], str] | None = None  # text in the job's Excel file
    visible: dict[str, set[str]] | None = None  # overrides VISIBLE (e.g. per-owner rows)
    extra: dict[str, Any] = field(default_factory=dict)


# Personal rows (jobs, notices): only the owner sees them, whatever the role.
JOB_OWNERS = {role: set() for role in ROLES} | {"county_a_staff": {"a"},
                                                "county_b_staff": {"b"}}
CITY = {"city_admin", "city_staff"}
REVIEWERS = {"city_admin", "city_staff"}


def ent(ctx, place):
    return {"pk": ctx[f"enterprise_{place}"].pk}


def rep(ctx, place):
    return {"pk": ctx[f"report_{place}"].pk}


def ent_name(ctx, place):
    return ctx[f"enterprise_{place}"].name


def with_plan(ctx, place):
    """No URL kwargs: loads the 2025 plan the KPI pages work on (both places alike)."""
    from kechuang.plans.models import Plan
    from kechuang.plans.services import load_plan

    if not Plan.objects.exists():
        load_plan()
    return {}


# Routes of the project's own URL conf (not of an app)
SHELL_ROUTES: dict[str, Route] = {
    "set_language": Route(allowed=set(ROLES), public=True, method="POST", ok=(302,)),
    "api-root": Route(allowed=SIGNED_IN, api=True),
    "api-schema": Route(allowed=set(ROLES), public=True, api=True),
    "api-docs": Route(allowed=set(ROLES), public=True),
    "api-token": Route(allowed=set(ROLES), public=True, api=True, method="POST", ok=(400,)),
}
