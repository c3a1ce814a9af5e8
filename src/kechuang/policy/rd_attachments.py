"""Attachments a call requires of an application (申报附件) — pure, no Django.

A call lists its required attachments, each a name and the file types allowed (e.g.
可行性研究报告: pdf; 营业执照: pdf, jpg). :func:`parse_requirements` reads the call's list and
says what is wrong with it; :func:`attachment_problems` says, for an application's uploaded
files, which requirement is missing or has a file of a type the call does not allow. Both
return problem tuples; the service words them in Chinese (one message per problem).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# the types the upload checks know (core.uploads.KINDS); a call chooses among them
KNOWN_TYPES = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png")


@dataclass(frozen=True)
class Requirement:
    name: str
    types: tuple[str, ...]
    # an anonymised copy the applicant prepares: the one kind of attachment reviewers see on
    # a blind call (匿名评审)
    blind_copy: bool = False

    @property
    def upload_types(self) -> tuple[str, ...]:
        """The extensions accepted: the types, with .jpeg for jpg (one format, two
        spellings)."""
        return (*self.types, "jpeg") if "jpg" in self.types else self.types

    def allows(self, file_name: str) -> bool:
        return extension(file_name) in self.upload_types

    @property
    def types_label(self) -> str:
        return "/".join(t.upper() for t in self.types)


@dataclass(frozen=True)
class Uploaded:
    requirement: str  # the requirement's name; "" for a further attachment
    file_name: str


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def parse_requirements(raw: Any) -> tuple[list[Requirement], list[tuple[str, str]]]:
    """The call's list as requirements, and its problems as (kind, detail):
    ``shape`` — not a list of objects; ``name`` — an entry without a name (detail: its
    position, from 1); ``duplicate`` — a name twice; ``types`` — no type, or a type the
    upload checks do not know (detail: the name)."""
    if raw in (None, ""):
        return [], []
    if not isinstance(raw, list):
        return [], [("shape", "")]
    out: list[Requirement] = []
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            problems.append(("shape", str(i)))
            continue
        name = str(entry.get("name") or "").strip()
        if not name:
            problems.append(("name", str(i)))
            continue
        if name in seen:
            problems.append(("duplicate", name))
            continue
        seen.add(name)
        types = entry.get("types") or []
        if isinstance(types, str):
            types = types.replace("，", ",").replace("/", ",").split(",")
        norm = tuple(dict.fromkeys(
            "jpg" if t == "jpeg" else t
            for t in (str(t).strip().lower().lstrip(".") for t in types) if t))
        if not norm or any(t not in KNOWN_TYPES for t in norm):
            problems.append(("types", name))
            continue
        out.append(Requirement(name, norm, bool(entry.get("blind_copy"))))
    return out, problems


def attachment_problems(required: Sequence[Requirement], uploaded: Iterable[Uploaded]
                        ) -> list[tuple[str, Requirement, str]]:
    """(kind, requirement, file name) for each requirement not met, in the call's order:
    ``missing`` — nothing uploaded for it; ``type`` — a file of a type it does not allow
    (one problem per such file)."""
    by_req: dict[str, list[str]] = {}
    for u in uploaded:
        by_req.setdefault(u.requirement, []).append(u.file_name)
    out: list[tuple[str, Requirement, str]] = []
    for req in required:
        files = by_req.get(req.name, [])
        if not files:
            out.append(("missing", req, ""))
        for name in files:
            if not req.allows(name):
                out.append(("type", req, name))
    return out
