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
* expert reviewer: the rows assigned to them and not excluded by 回避 (:class:`Assignment`).

A scope may widen or narrow that, always by declaration, never by overriding ``restrict``:

* ``parents``: the row follows a parent row — visible for an action exactly when the parent is
  (evidence → its reported value, a record's files → the record);
* ``generic_parent``: the same through a generic relation (a workflow transition → its object);
* ``role_terms``: extra rows a role reads besides its own, for some actions (county staff also
  read the city-level reported values);
* ``assigned``: the expert's rule.

``restrict()`` never returns a row twice: a filter through a multi-valued relation is applied
as ``pk IN (subquery)``, and :func:`restricted_prefetch` gives prefetches the same scope.

No right to the action at all → :func:`can` is False → the view answers 403.
The right, but the row is outside the scope → it is not in ``restrict`` → 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Prefetch, Q

from kechuang.accounts.roles import Role

if TYPE_CHECKING:
    from kechuang.accounts.models import User

ACTIONS = ("view", "add", "change", "delete", "export", "approve")
ALL = frozenset(ACTIONS)
READ = frozenset({"view", "export"})


@dataclass(frozen=True)
class Assignment:
    """An expert's rows: assigned to them and not excluded by 回避 (conflict of interest).

    ``to`` leads from a row to the assigned user(s) (a foreign key or a many-to-many path);
    ``excluded`` to the users excluded from the row (a recusal list); ``conflicts`` maps a row
    path to a user attribute — the row is excluded when both are equal, e.g.
    ``{"enterprise_id": "organisation_id"}``: an expert never reviews their own organisation.
    """

    to: str
    excluded: str | None = None
    conflicts: dict[str, str] = field(default_factory=dict)

    def q(self, user: User | Any) -> Q:
        q = Q(**{self.to: user.pk})
        if self.excluded:
            q &= ~Q(**{self.excluded: user.pk})
        for path, attr in self.conflicts.items():
            value = getattr(user, attr, None)
            if value is not None:
                q &= ~Q(**{path: value})
        return q


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
    # rows follow a parent row (any of these foreign keys): visible when the parent is
    parents: tuple[str, ...] = ()
    # the same through a generic relation: (content type field, object id field)
    generic_parent: tuple[str, str] | None = None
    # role → (actions, Q): rows the role also reads for those actions, besides its own
    role_terms: dict[str, tuple[frozenset[str], Q]] = field(default_factory=dict)
    assigned: Assignment | None = None  # the expert reviewer's rows


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
    """The filter for this user's rows, or None for "no rows"; Q() means all rows.

    The filter may cross multi-valued relations; ``restrict()`` applies it without
    duplicating rows.
    """
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
    if role in _EVERY_ROW:
        return Q()
    if scope.parents or scope.generic_parent:
        q = _parents_q(user, action, model, scope)
    else:
        q = _own_q(user, scope)
    if q is None:
        return None
    actions, term = scope.role_terms.get(role, (frozenset(), None))
    if term is not None and action in actions:
        q |= term
    return q


_EVERY_ROW = frozenset({Role.CITY_ADMIN, Role.CITY_STAFF, Role.AUDITOR})


def _own_q(user: User | Any, scope: Scope) -> Q | None:
    role = user.role
    if role == Role.COUNTY_STAFF:
        if scope.county is None or user.county_id is None:
            return None
        return Q(**{scope.county: user.county_id})
    if role in (Role.ENTERPRISE, Role.PROVIDER):
        if scope.organisation is None or user.organisation_id is None:
            return None
        return Q(**{scope.organisation: user.organisation_id})
    if role == Role.EXPERT and scope.assigned is not None:
        return scope.assigned.q(user)
    return None


def _parents_q(user: User | Any, action: str, model: type[models.Model],
               scope: Scope) -> Q | None:
    """Rows whose parent row this user may take the action on (any of the declared parents)."""
    q: Q | None = None
    for path in scope.parents:
        parent = model._meta.get_field(path).related_model
        term = Q(**{f"{path}__in": parent._default_manager.restrict(user, action).values("pk")})
        q = term if q is None else q | term
    if scope.generic_parent is not None:
        from django.contrib.contenttypes.models import ContentType

        ct_field, id_field = scope.generic_parent
        for other in list(_SCOPES):
            if other is model or not can(user, action, other):
                continue
            ids = other._default_manager.restrict(user, action).values("pk")
            term = Q(**{ct_field: ContentType.objects.get_for_model(other),
                        f"{id_field}__in": ids})
            q = term if q is None else q | term
    return q


def _crosses_many(model: type[models.Model], q: Q) -> bool:
    """Does the filter follow a relation that may give a row more than once?"""
    for child in q.children:
        if isinstance(child, Q):
            if _crosses_many(model, child):
                return True
            continue
        opts = model._meta
        for part in child[0].split("__"):
            try:
                f = opts.get_field(part)
            except FieldDoesNotExist:
                break
            if f.many_to_many or f.one_to_many:
                return True
            if not f.is_relation or f.related_model is None:
                break
            opts = f.related_model._meta
    return False


class RestrictQuerySet(models.QuerySet):
    def restrict(self, user: User | Any, action: str = "view") -> RestrictQuerySet:
        """This user's rows for this action, each once (see the module docstring)."""
        q = scope_q(user, action, self.model)
        if q is None:
            return self.none()
        if not q:
            return self
        if _crosses_many(self.model, q):
            return self.filter(pk__in=self.model._base_manager.filter(q).values("pk"))
        return self.filter(q)


RestrictManager = models.Manager.from_queryset(RestrictQuerySet)


def restricted_prefetch(user: User | Any, action: str, lookup: str,
                        model: type[models.Model], queryset: models.QuerySet | None = None,
                        to_attr: str | None = None) -> Prefetch:
    """A ``Prefetch`` that loads only the related rows this user may take the action on.

    Use it wherever rows of a scoped model are prefetched for a user, so a page and the API
    show the same children. ``queryset`` (default: every row) may order or prefetch further.
    """
    qs = queryset if queryset is not None else model._default_manager.all()
    return Prefetch(lookup, queryset=qs.restrict(user, action), to_attr=to_attr)


def allowed_actions(user: User | Any, model: type[models.Model]) -> set[str]:
    return {a for a in ACTIONS if can(user, a, model)}


def rights(**by_role: Iterable[str]) -> dict[str, frozenset[str]]:
    return {role: frozenset(actions) for role, actions in by_role.items()}


def every_role(actions: Iterable[str]) -> dict[str, frozenset[str]]:
    """The same rights for every role (personal rows: notices, jobs)."""
    return {role: frozenset(actions) for role in Role.values}


def roles_with(action: str, model: type[models.Model]) -> frozenset[str]:
    """The roles whose declared rights include this action on this model (workflow steps,
    the recipients of a review notice)."""
    return frozenset(role for role, actions in scope_for(model).rights.items()
                     if action in actions)
