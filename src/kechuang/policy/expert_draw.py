"""The reproducible expert draw (专家抽取) — pure: same pool, rules and seed → same group.

:func:`draw` filters the pool (field, title, availability, not conflicted, not over the
per-call load) and orders the eligible experts by a keyed hash of (seed, expert key), which
does not depend on the pool's order or on Python's ``random`` implementation; the first
``size`` form the group, the next ``reserves`` are the reserves (替补). Every expert left out
is returned with the reasons, so the record of a draw explains itself. A conflict staff
overrode (``DrawRules.overrides``) does not exclude. :func:`decline`
replaces a member who declines by the first reserve still waiting. :class:`Pool` prepares a
pool once for many draws (a whole call) and gives exactly :func:`draw`'s results, so
``RULE_VERSION`` is unchanged and recorded draws replay as before.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Hashable, Mapping, Sequence
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
    out = _static_reasons(candidate, rules)
    if candidate.key not in rules.overrides:
        out.extend(_conflict_reasons(candidate.conflicts))
    return out


def _static_reasons(candidate: Candidate, rules: DrawRules) -> list[str]:
    """The reasons that do not depend on the application: availability, field, title, load."""
    out = []
    if not candidate.available:
        out.append("暂不可参加评审")
    if rules.fields and not (candidate.fields & rules.fields):
        out.append("专业领域不符")
    if rules.titles and candidate.title not in rules.titles:
        out.append("职称不符")
    if rules.max_load is not None and candidate.load >= rules.max_load:
        out.append(f"本批次评审任务已达上限（{rules.max_load}项）")
    return out


def _conflict_reasons(conflicts: Sequence[Conflict]) -> tuple[str, ...]:
    return tuple(f"回避：{c.label}——{c.evidence}" for c in conflicts)


class Pool:
    """A pool prepared once for many draws (every application of a call).

    Sorting the pool, checking its keys, encoding them for the hash and screening it by the
    rules that do not depend on the application (availability, field, title, load — cached
    per rule set) are done once; :meth:`draw` then looks at each application's conflicts and
    hashes each eligible expert. The result is exactly :func:`draw`'s for the same
    candidates, rules and seed: the order key is the same sha256, compared as bytes (which
    orders like its hex digest), and only the group and reserves are taken from a heap.
    """

    __slots__ = ("candidates", "keys", "_encoded", "_screens")

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        keys = [c.key for c in candidates]
        if len(set(keys)) != len(keys):
            raise ValueError("an expert appears twice in the pool")
        self.candidates = sorted(candidates, key=lambda c: str(c.key))
        self.keys = tuple(c.key for c in self.candidates)
        self._encoded = [f"{k}".encode() for k in self.keys]
        self._screens: dict[tuple, tuple[list[int], list[tuple[int, tuple[str, ...]]],
                                         dict[int, Exclusion]]] = {}

    def _screen(self, rules: DrawRules):
        """(eligible positions, [(excluded position, reasons)], position → bare exclusion)
        for the application-independent rules; cached per rule set."""
        key = (rules.fields, rules.titles, rules.max_load)
        if key not in self._screens:
            eligible, excluded, bare = [], [], {}
            for i, c in enumerate(self.candidates):
                reasons = tuple(_static_reasons(c, rules))
                if reasons:
                    excluded.append((i, reasons))
                    bare[i] = Exclusion(c.key, reasons, ())
                else:
                    eligible.append(i)
            self._screens[key] = (eligible, excluded, bare)
        return self._screens[key]

    def draw(self, rules: DrawRules, seed: int,
             conflicts: Mapping[Hashable, Sequence[Conflict]] | None = None) -> DrawResult:
        """Draw from the prepared pool. ``conflicts`` (expert key → conflicts with this
        application), when given, stands for the candidates' own ``conflicts``."""
        if rules.size < 1 or rules.reserves < 0:
            raise ValueError("size must be ≥ 1 and reserves ≥ 0")
        eligible, excluded, bare = self._screen(rules)
        keys, overrides = self.keys, rules.overrides
        if conflicts is None:
            found_of = {k: tuple(c.conflicts) for k, c in zip(keys, self.candidates,
                                                               strict=True) if c.conflicts}
        else:
            found_of = {k: tuple(v) for k, v in conflicts.items() if v}
        prefix = hashlib.sha256(f"{seed}:".encode())
        encoded = self._encoded
        ranked: list[tuple[bytes, int]] = []
        out: list[tuple[int, Exclusion]] = []
        for i in eligible:
            found = found_of.get(keys[i])
            if found and keys[i] not in overrides:
                out.append((i, Exclusion(keys[i], _conflict_reasons(found), found)))
                continue
            h = prefix.copy()
            h.update(encoded[i])
            ranked.append((h.digest(), i))
        for i, reasons in excluded:
            found = found_of.get(keys[i])
            if not found:
                out.append((i, bare[i]))
            else:
                more = () if keys[i] in overrides else _conflict_reasons(found)
                out.append((i, Exclusion(keys[i], reasons + more, found)))
        out.sort(key=lambda pair: pair[0])
        chosen = tuple(keys[i] for _, i in heapq.nsmallest(rules.size + rules.reserves,
                                                           ranked))
        return DrawResult(seed=seed, members=chosen[:rules.size],
                          reserves=chosen[rules.size:],
                          exclusions=tuple(x for _, x in out), pool=keys)


def draw(pool: Sequence[Candidate], rules: DrawRules, seed: int) -> DrawResult:
    """Draw ``rules.size`` members and ``rules.reserves`` reserves from ``pool``.

    For many draws from one pool, prepare it once with :class:`Pool`.
    """
    if rules.size < 1 or rules.reserves < 0:
        raise ValueError("size must be ≥ 1 and reserves ≥ 0")
    return Pool(pool).draw(rules, seed)


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
