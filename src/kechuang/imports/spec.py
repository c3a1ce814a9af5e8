"""Import specs: the columns of one kind of workbook and how its rows become model rows.

Each app describes its Excel import once, in ``<app>/imports.py``, and registers it::

    register(ImportSpec(
        kind="orgs.annual_report", title=_("企业年度报表"), model=EnterpriseAnnualReport,
        columns=[Column(_("统一社会信用代码"), "credit_code", "credit_code", required=True), …],
        key=("credit_code", "year"), resolve=resolve_reports,
        example={"credit_code": "91140400MA0000001X", "year": 2024, …}))

The template (headers, example sheet, dropdowns, 填写说明), the parser (headers matched by
their Chinese label), the per-cell conversion, duplicate detection, the model's own
validation (``full_clean``), the preview, the all-or-nothing commit and the audit trail all
come from the spec (see ``engine.py``); the app writes only ``resolve``, the bulk look-up of
the rows a chunk refers to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from kechuang.accounts.access import IMPORT_ROLES
from kechuang.accounts.scoping import can
from kechuang.core.services import BulkHook

KINDS = ("text", "int", "decimal", "money", "date", "bool", "choice", "credit_code")



@dataclass(frozen=True)
class Column:
    """One column of the workbook.

    ``label`` is the Chinese header (matched ignoring order, spaces, "*", full-width
    brackets); ``field`` the key in ``ImportRow.data`` — a model field name when the value
    goes straight to the model (the engine applies those), anything else when ``resolve``
    uses it (e.g. ``credit_code`` to find the enterprise).

    ``normalize`` (optional) maps a converted, non-blank value to its canonical form before
    the range and duplicate checks — e.g. a certificate number pasted with spaces or in lower
    case — and may raise ``cells.CellError`` with a Chinese message.
    """

    label: Any
    field: str
    kind: str = "text"  # text | int | decimal | money | date | bool | choice | credit_code
    required: bool = False
    min_value: int | Decimal | dt.date | None = None  # dates too: plausible date range
    max_value: int | Decimal | dt.date | None = None
    choices: Sequence[tuple[Any, Any]] = ()  # (stored value, Chinese label) for kind="choice"
    help: Any = ""
    width: int = 0  # template column width; 0: from the label
    normalize: Callable[[Any], Any] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"choice column {self.field!r} needs choices")


@dataclass
class ImportContext:
    """What a chunk hook may know about the run."""

    user: Any
    committing: bool = False  # the commit pass: lock the rows read (select_for_update)
    run_id: int | None = None
    cache: dict[str, Any] = field(default_factory=dict)  # the spec's own memo for this pass


@dataclass
class ImportRow:
    """One data row of the workbook on its way to the database.

    ``data`` holds the converted cells (``None`` for a blank cell). ``resolve`` sets
    ``instance`` — the existing row, unmodified (related-object caches only), or a new
    unsaved one with its identifying fields set — and may put further model values in
    ``values`` (e.g. a foreign key found from a code). The engine then applies ``data`` and
    ``values``, runs ``full_clean`` and decides ``action``.
    """

    number: int  # the row number as Excel shows it
    data: dict[str, Any]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message)
    instance: models.Model | None = None
    values: dict[str, Any] = field(default_factory=dict)
    action: str = ""  # create | update | unchanged (set by the engine)
    before: dict[str, Any] | None = None  # audit snapshot of the existing row
    changed: list[str] = field(default_factory=list)  # attnames whose value changes
    old: dict[str, Any] = field(default_factory=dict)  # attname → value before

    def add_error(self, field_name: str, message: Any) -> None:
        self.errors.append((field_name, str(message)))

    @property
    def ok(self) -> bool:
        return not self.errors


Resolve = Callable[[ImportContext, list[ImportRow]], None]
Commit = Callable[["ImportSpec", ImportContext, list[ImportRow]], None]


@dataclass
class ImportSpec:
    kind: str  # "<app>.<thing>", also the URL part: /imports/new/<kind>/
    title: Any  # "企业年度报表"
    model: type[models.Model]  # who may import: can(user, "add") and can(user, "change")
    columns: list[Column]
    key: tuple[str, ...]  # column fields that identify a row (duplicates, create-or-update)
    # Per chunk (≤ engine.CHUNK rows whose key cells are all filled): look up what the rows
    # refer to in bulk, through restrict(ctx.user, …) — one query per chunk, never per row —
    # and set row.instance / row.values, or row.add_error(field, message).
    resolve: Resolve
    # The app service's bulk hook the rows are validated and written through (its rules, the
    # model's validation, bulk create/update, scope re-check, one ChangeRecord per row); None:
    # the plain ``core.services.bulk_save`` for the model.
    service: BulkHook | None = None
    # Per chunk, inside the commit transaction, with the rows to create or update, instead of
    # engine.bulk_write (which writes through ``service``) — for tests and special cases.
    commit: Commit | None = None
    # Once per commit pass, in the same transaction, after the last chunk was written and only
    # when every row is valid and some row was created or updated: the rows written (e.g. to
    # recompute what depends on them, in bulk). Not called on the check pass.
    after_commit: Commit | None = None
    # Further column-field sets that must not repeat within the file (besides ``key``), e.g.
    # a number that is unique in the database but is not the import key. Reported like key
    # duplicates, on every row that shares the value; the database side is resolve()'s job.
    unique: tuple[tuple[str, ...], ...] = ()
    roles: frozenset[str] = IMPORT_ROLES
    example: dict[str, Any] = field(default_factory=dict)  # field → value of the example row
    notes: list[Any] = field(default_factory=list)  # extra lines for the 填写说明 sheet
    # model fields full_clean must skip: foreign keys resolve() found through restrict()
    # (Django would otherwise query each one again, once per row)
    clean_exclude: tuple[str, ...] = ()
    field_labels: dict[str, Any] = field(default_factory=dict)  # error column for non-columns
    describe: Callable[[models.Model], str] = str  # the row's label in preview and audit

    def __post_init__(self) -> None:
        fields = [c.field for c in self.columns]
        if len(set(fields)) != len(fields):
            raise ValueError(f"{self.kind}: duplicate column fields")
        missing = [k for k in (*self.key, *(f for u in self.unique for f in u))
                   if k not in fields]
        if missing:
            raise ValueError(f"{self.kind}: key fields {missing} are not columns")

    def column(self, field_name: str) -> Column | None:
        for c in self.columns:
            if c.field == field_name:
                return c
        return None

    def label_for(self, field_name: str) -> str:
        """The column an error on this field is reported under."""
        col = self.column(field_name)
        if col is not None:
            return str(col.label)
        if field_name in self.field_labels:
            return str(self.field_labels[field_name])
        try:
            return str(self.model._meta.get_field(field_name).verbose_name)
        except Exception:  # "__all__" or a name only resolve() knows
            return str(self.column(self.key[0]).label)  # type: ignore[union-attr]


_SPECS: dict[str, ImportSpec] = {}


def register(spec: ImportSpec) -> ImportSpec:
    _SPECS[spec.kind] = spec
    return spec


def get_spec(kind: str) -> ImportSpec:
    try:
        return _SPECS[kind]
    except KeyError as exc:
        raise LookupError(f"no import spec {kind!r}") from exc


def all_specs() -> list[ImportSpec]:
    return list(_SPECS.values())


def may_import(user: Any, spec: ImportSpec) -> bool:
    """The role imports this kind: one of the spec's roles with add and change rights."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (user.role in spec.roles and can(user, "add", spec.model)
            and can(user, "change", spec.model))


def specs_for(user: Any) -> list[ImportSpec]:
    return [s for s in _SPECS.values() if may_import(user, s)]
