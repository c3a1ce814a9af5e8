"""Named questions about a user's role, for the few places that are not a row scope.

Views, forms, navigation and notification recipients ask :func:`~kechuang.accounts.scoping.can`
when the question is "may this user take this action on this model", and one of these helpers
otherwise (which county a clerk works for, who is told about a county's figures). Role values
appear only here, in ``roles.py`` and in ``scoping.py`` (``scripts/lint_project.py`` checks it),
so a new role or a changed right is one edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kechuang.accounts.roles import (
    ADMIN_PERMISSIONS,
    ADMIN_SITE_ROLES,
    BUREAU_ROLES,
    CITY_ROLES,
    Role,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from kechuang.accounts.models import User

# Imports are bureau work for now: enterprises file their own report through the form.
IMPORT_ROLES = BUREAU_ROLES
# Whose import runs a role may also read (never commit or cancel): the city administrator
# opens the runs of city staff.
IMPORT_RUN_READERS = {Role.CITY_ADMIN.value: frozenset({Role.CITY_STAFF.value})}


def _role(user: Any) -> str | None:
    return getattr(user, "role", None)


def is_city_user(user: Any) -> bool:
    """City administrator or city staff: the whole city's rows, the city-level figures."""
    return _role(user) in CITY_ROLES


def is_county_user(user: Any) -> bool:
    """County staff: work for one county."""
    return _role(user) == Role.COUNTY_STAFF


def is_bureau_user(user: Any) -> bool:
    """The science and technology bureau (city or county), as opposed to enterprises,
    experts, service providers and the three administrators."""
    return _role(user) in BUREAU_ROLES


def is_enterprise_user(user: Any) -> bool:
    """The account of an enterprise (its own data, its self-assessment)."""
    return _role(user) == Role.ENTERPRISE


def may_open_admin_site(user: Any) -> bool:
    """May open the Django admin at all (each role only for its own models)."""
    return _role(user) in ADMIN_SITE_ROLES


def has_role_permission(user: Any, perm: str) -> bool:
    """The role's Django-admin permission (``ADMIN_PERMISSIONS``, what
    ``RolePermissionBackend`` grants), without the database queries of ``user.has_perm``."""
    return bool(getattr(user, "is_active", False)
                and perm in ADMIN_PERMISSIONS.get(_role(user) or "", frozenset()))


def county_of(user: Any) -> int | None:
    """The county a county clerk works for; None for everyone else (city roles: any)."""
    return getattr(user, "county_id", None) if is_county_user(user) else None


def can_report_city_indicator(user: Any) -> bool:
    """May submit a city-level figure (no county) and choose any county when submitting."""
    return is_city_user(user)


def county_staff(county_ids: Any) -> QuerySet[User]:
    """Active county staff of these counties (told about their county's figures)."""
    from kechuang.accounts.models import User

    return User.objects.filter(role=Role.COUNTY_STAFF, is_active=True, county_id__in=county_ids)


def enterprise_users(organisation_ids: Any) -> QuerySet[User]:
    """Active accounts of these enterprises (told about their own records)."""
    from kechuang.accounts.models import User

    return User.objects.filter(role=Role.ENTERPRISE, is_active=True,
                               organisation_id__in=organisation_ids)


def role_permission(perm: str) -> Callable[[Any], bool]:
    """A menu entry's test for the in-app administration pages: the role's admin permission
    (what those pages ask), see :func:`has_role_permission`."""
    return lambda user: has_role_permission(user, perm)


def bureau_users() -> QuerySet[User]:
    """Active accounts of the bureau, city and county (members of responsible units)."""
    from kechuang.accounts.models import User

    return User.objects.filter(role__in=sorted(BUREAU_ROLES), is_active=True)
