"""The one transition engine: workflows are data (style.md §4), ``transition()`` moves objects.

A workflow is a table of :class:`Step` rows — from state, action, to state, the roles that
may take it, an optional guard — plus the rules every step shares (the state field, which
actions the submitter may not take on their own object). :func:`transition` is the only
code that assigns a state (``scripts/lint_project.py`` refuses ``.status =`` elsewhere).

In one transaction it

1. refuses a role that no step of the action allows (PermissionDenied → 403);
2. re-reads the row with ``select_for_update`` through ``restrict(actor, step.scope_action)``
   (outside the actor's scope → ScopeError; callers looked the row up through
   ``restrict(user, "view")`` first, so a foreign row is already a 404 there);
3. checks the *current* state has the action (a second, concurrent approval sees the first
   one's result and is refused), the step's roles, self-approval, a required reason and the
   guard;
4. sets the state, runs the step's effect (e.g. reviewed_by/at), ``full_clean()``, saves;
5. appends a :class:`~kechuang.workflow.models.Transition` and an audit ChangeRecord.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from kechuang.audit.models import ChangeRecord
from kechuang.audit.services import record_change, snapshot
from kechuang.core.errors import DomainError, ScopeError
from kechuang.workflow.models import Transition

M = TypeVar("M", bound=models.Model)

# guard(obj, actor) -> an error message a clerk can read, or None when the step may go ahead
Guard = Callable[[Any, Any], "str | None"]
# effect(obj, actor, reason): extra fields the step sets besides the state (reviewer, time…)
Effect = Callable[[Any, Any, str], None]


class TransitionError(DomainError):
    """The object's state, the guard or the submitter rule refuses the action."""


@dataclass(frozen=True)
class Step:
    source: str
    action: str
    target: str
    roles: frozenset[str]
    guard: Guard | None = None
    label: str = ""
    reason_required: bool = False
    effect: Effect | None = None
    scope_action: str = "approve"  # the restrict()/can() action checked on the row

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(str(r) for r in self.roles))


@dataclass(frozen=True)
class Workflow:
    name: str
    steps: tuple[Step, ...]
    state_field: str = "status"
    forbid_self: frozenset[str] = field(default_factory=frozenset)
    submitted_by: str = "submitted_by"  # the field naming who submitted the object

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))
        object.__setattr__(self, "forbid_self", frozenset(self.forbid_self))
        seen = set()
        for s in self.steps:
            if (s.source, s.action) in seen:
                raise ValueError(f"{self.name}: two steps for {s.source!r} --{s.action}-->")
            seen.add((s.source, s.action))

    def steps_for(self, action: str) -> list[Step]:
        return [s for s in self.steps if s.action == action]

    def step(self, state: str, action: str) -> Step | None:
        for s in self.steps:
            if s.source == state and s.action == action:
                return s
        return None

    def state_of(self, obj: Any) -> str:
        return getattr(obj, self.state_field)

    def is_submitter(self, obj: Any, actor: Any) -> bool:
        attname = obj._meta.get_field(self.submitted_by).attname
        owner = getattr(obj, attname, None)
        return owner is not None and owner == getattr(actor, "pk", None)


def _state_label(obj: models.Model, workflow: Workflow, state: str) -> str:
    f = obj._meta.get_field(workflow.state_field)
    return str(dict(f.flatchoices).get(state, state)) if f.choices else state


def _step_label(step: Step) -> str:
    return str(step.label or step.action)


def _actor_name(actor: Any) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_full_name() or actor.username
    return "system"


def transition(obj: M, *, workflow: Workflow, action: str, actor: Any, reason: str = "") -> M:
    """Take ``action`` on ``obj``; return the saved, re-read object (see the module docstring)."""
    candidates = workflow.steps_for(action)
    if not candidates:
        raise ValueError(f"workflow {workflow.name!r} has no action {action!r}")
    role = getattr(actor, "role", None)
    if not getattr(actor, "is_authenticated", False) or not any(
            role in s.roles for s in candidates):
        raise PermissionDenied
    reason = (reason or "").strip()
    model = type(obj)
    with transaction.atomic():
        scope_actions = {s.scope_action for s in candidates}
        qs = model._default_manager.none()
        for scope_action in scope_actions:
            qs = qs | model._default_manager.restrict(actor, scope_action)
        locked = qs.select_for_update().filter(pk=obj.pk).first()
        if locked is None:
            raise ScopeError(_("该记录不在您的管辖范围内，无法办理"))
        state = workflow.state_of(locked)
        step = workflow.step(state, action)
        if step is None:
            raise TransitionError(
                _("当前状态为“%(state)s”，不能执行“%(action)s”（可能已被他人办理，请刷新页面）")
                % {"state": _state_label(locked, workflow, state),
                   "action": _step_label(candidates[0])}, code="invalid_state")
        if role not in step.roles:
            raise PermissionDenied
        if action in workflow.forbid_self and workflow.is_submitter(locked, actor):
            raise TransitionError(_("不能审核本人提交的记录"), code="permission_denied")
        if step.reason_required and not reason:
            raise TransitionError(_("请填写%(action)s的原因") % {"action": _step_label(step)},
                                  field="reason")
        if step.guard is not None:
            problem = step.guard(locked, actor)
            if problem:
                raise TransitionError(str(problem), code="guard")
        before = snapshot(locked)
        setattr(locked, workflow.state_field, step.target)
        if step.effect is not None:
            step.effect(locked, actor, reason)
        locked.full_clean()
        locked.save()
        Transition.objects.create(
            content_type=ContentType.objects.get_for_model(locked, for_concrete_model=True),
            object_id=locked.pk, workflow=workflow.name, action=action,
            action_label=_step_label(step)[:50], from_state=state, to_state=step.target,
            actor=actor, actor_name=_actor_name(actor)[:150], reason=reason[:500])
        record_change(actor=actor, action=ChangeRecord.Action.UPDATE, obj=locked,
                      before=before, after=snapshot(locked),
                      reason=f"{_step_label(step)}：{reason}" if reason else _step_label(step))
    return locked


def available_actions(obj: models.Model, *, workflow: Workflow, actor: Any) -> list[Step]:
    """The steps ``actor`` may take on ``obj`` now (for buttons); no query unless a guard asks.

    The caller has already read ``obj`` through ``restrict(actor, "view")``; the row-level
    scope of the action itself is checked again by :func:`transition`.
    """
    from kechuang.accounts.scoping import can

    if not getattr(actor, "is_authenticated", False):
        return []
    state = workflow.state_of(obj)
    out = []
    for step in workflow.steps:
        if step.source != state or actor.role not in step.roles:
            continue
        if not can(actor, step.scope_action, type(obj)):
            continue
        if step.action in workflow.forbid_self and workflow.is_submitter(obj, actor):
            continue
        if step.guard is not None and step.guard(obj, actor):
            continue
        out.append(step)
    return out


# --- reviewers: who decides a submitted object, their notice and their to-do list ------------

@dataclass(frozen=True)
class ReviewSource:
    """A model whose objects wait for a decision under ``workflow`` (the to-do list reads it)."""

    key: str
    model: type[models.Model]
    workflow: Workflow
    label: Any
    related: tuple[str, ...] = ()  # select_related for the list (str() of a row reads them)


REVIEW_SOURCES: dict[str, ReviewSource] = {}


def register_review_source(key: str, model: type[models.Model], workflow: Workflow,
                           label: Any, related: tuple[str, ...] = ()) -> None:
    """Make ``model`` appear in reviewers' to-do lists (called from the app's workflows.py)."""
    REVIEW_SOURCES[key] = ReviewSource(key, model, workflow, label, tuple(related))


def _deciding_steps(workflow: Workflow, state: str) -> list[Step]:
    return [s for s in workflow.steps if s.source == state]


def reviewers(obj: models.Model, *, workflow: Workflow) -> list[Any]:
    """Active users who may take a step on ``obj`` in its current state — derived from the
    steps' roles and each user's row scope, without the submitter where self-review is
    forbidden. One scope check per distinct (role, county, organisation), not per user."""
    from kechuang.accounts.models import User

    steps = _deciding_steps(workflow, workflow.state_of(obj))
    roles = {r for s in steps for r in s.roles}
    if not roles:
        return []
    candidates = list(User.objects.filter(is_active=True, role__in=roles)
                      .only("pk", "role", "county_id", "organisation_id", "is_active"))
    if steps and all(s.action in workflow.forbid_self for s in steps):
        candidates = [u for u in candidates if not workflow.is_submitter(obj, u)]
    manager = type(obj)._default_manager
    verdict: dict[tuple, bool] = {}
    out = []
    for user in candidates:
        key = (user.role, user.county_id, user.organisation_id)
        if key not in verdict:
            verdict[key] = any(
                user.role in s.roles
                and manager.restrict(user, s.scope_action).filter(pk=obj.pk).exists()
                for s in steps)
        if verdict[key]:
            out.append(user)
    return out


def notify_reviewers(obj: models.Model, *, workflow: Workflow, title: str, body: str = "",
                     url: str = "") -> int:
    """Tell the users who can decide ``obj`` that it waits for them (one notice each)."""
    from kechuang.notices.services import notify

    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return notify(recipients=reviewers(obj, workflow=workflow), title=title, body=body,
                  url=url, dedupe_key=f"review:{ct.pk}:{obj.pk}:{workflow.state_of(obj)}")


def awaiting_decision(user: Any, source: ReviewSource) -> models.QuerySet:
    """The objects of ``source`` waiting for ``user``'s decision (one query; not their own
    submissions where self-review is forbidden)."""
    from kechuang.accounts.scoping import can

    wf = source.workflow
    manager = source.model._default_manager
    role = getattr(user, "role", None)
    q = models.Q(pk__in=[])
    for step in wf.steps:
        if role in step.roles and can(user, step.scope_action, source.model):
            rows = manager.restrict(user, step.scope_action).filter(
                **{wf.state_field: step.source})
            if step.action in wf.forbid_self:
                rows = rows.exclude(**{wf.submitted_by: user.pk})
            q |= models.Q(pk__in=rows.values("pk"))
    return manager.filter(q).select_related(*source.related)
