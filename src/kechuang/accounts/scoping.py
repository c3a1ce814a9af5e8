"""The one row-scoping mechanism: ``Model.objects.restrict(user, action)``.

Every list, detail, search, export, API endpoint, selector and import lookup
reads through it; nothing else filters by role. Each scoped model declares a
:class:`Scope` — which actions each role may take and the field paths that
lead from a row to its county and its organisation. The role then decides the
kind of filter:

* city administrator / city staff: every row;
* county staff: rows whose county is theirs;
* enterprise user / service provider: rows of their own organisation;
* audit administrator (auditor): every row of the models it may read (the audit trail);
* system / security administrator: only their own personal rows (jobs, notices) — they
  administer accounts and security in the Django admin, not the bureau's data;
* expert reviewer: nothing here yet (assigned applications come with projects).

No right to the action at all → :func:`can` is False → the view answers 403.
The right, but the row is outside the scope → it is not in ``restrict`` → 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from kechuang.accounts.roles import Role

if TYPE_CHECKING:
    from kechuang.accounts.models import User

ACTIONS = ("view", "add", "change", "delete", "export", "approve")
ALL = frozenset(ACTIONS)
READ = frozenset({"view", "export"})


@dataclass(frozen=True)
class Scope:
    """Who may do what to a model's rows, and how rows reach a county/organisation."""

    rights: dict[str, frozenset[str]]
    county: str | None = None
    organisation: str | None = None
    public_read: bool = False  # reference data (regions, chains): every signed-in user reads all
    owner: str | None = None  # personal rows (jobs): every role sees only the rows it owns
    # personal rows a role may also read (view/export, never change): role → owners' roles,
    # e.g. the city administrator opens the import runs of city staff
    owner_readers: dict[str, frozenset[str]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


_SCOPES: dict[type[models.Model], Scope] = {}


def register(model: type[models.Model], scope: Scope) -> None:
    _SCOPES[model] = scope


def scope_for(model: type[models.Model]) -> Scope:
    concrete = model._meta.concrete_model or model
    try:
        return _SCOPES[model]
    except KeyError:
        try:
            return _SCOPES[concrete]
        except KeyError as exc:
            raise LookupError(f"{model.__name__} has no registered scope") from exc


def can(user: User | Any, action: str, model: type[models.Model]) -> bool:
    """May this user take this action on this model at all (ignoring which rows)?"""
    if action not in ALL:
        raise ValueError(f"unknown action {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    scope = scope_for(model)
    if scope.public_read and action == "view":
        return True
    return action in scope.rights.get(user.role, frozenset())


def scope_q(user: User | Any, action: str, model: type[models.Model]) -> Q | None:
    """The filter for this user's rows, or None for "no rows"; Q() means all rows."""
    if not can(user, action, model):
        return None
    scope = scope_for(model)
    if scope.public_read and action == "view":
        return Q()
    if scope.owner is not None:
        mine = Q(**{scope.owner: user.pk})
        readable = scope.owner_readers.get(user.role)
        if readable and action in READ:
            owner_rel = scope.owner.removesuffix("_id")
            return mine | Q(**{f"{owner_rel}__role__in": sorted(readable)})
        return mine
    role = user.role
    if role in (Role.CITY_ADMIN, Role.CITY_STAFF, Role.AUDITOR):
        return Q()
    if role == Role.COUNTY_STAFF:
        if scope.county is None or user.county_id is None:
            return None
        return Q(**{scope.county: user.county_id})
    if role in (Role.ENTERPRISE, Role.PROVIDER):
        if scope.organisation is None or user.organisation_id is None:
            return None
        return Q(**{scope.organisation: user.organisation_id})
    return None


class RestrictQuerySet(models.QuerySet):
    def restrict(self, user: User | Any, action: str = "view") -> RestrictQuerySet:
        q = scope_q(user, action, self.model)
        if q is None:
            return self.none()
        return self.filter(q) if q else self


RestrictManager = models.Manager.from_queryset(RestrictQuerySet)


def allowed_actions(user: User | Any, model: type[models.Model]) -> set[str]:
    return {a for a in ACTIONS if can(user, a, model)}


def rights(**by_role: Iterable[str]) -> dict[str, frozenset[str]]:
    return {role: frozenset(actions) for role, actions in by_role.items()}
