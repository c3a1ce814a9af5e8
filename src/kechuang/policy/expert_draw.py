"""The reproducible expert draw (专家抽取) — pure: same pool, rules and seed → same group.

:func:`draw` filters the pool (field, title, availability, not conflicted, not over the
per-call load) and orders the eligible experts by a keyed hash of (seed, expert key), which
does not depend on the pool's order or on Python's ``random`` implementation; the first
``size`` form the group, the next ``reserves`` are the reserves (替补). Every expert left out
is returned with the reasons, so the record of a draw explains itself. A conflict staff
overrode (``DrawRules.overrides``) does not exclude. :func:`decline`
replaces a member who declines by the first reserve still waiting.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace

from kechuang.policy.review_conflicts import Conflict

RULE_VERSION = "expert_draw/2025"


@dataclass(frozen=True)
class Candidate:
    """An expert of the pool as the draw sees them."""

    key: Hashable
    fields: frozenset[str] = frozenset()
    title: str = ""
    available: bool = True
    load: int = 0  # assignments already held in this call
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True)
class DrawRules:
    size: int
    reserves: int = 0
    fields: frozenset[str] = frozenset()  # any of these (empty: any field)
    titles: frozenset[str] = frozenset()  # any of these (empty: any title)
    max_load: int | None = None  # per call; None: no cap
    # experts whose conflicts staff overrode (each with a recorded reason, outside this
    # function): their conflicts no longer exclude them; every other rule still applies
    overrides: frozenset[Hashable] = frozenset()


@dataclass(frozen=True)
class Exclusion:
    key: Hashable
    reasons: tuple[str, ...]
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True)
class DrawResult:
    seed: int
    members: tuple[Hashable, ...]
    reserves: tuple[Hashable, ...]
    exclusions: tuple[Exclusion, ...]
    pool: tuple[Hashable, ...]  # every candidate considered, sorted
    declined: tuple[Hashable, ...] = ()
    substitutions: tuple[tuple[Hashable, Hashable | None], ...] = field(default=())
    rule_version: str = RULE_VERSION


def order_key(seed: int, key: Hashable) -> str:
    """The draw order of one expert: sha256 of "seed:key" (stable across runs and Pythons)."""
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def reasons_against(candidate: Candidate, rules: DrawRules) -> list[str]:
    """Why a candidate cannot be drawn (empty: eligible)."""
    out = []
    if not candidate.available:
        out.append("暂不可参加评审")
    if rules.fields and not (candidate.fields & rules.fields):
        out.append("专业领域不符")
    if rules.titles and candidate.title not in rules.titles:
        out.append("职称不符")
    if rules.max_load is not None and candidate.load >= rules.max_load:
        out.append(f"本批次评审任务已达上限（{rules.max_load}项）")
    if candidate.key not in rules.overrides:
        for c in candidate.conflicts:
            out.append(f"回避：{c.label}——{c.evidence}")
    return out


def draw(pool: Sequence[Candidate], rules: DrawRules, seed: int) -> DrawResult:
    """Draw ``rules.size`` members and ``rules.reserves`` reserves from ``pool``."""
    if rules.size < 1 or rules.reserves < 0:
        raise ValueError("size must be ≥ 1 and reserves ≥ 0")
    keys = [c.key for c in pool]
    if len(set(keys)) != len(keys):
        raise ValueError("an expert appears twice in the pool")
    eligible, exclusions = [], []
    for c in sorted(pool, key=lambda c: str(c.key)):
        reasons = reasons_against(c, rules)
        if reasons:
            exclusions.append(Exclusion(c.key, tuple(reasons), tuple(c.conflicts)))
        else:
            eligible.append(c.key)
    ranked = sorted(eligible, key=lambda k: order_key(seed, k))
    return DrawResult(seed=seed, members=tuple(ranked[:rules.size]),
                      reserves=tuple(ranked[rules.size:rules.size + rules.reserves]),
                      exclusions=tuple(exclusions),
                      pool=tuple(sorted(keys, key=str)))


def decline(result: DrawResult, key: Hashable) -> DrawResult:
    """``key`` declines: the first waiting reserve takes the place (None when none is left)."""
    if key not in result.members:
        raise ValueError("only a member of the group can decline")
    substitute = result.reserves[0] if result.reserves else None
    members = tuple(substitute if m == key else m for m in result.members
                    if not (m == key and substitute is None))
    return replace(result, members=members, reserves=result.reserves[1:],
                   declined=(*result.declined, key),
                   substitutions=(*result.substitutions, (key, substitute)))
